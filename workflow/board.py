"""The supervisor's board: overdue clocks, worst first.

The board is filtered, ordered and paged in SQL so that a page costs what it
shows, not what is overdue town-wide. The one part that looks like it needs
Python, the ladder level each clock has reached at ``as_of``, is turned into
conditions on ``due_at`` by :func:`ladder_at`: an overdue clock has
passed every fraction step and every step at due, and a step ``n`` business
days after due has fired when the due time's local day is early enough, or is
one of the few days whose n-th next workday is ``as_of``'s own day and its
time of day has come. Rows are ordered by level (the ladder level reached or
the level already raised, whichever is higher), then by how long they are
overdue, then by case number. Overdue business days and hours are computed
only for the rows shown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from disputeflow.cases import board_reads, transactions
from disputeflow.cases.board_reads import Ladder, Step
from disputeflow.cases.types import from_db
from disputeflow.workflow.masking import mask_text
from disputeflow.workflow.results import OverdueItem, OverduePage

LEVEL_ORDER = {None: 0, "warning": 1, "level1": 2, "level2": 3, "level3": 4}

# How far back from as_of's day to look for days whose n-th next workday is that day;
# the longest run of days off in the official calendar is nine.
_LOOKBACK_DAYS = 60
# The role of a board read without a reader (the engine's own, the agenda): titles as typed.
_FULL = object()


def _fired_after_due(n: int, as_of: datetime, calendar) -> tuple[datetime, tuple[tuple[datetime, datetime], ...]]:
    """When a clock due at or before ``as_of`` has reached the step ``n`` business days after due.

    That step fires on the n-th workday after the due time's local day, at the
    same local time of day (:func:`disputeflow.workflow.policy.add_workdays_keep_time`).
    Returns the time before which every due time has fired, and the windows of
    the few days whose n-th next workday is ``as_of``'s own day, up to its time of day.
    """
    from disputeflow.workflow.timeutil import at_local, to_local

    local = to_local(as_of)
    today, now_tod = local.date(), local.timetz()
    partial: list[date] = []
    whole_until: date | None = None  # every local day up to and including this one has fired
    day = today - timedelta(days=1)
    for _ in range(_LOOKBACK_DAYS):
        fires_on = calendar.add_workdays(day, n)
        if fires_on < today:
            whole_until = day
            break
        if fires_on == today:
            partial.append(day)
        day -= timedelta(days=1)
    else:
        whole_until = day
    return at_local(whole_until + timedelta(days=1)), tuple((at_local(d), at_local(d, now_tod)) for d in partial)


def ladder_at(engine, as_of: datetime) -> Ladder:
    """The ladder levels an overdue clock may have reached at ``as_of``, as the board's query takes them.

    Equal to :func:`disputeflow.workflow.queries.level_at` for every clock with ``due_at <= as_of``.
    """
    steps: list[Step] = []
    otherwise, otherwise_rank = None, 0
    for step in reversed(engine.policy.ladder):
        rank = LEVEL_ORDER.get(step.name, 0)
        n = int(step.value) if step.kind == "after_due" else 0
        if n <= 0:
            otherwise, otherwise_rank = step.name, rank
            break
        before, windows = _fired_after_due(n, as_of, engine.calendar)
        steps.append(Step(step.name, rank, before, windows))
    ranks = {name: rank for name, rank in LEVEL_ORDER.items() if name}
    return Ladder(tuple(steps), otherwise, otherwise_rank, ranks)


def _base(engine, conn, as_of: datetime, unit: str | None, actor, clock: str | None, risk: str | None
          ) -> tuple[list, str | None]:
    """The board's conditions, and the reader's role (None: no reader, nothing masked)."""
    from disputeflow.workflow.queries import _actor, scope

    # The tier clock is a milestone (upgrade to 复杂) and a warning-only window is the parties':
    # neither is a duty someone is late on.
    who = _actor(engine, conn, actor)
    where = board_reads.overdue_conditions(as_of, engine.policy.off_board, clock, risk) + scope(conn, who, unit)
    return where, (who.role if who else _FULL)


def page(engine, as_of: datetime, unit: str | None, actor, *, clock: str | None = None, level: str | None = None,
         risk: str | None = None, limit: int | None = None, offset: int = 0, count: bool = True,
         lang: str | None = None) -> OverduePage:
    """One page of the board, worst first: ``{"items": [...], "total": rows or None, "cases": cases or None}``.

    The level shown is computed from the ladder at ``as_of`` (so a board for a
    future date shows what will have happened by then); overdue time is given
    in business days and in hours. ``limit=None`` returns every row.
    """
    from disputeflow.workflow.queries import _actor, scope_of

    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        role = who.role if who else _FULL
        rows, total, n_cases = board_reads.page(conn, scope_of(conn, who, unit), as_of, engine.policy.off_board, clock, risk,
                                          ladder_at(engine, as_of), level, limit, offset, count)
    return {"items": [_doc(engine, as_of, r, role, lang or engine.lang) for r in rows], "total": total,
            "cases": n_cases}


def lapses(engine, as_of: datetime, unit: str | None, actor, lang: str | None = None) -> dict:
    """The board's group of key persons' open missed-duty items in the reader's jurisdiction, worst card first.

    An item is open until a contact or a release closes it, so ``as_of`` changes nothing: the items open now.
    """
    from disputeflow.cases import lapse_reads
    from disputeflow.workflow import lapse_board
    from disputeflow.workflow.queries import _actor, _subtree

    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        rows = lapse_reads.open_items(conn, lapse_reads.scope(who, _subtree(conn, unit)))
    return lapse_board.docs(rows, lang or engine.lang)


def counts_by_unit(engine, as_of: datetime, unit: str | None, actor) -> dict[str, int]:
    """How many cases with an overdue clock each unit has on the reader's board (no clock, level or risk filter)."""
    with transactions.read(engine.store) as conn:
        where, _role = _base(engine, conn, as_of, unit, actor, None, None)
        return board_reads.counts_by_unit(conn, where)


def _doc(engine, as_of: datetime, row, role: str | None, lang: str) -> OverdueItem:
    from disputeflow.workflow.queries import _iso
    from disputeflow.workflow.timeutil import LOCAL_TZ

    (number, title, dname, dver, state, risk, unit_id, unit_name, clock, started, due, raised, lead, lead_name,
     supervision, mediator, mediator_name, _kid, level) = row
    d = engine.listed_definition(dname, dver)
    due_dt = from_db(due)
    days = engine.calendar.workdays_between(due_dt.astimezone(LOCAL_TZ).date(), as_of.astimezone(LOCAL_TZ).date())
    hours = (as_of - due_dt).total_seconds() / 3600
    return {
        "number": number, "title": title if role is _FULL else mask_text(title, role, engine.unmasked_roles),
        "state": state,
        "state_label": d.state_label(state, lang),
        "risk": risk, "risk_label": d.vocab_label("risk", risk, lang), "unit": unit_id, "unit_name": unit_name,
        "clock": clock, "clock_label": d.clock_label(clock, lang, engine.policy), "due_at": _iso(due),
        "overdue_business_days": max(days, 0), "overdue_hours": round(hours, 1), "level": level,
        "lead_official": lead, "lead_official_name": lead_name, "mediator": mediator,
        "mediator_name": mediator_name, "supervision": supervision,
    }


def overdue(engine, as_of: datetime, unit: str | None, actor, lang: str | None = None) -> list[OverdueItem]:
    """Every running clock whose due time has passed at ``as_of``, worst first (the whole board)."""
    return page(engine, as_of, unit, actor, count=False, lang=lang)["items"]
