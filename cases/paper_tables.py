"""Numbers of the mediation papers (人民调解文书): a committee's own yearly sequence.

A people's mediation committee numbers its cases in a sequence of its own per year,
printed as ``（2026）东调字第012号`` on the agreement, the oral-agreement register, the
return-visit record (which quotes the agreement's number) and the file cover (卷号).
It is one number per case per committee, not one per paper, and it has nothing to
do with the engine's case number. The number a case got is kept, with the short name
it was printed with, so a reprint shows the same number even after a unit is renamed.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint

from disputeflow.cases import case_tables  # noqa: F401  (cases, units: the foreign keys' targets)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

paper_counters = Table(
    "paper_counters",
    metadata,
    Column("committee_id", String(64), ForeignKey("units.id"), primary_key=True),
    Column("year", Integer(), primary_key=True),
    Column("last", Integer(), nullable=False),
)

paper_numbers = Table(
    "paper_numbers",
    metadata,
    Column("case_id", Integer(), ForeignKey("cases.id"), primary_key=True),
    Column("committee_id", String(64), ForeignKey("units.id"), primary_key=True),
    Column("year", Integer(), nullable=False),
    Column("seq", Integer(), nullable=False),
    Column("short_name", String(8), nullable=False),
    Column("assigned_at", UTCDateTime(), nullable=False),
    UniqueConstraint("committee_id", "year", "seq"),
)
