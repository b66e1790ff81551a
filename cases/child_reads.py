"""What the read side shows of a case's family: its parent, its child cases (work orders), and the offices
that handle a category.

A child case names its parent in ``cases.parent_id`` (indexed); the parent keeps
no list of its own, so both directions are one indexed read.
"""

from __future__ import annotations

import json

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.orm import aliased

from disputeflow.cases.jurisdiction import under
from disputeflow.cases.tables import cases, clocks, units

_parent = aliased(cases)
_PARENT = (select(_parent.c.number).join_from(cases, _parent, _parent.c.id == cases.c.parent_id)
           .where(cases.c.id == bindparam("id")))
_CHILDREN = (select(cases.c.id, cases.c.number, cases.c.definition, cases.c.definition_version, cases.c.state,
                    cases.c.responsible_unit, units.c.name.label("responsible_unit_name"), cases.c.data,
                    cases.c.reported_at, cases.c.closed_at)
             .join_from(cases, units, units.c.id == cases.c.responsible_unit, isouter=True)
             .where(cases.c.parent_id == bindparam("id")).order_by(cases.c.id))
_k = clocks.c
_CHILD_CLOCKS = (select(_k.case_id, _k.name, _k.started_at, _k.due_at, _k.warn_at, _k.status, _k.stopped_at,
                        _k.extended, _k.level)
                 .where(_k.case_id.in_(bindparam("ids", expanding=True))).order_by(_k.case_id, _k.id))
_UNIT_HAS_CHILD = select(exists().where(and_(cases.c.parent_id == bindparam("id"),
                                             cases.c.responsible_unit == bindparam("unit"))))


def parent_number(conn: Connection, case_id: int) -> str | None:
    """The number of the case that spawned case ``case_id`` (None for a case of its own)."""
    return conn.execute(_PARENT, {"id": case_id}).scalar()


def children(conn: Connection, case_id: int) -> list[RowMapping]:
    """The case's child cases, oldest first, with the name of the unit each is sent to."""
    return list(conn.execute(_CHILDREN, {"id": case_id}).mappings())


def clocks_of(conn: Connection, case_ids: list[int]) -> dict[int, list[tuple]]:
    """Every clock of each of the cases, oldest first, in one statement: case id → rows shaped as
    :func:`disputeflow.cases.case_reads.clock_rows` (``name, started_at, due_at, warn_at, status, stopped_at,
    extended, level``); a case without clocks is absent."""
    out: dict[int, list[tuple]] = {}
    if not case_ids:
        return out
    for row in conn.execute(_CHILD_CLOCKS, {"ids": case_ids}):
        out.setdefault(row[0], []).append(tuple(row[1:]))
    return out


def unit_has_child(conn: Connection, case_id: int, unit_id: str) -> bool:
    """Whether a child of the case is sent to ``unit_id`` (its staff may then read the case)."""
    return bool(conn.execute(_UNIT_HAS_CHILD, {"id": case_id, "unit": unit_id}).scalar())


def offices_under(conn: Connection, path: str) -> list[tuple[str, str, list[str]]]:
    """The offices at or below ``path`` as ``(id, name, categories handled)``, by path."""
    rows = conn.execute(select(units.c.id, units.c.name, units.c.handles)
                        .where(units.c.kind == "office", under(units.c.path, path)).order_by(units.c.path))
    return [(uid, name, json.loads(handles) if handles else []) for uid, name, handles in rows]


_OPEN = (select(cases.c.number, cases.c.definition, cases.c.state)
         .where(cases.c.parent_id == bindparam("id"), cases.c.closed_at.is_(None)).order_by(cases.c.id))


def open_children(conn: Connection, case_id: int) -> list:
    """The case's open child cases as ``(number, workflow, state)`` (the guards' ``CaseView.children``)."""
    return conn.execute(_OPEN, {"id": case_id}).all()
