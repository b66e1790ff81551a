"""Work lists: a reader's cases in order of their nearest running clock, walked on the due-time index.

The walk reads running clocks in due order (the partial index
``ix_clocks_running_due_at``) and stops once it has a page of distinct cases,
so a mediator's first page costs a few hundred index entries however many
cases the town has open.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import and_, exists, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.tables import cases, clocks, units


def open_cases(states: Iterable[str]) -> ColumnElement:
    """Cases in an open state. ``closed_at`` is set exactly when a case enters a terminal state (and cleared when it
    leaves one), so ``closed_at IS NULL`` says nothing new; it lets the planner use ``ix_cases_open_reported_at``."""
    return and_(cases.c.closed_at.is_(None), cases.c.state.in_(list(states)))


def led_by(user_id: str) -> ColumnElement:
    """Cases whose lead official (包案领导) is ``user_id``."""
    return cases.c.lead_official == user_id


def supervised_cases() -> ColumnElement:
    return cases.c.supervision_level.is_not(None)


def clocks_except(name: str) -> ColumnElement:
    return clocks.c.name != name


def clocks_named(name: str) -> ColumnElement:
    return clocks.c.name == name


def by_due(conn: Connection, which: ColumnElement, where: list[ColumnElement], want: int) -> tuple[list[int], bool]:
    """Distinct case ids in order of their nearest running clock of ``which``; True when the walk reached the end."""
    n = max(want * 3, 60)
    while True:
        q = (select(clocks.c.case_id).join_from(clocks, cases, cases.c.id == clocks.c.case_id)
             .where(clocks.c.stopped_at.is_(None), which, *where).order_by(clocks.c.due_at, clocks.c.id).limit(n))
        rows = conn.execute(q).scalars().all()
        ids = list(dict.fromkeys(rows))
        if len(ids) >= want or len(rows) < n:
            return ids[:want], len(rows) < n
        n *= 4


def undated(conn: Connection, which: ColumnElement, where: list[ColumnElement], n: int) -> list[int]:
    """Up to ``n`` case ids matching ``where`` with no running clock of ``which``, oldest report first."""
    running = exists().where(clocks.c.case_id == cases.c.id, clocks.c.stopped_at.is_(None), which)
    q = select(cases.c.id).where(*where, ~running).order_by(cases.c.reported_at, cases.c.id).limit(n)
    return list(conn.execute(q).scalars())


def case_rows(conn: Connection, ids: Iterable[int]) -> dict[int, Row]:
    """``(id, number, title, definition, definition_version, state, risk, unit_id, unit_name, supervision_level,
    version, mediator, data)`` of each case, by id."""
    q = (select(cases.c.id, cases.c.number, cases.c.title, cases.c.definition, cases.c.definition_version,
                cases.c.state, cases.c.risk, cases.c.unit_id, units.c.name, cases.c.supervision_level,
                cases.c.version, cases.c.mediator, cases.c.data)
         .join_from(cases, units, units.c.id == cases.c.unit_id).where(cases.c.id.in_(list(ids))))
    return {r[0]: r for r in conn.execute(q)}


def running_clocks(conn: Connection, ids: Iterable[int], skip: str) -> list[Row]:
    """``(case_id, name, started_at, due_at)`` of the running clocks of the cases, but ``skip``."""
    q = (select(clocks.c.case_id, clocks.c.name, clocks.c.started_at, clocks.c.due_at)
         .where(clocks.c.stopped_at.is_(None), clocks.c.name != skip, clocks.c.case_id.in_(list(ids))))
    return conn.execute(q).all()
