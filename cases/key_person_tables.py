"""Key persons (重点人员稳控).

The register of key persons and groups, their links to cases, recorded contacts,
the occurrences of their recurring duties (each carried by an ordinary clock, so
the sweep escalates it exactly once per step) and their own hash-chained audit
log, which also records every read of a key person's record.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text

from disputeflow.cases import case_tables  # noqa: F401  (cases, clocks, units, users: the foreign keys' targets)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

key_persons = Table(
    "key_persons",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # person / group
    Column("name", String(100), nullable=False),
    Column("id_number", String(18), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address", String(300), nullable=True),
    Column("group_size", Integer(), nullable=True),
    Column("reasons", Text(), nullable=False, server_default="{}"),
    Column("risk", String(20), nullable=False),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("unit_path", String(1000), nullable=False),
    Column("grid_officer", String(64), ForeignKey("users.id"), nullable=False),
    Column("lead_official", String(64), ForeignKey("users.id"), nullable=False),
    Column("status", String(20), nullable=False),  # controlled / released
    Column("anchor_case_id", Integer(), ForeignKey("cases.id"), nullable=True),  # None: registered without a case
    Column("controlled_since", UTCDateTime(), nullable=False),
    Column("next_roll_at", UTCDateTime(), nullable=True),
    Column("released_at", UTCDateTime(), nullable=True),
    Column("released_by", String(64), nullable=True),
    Column("release_reason", Text(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("version", Integer(), nullable=False),
    Column("audit_seq", Integer(), nullable=False),
    Column("audit_hash", String(64), nullable=False),
    # 0018: the key population (重点人群) beyond dispute parties
    Column("person_type", String(30), nullable=False, server_default="dispute_party"),
    Column("stabilise_unit", String(64), nullable=True),  # 稳控责任单位
    Column("resolve_unit", String(64), nullable=True),  # 化解责任单位
    Column("keeper_county", String(64), nullable=True),  # 包保：县级
    Column("keeper_town", String(64), nullable=True),  # 包保：乡镇级
    Column("keeper_village", String(64), nullable=True),  # 包保：村级
)
Index("ix_key_persons_unit_path", key_persons.c.unit_path)
Index("ix_key_persons_next_roll_at", key_persons.c.next_roll_at, sqlite_where=key_persons.c.next_roll_at.isnot(None),
      postgresql_where=key_persons.c.next_roll_at.isnot(None))

key_person_cases = Table(
    "key_person_cases",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("person_id", Integer(), ForeignKey("key_persons.id"), nullable=False),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False),
    Column("linked_at", UTCDateTime(), nullable=False),
    Column("linked_by", String(64), nullable=False),
    UniqueConstraint("person_id", "case_id"),
)
Index("ix_key_person_cases_case_id", key_person_cases.c.case_id)

key_person_contacts = Table(
    "key_person_contacts",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("person_id", Integer(), ForeignKey("key_persons.id"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("method", String(20), nullable=False),  # visit / phone / report
    Column("state", Text(), nullable=False, server_default=""),
    Column("alarming", Boolean(), nullable=False, server_default=text("false")),
    Column("note", Text(), nullable=False, server_default=""),
)
Index("ix_key_person_contacts_person_id_at", key_person_contacts.c.person_id, key_person_contacts.c.at)

key_person_duties = Table(
    "key_person_duties",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("person_id", Integer(), ForeignKey("key_persons.id"), nullable=False),
    Column("duty", String(20), nullable=False),
    Column("period_start", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("clock_id", Integer(), ForeignKey("clocks.id"), nullable=True),
    Column("status", String(20), nullable=False),  # open / met / missed / cancelled
    Column("met_at", UTCDateTime(), nullable=True),
    Column("contact_id", Integer(), ForeignKey("key_person_contacts.id"), nullable=True),
    UniqueConstraint("person_id", "duty", "period_start"),  # one occurrence per period, whatever the sweepers
)
Index("ix_key_person_duties_person_id_due_at", key_person_duties.c.person_id, key_person_duties.c.due_at)
Index("ix_key_person_duties_clock_id", key_person_duties.c.clock_id)
Index("ix_key_person_duties_open_due", key_person_duties.c.due_at, sqlite_where=key_person_duties.c.status == "open",
      postgresql_where=key_person_duties.c.status == "open")

# One open item per person for their missed duties (0018): it escalates once per ladder step and
# collects the days missed until a contact meets a duty again (or the person is released).
key_person_lapses = Table(
    "key_person_lapses",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("person_id", Integer(), ForeignKey("key_persons.id"), nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),  # the first missed period's start
    Column("due_at", UTCDateTime(), nullable=False),  # the first missed period's end: the ladder counts from it
    Column("days", Text(), nullable=False, server_default="{}"),  # {"2026-10-02": ["contact", "report"], ...}
    Column("level", String(20), nullable=True),  # the highest ladder step raised
    Column("next_step", String(20), nullable=True),
    Column("next_at", UTCDateTime(), nullable=True),
    Column("listed", Boolean(), nullable=False, server_default=text("false")),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("closed_reason", String(20), nullable=True),  # met / released
)
Index("uq_key_person_lapses_open", key_person_lapses.c.person_id, unique=True,
      sqlite_where=key_person_lapses.c.closed_at.is_(None), postgresql_where=key_person_lapses.c.closed_at.is_(None))
Index("ix_key_person_lapses_next_at", key_person_lapses.c.next_at,
      sqlite_where=key_person_lapses.c.next_at.isnot(None), postgresql_where=key_person_lapses.c.next_at.isnot(None))

key_person_notices = Table(
    "key_person_notices",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("clock_id", Integer(), ForeignKey("clocks.id"), nullable=False),
    Column("step", String(20), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=False),
    UniqueConstraint("clock_id", "step"),  # each escalation reaches the person's officials once
)

key_person_events = Table(
    "key_person_events",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("person_id", Integer(), ForeignKey("key_persons.id"), nullable=False),
    Column("seq", Integer(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(40), nullable=False),
    Column("data", Text(), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("fields", Text(), nullable=True),
    Column("key_id", String(40), nullable=True),
    UniqueConstraint("person_id", "seq"),
)
Index("ix_key_person_events_at", key_person_events.c.at)
