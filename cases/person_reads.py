"""What the key-person register shows: the list, one person's contacts and duties, what is due on a day,
and the figures of the control rate.

Lists that are logged as read on each person's chain lock the rows they return
(``FOR UPDATE``; SQLite's write transaction holds the database already), so
two readers append to a chain one after the other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.jurisdiction import bounded, subtree, under, under_bound
from disputeflow.cases.person_records import PERSON_COLUMNS
from disputeflow.cases.prepared import run
from disputeflow.cases.tables import cases, key_person_cases, key_person_contacts, key_person_duties, key_persons

kp, d = key_persons.c, key_person_duties.c
_PERSON = tuple(key_persons.c[name] for name in PERSON_COLUMNS)


def register_scope(reader, status: str | None, unit_path: str | None) -> list[ColumnElement]:
    """The persons ``reader`` finds in the register: in their jurisdiction or in their charge."""
    where = bounded(reader, kp.unit_path)
    if reader.role != "system":
        where.append(or_(under(kp.unit_path, reader.unit_path), kp.grid_officer == reader.id,
                         kp.lead_official == reader.id))
    if status:
        where.append(kp.status == status)
    if unit_path is not None:
        where.append(under(kp.unit_path, unit_path))
    return where


def in_charge(reader) -> ColumnElement:
    """Persons under control in ``reader``'s charge: grid officer, lead official, or supervisor of the jurisdiction."""
    mine = [kp.grid_officer == reader.id, kp.lead_official == reader.id]
    if reader.role == "supervisor":
        mine.append(under(kp.unit_path, reader.unit_path))
    return and_(kp.status == "controlled", or_(*mine), *bounded(reader, kp.unit_path))


def persons(conn: Connection, where: Iterable[ColumnElement], *, newest_first: bool = True, limit: int | None = None,
            offset: int = 0) -> list[dict]:
    """Rows keyed by :data:`PERSON_COLUMNS`, locked for the chain appends of a logged read."""
    q = select(*_PERSON).where(*where).order_by(kp.id.desc() if newest_first else kp.id).with_for_update()
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return [dict(r._mapping) for r in conn.execute(q)]


def case_numbers(conn: Connection, person_ids: list[int]) -> dict[int, list[str]]:
    """The numbers of the cases linked to each person, in link order."""
    out: dict[int, list[str]] = {i: [] for i in person_ids}
    if not person_ids:
        return out
    link = key_person_cases.c
    q = (select(link.person_id, cases.c.number).join_from(key_person_cases, cases, cases.c.id == link.case_id)
         .where(link.person_id.in_(person_ids)).order_by(link.id))
    for pid, number in conn.execute(q):
        out[pid].append(number)
    return out


def contacts(conn: Connection, person_id: int, limit: int = 50) -> list[Row]:
    """``(id, at, method, state, alarming, note, recorded_by)``, newest first."""
    c = key_person_contacts.c
    return conn.execute(select(c.id, c.at, c.method, c.state, c.alarming, c.note, c.recorded_by)
                        .where(c.person_id == person_id).order_by(c.at.desc(), c.id.desc()).limit(limit)).all()


def duties(conn: Connection, person_id: int, limit: int = 60) -> list[Row]:
    """``(duty, period_start, due_at, status, met_at)`` of the occurrences not cancelled, latest due first."""
    return conn.execute(select(d.duty, d.period_start, d.due_at, d.status, d.met_at)
                        .where(d.person_id == person_id, d.status != "cancelled")
                        .order_by(d.due_at.desc(), key_person_duties.c.id.desc()).limit(limit)).all()


def occurrences_on(conn: Connection, of: ColumnElement, start: datetime, end: datetime) -> tuple[list[Row], list[Row]]:
    """For the persons ``of`` selects: the occurrences whose period overlaps ``[start, end)``
    (``(person_id, duty, period_start, due_at, status, met_at)``, earliest period first), and each duty's
    latest due time (``(person_id, duty, due_at)``)."""
    mine = and_(d.status != "cancelled", d.person_id.in_(select(kp.id).where(of)))
    occ = conn.execute(select(d.person_id, d.duty, d.period_start, d.due_at, d.status, d.met_at)
                       .where(mine, d.period_start < end, d.due_at > start)
                       .order_by(d.person_id, d.period_start)).all()
    last = conn.execute(select(d.person_id, d.duty, func.max(d.due_at)).where(mine)
                        .group_by(d.person_id, d.duty)).all()
    return occ, last


def _controlled_between():
    return select(kp.id).where(under_bound(kp.unit_path),
                               kp.controlled_since < bindparam("end", type_=kp.controlled_since.type),
                               or_(kp.released_at.is_(None),
                                   kp.released_at >= bindparam("start", type_=kp.released_at.type)))


_CONTROLLED_BETWEEN = _controlled_between()
_DUTIES_DUE = select(d.person_id, d.status).where(
    d.status != "cancelled", d.person_id.in_(bindparam("ids", expanding=True)),
    d.due_at > bindparam("after", type_=d.due_at.type), d.due_at <= bindparam("until", type_=d.due_at.type))


def controlled_between(conn: Connection, unit_path: str, start: datetime, end: datetime) -> list[int]:
    """Persons under ``unit_path`` under control at some moment of ``[start, end)``."""
    return run(conn, _CONTROLLED_BETWEEN, {"under": subtree(unit_path), "start": start, "end": end}).scalars()


def duties_due(conn: Connection, person_ids: list[int], after: datetime, until: datetime) -> list[Row]:
    """``(person_id, status)`` of the occurrences not cancelled that fell due in ``(after, until]``."""
    out: list[Row] = []
    for lo in range(0, len(person_ids), 500):
        out += run(conn, _DUTIES_DUE, {"ids": person_ids[lo:lo + 500], "after": after, "until": until}).all()
    return out
