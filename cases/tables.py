"""The schema, as SQLAlchemy Core tables.

Alembic migrations are written against these; a test checks that an empty
database upgraded to head matches them. The command path does not go through
these objects (it uses prepared SQL, see :mod:`disputeflow.cases.store`); admin screens and
reports do.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from disputeflow.cases.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

units = Table(
    "units",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parent_id", String(64), ForeignKey("units.id"), nullable=True),
    Column("path", String(1000), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
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
)
Index("ix_cases_state", cases.c.state)
Index("ix_cases_unit_path", cases.c.unit_path)
Index("ix_cases_reported_at", cases.c.reported_at)

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
    UniqueConstraint("case_id", "seq"),
)

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

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("event", String(40), nullable=False),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=True),
    Column("case_number", String(64), nullable=True),
    Column("actor", String(64), nullable=True),
    Column("audience", Text(), nullable=False, server_default="[]"),
    Column("payload", Text(), nullable=False, server_default="{}"),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer(), nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("last_error", Text(), nullable=True),
    Column("sent_at", UTCDateTime(), nullable=True),
)
Index("ix_outbox_status_next_attempt_at", outbox.c.status, outbox.c.next_attempt_at)

# --------------------------------------------------------------------------- unit talks (约谈)
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
Index("ix_escalations_step_step_at", escalations.c.step, escalations.c.step_at)

# --- key persons (重点人员稳控) ---
# The register of key persons and groups, their links to cases, recorded contacts,
# the occurrences of their recurring duties (each carried by an ordinary clock, so
# the sweep escalates it exactly once per step) and their own hash-chained audit
# log, which also records every read of a key person's record.
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
    Column("anchor_case_id", Integer(), ForeignKey("cases.id"), nullable=False),
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
    Column("status", String(20), nullable=False),  # open / met / cancelled
    Column("met_at", UTCDateTime(), nullable=True),
    Column("contact_id", Integer(), ForeignKey("key_person_contacts.id"), nullable=True),
    UniqueConstraint("person_id", "duty", "period_start"),  # one occurrence per period, whatever the sweepers
)
Index("ix_key_person_duties_person_id_due_at", key_person_duties.c.person_id, key_person_duties.c.due_at)
Index("ix_key_person_duties_clock_id", key_person_duties.c.clock_id)

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
# --- notifications ---
# The outbox row is fanned out once into one delivery per recipient and channel;
# UNIQUE(outbox_id, recipient, channel) makes the fan-out idempotent whatever the
# number of dispatchers. Each delivery carries its own retry state.
notification_deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("outbox_id", Integer(), ForeignKey("outbox.id"), nullable=False),
    Column("recipient", String(64), nullable=False),  # a user id, or "*" for a group channel
    Column("channel", String(64), nullable=False),  # the configured channel name
    Column("kind", String(20), nullable=False),
    Column("lang", String(10), nullable=False),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer(), nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("last_error", Text(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    UniqueConstraint("outbox_id", "recipient", "channel"),
)
Index("ix_notification_deliveries_status_next_attempt_at", notification_deliveries.c.status,
      notification_deliveries.c.next_attempt_at)

# The in-app inbox: one message per notification and person, rendered in the
# person's language when delivered.
inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False),
    Column("outbox_id", Integer(), ForeignKey("outbox.id"), nullable=False),
    Column("event", String(40), nullable=False),
    Column("case_number", String(64), nullable=True),
    Column("lang", String(10), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("read_at", UTCDateTime(), nullable=True),
    UniqueConstraint("outbox_id", "user_id"),
)
Index("ix_inbox_user_id_read_at", inbox.c.user_id, inbox.c.read_at)
# --- ledger import ---
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
# --- web ---
# Sign-in for the web workspace and tokens for other systems. Passwords and
# tokens are stored only as hashes (argon2 for passwords, SHA-256 for random
# tokens); failed sign-ins are rows so a lock-out holds across processes.
user_passwords = Table(
    "user_passwords",
    metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # Bumped by sign-out and by a password change: every session cookie issued before is void.
    Column("session_gen", Integer(), nullable=False, server_default="0"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("remote", String(64), nullable=True),
)
Index("ix_login_failures_user_id_at", login_failures.c.user_id, login_failures.c.at)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Column("last_used_at", UTCDateTime(), nullable=True),
    UniqueConstraint("token_hash"),
)
# "My work" walks the running clocks in due order and stops after a page of cases.
Index("ix_clocks_running_due_at", clocks.c.due_at, sqlite_where=clocks.c.stopped_at.is_(None),
      postgresql_where=clocks.c.stopped_at.is_(None))
# --- reports ---
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
