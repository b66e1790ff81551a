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

from disputeflow.cases import chain_writer, person_records
from disputeflow.cases.audit import GENESIS
from disputeflow.cases.audit_verify import PERSON_FIELDS, chain_key  # noqa: F401  (importable from here, as before)
from disputeflow.cases.chain import Head, link
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.commands import dumps, jsonable
from disputeflow.workflow.errors import Conflict, NotFound, NotPermitted
from disputeflow.workflow.numbers import fits_int64



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


EVENT_COLUMNS = chain_writer.KEY_PERSONS.columns


def snapshot(p: dict) -> dict:
    """Every recorded field of the person as it stands (the ``fields`` of a registration)."""
    return {**{k: p[k] for k in PERSON_FIELDS}, "_full": True}


def _chain(tx, p: dict, actor: str, action: str, data: dict, now: datetime, fields: dict | None = None) -> tuple:
    """The next event of ``p``'s chain as a row of :data:`EVENT_COLUMNS`; moves the head kept in ``p``.

    The person's status is recorded in ``fields`` when it changes (the events table has no state columns).
    """
    data_json = dumps(jsonable(data))
    fields_json = dumps(fields or {})
    event = link(tx.store.signer, Head(p["audit_seq"], p["audit_hash"]), chain_key(p["id"]), now, actor, action,
                 None, "", data_json, fields_json)
    p["audit_seq"], p["audit_hash"] = event.head
    return (p["id"], event.seq, tx.t(now), actor, action, data_json, event.prev_hash, event.hash, fields_json,
            event.key_id)


def append(tx, p: dict, actor: str, action: str, data: dict, now: datetime, bump_version: bool = False,
           fields: dict | None = None) -> None:
    """Append one event to the person's chain and move the head kept on the row (``p`` is updated in place).

    ``fields``: the after-values of the person's columns this event changed (see :data:`PERSON_FIELDS`).

    Raises:
        Conflict: the person's row changed since ``p`` was read.
    """
    row = _chain(tx, p, actor, action, data, now, fields)
    read = p["version"]
    version = read + 1 if bump_version else read
    chain_writer.append(tx, chain_writer.KEY_PERSONS, [row], {(): [(version, p["audit_seq"], p["audit_hash"],
                                                                    p["id"], read)]},
                        lambda: _changed(p))
    p["version"] = version


def _changed(p: dict) -> Exception:
    return Conflict(f"重点人员 {p['id']} 的记录已被他人修改，请刷新后重试",
                    f"key person {p['id']} was changed by someone else; reload and retry")


def append_reads(tx, persons: list[tuple[dict, dict]], actor: str, now: datetime) -> None:
    """Log a read on each person's chain (``(person, data)`` pairs) in two statements, not two per person.

    Each event still hashes onto its own person's chain; the rows must be
    locked by the caller (``FOR UPDATE`` on PostgreSQL) as for :func:`append`.
    """
    if not persons:
        return
    rows = [_chain(tx, p, actor, "read", data, now) for p, data in persons]
    heads = {p["id"]: (p["version"], p["audit_seq"], p["audit_hash"], p["id"], p["version"]) for p, _ in persons}
    chain_writer.append(tx, chain_writer.KEY_PERSONS, rows, {(): list(heads.values())}, held=True)


def genesis() -> str:
    return GENESIS
