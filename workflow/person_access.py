"""Who may see a key person's details, and the person's own hash-chained audit log.

Key-person data is the most sensitive in the system (a name next to "mental
state" and "threat" is itself harmful), so the rule is narrower than for cases:
only the responsible grid officer, the person's lead official and supervisors
whose jurisdiction covers the person's unit see details. Anyone else whose
jurisdiction covers the unit sees a masked name and the risk level; everyone
outside it is refused.

Every change and every read of a key person's record appends an event to the
person's chain (``key_person_events``), hash-linked like the case audit log so
that deleting or editing a read record is detectable.
"""

from __future__ import annotations

from datetime import datetime

from disputeflow.cases import person_records
from disputeflow.cases.audit import GENESIS, seal
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.commands import dumps, jsonable
from disputeflow.workflow.errors import NotFound, NotPermitted
from disputeflow.workflow.numbers import fits_int64



def chain_key(person_id: int) -> str:
    """The identifier a person's events are hashed under (cases use their number)."""
    return f"KP-{person_id}"


def privileged(who: Actor, p: dict) -> bool:
    """The reader may see the person's details: responsible grid officer, lead official, supervisor of the jurisdiction.

    Never outside the reader's bound (a narrowed API token), whoever is in charge.
    """
    if not who.within(p["unit_path"]):
        return False
    if who.role == "system":
        return True
    if who.id in (p["grid_officer"], p["lead_official"]):
        return True
    return who.role == "supervisor" and who.covers(p["unit_path"])


def visible(who: Actor, p: dict) -> bool:
    """The reader may know the person exists (masked unless :func:`privileged`); never outside the reader's bound."""
    return who.within(p["unit_path"]) and (privileged(who, p) or who.covers(p["unit_path"]))


def load(tx, person_id, lock: bool = False) -> dict:
    """The person's row as a dict; ``lock`` holds it for the transaction on PostgreSQL (SQLite holds the write lock).

    Raises:
        NotFound: no such person.
    """
    try:
        pid = int(person_id)
    except (TypeError, ValueError):
        pid = -1
    if not fits_int64(pid):  # beyond the database's integers: no such person either
        pid = -1
    p = person_records.person(tx, pid, lock)
    if p is None:
        raise NotFound(f"重点人员“{person_id}”不存在", f"key person {person_id} not found")
    return p


def check_visible(who: Actor, p: dict) -> None:
    if not visible(who, p):
        raise NotPermitted(f"重点人员 {p['id']} 不在您的管辖范围内", f"key person {p['id']} is outside your jurisdiction")


def check_privileged(who: Actor, p: dict, what_zh: str, what_en: str) -> None:
    if not privileged(who, p):
        raise NotPermitted(f"只有责任网格员、包案领导和本辖区督办人员可以{what_zh}",
                           f"only the responsible grid officer, the lead official and supervisors of the "
                           f"jurisdiction may {what_en}")


EVENT_COLUMNS = ("person_id", "seq", "at", "actor", "action", "data", "prev_hash", "hash", "fields", "key_id")
# The person's columns an event records after-values of (``register`` records them all).
PERSON_FIELDS = ("kind", "name", "id_number", "phone", "address", "group_size", "reasons", "risk", "unit_id",
                 "grid_officer", "lead_official", "status")


def snapshot(p: dict) -> dict:
    """Every recorded field of the person as it stands (the ``fields`` of a registration)."""
    return {**{k: p[k] for k in PERSON_FIELDS}, "_full": True}


def _chain(tx, p: dict, actor: str, action: str, data: dict, now: datetime, fields: dict | None = None) -> tuple:
    """The next event of ``p``'s chain as a row of :data:`EVENT_COLUMNS`; moves the head kept in ``p``.

    The person's status is recorded in ``fields`` when it changes (the events table has no state columns).
    """
    seq = p["audit_seq"] + 1
    prev = p["audit_hash"]
    data_json = dumps(jsonable(data))
    fields_json = dumps(fields or {})
    h, key_id = seal(tx.store.signer, prev, chain_key(p["id"]), seq, now, actor, action, None, "", data_json,
                     fields_json)
    p["audit_seq"], p["audit_hash"] = seq, h
    return (p["id"], seq, tx.t(now), actor, action, data_json, prev, h, fields_json, key_id)


def append(tx, p: dict, actor: str, action: str, data: dict, now: datetime, bump_version: bool = False,
           fields: dict | None = None) -> None:
    """Append one event to the person's chain and move the head kept on the row (``p`` is updated in place).

    ``fields``: the after-values of the person's columns this event changed (see :data:`PERSON_FIELDS`).
    """
    row = _chain(tx, p, actor, action, data, now, fields)
    person_records.append_event(tx, row, p["audit_seq"], p["audit_hash"], p["id"], bump_version)
    if bump_version:
        p["version"] += 1


def append_reads(tx, persons: list[tuple[dict, dict]], actor: str, now: datetime) -> None:
    """Log a read on each person's chain (``(person, data)`` pairs) in two statements, not two per person.

    Each event still hashes onto its own person's chain; the rows must be
    locked by the caller (``FOR UPDATE`` on PostgreSQL) as for :func:`append`.
    """
    if not persons:
        return
    rows = [_chain(tx, p, actor, "read", data, now) for p, data in persons]
    heads = {p["id"]: (p["id"], p["audit_seq"], p["audit_hash"]) for p, _ in persons}
    tx.insert_rows("key_person_events", EVENT_COLUMNS, rows)
    tx.update_rows("key_persons", "id", ("audit_seq", "audit_hash"), list(heads.values()))


def genesis() -> str:
    return GENESIS


def verify(tx, signer) -> dict:
    """Walk every person's chain (the walker of :mod:`disputeflow.cases.audit_verify`, as for cases) and compare its replay
    with the person's row."""
    from disputeflow.cases.audit_verify import Problem, Walker

    walker = Walker(signer, legacy_to=lambda _to: ("controlled", "released"))
    events: dict[int, list] = {}
    persons, rows = person_records.chain_rows(tx, PERSON_FIELDS)
    for pid, *row in rows:
        seq, at, actor, action, data, fields, kid, prev, h = row
        events.setdefault(pid, []).append((seq, at, actor, action, None, "" if kid is not None else None, data,
                                           fields, kid, prev, h))
    for pid, seq, h, *values in persons:
        walker.walk(chain_key(pid), events.pop(pid, []), (seq, h), dict(zip(PERSON_FIELDS, values)))
    t = walker.tally
    for pid in sorted(events):
        t.problems.append(Problem(chain_key(pid), None, "审计事件指向不存在的重点人员", "audit events of a missing person"))
    return {"persons": len(persons), **t.report(signer)}
