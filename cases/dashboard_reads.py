"""The leader's dashboard counted by the database: open cases, intake and resolutions, grouped per unit path.

The dashboard's figures are counts over a jurisdiction (a county's five years
are a hundred thousand cases), so they are grouped here and only the groups
(units × states × risks × categories, a few hundred rows) reach Python, which
maps unit paths to villages over the small unit list.

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


def _window():
    """The cases the replay reads for ``[start, now)`` (see the module docstring)."""
    return and_(under_bound(_c.unit_path), _c.reported_at < _t("now"), _c.parent_id.is_(None),
                or_(_c.closed_at.is_(None), _c.closed_at >= _t("start")))


def _open():
    ended = (select(literal(1)).where(_e.case_id == _c.id, _e.action.in_(ENDING),
                                      _e.at < bindparam("now", type_=_e.at.type)).exists())
    return (select(_c.unit_path, _c.state, _c.risk, _c.category, func.count())
            .where(_window(), _c.closed_at.is_(None), _c.state.not_in(bindparam("terminal", expanding=True)),
                   or_(_c.state.not_in(bindparam("maybe_ended", expanding=True)), ~ended))
            .group_by(_c.unit_path, _c.state, _c.risk, _c.category))


def _this(column):
    return case((column >= _t("this"), literal(1)), else_=literal(0))


def _intake():
    this = _this(_c.reported_at)
    return (select(_c.unit_path, this.label("this"), func.count())
            .where(_window(), _c.reported_at >= _t("start"))
            .group_by(_c.unit_path, this))


def _resolved():
    e_at = bindparam("start", type_=_e.at.type), bindparam("now", type_=_e.at.type)
    latest = (select(_e.case_id.label("case_id"), func.max(_e.at).label("at"))
              .where(_e.at >= e_at[0], _e.at < e_at[1], _e.action == "resolve")
              .group_by(_e.case_id).subquery("latest"))
    this = case((latest.c.at >= bindparam("this", type_=_e.at.type), literal(1)), else_=literal(0))
    return (select(_c.unit_path, this.label("this"), func.count())
            .select_from(latest.join(cases, _c.id == latest.c.case_id))
            .where(_window()).group_by(_c.unit_path, this))


def _params(unit_path: str, last_month: datetime, this_month: datetime, now: datetime, **more) -> dict:
    return {"under": subtree(unit_path), "start": last_month, "this": this_month, "now": now, **more}


def open_cases(conn: Connection, unit_path: str, last_month: datetime, now: datetime,
               terminal: list[str], maybe_ended: list[str]) -> list[Row]:
    """``(unit_path, state, risk, category, n)``: the open cases under ``unit_path``, grouped.

    Open: not in a ``terminal`` state, not closed, and never referred or withdrawn (an :data:`ENDING`
    event before ``now``). Only a case in a state of ``maybe_ended`` (the states an ending action
    leads to, and those reachable from them) can have one, so only those cases are looked up.
    """
    params = _params(unit_path, last_month, last_month, now, terminal=list(terminal),
                     maybe_ended=list(maybe_ended) or [""])
    return run(conn, shaped(("dashboard", "open"), _open), params).all()


def intake(conn: Connection, unit_path: str, last_month: datetime, this_month: datetime, now: datetime) -> list[Row]:
    """``(unit_path, this, n)``: cases reported in ``[last_month, now)``; ``this`` is 1 from ``this_month`` on."""
    return run(conn, shaped(("dashboard", "intake"), _intake), _params(unit_path, last_month, this_month, now)).all()


def resolved(conn: Connection, unit_path: str, last_month: datetime, this_month: datetime,
             now: datetime) -> list[Row]:
    """``(unit_path, this, n)``: cases whose latest resolution before ``now`` lies in ``[last_month, now)``;
    ``this`` is 1 when it lies from ``this_month`` on."""
    return run(conn, shaped(("dashboard", "resolved"), _resolved),
               _params(unit_path, last_month, this_month, now)).all()
