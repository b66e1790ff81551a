"""A key person's row and the head of its hash chain, on the store's prepared path.

Used inside write transactions of the register, the duty sweep and the logged
reads (a read of a person's record is itself an event on the person's chain),
on the same :class:`disputeflow.cases.store.Tx` as the rest of those writes.
"""

from __future__ import annotations

PERSON_COLUMNS = ("id", "kind", "name", "id_number", "phone", "address", "group_size", "reasons", "risk", "unit_id",
                  "unit_path", "grid_officer", "lead_official", "status", "anchor_case_id", "controlled_since",
                  "next_roll_at", "released_at", "released_by", "release_reason", "created_at", "created_by",
                  "version", "audit_seq", "audit_hash")
_SELECT = "SELECT " + ", ".join(PERSON_COLUMNS) + " FROM key_persons WHERE id = :id"
_EVENT = ("INSERT INTO key_person_events (person_id, seq, at, actor, action, data, prev_hash, hash, fields, key_id) "
          "VALUES (:pid, :seq, :at, :actor, :action, :data, :prev, :hash, :fields, :key_id)")
_HEAD = "UPDATE key_persons SET audit_seq = :seq, audit_hash = :hash WHERE id = :id"
_HEAD_AND_VERSION = "UPDATE key_persons SET audit_seq = :seq, audit_hash = :hash, version = version + 1 WHERE id = :id"


def person(tx, person_id: int, lock: bool = False) -> dict | None:
    """The person's row keyed by :data:`PERSON_COLUMNS`; ``lock`` holds it to the transaction's end
    (PostgreSQL; SQLite's write transaction holds the whole database already)."""
    rows = tx.query(_SELECT + (" FOR UPDATE" if lock and not tx.store.is_sqlite else ""), {"id": person_id})
    return dict(zip(PERSON_COLUMNS, rows[0])) if rows else None


def append_event(tx, row: tuple, seq: int, head: str, person_id: int, bump_version: bool) -> None:
    """Write one chain event (``(person_id, seq, at, actor, action, data, prev_hash, hash, fields, key_id)``)
    and move the person's head to ``(seq, head)``."""
    tx.execute(_EVENT, dict(zip(("pid", "seq", "at", "actor", "action", "data", "prev", "hash", "fields", "key_id"),
                                row)))
    tx.execute(_HEAD_AND_VERSION if bump_version else _HEAD, {"seq": seq, "hash": head, "id": person_id})


def chain_rows(tx, fields: tuple[str, ...]) -> tuple[list, list]:
    """Every person's head and recorded fields (``(id, audit_seq, audit_hash, *fields)``), and every event
    (``(person_id, seq, at, actor, action, data, fields, key_id, prev_hash, hash)``), both in chain order."""
    events = tx.query("SELECT person_id, seq, at, actor, action, data, fields, key_id, prev_hash, hash "
                      "FROM key_person_events ORDER BY person_id, seq")
    persons = tx.query(f"SELECT id, audit_seq, audit_hash, {', '.join(fields)} FROM key_persons ORDER BY id")
    return persons, events
