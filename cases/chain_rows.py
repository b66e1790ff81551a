"""The rows of both hash chains as checking and re-signing them read them, chunk by chunk and in chain order.

:mod:`disputeflow.cases.audit_verify` walks these rows; ``disputeflow audit
resign`` (:mod:`disputeflow.cases.audit_resign_rows`) reads the same rows,
locked, with the events' ids, and rewrites their hashes. Each statement is
built once (:mod:`disputeflow.cases.prepared`); a case chunk is the ids in
``[:a, :b]``.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select

from disputeflow.cases.prepared import Prepared
from disputeflow.cases.tables import audit_events, case_counters, cases, key_person_events, key_persons, parties

_A, _C, _PE = audit_events.c, cases.c, key_person_events.c

# A case's columns as the verifier compares them, after its id, number and head.
CASE_FIELDS = ("state", "risk", "risk_floor", "flags", "mediator", "lead_official", "responsible_unit",
               "supervision_level", "unit_id", "title", "category", "data")
# An event's columns as :meth:`disputeflow.cases.audit_verify.Walker.walk` takes them, after the case id.
EVENT_FIELDS = ("seq", "at", "actor", "action", "from_state", "to_state", "data", "fields", "key_id", "prev_hash",
                "hash")
PERSON_EVENT_FIELDS = ("person_id", "seq", "at", "actor", "action", "data", "fields", "key_id", "prev_hash", "hash")


def _between(column):
    return column.between(bindparam("a"), bindparam("b"))


_CASE_IDS = Prepared(select(_C.id).order_by(_C.id))
_CASES = select(_C.id, _C.number, _C.audit_seq, _C.audit_hash, *(_C[n] for n in CASE_FIELDS)).where(
    _between(_C.id)).order_by(_C.id)
CASE_CHUNK, LOCKED_CASE_CHUNK = Prepared(_CASES), Prepared(_CASES.with_for_update())
_EVENTS = select(_A.case_id, *(_A[n] for n in EVENT_FIELDS)).where(_between(_A.case_id)).order_by(_A.case_id, _A.seq)
EVENT_CHUNK, EVENT_CHUNK_WITH_IDS = Prepared(_EVENTS), Prepared(_EVENTS.add_columns(_A.id))
PARTY_CHUNK = Prepared(
    select(parties.c.case_id, parties.c.seq, parties.c.name, parties.c.role, parties.c.phone, parties.c.id_number,
           parties.c.address, parties.c.particulars).where(_between(parties.c.case_id)).order_by(parties.c.case_id, parties.c.seq))
ORPHAN_EVENTS = Prepared(select(_A.case_id, _A.seq).select_from(audit_events.outerjoin(cases, _C.id == _A.case_id))
                         .where(_C.id.is_(None)).order_by(_A.case_id, _A.seq))
_PERSON_EVENTS = select(*(_PE[n] for n in PERSON_EVENT_FIELDS)).order_by(_PE.person_id, _PE.seq)
PERSON_EVENTS, PERSON_EVENTS_WITH_IDS = Prepared(_PERSON_EVENTS), Prepared(_PERSON_EVENTS.add_columns(_PE.id))
NUMBERS = Prepared(select(_C.number))
COUNTERS = Prepared(select(case_counters.c.prefix, case_counters.c.year, case_counters.c.last, case_counters.c.key_id,
                           case_counters.c.sig).order_by(case_counters.c.prefix, case_counters.c.year))


def case_ids(tx) -> list[int]:
    return [r[0] for r in _CASE_IDS.all(tx)]


@cache
def persons(fields: tuple[str, ...], lock: bool) -> Prepared:
    """Every person (``id, audit_seq, audit_hash, *fields``) by id, locked when asked."""
    p = key_persons.c
    stmt = select(p.id, p.audit_seq, p.audit_hash, *(p[n] for n in fields)).order_by(p.id)
    return Prepared(stmt.with_for_update() if lock else stmt)
