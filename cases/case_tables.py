"""A case and what hangs off it: its number counter, parties, hash-chained audit events,
deadline clocks, the escalations they raised, and the units listed for a formal talk.

The command path writes these with prepared SQL (:mod:`disputeflow.cases.statements`).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, column, table

from disputeflow.cases import people_tables  # noqa: F401  (units, users: the foreign keys' targets)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

case_counters = Table(
    "case_counters",
    metadata,
    Column("prefix", String(40), primary_key=True),
    Column("year", Integer(), primary_key=True),
    Column("last", Integer(), nullable=False),
    # The value signed with the audit key (see disputeflow.cases.audit_verify.sign_counter): a lowered counter is detected.
    Column("key_id", String(40), nullable=True),
    Column("sig", String(64), nullable=True),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("number", String(64), nullable=False, unique=True),
    Column("definition", String(64), nullable=False),
    Column("definition_version", Integer(), nullable=False),
    Column("state", String(40), nullable=False),
    Column("version", Integer(), nullable=False),
    Column("title", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("source", String(40), nullable=False),
    Column("description", Text(), nullable=False, server_default=""),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("unit_path", String(1000), nullable=False),
    Column("risk", String(20), nullable=False),
    Column("risk_floor", String(20), nullable=False),
    Column("flags", Text(), nullable=False, server_default="[]"),
    Column("party_count", Integer(), nullable=False),
    Column("reporter", String(64), nullable=False),
    Column("mediator", String(64), nullable=True),
    Column("lead_official", String(64), nullable=True),
    Column("responsible_unit", String(64), nullable=True),
    Column("supervision_level", String(20), nullable=True),
    Column("data", Text(), nullable=False, server_default="{}"),
    Column("reported_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("audit_seq", Integer(), nullable=False),
    Column("audit_hash", String(64), nullable=False),
    # A child case (a work order, or another sub-workflow) names the case that spawned it.
    Column("parent_id", Integer(), ForeignKey("cases.id"), nullable=True),
)
Index("ix_cases_state", cases.c.state)
Index("ix_cases_parent_id", cases.c.parent_id)
Index("ix_cases_unit_path", cases.c.unit_path)
Index("ix_cases_reported_at", cases.c.reported_at)
# Open cases by report time (migration 0022): my work's cases without a deadline, oldest first, walk the open
# cases only (a city keeps a few percent of its cases open; the full index walks five years of closed ones).
Index("ix_cases_open_reported_at", cases.c.reported_at, sqlite_where=cases.c.closed_at.is_(None),
      postgresql_where=cases.c.closed_at.is_(None))
# A reader's cases: under their path, or naming them or their unit (0023); open ones only.
for _name, _column in (("ix_cases_open_mediator", cases.c.mediator), ("ix_cases_open_lead_official", cases.c.lead_official),
                       ("ix_cases_open_responsible_unit", cases.c.responsible_unit)):
    Index(_name, _column, sqlite_where=cases.c.closed_at.is_(None), postgresql_where=cases.c.closed_at.is_(None))

parties = Table(
    "parties",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("seq", Integer(), nullable=False),
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("phone", String(32), nullable=True),
    Column("id_number", String(18), nullable=True),
    Column("address", String(300), nullable=True),
    # What the standard mediation papers ask of a party beyond name and contacts (JSON: kind, gender,
    # ethnicity, birth_date, occupation, legal_representative); NULL when none was given.
    Column("particulars", Text(), nullable=True),
    UniqueConstraint("case_id", "seq"),
)
# Search, the duplicate-report warning and the repeat-dispute check look a party up by its normalised
# phone or ID number (exact) or its name; 我上报的 lists a reporter's cases.
Index("ix_parties_phone", parties.c.phone)
Index("ix_parties_id_number", parties.c.id_number)
Index("ix_parties_name", parties.c.name)
Index("ix_cases_reporter", cases.c.reporter)
# Search by a fragment of a party's name or a case's title (migration 0022): on SQLite FTS5 trigram tables over
# parties.name and cases.title, kept in step by triggers; on PostgreSQL GIN indexes (pg_trgm). None is in
# ``metadata``: each exists on one database and is the migration's alone (disputeflow.cases.schema.include_name).
parties_fts = table("parties_fts", column("rowid", Integer()), column("name", String()))
cases_fts = table("cases_fts", column("rowid", Integer()), column("title", String()))
VIRTUAL_TABLES = ("parties_fts", "cases_fts")
# The unit path in LIKE's order (0022): varchar_pattern_ops on PostgreSQL, COLLATE NOCASE on SQLite.
DIALECT_INDEXES = ("ix_parties_name_trgm", "ix_cases_title_trgm", "ix_cases_unit_path_like", "ix_cases_open_unit_path")

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("seq", Integer(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(40), nullable=False),
    Column("from_state", String(40), nullable=True),
    Column("to_state", String(40), nullable=False),
    Column("data", Text(), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # The after-values of the case columns the event set (JSON), and the key that signed the hash
    # ("" unsigned; NULL: written before signing existed). See disputeflow.cases.audit.
    Column("fields", Text(), nullable=True),
    Column("key_id", String(40), nullable=True),
    UniqueConstraint("case_id", "seq"),
)
Index("ix_audit_events_at", audit_events.c.at)

clocks = Table(
    "clocks",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("name", String(40), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("warn_at", UTCDateTime(), nullable=True),
    Column("calendar_rev", String(80), nullable=False, server_default=""),
    Column("status", String(20), nullable=False),  # running / stopped
    Column("stopped_at", UTCDateTime(), nullable=True),
    Column("extended", Integer(), nullable=False, server_default="0"),
    Column("level", String(20), nullable=True),  # highest ladder step raised
    Column("next_step", String(20), nullable=True),
    Column("next_at", UTCDateTime(), nullable=True),
)
# The sweep reads only clocks that still have a step to raise: cost grows with
# the due clocks, not with the open cases.
Index("ix_clocks_next_at", clocks.c.next_at, sqlite_where=clocks.c.next_at.isnot(None),
      postgresql_where=clocks.c.next_at.isnot(None))
Index("ix_clocks_case_id_name", clocks.c.case_id, clocks.c.name)
# At most one running clock of a kind per case.
Index("uq_clocks_running", clocks.c.case_id, clocks.c.name, unique=True,
      sqlite_where=clocks.c.stopped_at.is_(None), postgresql_where=clocks.c.stopped_at.is_(None))
# "My work" walks the running clocks in due order and stops after a page of cases.
Index("ix_clocks_running_due_at", clocks.c.due_at, sqlite_where=clocks.c.stopped_at.is_(None),
      postgresql_where=clocks.c.stopped_at.is_(None))

escalations = Table(
    "escalations",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("clock_id", Integer(), ForeignKey("clocks.id"), nullable=False),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("step", String(20), nullable=False),
    Column("step_at", UTCDateTime(), nullable=False),
    Column("raised_at", UTCDateTime(), nullable=False),
    UniqueConstraint("clock_id", "step"),  # each step fires exactly once per clock
)
Index("ix_escalations_raised_at", escalations.c.raised_at)
Index("ix_escalations_step_step_at", escalations.c.step, escalations.c.step_at)

# A responsible unit with too many level-3 escalations in one local month is put on
# the supervisor's list for a formal talk; UNIQUE(unit_id, month) lists it once.
unit_talks = Table(
    "unit_talks",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("level3_count", Integer(), nullable=False),
    Column("cases", Text(), nullable=False, server_default="[]"),
    Column("listed_at", UTCDateTime(), nullable=False),
    UniqueConstraint("unit_id", "month"),
)
