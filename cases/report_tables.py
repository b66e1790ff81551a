"""Reports: the frozen first generation of a report for a period that has ended."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from disputeflow.cases import people_tables  # noqa: F401  (units: the foreign key's target)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

# The first generation of a report for a period that has ended is frozen here, so
# what was reported upward is what is served again (records entered late with a
# back-dated clock cannot rewrite a closed month). ``body`` is the JSON dataset
# the files are rendered from; ``digest`` is its SHA-256.
report_snapshots = Table(
    "report_snapshots",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("period", String(30), nullable=False),
    Column("generated_at", UTCDateTime(), nullable=False),
    Column("generated_by", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("body", Text(), nullable=False),
    UniqueConstraint("kind", "unit_id", "period"),
)
