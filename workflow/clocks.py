"""Starting, stopping and extending a case's clocks inside a command's transaction.

Durations and ladder times come from the policy and the business calendar
(pure); this module only turns them into rows. Each clock row carries the next
ladder step and when it is due (``next_step``/``next_at``), which is what the
sweep's partial index reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workflow.errors import ValidationError


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
    if name in running:
        return None
    if due_at is None:
        due_at = engine.policy.due_at(name, now, risk, category, engine.calendar, tier)
        if due_at is None:
            return None
    tx.run("insert_clock", row(engine, tx, case_id, name, now, due_at))
    return {"clock": name, "due_at": due_at}


def row(engine, tx, case_id: int, name: str, now: datetime, due_at: datetime) -> dict:
    """The parameters of a new running clock: its ladder decides the warning and the first step."""
    steps = ladder(engine, name, now, due_at)
    warn_at = next((at for s, at in steps if s.kind == "fraction"), None)
    step, at = next_step_after(steps, None)
    return {"case_id": case_id, "name": name, "started_at": tx.t(now), "due_at": tx.t(due_at),
            "warn_at": tx.t(warn_at), "calendar_rev": engine.calendar.revision, "next_step": step,
            "next_at": tx.t(at)}


def extend(engine, tx, running: dict[str, tuple], clock: str, until: datetime, now: datetime,
           risk: str | None = None, category: str | None = None, tier: str | None = None) -> dict:
    """Move a running clock's due time once, within the policy's cap.

    Steps already raised stay raised; the next step is recomputed from the new due time.

    Raises:
        ValidationError: the clock is not running, was extended already, or the
            new time is not later than the current due time or beyond the cap.
    """
    row = running.get(clock)
    if row is None:
        raise ValidationError.one("clock", f"时限“{clock}”当前未在计时，无法延期", f"clock {clock} is not running")
    cid, _name, started_at, due_at, _warn, extended, level, *_ = row
    started_at, due_at = tx.time(started_at), tx.time(due_at)
    if extended >= engine.policy.max_extensions_per_clock:
        raise ValidationError.one("clock", "该时限已延期过一次，不能再次延期", "this clock was extended already")
    if until <= due_at:
        raise ValidationError.one("until", "延期后的期限必须晚于原期限", "the new due time must be later than the current one")
    limit_at = engine.policy.extension_limit(clock, due_at, engine.calendar, risk, category, tier)
    if until > limit_at:
        from workflow.timeutil import format_local

        raise ValidationError.one("until", f"延期超出政策上限（最晚 {format_local(limit_at)}）",
                                  f"extension beyond the policy cap (latest {limit_at.isoformat()})")
    steps = ladder(engine, clock, started_at, until)
    warn_at = next((at for s, at in steps if s.kind == "fraction"), None)
    step, at = next_step_after(steps, level)
    tx.run("reschedule_clock", {
        "id": cid, "due_at": tx.t(until), "warn_at": tx.t(warn_at), "extended": extended + 1,
        "next_step": step, "next_at": tx.t(at), "calendar_rev": engine.calendar.revision,
    })
    return {"clock": clock, "from": due_at, "to": until}

