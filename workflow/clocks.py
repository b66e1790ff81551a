"""A case's clock rows: what starting or extending a clock writes.

Durations and ladder times come from the policy and the business calendar
(pure); this module only turns them into rows. A command plans them from the
clocks it read (:func:`plan_start`, :func:`plan_extend`) and writes them with
its other rows; :func:`start` plans and writes at once. Each clock row carries
the next ladder step and when it is due (``next_step``/``next_at``), which is
what the sweep's partial index reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping

from disputeflow.cases.records import ClockExtension, NewClock, RunningClock
from disputeflow.workflow.errors import ValidationError


def ladder(engine, clock: str, started_at: datetime, due_at: datetime, risk: str | None = None,
           category: str | None = None) -> list[tuple[Any, datetime]]:
    return engine.policy.steps(clock, started_at, due_at, engine.calendar, risk, category)


def next_step_after(steps, level: str | None) -> tuple[str | None, datetime | None]:
    """The first ladder step beyond ``level`` (the highest step already raised)."""
    names = [s.name for s, _ in steps]
    start = names.index(level) + 1 if level in names else 0
    for step, at in steps[start:]:
        return step.name, at
    return None, None


def start(engine, tx, case_id: int, name: str, now: datetime, risk: str | None, category: str | None,
          running: Mapping[str, Any], due_at: datetime | None = None, tier: str | None = None) -> dict | None:
    """Start clock ``name`` unless it is already running; returns what was started."""
    new = plan_start(engine.policy, engine.calendar, name, now, risk, category, running, due_at, tier)
    if new is None:
        return None
    tx.run("insert_clock", insert_params(tx.t, case_id, new))
    return {"clock": name, "due_at": new.due_at}


def plan_start(policy, calendar, name: str, now: datetime, risk: str | None, category: str | None,
               running: Mapping[str, Any], due_at: datetime | None = None, tier: str | None = None) -> NewClock | None:
    """Clock ``name`` started at ``now``; None if it runs already or the policy gives it no time."""
    if name in running:
        return None
    if due_at is None:
        due_at = policy.due_at(name, now, risk, category, calendar, tier)
        if due_at is None:
            return None
    return new_clock(policy, calendar, name, now, due_at, risk, category, tier)


def new_clock(policy, calendar, name: str, now: datetime, due_at: datetime, risk: str | None = None,
              category: str | None = None, tier: str | None = None) -> NewClock:
    """A clock from ``now`` to ``due_at``: its ladder decides the warning and the first step.

    The case's risk and category decide business-time counting and quiet hours
    (:meth:`Policy.steps`); the sweep recomputes the ladder with the same ones.
    """
    steps = policy.steps(name, now, due_at, calendar, risk, category, tier)
    warn_at = next((at for s, at in steps if s.kind == "fraction"), None)
    step, at = next_step_after(steps, None)
    return NewClock(name, now, due_at, warn_at, step, at, calendar.revision)


def running_after_start(new: NewClock) -> RunningClock:
    """A clock just planned, as the case's running clocks list it until it is written."""
    return RunningClock(None, new.name, new.started_at, new.due_at, new.warn_at, 0, None, new.next_step,
                        new.next_at, new.calendar_rev)


def insert_params(t: Callable, case_id: int, new: NewClock) -> dict:
    """The ``insert_clock`` parameters of ``new``; ``t`` converts a time to the driver's form (``Tx.t``)."""
    return {"case_id": case_id, "name": new.name, "started_at": t(new.started_at), "due_at": t(new.due_at),
            "warn_at": t(new.warn_at), "calendar_rev": new.calendar_rev, "next_step": new.next_step,
            "next_at": t(new.next_at)}


def row(engine, t: Callable, case_id: int, name: str, now: datetime, due_at: datetime, risk: str | None = None,
        category: str | None = None) -> dict:
    """The ``insert_clock`` parameters of a new running clock (``t`` as for :func:`insert_params`)."""
    return insert_params(t, case_id, new_clock(engine.policy, engine.calendar, name, now, due_at, risk, category))


def plan_extend(policy, calendar, running: Mapping[str, RunningClock], clock: str, until: datetime, now: datetime,
                risk: str | None = None, category: str | None = None,
                tier: str | None = None) -> tuple[ClockExtension, RunningClock, dict]:
    """Move a running clock's due time once, within the policy's cap.

    Steps already raised stay raised; the next step is recomputed from the new due time.

    Returns:
        (the change to write, the clock as it reads afterwards, what the audit event records).

    Raises:
        ValidationError: the clock is not running, was extended already, or the
            new time is not later than the current due time or beyond the cap.
    """
    current = running.get(clock)
    if current is None:
        raise ValidationError.one("clock", f"时限“{clock}”当前未在计时，无法延期", f"clock {clock} is not running")
    if current.extended >= policy.max_extensions_per_clock:
        raise ValidationError.one("clock", "该时限已延期过一次，不能再次延期", "this clock was extended already")
    if until <= current.due_at:
        raise ValidationError.one("until", "延期后的期限必须晚于原期限", "the new due time must be later than the current one")
    # An overdue clock counts its cap from the extension itself when the policy says so ([extension] cap_from).
    cap_from = "now" if policy.extension_cap_from == "later" and now > current.due_at else "due"
    limit_at = policy.extension_limit(clock, now if cap_from == "now" else current.due_at, calendar, risk, category,
                                      tier)
    if until > limit_at:
        from disputeflow.workflow.timeutil import format_local

        raise ValidationError.one("until", f"延期超出政策上限（最晚 {format_local(limit_at)}）",
                                  f"extension beyond the policy cap (latest {limit_at.isoformat()})")
    steps = policy.steps(clock, current.started_at, until, calendar, risk, category, tier)
    warn_at = next((at for s, at in steps if s.kind == "fraction"), None)
    step, at = next_step_after(steps, current.level)
    change = ClockExtension(clock, until, warn_at, current.extended + 1, step, at, calendar.revision)
    after = current._replace(due_at=until, warn_at=warn_at, extended=change.extended, next_step=step, next_at=at,
                             calendar_rev=change.calendar_rev)
    return change, after, {"clock": clock, "from": current.due_at, "to": until, "cap_from": cap_from}
