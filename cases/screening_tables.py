"""Screening (排查): rounds held, periodic reports filed, sensitive periods, and the duties they meet.

A duty row is one period's round or report that a unit owes, carrying its own
place on the escalation ladder (``level``, ``next_step``, ``next_at``, read
through a partial index as the case clocks are); ``UNIQUE(unit_id, duty,
cadence, period_start)`` makes a period's duty exist once whatever the number of
sweepers, and ``UNIQUE(duty_id, step)`` raises each step once. Dates of periods
are local (Asia/Shanghai) ``YYYY-MM-DD`` text; instants are UTC.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text

from disputeflow.cases import case_tables  # noqa: F401  (cases, units: the foreign keys' targets)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

screening_rounds = Table(
    "screening_rounds",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("unit_path", String(1000), nullable=False),
    Column("held_on", String(10), nullable=False),
    Column("participants", Text(), nullable=False, server_default="[]"),
    Column("coverage", Text(), nullable=False, server_default=""),
    Column("households", Integer(), nullable=True),
    Column("none_found", Boolean(), nullable=False, server_default=text("false")),
    Column("note", Text(), nullable=False, server_default=""),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(64), nullable=False),
)
Index("ix_screening_rounds_unit_id_held_on", screening_rounds.c.unit_id, screening_rounds.c.held_on)

screening_round_cases = Table(
    "screening_round_cases",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("round_id", Integer(), ForeignKey("screening_rounds.id"), nullable=False),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("opened", Boolean(), nullable=False, server_default=text("false")),  # opened from the round form
    UniqueConstraint("round_id", "case_id"),
)
Index("ix_screening_round_cases_case_id", screening_round_cases.c.case_id)

screening_reports = Table(
    "screening_reports",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("unit_path", String(1000), nullable=False),
    Column("cadence", String(12), nullable=False),
    Column("period_start", String(10), nullable=False),
    Column("period_end", String(10), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("found", Integer(), nullable=False),
    Column("nil", Boolean(), nullable=False),
    Column("rounds", Integer(), nullable=False),
    Column("note", Text(), nullable=False, server_default=""),
    Column("filed_at", UTCDateTime(), nullable=False),
    Column("filed_by", String(64), nullable=False),
    UniqueConstraint("unit_id", "cadence", "period_start"),  # one report per period
)

sensitive_periods = Table(
    "sensitive_periods",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("starts_on", String(10), nullable=False),
    Column("ends_on", String(10), nullable=False),
    Column("units", Text(), nullable=False),  # JSON list of unit ids; their sub-units are covered too
    Column("set_at", UTCDateTime(), nullable=False),
    Column("set_by", String(64), nullable=False),
)

screening_duties = Table(
    "screening_duties",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("duty", String(10), nullable=False),  # round / report
    Column("cadence", String(12), nullable=False),
    Column("period_start", String(10), nullable=False),
    Column("period_end", String(10), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("status", String(10), nullable=False),  # open / met
    Column("met_at", UTCDateTime(), nullable=True),
    Column("level", String(20), nullable=True),
    Column("next_step", String(20), nullable=True),
    Column("next_at", UTCDateTime(), nullable=True),
    UniqueConstraint("unit_id", "duty", "cadence", "period_start"),
)
Index("ix_screening_duties_next_at", screening_duties.c.next_at, sqlite_where=screening_duties.c.next_at.isnot(None),
      postgresql_where=screening_duties.c.next_at.isnot(None))

screening_escalations = Table(
    "screening_escalations",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("duty_id", Integer(), ForeignKey("screening_duties.id"), nullable=False),
    Column("step", String(20), nullable=False),
    Column("step_at", UTCDateTime(), nullable=False),
    Column("raised_at", UTCDateTime(), nullable=False),
    UniqueConstraint("duty_id", "step"),  # each step once per duty, whatever the sweepers
)
