"""What the read side shows of a case: the case itself, its parties, clocks and history, and case lists.

Rows come back as mappings keyed by the names the read side uses (the case's
unit is ``unit``, the unit's name ``unit_name``); time columns are aware UTC
datetimes. Who may see which case is :mod:`disputeflow.cases.jurisdiction`'s rule.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row, RowMapping
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.tables import audit_events, cases, clocks, parties, unit_talks, units

c = cases
CASE = (c.c.id, c.c.number, c.c.definition, c.c.definition_version, c.c.state, c.c.version, c.c.title,
        c.c.category, c.c.source, c.c.description, c.c.unit_id.label("unit"), c.c.unit_path, c.c.risk,
        c.c.risk_floor, c.c.flags, c.c.party_count, c.c.reporter, c.c.mediator, c.c.lead_official,
        c.c.responsible_unit, c.c.supervision_level, c.c.data, c.c.reported_at, c.c.updated_at, c.c.closed_at,
        units.c.name.label("unit_name"))


def _cases():
    return select(*CASE).join_from(cases, units, units.c.id == cases.c.unit_id)


def case(conn: Connection, number: str) -> RowMapping | None:
    """The case numbered ``number`` with its unit's name, or None."""
    row = conn.execute(_cases().where(cases.c.number == number)).first()
    return row._mapping if row is not None else None


def case_list(conn: Connection, where: Iterable[ColumnElement], state: str | None, limit: int,
              offset: int) -> list[RowMapping]:
    """Cases matching ``where`` (and in ``state`` if given), newest report first."""
    q = _cases().where(*where, *([cases.c.state == state] if state else [])).order_by(cases.c.reported_at.desc(), cases.c.id.desc()).limit(limit).offset(offset)
    return list(conn.execute(q).mappings())


def party_rows(conn: Connection, case_id: int) -> list[RowMapping]:
    q = (select(parties.c.seq, parties.c.name, parties.c.role, parties.c.phone, parties.c.id_number, parties.c.address)
         .where(parties.c.case_id == case_id).order_by(parties.c.seq))
    return list(conn.execute(q).mappings())


def clock_rows(conn: Connection, case_id: int) -> list[Row]:
    """Every clock of the case, oldest first: ``(name, started_at, due_at, warn_at, status, stopped_at, extended, level)``."""
    q = (select(clocks.c.name, clocks.c.started_at, clocks.c.due_at, clocks.c.warn_at, clocks.c.status,
                clocks.c.stopped_at, clocks.c.extended, clocks.c.level)
         .where(clocks.c.case_id == case_id).order_by(clocks.c.id))
    return conn.execute(q).all()


def running_clock_names(conn: Connection, case_id: int) -> list[str]:
    q = select(clocks.c.name).where(clocks.c.case_id == case_id, clocks.c.stopped_at.is_(None))
    return list(conn.execute(q).scalars())


def history_rows(conn: Connection, case_id: int) -> list[Row]:
    """The case's audit events in order: ``(seq, at, actor, action, from_state, to_state, data, hash)``."""
    e = audit_events
    q = (select(e.c.seq, e.c.at, e.c.actor, e.c.action, e.c.from_state, e.c.to_state, e.c.data, e.c.hash)
         .where(e.c.case_id == case_id).order_by(e.c.seq))
    return conn.execute(q).all()


def talk_rows(conn: Connection, where: Iterable[ColumnElement], month: str | None) -> list[Row]:
    """Units listed for a formal talk: ``(unit, unit_name, month, level3_count, cases, listed_at)``, newest month first."""
    t = unit_talks
    q = (select(t.c.unit_id, units.c.name, t.c.month, t.c.level3_count, t.c.cases, t.c.listed_at)
         .join_from(t, units, units.c.id == t.c.unit_id).where(*where)
         .order_by(t.c.month.desc(), t.c.level3_count.desc(), t.c.unit_id))
    if month:
        q = q.where(t.c.month == month)
    return conn.execute(q).all()
