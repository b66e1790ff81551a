"""The rows ``disputeflow audit resign`` reads and rewrites: chains in chunks, locked, and their new hashes.

Runs on the store's :class:`~disputeflow.cases.store.Tx` inside write
transactions, with the same rows and column orders the verifier walks
(:mod:`disputeflow.cases.chain_rows`), each event with its id.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from disputeflow.cases import chain_rows
from disputeflow.cases.prepared import Prepared
from disputeflow.cases.tables import audit_events, case_counters, cases, key_person_events, key_persons


def _rehash(events):
    return Prepared(update(events).where(events.c.id == bindparam("event_id")).values(
        prev_hash=bindparam("prev"), hash=bindparam("new_hash"), fields=bindparam("new_fields"),
        key_id=bindparam("key")))


def _head(owner):
    return Prepared(update(owner).where(owner.c.id == bindparam("owner_id"))
                    .values(audit_hash=bindparam("head"), version=owner.c.version + 1))


# (events, owner) writes of each chain: the case chain, and the key-person chain
_WRITES = {False: (_rehash(audit_events), _head(cases)), True: (_rehash(key_person_events), _head(key_persons))}
_COUNTERS = Prepared(select(case_counters.c.prefix, case_counters.c.year, case_counters.c.last))


def case_ids(tx) -> list[int]:
    return chain_rows.case_ids(tx)


def case_chunk(tx, first: int, last: int) -> tuple[list, list, list]:
    """The cases with ids in ``[first, last]`` (locked; :data:`~disputeflow.cases.chain_rows.CASE_FIELDS` after the
    id, number and head), their events (the verifier's columns and the event id) and parties (``case_id, seq, name,
    role, phone, id_number, address, particulars``), each in chain order."""
    bounds = {"a": first, "b": last}
    cases_ = chain_rows.LOCKED_CASE_CHUNK.all(tx, bounds)
    events = chain_rows.EVENT_CHUNK_WITH_IDS.all(tx, bounds)
    parties = chain_rows.PARTY_CHUNK.all(tx, bounds)
    return cases_, events, parties


def person_chains(tx, fields: tuple[str, ...]) -> tuple[list, list]:
    """Every person (locked; ``id, audit_seq, audit_hash, *fields``) and every person event
    (``person_id, seq, at, actor, action, data, fields, key_id, prev_hash, hash, id``), in chain order."""
    return chain_rows.persons(tuple(fields), lock=True).all(tx), chain_rows.PERSON_EVENTS_WITH_IDS.all(tx)


def rewrite_chain(tx, person: bool, owner_id: int, rows: list[tuple]) -> None:
    """Store new ``(event id, prev_hash, hash, fields, key_id, ...)`` of a chain's events and move its owner's head
    to the last one (bumping the owner's version: the record was vouched for anew)."""
    rehash, head = _WRITES[person]
    rehash.many(tx, [{"prev": p, "new_hash": h, "new_fields": f, "key": k, "event_id": eid}
                     for eid, p, h, f, k, *_ in rows])
    head.run(tx, {"head": rows[-1][2], "owner_id": owner_id})


def counters(tx) -> list:
    """``(prefix, year, last)`` of every case number counter."""
    return _COUNTERS.all(tx)
