"""Ledger import: what makes a re-import of the same ledger idempotent."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from disputeflow.cases import case_tables  # noqa: F401  (cases: the foreign key's target)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

# One row per imported ledger row: the key (the ledger's own number, or a hash of
# the row's identifying cells) makes a re-import idempotent, and the normalised
# record kept here lets a corrected re-import change only what changed.
import_keys = Table(
    "import_keys",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("namespace", String(100), nullable=False),
    Column("key", String(200), nullable=False),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("row_hash", String(64), nullable=False),
    Column("record", Text(), nullable=False),
    Column("imported_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("namespace", "key"),
)
Index("ix_import_keys_case_id", import_keys.c.case_id)
