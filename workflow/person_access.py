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

from disputeflow.cases.audit import GENESIS, event_hash
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.commands import dumps, jsonable
from disputeflow.workflow.errors import NotFound, NotPermitted

PERSON_COLUMNS = ("id", "kind", "name", "id_number", "phone", "address", "group_size", "reasons", "risk", "unit_id",
                  "unit_path", "grid_officer", "lead_official", "status", "anchor_case_id", "controlled_since",
                  "next_roll_at", "released_at", "released_by", "release_reason", "created_at", "created_by",
                  "version", "audit_seq", "audit_hash")
PERSON_SELECT = "SELECT " + ", ".join(PERSON_COLUMNS) + " FROM key_persons"


def chain_key(person_id: int) -> str:
    """The identifier a person's events are hashed under (cases use their number)."""
    return f"KP-{person_id}"


def privileged(who: Actor, p: dict) -> bool:
    """The reader may see the person's details: responsible grid officer, lead official, supervisor of the jurisdiction."""
    if who.role == "system":
        return True
    if who.id in (p["grid_officer"], p["lead_official"]):
        return True
    return who.role == "supervisor" and who.covers(p["unit_path"])


def visible(who: Actor, p: dict) -> bool:
    """The reader may know the person exists (masked unless :func:`privileged`)."""
    return privileged(who, p) or who.covers(p["unit_path"])


def load(tx, person_id, lock: bool = False) -> dict:
    """The person's row as a dict; ``lock`` holds it for the transaction on PostgreSQL (SQLite holds the write lock).

    Raises:
        NotFound: no such person.
    """
    try:
        pid = int(person_id)
    except (TypeError, ValueError):
        pid = -1
    sql = PERSON_SELECT + " WHERE id = :id"
    if lock and not tx.store.is_sqlite:
        sql += " FOR UPDATE"
    rows = tx.query(sql, {"id": pid})
    if not rows:
        raise NotFound(f"重点人员“{person_id}”不存在", f"key person {person_id} not found")
    return dict(zip(PERSON_COLUMNS, rows[0]))


def check_visible(who: Actor, p: dict) -> None:
    if not visible(who, p):
        raise NotPermitted(f"重点人员 {p['id']} 不在您的管辖范围内", f"key person {p['id']} is outside your jurisdiction")


def check_privileged(who: Actor, p: dict, what_zh: str, what_en: str) -> None:
    if not privileged(who, p):
        raise NotPermitted(f"只有责任网格员、包案领导和本辖区督办人员可以{what_zh}",
                           f"only the responsible grid officer, the lead official and supervisors of the "
                           f"jurisdiction may {what_en}")


EVENT_COLUMNS = ("person_id", "seq", "at", "actor", "action", "data", "prev_hash", "hash")


def _chain(tx, p: dict, actor: str, action: str, data: dict, now: datetime) -> tuple:
    """The next event of ``p``'s chain as a row of :data:`EVENT_COLUMNS`; moves the head kept in ``p``."""
    seq = p["audit_seq"] + 1
    prev = p["audit_hash"]
    data_json = dumps(jsonable(data))
    h = event_hash(prev, chain_key(p["id"]), seq, now, actor, action, None, p["status"], data_json)
    p["audit_seq"], p["audit_hash"] = seq, h
    return (p["id"], seq, tx.t(now), actor, action, data_json, prev, h)


def append(tx, p: dict, actor: str, action: str, data: dict, now: datetime, bump_version: bool = False) -> None:
    """Append one event to the person's chain and move the head kept on the row (``p`` is updated in place)."""
    row = _chain(tx, p, actor, action, data, now)
    tx.execute("INSERT INTO key_person_events (person_id, seq, at, actor, action, data, prev_hash, hash) "
               "VALUES (:pid, :seq, :at, :actor, :action, :data, :prev, :hash)",
               dict(zip(("pid", "seq", "at", "actor", "action", "data", "prev", "hash"), row)))
    tx.execute("UPDATE key_persons SET audit_seq = :seq, audit_hash = :hash"
               + (", version = version + 1" if bump_version else "") + " WHERE id = :id",
               {"seq": p["audit_seq"], "hash": p["audit_hash"], "id": p["id"]})
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


def verify(tx) -> dict:
    """Walk every person's chain; report broken links, edited events and a head that does not match the row."""
    persons = {r[0]: (r[1], r[2], r[3]) for r in tx.query("SELECT id, audit_seq, audit_hash, status FROM key_persons")}
    rows = tx.query("SELECT person_id, seq, at, actor, action, data, prev_hash, hash FROM key_person_events "
                    "ORDER BY person_id, seq")
    problems: list[str] = []
    heads: dict[int, tuple[int, str]] = {}
    statuses: dict[int, list] = {}
    for pid, seq, at, actor, action, data, prev, h in rows:
        last_seq, last_h = heads.get(pid, (0, GENESIS))
        if seq != last_seq + 1 or prev != last_h:
            problems.append(f"KP-{pid} #{seq}: chain broken")
        statuses.setdefault(pid, []).append((seq, tx.time(at), actor, action, data, prev, h))
        heads[pid] = (seq, h)
    for pid, events in statuses.items():
        ok = False
        for seq, at, actor, action, data, prev, h in events:
            # the status at hashing time is one of the two a person can have
            ok = any(event_hash(prev, chain_key(pid), seq, at, actor, action, None, st, data) == h
                     for st in ("controlled", "released"))
            if not ok:
                problems.append(f"KP-{pid} #{seq}: event altered")
    for pid, (seq, h, _st) in persons.items():
        if heads.get(pid, (0, GENESIS)) != (seq, h):
            problems.append(f"KP-{pid}: newest events missing")
    return {"persons": len(persons), "events": len(rows), "problems": problems}
