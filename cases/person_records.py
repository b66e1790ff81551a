"""A key person's row, read on the store's prepared path (its chain is written by :mod:`disputeflow.cases.chain_writer`).

Used inside write transactions of the register, the duty sweep and the logged
reads (a read of a person's record is itself an event on the person's chain),
on the same :class:`disputeflow.cases.store.Tx` as the rest of those writes.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from disputeflow.cases.prepared import Prepared
from disputeflow.cases.tables import key_persons

PERSON_COLUMNS = ("id", "kind", "name", "id_number", "phone", "address", "group_size", "reasons", "risk", "unit_id",
                  "unit_path", "grid_officer", "lead_official", "status", "anchor_case_id", "controlled_since",
                  "next_roll_at", "released_at", "released_by", "release_reason", "created_at", "created_by",
                  "version", "audit_seq", "audit_hash", "person_type", "stabilise_unit", "resolve_unit",
                  "keeper_county", "keeper_town", "keeper_village")
_ROW = select(*(key_persons.c[name] for name in PERSON_COLUMNS)).where(key_persons.c.id == bindparam("id"))
_PERSON, _LOCKED = Prepared(_ROW), Prepared(_ROW.with_for_update())


def person(tx, person_id: int, lock: bool = False) -> dict | None:
    """The person's row keyed by :data:`PERSON_COLUMNS`; ``lock`` holds it to the transaction's end
    (PostgreSQL; SQLite's write transaction holds the whole database already)."""
    row = (_LOCKED if lock else _PERSON).first(tx, {"id": person_id})
    return dict(zip(PERSON_COLUMNS, row)) if row else None
