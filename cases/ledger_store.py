"""What a ledger import reads and writes besides its bulk insert, as SQLAlchemy Core over ``cases.tables``.

The import runs inside a store transaction (:class:`disputeflow.cases.store.Tx`,
a DBAPI cursor), so each statement is compiled for the store's dialect and run
on that cursor (:func:`disputeflow.cases.prepared.execute`): quoting, parameter
style, ``IN`` lists and ``FOR UPDATE`` are SQLAlchemy's. Values are passed as the driver takes them (``Tx.t`` for times),
as every statement of the store is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update

from disputeflow.cases.prepared import execute as _execute
from disputeflow.cases.tables import audit_events, cases, clocks, import_keys, parties, units, users

KEYS_PER_QUERY = 500

# A correction reads the whole case row (the command path reads fewer columns), in this order.
CASE_ROW = (
    "id", "number", "definition", "definition_version", "state", "version", "title", "category", "source",
    "description", "unit_id", "unit_path", "risk", "risk_floor", "flags", "party_count", "reporter", "mediator",
    "lead_official", "responsible_unit", "supervision_level", "data", "reported_at", "updated_at", "closed_at",
    "audit_seq", "audit_hash",
)
# What a dry run reads of a case whose row changed (see :func:`case_for_forecast`), in this order.
FORECAST_ROW = ("state", "definition", "definition_version", "number", "risk", "risk_floor", "flags", "mediator",
                "lead_official", "responsible_unit", "supervision_level", "party_count", "data", "category")
# The columns a correction sets on the case (besides version, updated_at and the chain head).
CORRECTED_COLUMNS = ("state", "risk", "risk_floor", "flags", "party_count", "mediator", "lead_official",
                     "responsible_unit", "supervision_level", "data", "title", "category", "source", "description",
                     "unit_id", "unit_path", "closed_at")


def directory(tx) -> tuple[list[tuple], list[tuple]]:
    """Every unit ``(id, name, kind, path, handles)`` and user ``(id, name, role, active)``: an import names them
    by either (an office also by the categories it handles, a JSON list or None)."""
    unit_rows = _execute(tx, select(units.c.id, units.c.name, units.c.kind, units.c.path, units.c.handles)).fetchall()
    user_rows = _execute(tx, select(users.c.id, users.c.name, users.c.role, users.c.active)).fetchall()
    return [tuple(r) for r in unit_rows], [tuple(r) for r in user_rows]


def known_keys(tx, namespace: str, keys: list[str]) -> dict[str, tuple[int, str]]:
    """key -> (case_id, row_hash) for the keys already imported in ``namespace``."""
    out: dict[str, tuple[int, str]] = {}
    for i in range(0, len(keys), KEYS_PER_QUERY):
        stmt = (select(import_keys.c.key, import_keys.c.case_id, import_keys.c.row_hash)
                .where(import_keys.c.namespace == namespace, import_keys.c.key.in_(keys[i:i + KEYS_PER_QUERY])))
        for key, case_id, row_hash in _execute(tx, stmt).fetchall():
            out[key] = (case_id, row_hash)
    return out


def imported_record(tx, namespace: str, key: str) -> str:
    """The record (JSON) an import key was last written with: what a correction is diffed against."""
    stmt = select(import_keys.c.record).where(import_keys.c.namespace == namespace, import_keys.c.key == key)
    return _execute(tx, stmt).fetchone()[0]


def case_for_correction(tx, case_id: int) -> tuple:
    """The whole case row (:data:`CASE_ROW`), locked for the rest of the transaction where the database can."""
    stmt = select(*(cases.c[c] for c in CASE_ROW)).where(cases.c.id == case_id).with_for_update()
    return tuple(_execute(tx, stmt).fetchone())


def case_for_forecast(tx, case_id: int, namespace: str, key: str) -> tuple:
    """(:data:`FORECAST_ROW` columns..., the record last imported) of a case a changed row would correct."""
    stmt = (select(*(cases.c[c] for c in FORECAST_ROW), import_keys.c.record)
            .join(import_keys, import_keys.c.case_id == cases.c.id)
            .where(cases.c.id == case_id, import_keys.c.namespace == namespace, import_keys.c.key == key))
    return tuple(_execute(tx, stmt).fetchone())


def last_move_at(tx, case_id: int):
    """When the case last changed state (its report included), as the driver gives it."""
    stmt = select(func.max(audit_events.c.at)).where(
        audit_events.c.case_id == case_id,
        or_(audit_events.c.from_state.is_(None), audit_events.c.from_state != audit_events.c.to_state))
    return _execute(tx, stmt).fetchone()[0]


def replace_parties(tx, case_id: int, rows: list[tuple]) -> None:
    """The case's parties become ``rows`` of ``(seq, name, role, phone, id_number, address)``."""
    _execute(tx, delete(parties).where(parties.c.case_id == case_id))
    tx.insert_rows("parties", ("case_id", "seq", "name", "role", "phone", "id_number", "address"),
                   [(case_id, *r) for r in rows])


def start_clock(tx, values: dict[str, Any]) -> int:
    """Insert a clock row (``clocks`` columns by name, times as the driver takes them); returns its id."""
    return _execute(tx, insert(clocks).values(**values).returning(clocks.c.id)).fetchone()[0]


def update_corrected_case(tx, case_id: int, version: int, events: int, values: dict[str, Any]) -> int:
    """Write a corrected case under the version read, ``events`` newer; returns the rows changed (0: it moved on).

    ``values`` holds :data:`CORRECTED_COLUMNS`, ``updated_at``, ``audit_seq`` and ``audit_hash``.
    """
    stmt = (update(cases).where(cases.c.id == bindparam("_id"), cases.c.version == bindparam("_version"))
            .values(version=cases.c.version + bindparam("_events"),
                    **{c: bindparam(c) for c in (*CORRECTED_COLUMNS, "updated_at", "audit_seq", "audit_hash")}))
    return _execute(tx, stmt, {**values, "_id": case_id, "_version": version, "_events": events}).rowcount


def update_import_key(tx, namespace: str, key: str, row_hash: str, record: str, now) -> None:
    """The import key now stands for the corrected row."""
    stmt = (update(import_keys).where(import_keys.c.namespace == namespace, import_keys.c.key == key)
            .values(row_hash=row_hash, record=record, updated_at=now))
    _execute(tx, stmt)
