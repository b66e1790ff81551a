"""A mediation committee's paper number for a case: assigned once, read back on every reprint.

The number is taken from the committee's counter for the year inside one write
transaction that first locks the case row (PostgreSQL; SQLite's write
transaction is exclusive already), so two first prints of one case cannot take
two numbers, and the counter's upsert is atomic, so two cases never share one.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from disputeflow.cases.tables import cases, paper_counters, paper_numbers, units
from disputeflow.cases.transactions import insert_or_skip


class PaperNumber(NamedTuple):
    committee_id: str
    year: int
    seq: int
    short_name: str


def find(conn: Connection, case_id: int, committee_id: str) -> PaperNumber | None:
    p = paper_numbers.c
    row = conn.execute(select(p.committee_id, p.year, p.seq, p.short_name)
                       .where(p.case_id == case_id, p.committee_id == committee_id)).first()
    return PaperNumber(*row) if row else None


def assign(conn: Connection, case_id: int, committee_id: str, year: int, short_name: str,
           now: datetime) -> PaperNumber:
    """The case's number at ``committee_id``: the one it has, or the next of the committee's ``year``."""
    lock = select(cases.c.id).where(cases.c.id == case_id)
    conn.execute(lock.with_for_update() if conn.dialect.name == "postgresql" else lock)
    got = find(conn, case_id, committee_id)
    if got is not None:
        return got
    k = paper_counters.c
    insert_or_skip(conn, paper_counters, ("committee_id", "year"), committee_id=committee_id, year=year, last=0)
    seq = conn.execute(update(paper_counters).where(k.committee_id == committee_id, k.year == year)
                       .values(last=k.last + 1).returning(k.last)).scalar_one()
    conn.execute(paper_numbers.insert().values(case_id=case_id, committee_id=committee_id, year=year, seq=seq,
                                               short_name=short_name, assigned_at=now))
    return PaperNumber(committee_id, year, seq, short_name)


def short_names(conn: Connection) -> dict[str, str | None]:
    """Each unit's short name as set (None where it is derived from the name)."""
    return dict(conn.execute(select(units.c.id, units.c.short_name)).all())


def set_short_name(conn: Connection, unit_id: str, short_name: str | None) -> int:
    return conn.execute(update(units).where(units.c.id == unit_id).values(short_name=short_name)).rowcount


def case_id(conn: Connection, number: str) -> int | None:
    return conn.execute(select(cases.c.id).where(cases.c.number == number)).scalar()
