"""What the work-order statistics read: child cases under a jurisdiction, by the office they were sent to.

A work order is a child case (``parent_id`` set) whose ``responsible_unit`` is
the receiving office and whose ``unit_path`` is its parent's, so "the orders
of a town's disputes" is the usual subtree match. Four reads for a period:
orders opened, events of given actions (returns, sign-fors, feedback), and the
clocks whose outcome may fall in it. The counting is
:mod:`disputeflow.reports.offices`'.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection, Row

from disputeflow.cases.jurisdiction import subtree, under_bound
from disputeflow.cases.tables import audit_events, cases, clocks

_c, _e, _k = cases.c, audit_events.c, clocks.c
_CHILD = and_(_c.parent_id.is_not(None), under_bound(_c.unit_path))
_start, _end = bindparam("start", type_=_c.reported_at.type), bindparam("end", type_=_c.reported_at.type)
# The child cases' ids, named again as a filter on the events and clocks: without it SQLite reads every event
# (clock) of the period through its time index and looks up the case of each, where a county has few orders.
_CHILD_IDS = select(_c.id).where(_CHILD).scalar_subquery()

_OPENED = (select(_c.responsible_unit, func.count()).where(_CHILD, _c.reported_at >= _start, _c.reported_at < _end)
           .group_by(_c.responsible_unit))
_EVENTS = (select(_e.case_id, _c.responsible_unit, _e.action, _e.at).join_from(audit_events, cases, _c.id == _e.case_id)
           .where(_CHILD, _e.case_id.in_(_CHILD_IDS), _e.action.in_(bindparam("actions", expanding=True)),
                  _e.at >= bindparam("start", type_=_e.at.type), _e.at < bindparam("end", type_=_e.at.type))
           .order_by(_e.case_id, _e.seq))
_CLOCKS = (select(_k.case_id, _c.responsible_unit, _k.name, _k.started_at, _k.due_at, _k.stopped_at)
           .join_from(clocks, cases, _c.id == _k.case_id)
           .where(_CHILD, _k.case_id.in_(_CHILD_IDS), _k.name.in_(bindparam("names", expanding=True)),
                  _k.started_at < bindparam("end", type_=_k.started_at.type),
                  or_(_k.due_at >= bindparam("start", type_=_k.due_at.type),
                      _k.stopped_at >= bindparam("start", type_=_k.stopped_at.type)))
           .order_by(_k.case_id, _k.id))


def opened(conn: Connection, unit_path: str, start: datetime, end: datetime) -> dict[str | None, int]:
    """How many child cases under ``unit_path`` were opened in ``[start, end)``, by receiving unit."""
    rows = conn.execute(_OPENED, {"under": subtree(unit_path), "start": start, "end": end})
    return {unit: n for unit, n in rows}


def events(conn: Connection, unit_path: str, actions: list[str], start: datetime, end: datetime) -> list[Row]:
    """``(case_id, responsible_unit, action, at)`` of the child cases' events of ``actions`` in ``[start, end)``."""
    return conn.execute(_EVENTS, {"under": subtree(unit_path), "actions": actions, "start": start,
                                  "end": end}).all()


def deadline_clocks(conn: Connection, unit_path: str, names: list[str], start: datetime, end: datetime) -> list[Row]:
    """``(case_id, responsible_unit, name, started_at, due_at, stopped_at)`` of the child cases' clocks of
    ``names`` started before ``end`` and not both due and stopped before ``start``, by case and order."""
    return conn.execute(_CLOCKS, {"under": subtree(unit_path), "names": names, "start": start, "end": end}).all()
