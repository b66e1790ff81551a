"""The key-person register's own rows (the person, case links, contacts, risk, release) and what it reads.

The person's chain is written by :mod:`disputeflow.cases.chain_writer`; this
module holds the rest of what a register command stores, each statement once.
"""

from __future__ import annotations


def user_role(tx, user_id: str) -> tuple | None:
    """``(role, active)`` of a user, or None."""
    rows = tx.query("SELECT role, active FROM users WHERE id = :id", {"id": user_id})
    return tuple(rows[0]) if rows else None


def case_number(tx, case_id: int) -> str:
    return tx.query("SELECT number FROM cases WHERE id = :id", {"id": case_id})[0][0]


def add_contact(tx, person_id: int, at, now, by: str, method: str, state: str, alarming: bool, note: str) -> int:
    """Store a contact; returns its id (times in the driver's form)."""
    return tx.query(
        "INSERT INTO key_person_contacts (person_id, at, recorded_at, recorded_by, method, state, alarming, note) "
        "VALUES (:p, :at, :now, :by, :method, :state, :alarming, :note) RETURNING id",
        {"p": person_id, "at": at, "now": now, "by": by, "method": method, "state": state, "alarming": alarming,
         "note": note})[0][0]


def set_risk(tx, person_id: int, risk: str) -> None:
    tx.execute("UPDATE key_persons SET risk = :risk WHERE id = :id", {"risk": risk, "id": person_id})


def linked_cases(tx, person_id: int) -> list:
    """``(number, state, definition, definition version)`` of every case linked to the person, by number."""
    return tx.query("SELECT c.number, c.state, c.definition, c.definition_version FROM key_person_cases l "
                    "JOIN cases c ON c.id = l.case_id WHERE l.person_id = :p ORDER BY c.number", {"p": person_id})


def mark_released(tx, person_id: int, now, by: str, reason: str) -> None:
    """The person is released: no more occurrences are rolled for them."""
    tx.execute("UPDATE key_persons SET status = 'released', released_at = :now, released_by = :by, "
               "release_reason = :reason, next_roll_at = NULL WHERE id = :id",
               {"now": now, "by": by, "reason": reason, "id": person_id})


def add_person(tx, params: dict) -> int:
    """Store a person under control, with an empty chain; returns the id (times in the driver's form).

    ``params``: kind, name, idn, phone, addr, size, reasons, risk, unit, path, go, lead, anchor, now, by, genesis.
    """
    return tx.query(
        "INSERT INTO key_persons (kind, name, id_number, phone, address, group_size, reasons, risk, unit_id, "
        "unit_path, grid_officer, lead_official, status, anchor_case_id, controlled_since, next_roll_at, "
        "created_at, created_by, version, audit_seq, audit_hash) VALUES (:kind, :name, :idn, :phone, :addr, "
        ":size, :reasons, :risk, :unit, :path, :go, :lead, 'controlled', :anchor, :now, NULL, :now, :by, 1, 0, "
        ":genesis) RETURNING id", params)[0][0]


def case_scope(tx, number: str) -> tuple | None:
    """``(id, unit_id, unit_path, mediator, lead_official, responsible_unit)`` of a case, or None."""
    rows = tx.query("SELECT id, unit_id, unit_path, mediator, lead_official, responsible_unit FROM cases "
                    "WHERE number = :n", {"n": number})
    return tuple(rows[0]) if rows else None


def add_case_link(tx, person_id: int, case_id: int, now, by: str) -> bool:
    """Link a case to a person; False when it was linked already."""
    return tx.execute("INSERT INTO key_person_cases (person_id, case_id, linked_at, linked_by) "
                      "VALUES (:p, :c, :now, :by) ON CONFLICT (person_id, case_id) DO NOTHING",
                      {"p": person_id, "c": case_id, "now": now, "by": by}) == 1


def case_for_link(tx, case_id: int) -> tuple:
    """``(number, state, risk, risk_floor, flags, party_count, audit_seq, audit_hash, version)`` of a case, locked
    on PostgreSQL until the transaction ends."""
    return tuple(tx.query("SELECT number, state, risk, risk_floor, flags, party_count, audit_seq, audit_hash, version "
                          "FROM cases WHERE id = :id" + ("" if tx.store.is_sqlite else " FOR UPDATE"),
                          {"id": case_id})[0])
