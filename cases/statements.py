"""The command path's SQL, written once with ``:name`` parameters.

:class:`disputeflow.cases.store.Store` translates every statement to the
driver's positional parameter style when it starts (see
:mod:`disputeflow.cases.compiled`); the command path then binds tuples.
"""

from __future__ import annotations

import re

# A ``:name`` parameter (not ``::type`` casts, not inside a word).
_PARAM = re.compile(r"(?<![:\w]):(\w+)")

# What a command reads of a case: every column a check, a guard or a write needs, and
# nothing a command never looks at (the description, source, timestamps) — each
# extra column is converted by the driver on every transition.
CASE_COLUMNS = (
    "id, number, definition, definition_version, state, version, category, unit_path, "
    "risk, risk_floor, flags, party_count, mediator, lead_official, responsible_unit, "
    "supervision_level, data, closed_at, audit_seq, audit_hash"
)

# What a command reads of a running clock (``running_clocks``, in this order).
RUNNING_CLOCK_COLUMNS = "id, name, started_at, due_at, warn_at, extended, level, next_step, next_at, calendar_rev"

STATEMENTS: dict[str, str] = {
    "case_for_actor": (
        "SELECT " + ", ".join("c." + c.strip() for c in CASE_COLUMNS.split(",")) +
        ", u.role, u.unit_path, u.unit_id, u.active "
        "FROM cases c LEFT JOIN users u ON u.id = :actor WHERE c.number = :number"
    ),
    # the same, with the user a field of the action names (``assign``'s mediator): one round trip, not two
    "case_for_actor_and_user": (
        "SELECT " + ", ".join("c." + c.strip() for c in CASE_COLUMNS.split(",")) +
        ", u.role, u.unit_path, u.unit_id, u.active, f.role, f.unit_path, f.active "
        "FROM cases c LEFT JOIN users u ON u.id = :actor LEFT JOIN users f ON f.id = :user WHERE c.number = :number"
    ),
    "case_by_number": "SELECT " + CASE_COLUMNS + " FROM cases WHERE number = :number",
    "actor": "SELECT role, unit_path, unit_id, active, name FROM users WHERE id = :actor",
    "user": "SELECT role, unit_path, active FROM users WHERE id = :id",
    "unit": "SELECT kind, path, name, active FROM units WHERE id = :id",
    "next_number": (
        "INSERT INTO case_counters (prefix, year, last) VALUES (:prefix, :year, 1) "
        "ON CONFLICT (prefix, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last"
    ),
    "insert_case": (
        "INSERT INTO cases (number, definition, definition_version, state, version, title, category, "
        "source, description, unit_id, unit_path, risk, risk_floor, flags, party_count, reporter, "
        "mediator, lead_official, responsible_unit, supervision_level, data, reported_at, updated_at, "
        "closed_at, audit_seq, audit_hash) VALUES (:number, :definition, :definition_version, :state, 1, "
        ":title, :category, :source, :description, :unit_id, :unit_path, :risk, :risk_floor, :flags, "
        ":party_count, :reporter, NULL, NULL, NULL, NULL, :data, :now, :now, NULL, 1, :audit_hash) RETURNING id"
    ),
    # The counter's value signed with the audit key (only when a key is configured).
    "sign_counter": "UPDATE case_counters SET key_id = :key_id, sig = :sig WHERE prefix = :prefix AND year = :year",
    "insert_party": (
        "INSERT INTO parties (case_id, seq, name, role, phone, id_number, address, particulars) "
        "VALUES (:case_id, :seq, :name, :role, :phone, :id_number, :address, :particulars)"
    ),
    "insert_audit": (
        "INSERT INTO audit_events (case_id, seq, at, actor, action, from_state, to_state, data, prev_hash, hash, "
        "fields, key_id) VALUES (:case_id, :seq, :at, :actor, :action, :from_state, :to_state, :data, :prev_hash, "
        ":hash, :fields, :key_id)"
    ),
    "insert_outbox": (
        "INSERT INTO outbox (created_at, event, case_id, case_number, actor, audience, payload, status, "
        "attempts, next_attempt_at) VALUES (:now, :event, :case_id, :case_number, :actor, :audience, "
        ":payload, 'pending', 0, :now)"
    ),
    # A parent's open child cases (work orders), for the guards that wait for them (the partial read of
    # ``ix_cases_parent_id``; an ended child has ``closed_at`` set).
    "open_children": (
        "SELECT number, definition, state FROM cases WHERE parent_id = :parent_id AND closed_at IS NULL "
        "ORDER BY id"
    ),
    # What a child case copies from its parent beyond the command's case record.
    "case_extras": "SELECT title, unit_id, source FROM cases WHERE id = :id",
    "insert_child_case": (
        "INSERT INTO cases (number, definition, definition_version, state, version, title, category, "
        "source, description, unit_id, unit_path, risk, risk_floor, flags, party_count, reporter, "
        "mediator, lead_official, responsible_unit, supervision_level, data, reported_at, updated_at, "
        "closed_at, audit_seq, audit_hash, parent_id) VALUES (:number, :definition, :definition_version, :state, 1, "
        ":title, :category, :source, :description, :unit_id, :unit_path, :risk, :risk_floor, '[]', 0, :reporter, "
        ":mediator, NULL, :responsible_unit, NULL, :data, :now, :now, NULL, 1, :audit_hash, :parent_id) RETURNING id"
    ),
    "running_clocks": (
        "SELECT " + RUNNING_CLOCK_COLUMNS + " FROM clocks WHERE case_id = :case_id AND stopped_at IS NULL"
    ),
    "insert_clock": (
        "INSERT INTO clocks (case_id, name, started_at, due_at, warn_at, calendar_rev, status, extended, "
        "level, next_step, next_at) VALUES (:case_id, :name, :started_at, :due_at, :warn_at, :calendar_rev, "
        "'running', 0, NULL, :next_step, :next_at)"
    ),
    # The sweep's bulk form: a clock already running (the partial unique index) is left alone.
    "insert_clock_if_absent": (
        "INSERT INTO clocks (case_id, name, started_at, due_at, warn_at, calendar_rev, status, extended, "
        "level, next_step, next_at) VALUES (:case_id, :name, :started_at, :due_at, :warn_at, :calendar_rev, "
        "'running', 0, NULL, :next_step, :next_at) ON CONFLICT (case_id, name) WHERE stopped_at IS NULL DO NOTHING"
    ),
    "stop_clock": (
        "UPDATE clocks SET status = 'stopped', stopped_at = :now, next_step = NULL, next_at = NULL "
        "WHERE id = :id AND stopped_at IS NULL"
    ),
    # A command's forms key a running clock by its case and name (at most one runs, the
    # partial unique index): a batch may stop or extend a clock it started itself, before
    # that clock has an id.
    "stop_running_clock": (
        "UPDATE clocks SET status = 'stopped', stopped_at = :now, next_step = NULL, next_at = NULL "
        "WHERE case_id = :case_id AND name = :name AND stopped_at IS NULL"
    ),
    "reschedule_running_clock": (
        "UPDATE clocks SET due_at = :due_at, warn_at = :warn_at, extended = :extended, "
        "next_step = :next_step, next_at = :next_at, calendar_rev = :calendar_rev "
        "WHERE case_id = :case_id AND name = :name AND stopped_at IS NULL"
    ),
    "reschedule_clock": (
        "UPDATE clocks SET due_at = :due_at, warn_at = :warn_at, extended = :extended, "
        "next_step = :next_step, next_at = :next_at, calendar_rev = :calendar_rev WHERE id = :id"
    ),
}
