"""The organisation: units (county, town, village ...) and the people who act in them.

Every other table points here (a case's unit, a key person's officials), so
this module is imported first by the others that reference it.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text, text

from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

units = Table(
    "units",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parent_id", String(64), ForeignKey("units.id"), nullable=True),
    Column("path", String(1000), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    # The one- or two-character name a mediation committee numbers its papers with (东 in （2026）东调字第012号);
    # NULL: the first character of the unit's name.
    Column("short_name", String(8), nullable=True),
    # An office's categories (JSON list): the engine proposes it for a work order on a case of one of them.
    Column("handles", Text(), nullable=True),
    # 0020: a unit switched off takes no new cases or users; its cases stay readable.
    Column("active", Boolean(), nullable=False, server_default=text("true")),
)
Index("ix_units_path", units.c.path)

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("unit_path", String(1000), nullable=False),
    Column("phone", String(32), nullable=True),
    Column("email", String(200), nullable=True),
    Column("lang", String(10), nullable=False, server_default="zh_CN"),
    Column("active", Boolean(), nullable=False, server_default=text("true")),
    Column("password_hash", String(200), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
)
Index("ix_users_unit_path_role", users.c.unit_path, users.c.role)
