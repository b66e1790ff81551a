"""The rows ``disputeflow audit resign`` reads and rewrites: chains in chunks, locked, and their new hashes.

Runs on the store's :class:`~disputeflow.cases.store.Tx` inside write
transactions, with the same column orders the verifier walks
(:mod:`disputeflow.cases.audit_verify`).
"""

from __future__ import annotations

from disputeflow.cases.audit_verify import CASE_SELECT, EVENT_SELECT

_CASE_EVENTS = EVENT_SELECT.replace(" FROM", ", id FROM")
_REHASH = "UPDATE {table} SET prev_hash = :prev, hash = :hash, fields = :fields, key_id = :key_id WHERE id = :id"
_HEAD = "UPDATE {table} SET audit_hash = :h, version = version + 1 WHERE id = :id"


def _lock(tx) -> str:
    return "" if tx.store.is_sqlite else " FOR UPDATE"


def case_ids(tx) -> list[int]:
    return [r[0] for r in tx.query("SELECT id FROM cases ORDER BY id")]


def case_chunk(tx, first: int, last: int) -> tuple[list, list, list]:
    """The cases with ids in ``[first, last]`` (locked; :data:`CASE_SELECT` columns), their events
    (:data:`EVENT_SELECT` columns and the event id) and parties (``case_id, seq, name, role, phone, id_number,
    address``), each in chain order."""
    bounds = {"a": first, "b": last}
    cases = tx.query(CASE_SELECT + " WHERE id >= :a AND id <= :b ORDER BY id" + _lock(tx), bounds)
    events = tx.query(_CASE_EVENTS + " WHERE case_id >= :a AND case_id <= :b ORDER BY case_id, seq", bounds)
    parties = tx.query("SELECT case_id, seq, name, role, phone, id_number, address, particulars FROM parties "
                       "WHERE case_id >= :a AND case_id <= :b ORDER BY case_id, seq", bounds)
    return cases, events, parties


def person_chains(tx, fields: tuple[str, ...]) -> tuple[list, list]:
    """Every person (locked; ``id, audit_seq, audit_hash, *fields``) and every person event
    (``person_id, seq, at, actor, action, data, fields, key_id, prev_hash, hash, id``), in chain order."""
    persons = tx.query(f"SELECT id, audit_seq, audit_hash, {', '.join(fields)} FROM key_persons ORDER BY id{_lock(tx)}")
    events = tx.query("SELECT person_id, seq, at, actor, action, data, fields, key_id, prev_hash, hash, id "
                      "FROM key_person_events ORDER BY person_id, seq")
    return persons, events


def rewrite_chain(tx, person: bool, owner_id: int, rows: list[tuple]) -> None:
    """Store new ``(event id, prev_hash, hash, fields, key_id, ...)`` of a chain's events and move its owner's head
    to the last one (bumping the owner's version: the record was vouched for anew)."""
    events, owner = ("key_person_events", "key_persons") if person else ("audit_events", "cases")
    tx.cur.executemany(tx.store.translate(_REHASH.format(table=events)),
                       [{"prev": p, "hash": h, "fields": f, "key_id": k, "id": eid} for eid, p, h, f, k, *_ in rows])
    tx.execute(_HEAD.format(table=owner), {"h": rows[-1][2], "id": owner_id})


def counters(tx) -> list:
    """``(prefix, year, last)`` of every case number counter."""
    return tx.query("SELECT prefix, year, last FROM case_counters")
