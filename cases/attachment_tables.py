"""Attachments of a case: photos, scans and documents kept as evidence (证据材料).

The bytes live in a file store (see :mod:`disputeflow.workflow.files`) under
their SHA-256, so one photo uploaded twice is stored once and a stored file can
be checked against the hash its audit event carries. A row is never removed: a
deletion marks it (``deleted_at``, ``deleted_by``) and the case's chain records who
and when, so the file's index still accounts for everything that was attached.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table

from disputeflow.cases import case_tables  # noqa: F401  (cases: the foreign key's target)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", BigInteger(), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("thumb", String(64), nullable=True),  # the thumbnail's key in the file store (images only)
    Column("uploaded_by", String(64), nullable=False),
    Column("uploaded_at", UTCDateTime(), nullable=False),
    Column("deleted_at", UTCDateTime(), nullable=True),
    Column("deleted_by", String(64), nullable=True),
    Index("ix_attachments_case_id", "case_id"),
)
