"""A case's clock rows: what starting or extending a clock writes.

Durations and ladder times come from the policy and the business calendar
(pure); this module only turns them into rows. A command plans them from the
clocks it read (:func:`plan_start`, :func:`plan_extend`) and writes them with
its other rows; :func:`start` plans and writes at once. Each clock row carries
the next ladder step and when it is due (``next_step``/``next_at``), which is
what the sweep's partial index reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from disputeflow.workflow.errors import ValidationError


def ladder(engine, clock: str, started_at: datetime, due_at: datetime) -> list[tuple[Any, datetime]]:
    return engine.policy.steps(clock, started_at, due_at, engine.calendar)


def next_step_after(steps, level: str | None) -> tuple[str | None, datetime | None]:
    """The first ladder step beyond ``level`` (the highest step already raised)."""
    names = [s.name for s, _ in steps]
    start = names.index(level) + 1 if level in names else 0
    for step, at in steps[start:]:
        return step.name, at
    return None, None


def start(engine, tx, case_id: int, name: str, now: datetime, risk: str | None, category: str | None,
          running: dict[str, tuple], due_at: datetime | None = None, tier: str | None = None) -> dict | None:
    """Start clock ``name`` unless it is already running; returns what was started."""
    new = plan_start(engine, case_id, name, now, risk, category, running, tx.t, due_at, tier)
    if new is None:
        return None
    tx.run("insert_clock", new)
    return {"clock": name, "due_at": tx.time(new["due_at"])}


def plan_start(engine, case_id: int, name: str, now: datetime, risk: str | None, category: str | None,
               running: dict[str, tuple], t: Callable, due_at: datetime | None = None,
               tier: str | None = None) -> dict | None:
    """The ``insert_clock`` parameters of clock ``name``; None if it runs already or the policy gives it no time."""
    if name in running:
        return None
    if due_at is None:
        due_at = engine.policy.due_at(name, now, risk, category, engine.calendar, tier)
        if due_at is None:
            return None
    return row(engine, t, case_id, name, now, due_at)


def running_row(params: dict) -> tuple:
    """A clock just planned, in the form of a ``running_clocks`` row (no id yet: it is not written)."""
    return (None, params["name"], params["started_at"], params["due_at"], params["warn_at"], 0, None,
            params["next_step"], params["next_at"], params["calendar_rev"])


def row(engine, t: Callable, case_id: int, name: str, now: datetime, due_at: datetime) -> dict:
    """The parameters of a new running clock: its ladder decides the warning and the first step.

    ``t`` converts a time to the driver's form (``Tx.t``).
    """
    steps = ladder(engine, name, now, due_at)
    warn_at = next((at for s, at in steps if s.kind == "fraction"), None)
    step, at = next_step_after(steps, None)
    return {"case_id": case_id, "name": name, "started_at": t(now), "due_at": t(due_at),
            "warn_at": t(warn_at), "calendar_rev": engine.calendar.revision, "next_step": step,
            "next_at": t(at)}


@dataclass(frozen=True, slots=True)
class Extension:
    """A planned extension: the ``reschedule_running_clock`` parameters (without the case), the clock's
    row as it will read afterwards, and what the audit event records."""

    params: dict
    row: tuple
    info: dict


def plan_extend(engine, running: dict[str, tuple], clock: str, until: datetime, now: datetime, t: Callable,
                time: Callable, risk: str | None = None, category: str | None = None,
                tier: str | None = None) -> Extension:
    """Move a running clock's due time once, within the policy's cap.

    Steps already raised stay raised; the next step is recomputed from the new due time.
    ``t`` and ``time`` convert times to and from the driver's form.

    Raises:
        ValidationError: the clock is not running, was extended already, or the
            new time is not later than the current due time or beyond the cap.
    """
    current = running.get(clock)
    if current is None:
        raise ValidationError.one("clock", f"时限“{clock}”当前未在计时，无法延期", f"clock {clock} is not running")
    cid, _name, started_raw, due_raw, _warn, extended, level, _step, _at, _rev = current
    started_at, due_at = time(started_raw), time(due_raw)
    if extended >= engine.policy.max_extensions_per_clock:
        raise ValidationError.one("clock", "该时限已延期过一次，不能再次延期", "this clock was extended already")
    if until <= due_at:
        raise ValidationError.one("until", "延期后的期限必须晚于原期限", "the new due time must be later than the current one")
    limit_at = engine.policy.extension_limit(clock, due_at, engine.calendar, risk, category, tier)
    if until > limit_at:
        from disputeflow.workflow.timeutil import format_local

        raise ValidationError.one("until", f"延期超出政策上限（最晚 {format_local(limit_at)}）",
                                  f"extension beyond the policy cap (latest {limit_at.isoformat()})")
    steps = ladder(engine, clock, started_at, until)
    warn_at = next((at for s, at in steps if s.kind == "fraction"), None)
    step, at = next_step_after(steps, level)
    params = {"name": clock, "due_at": t(until), "warn_at": t(warn_at), "extended": extended + 1,
              "next_step": step, "next_at": t(at), "calendar_rev": engine.calendar.revision}
    after = (cid, clock, started_raw, params["due_at"], params["warn_at"], extended + 1, level, step,
             params["next_at"], params["calendar_rev"])
    return Extension(params, after, {"clock": clock, "from": due_at, "to": until})
