"""What an office's desk and the board read of work orders: the child cases sent to one office, how many
wait in each state, their running clocks, and the overdue ones grouped by the office they were sent to.

A work order is a child case (``cases.parent_id`` set) whose ``responsible_unit``
is the receiving office; the office's staff read it through that column, the
board through the dispatching case's jurisdiction (a work order keeps its
parent's unit).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import case as case_when, func, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.tables import cases, clocks, units

_parent = aliased(cases)
_office = aliased(units)


def _sent_to(unit_id: str) -> list[ColumnElement]:
    return [cases.c.parent_id.is_not(None), cases.c.responsible_unit == unit_id]


def state_counts(conn: Connection, unit_id: str, where: Iterable[ColumnElement], states: list[str]) -> dict[str, int]:
    """How many open work orders sent to ``unit_id`` are in each of ``states`` (``where``: the reader's scope).

    Naming the states lets the state index find the few child cases instead of scanning every case.
    """
    q = (select(cases.c.state, func.count())
         .where(*_sent_to(unit_id), cases.c.state.in_(states), cases.c.closed_at.is_(None), *where)
         .group_by(cases.c.state))
    return {state: n for state, n in conn.execute(q)}


def orders(conn: Connection, unit_id: str, where: Iterable[ColumnElement], states: list[str],
           limit: int, offset: int) -> list[Row]:
    """Work orders sent to ``unit_id``, the one with the nearest running clock first, then the oldest.

    Each row: ``(id, number, definition, definition_version, state, data, reported_at, closed_at,
    parent_number, parent_title, category, risk, unit_name, next_due)``, for those in one of ``states``.
    """
    next_due = (select(func.min(clocks.c.due_at)).where(clocks.c.case_id == cases.c.id, clocks.c.stopped_at.is_(None))
                .scalar_subquery().label("next_due"))
    q = (select(cases.c.id, cases.c.number, cases.c.definition, cases.c.definition_version, cases.c.state,
                cases.c.data, cases.c.reported_at, cases.c.closed_at, _parent.c.number.label("parent_number"),
                _parent.c.title.label("parent_title"), cases.c.category, cases.c.risk,
                units.c.name.label("unit_name"), next_due)
         .join_from(cases, _parent, _parent.c.id == cases.c.parent_id)
         .join(units, units.c.id == cases.c.unit_id, isouter=True)
         .where(*_sent_to(unit_id), cases.c.state.in_(states), *where))
    q = q.order_by(case_when((next_due.is_(None), 1), else_=0), next_due, cases.c.reported_at, cases.c.id)
    return conn.execute(q.limit(limit).offset(offset)).all()


def running_clocks(conn: Connection, ids: Iterable[int]) -> list[Row]:
    """``(case_id, name, started_at, due_at)`` of the cases' running clocks, by due time."""
    q = (select(clocks.c.case_id, clocks.c.name, clocks.c.started_at, clocks.c.due_at)
         .where(clocks.c.stopped_at.is_(None), clocks.c.case_id.in_(list(ids))).order_by(clocks.c.due_at))
    return conn.execute(q).all()


def overdue_by_office(conn: Connection, where: Iterable[ColumnElement], as_of: datetime, skip_clock: str,
                      limit: int) -> list[Row]:
    """Running clocks of work orders due at ``as_of``, grouped by the receiving office (by its path), latest-due last.

    Each row: ``(office_id, office_name, number, definition, definition_version, state, parent_number, clock,
    started_at, due_at, risk, category)``; ``where`` is the reader's scope on ``cases``.
    """
    q = (select(cases.c.responsible_unit, _office.c.name, cases.c.number, cases.c.definition,
                cases.c.definition_version, cases.c.state, _parent.c.number, clocks.c.name, clocks.c.started_at,
                clocks.c.due_at, cases.c.risk, cases.c.category)
         .join_from(clocks, cases, cases.c.id == clocks.c.case_id)
         .join(_parent, _parent.c.id == cases.c.parent_id)
         .join(_office, _office.c.id == cases.c.responsible_unit, isouter=True)
         .where(cases.c.parent_id.is_not(None), clocks.c.stopped_at.is_(None), clocks.c.due_at <= as_of,
                clocks.c.name != skip_clock, *where)
         .order_by(_office.c.path, cases.c.responsible_unit, clocks.c.due_at, cases.c.id).limit(limit))
    return conn.execute(q).all()
