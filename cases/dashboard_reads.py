"""The leader's dashboard counted by the database: open cases, intake and resolutions, grouped per unit.

The dashboard's figures are counts over a jurisdiction (a county's five years
are a hundred thousand cases), so they are grouped here and only the groups
(units × states × risks × categories, a few hundred rows) reach Python, which
maps units to villages over the small unit list. Grouped by unit id, not path:
a case's path is its unit's (a move rewrites both), and the short key halves
SQLite's grouping sort.

The cases are those the statistics' replay would read for the window
``[last_month, now)`` (:func:`disputeflow.cases.report_reads.case_streams`):
under the path, reported before ``now``, not struck off before ``last_month``,
and disputes rather than work orders (no parent). What the replay folds from
the audit log the columns already hold for the present: the state, the risk,
``closed_at`` (cleared by a reopening). A resolution is dated by its latest
``resolve`` event before ``now``; only one inside the two months counts, so
the events are read by time (``ix_audit_events_at``) within the two months.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, literal, or_, select
from sqlalchemy.engine import Connection, Row

from disputeflow.cases.jurisdiction import subtree, under_bound
from disputeflow.cases.prepared import run, shaped
from disputeflow.cases.tables import audit_events, cases

_c, _e = cases.c, audit_events.c
# The actions that end a case for the statistics (referred elsewhere, withdrawn), whatever state follows.
ENDING = ("refer", "withdraw")


def _t(name: str):
    return bindparam(name, type_=_c.reported_at.type)


def _window(scan: bool = False):
    """The cases the replay reads for ``[start, now)`` (see the module docstring).

    ``scan``: the caller finds its cases otherwise (the open ones: by a whole scan, nothing indexed picks
    them; the ended ones: by state), so ``reported_at < now``, true of nearly every case, must not lead
    SQLite to the ``reported_at`` index and a lookup per case (a third slower at 100k cases, many
    times slower for the few ended ones); the same value wrapped is not indexed.
    """
    reported = func.coalesce(_c.reported_at, _c.reported_at) if scan else _c.reported_at
    return and_(under_bound(_c.unit_path), reported < _t("now"), _c.parent_id.is_(None),
                or_(_c.closed_at.is_(None), _c.closed_at >= _t("start")))


def _open(ended: bool):
    """The open cases grouped; with ``ended``, only those of them referred or withdrawn before ``now``."""
    where = [_window(scan=True), _c.closed_at.is_(None), _c.state.not_in(bindparam("terminal", expanding=True))]
    if ended:  # by state (indexed), then each case's events by case (not all events before now by time)
        before = func.coalesce(_e.at, _e.at) < bindparam("now", type_=_e.at.type)
        where += [_c.state.in_(bindparam("maybe_ended", expanding=True)),
                  select(literal(1)).where(_e.case_id == _c.id, _e.action.in_(ENDING), before).exists()]
    return (select(_c.unit_id, _c.state, _c.risk, _c.category, func.count()).where(*where)
            .group_by(_c.unit_id, _c.state, _c.risk, _c.category))


def _intake(by_unit: bool):
    """This month's intake by unit (``by_unit``), or last month's in all: only this month's is
    shown per village, and an ungrouped count costs a scan and no sort."""
    if by_unit:
        return (select(_c.unit_id, func.count()).where(_window(), _c.reported_at >= _t("this"))
                .group_by(_c.unit_id))
    return select(func.count()).where(_window(), _c.reported_at >= _t("start"), _c.reported_at < _t("this"))


def _resolved():
    """Per unit, the cases whose latest resolution before ``now`` lies in the two months: the events
    read by time (``ix_audit_events_at``), two months of them, never the whole log."""
    e_at = bindparam("start", type_=_e.at.type), bindparam("now", type_=_e.at.type)
    latest = (select(_e.case_id.label("case_id"), func.max(_e.at).label("at"))
              .where(_e.at >= e_at[0], _e.at < e_at[1], _e.action == "resolve")
              .group_by(_e.case_id).subquery("latest"))
    this = case((latest.c.at >= bindparam("this", type_=_e.at.type), literal(1)), else_=literal(0))
    return (select(_c.unit_id, this.label("this"), func.count())
            .select_from(latest.join(cases, _c.id == latest.c.case_id))
            .where(_window()).group_by(_c.unit_id, this))


def _params(unit_path: str, last_month: datetime, this_month: datetime, now: datetime, **more) -> dict:
    return {"under": subtree(unit_path), "start": last_month, "this": this_month, "now": now, **more}


def open_cases(conn: Connection, unit_path: str, last_month: datetime, now: datetime,
               terminal: list[str], maybe_ended: list[str]) -> list[tuple[str, str, str, str, int]]:
    """``(unit_id, state, risk, category, n)``: the open cases under ``unit_path``, grouped.

    Open: not in a ``terminal`` state, not closed, and never referred or withdrawn (an :data:`ENDING`
    event before ``now``). Only a case in a state of ``maybe_ended`` (the states an ending action
    leads to, and those reachable from them) can have one, so those few are counted apart and taken
    off: the main count stays one plain scan (no lookup per row, parallel on PostgreSQL).
    """
    params = _params(unit_path, last_month, last_month, now, terminal=list(terminal))
    counts = {tuple(r[:4]): r[4] for r in run(conn, shaped(("dashboard", "open"), lambda: _open(False)), params)}
    states = [s for s in maybe_ended if s not in terminal]  # the others are not open anyway
    if states:
        ended = run(conn, shaped(("dashboard", "ended"), lambda: _open(True)), {**params, "maybe_ended": states})
        for *key, n in ended:
            counts[tuple(key)] -= n
    return [(*key, n) for key, n in counts.items() if n]


def intake(conn: Connection, unit_path: str, last_month: datetime, this_month: datetime,
           now: datetime) -> tuple[dict[str, int], int]:
    """Cases reported this month (``[this_month, now)``) by unit id, and in all last month."""
    params = _params(unit_path, last_month, this_month, now)
    this = dict(run(conn, shaped(("dashboard", "intake", True), lambda: _intake(True)), params).all())
    return this, run(conn, shaped(("dashboard", "intake", False), lambda: _intake(False)), params).scalar() or 0


def resolved(conn: Connection, unit_path: str, last_month: datetime, this_month: datetime,
             now: datetime) -> list[Row]:
    """``(unit_id, this, n)``: cases whose latest resolution before ``now`` lies in ``[last_month, now)``;
    ``this`` is 1 when it lies from ``this_month`` on."""
    return run(conn, shaped(("dashboard", "resolved"), _resolved),
               _params(unit_path, last_month, this_month, now)).all()
