"""What the read side shows of a case: the case itself, its parties, clocks and history, and case lists.

Rows come back as mappings keyed by the names the read side uses (the case's
unit is ``unit``, the unit's name ``unit_name``); time columns are aware UTC
datetimes. Who may see which case is :mod:`disputeflow.cases.jurisdiction`'s rule.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.jurisdiction import Scope
from disputeflow.cases.prepared import run, shaped
from disputeflow.cases.tables import audit_events, cases, clocks, parties, unit_talks, units

c = cases
CASE = (c.c.id, c.c.number, c.c.definition, c.c.definition_version, c.c.state, c.c.version, c.c.title,
        c.c.category, c.c.source, c.c.description, c.c.unit_id.label("unit"), c.c.unit_path, c.c.risk,
        c.c.risk_floor, c.c.flags, c.c.party_count, c.c.reporter, c.c.mediator, c.c.lead_official,
        c.c.responsible_unit, c.c.supervision_level, c.c.data, c.c.reported_at, c.c.updated_at, c.c.closed_at,
        units.c.name.label("unit_name"))


# What a case list shows of each case (a list converts no column it does not show).
LISTED = (c.c.id, c.c.number, c.c.definition, c.c.definition_version, c.c.state, c.c.version, c.c.title,
          c.c.category, c.c.unit_id.label("unit"), c.c.risk, c.c.mediator, c.c.lead_official, c.c.supervision_level,
          c.c.reported_at, units.c.name.label("unit_name"))


def _cases(columns=CASE):
    return select(*columns).join_from(cases, units, units.c.id == cases.c.unit_id)


# Statements that take only values are built once: building one costs more than running it on a page.
_BY_NUMBER = _cases().where(cases.c.number == bindparam("number"))
_PARTIES = (select(parties.c.seq, parties.c.name, parties.c.role, parties.c.phone, parties.c.id_number,
                   parties.c.address, parties.c.particulars).where(parties.c.case_id == bindparam("id")).order_by(parties.c.seq))
_CLOCKS = (select(clocks.c.name, clocks.c.started_at, clocks.c.due_at, clocks.c.warn_at, clocks.c.status,
                  clocks.c.stopped_at, clocks.c.extended, clocks.c.level)
           .where(clocks.c.case_id == bindparam("id")).order_by(clocks.c.id))
_RUNNING = select(clocks.c.name).where(clocks.c.case_id == bindparam("id"), clocks.c.stopped_at.is_(None))
_e = audit_events.c
_HISTORY = (select(_e.seq, _e.at, _e.actor, _e.action, _e.from_state, _e.to_state, _e.data, _e.hash)
            .where(_e.case_id == bindparam("id")).order_by(_e.seq))


def case(conn: Connection, number: str) -> dict | None:
    """The case numbered ``number`` with its unit's name, or None."""
    row = run(conn, _BY_NUMBER, {"number": number}).first()
    return row._mapping if row is not None else None


def case_list(conn: Connection, scope: Scope, state: str | None, limit: int, offset: int) -> list[dict]:
    """The :data:`LISTED` columns of the cases within ``scope`` (and in ``state`` if given), newest report first."""
    def build():
        return (_cases(LISTED).where(*scope.conditions(), *([cases.c.state == bindparam("state")] if state else []))
                .order_by(cases.c.reported_at.desc(), cases.c.id.desc())
                .limit(bindparam("limit")).offset(bindparam("offset")))

    q = shaped(("case_list", scope.key, bool(state)), build)
    return run(conn, q, {**scope.params, "state": state, "limit": limit, "offset": offset}).mappings()


def party_rows(conn: Connection, case_id: int) -> list[dict]:
    return run(conn, _PARTIES, {"id": case_id}).mappings()


def clock_rows(conn: Connection, case_id: int) -> list[Row]:
    """Every clock of the case, oldest first: ``(name, started_at, due_at, warn_at, status, stopped_at, extended, level)``."""
    return run(conn, _CLOCKS, {"id": case_id}).all()


def running_clock_names(conn: Connection, case_id: int) -> list[str]:
    return run(conn, _RUNNING, {"id": case_id}).scalars()


def history_rows(conn: Connection, case_id: int) -> list[Row]:
    """The case's audit events in order: ``(seq, at, actor, action, from_state, to_state, data, hash)``."""
    return run(conn, _HISTORY, {"id": case_id}).all()


def talk_rows(conn: Connection, where: Iterable[ColumnElement], month: str | None) -> list[Row]:
    """Units listed for a formal talk: ``(unit, unit_name, month, level3_count, cases, listed_at)``, newest month first."""
    t = unit_talks
    q = (select(t.c.unit_id, units.c.name, t.c.month, t.c.level3_count, t.c.cases, t.c.listed_at)
         .join_from(t, units, units.c.id == t.c.unit_id).where(*where)
         .order_by(t.c.month.desc(), t.c.level3_count.desc(), t.c.unit_id))
    if month:
        q = q.where(t.c.month == month)
    return conn.execute(q).all()
