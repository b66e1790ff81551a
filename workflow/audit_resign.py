"""``disputeflow audit resign``: sign what was written without the current audit key.

After the upgrade that introduced signing, events already stored are
legacy-unsigned; events written while no key was configured are unsigned.
An administrator who has configured a key re-signs them with it. Each chain
is verified first and a chain with any problem is left as it is (re-signing
must never launder tampering); the events of an intact chain are re-hashed
from its first unsigned one on, under the current key, and its newest event
records every field of the record as it stands — the administrator vouches
for the record at that moment, which is why this is an explicit command.
Number counters are signed when none of them shows a problem.

Events signed with a rotated key are left alone: the old key, kept among the
old keys, still verifies them.
"""

from __future__ import annotations

import json

from disputeflow.cases.audit import FULL, GENESIS, case_snapshot, party_digest, seal
from disputeflow.cases.audit_key import UNSIGNED
from disputeflow.cases import audit_resign_rows as chains
from disputeflow.cases.audit_verify import Problem, Walker, check_counters, Tally, sign_counter
from disputeflow.cases.types import from_db
from disputeflow.workflow.errors import ConfigError

CHUNK = 500


def resign(engine) -> dict:
    """Re-sign every intact chain's unsigned events, and the counters; returns counts and the chains refused.

    Raises:
        ConfigError: no audit key is configured.
    """
    signer = engine.store.signer
    if not signer.signing:
        raise ConfigError("未配置审计密钥：请先设置 DISPUTEFLOW_AUDIT_KEY（或配置文件中的 audit_key）",
                          "no audit key is configured: set DISPUTEFLOW_AUDIT_KEY (or audit_key in the config file) first")
    out = {"chains": 0, "events": 0, "counters": 0, "refused": []}
    _cases(engine, signer, out)
    _persons(engine, signer, out)
    _counters(engine, signer, out)
    return out


def _needs(events: list[tuple]) -> int | None:
    """The index of the chain's first event not signed with a key, or None."""
    for i, ev in enumerate(events):
        if ev[8] is None or ev[8] == UNSIGNED:
            return i
    return None


def _rehash(signer, chain: str, events: list[tuple], start: int, snapshot: dict) -> list[tuple]:
    """New ``(id, prev_hash, hash, fields, key_id)`` for the events from ``start`` on (each row ends with its id)."""
    prev = events[start - 1][10] if start else GENESIS
    replay_full = any(json.loads(ev[7] or "{}").get(FULL) for ev in events[:start] if ev[8] is not None)
    rows = []
    last = len(events) - 1
    for i in range(start, len(events)):
        seq, at, actor, action, frm, to, data, fields, kid, _prev, _h, eid = events[i]
        if kid is None:  # legacy: nothing was recorded; a key person's status is now in fields, not in to_state
            fields, to = "{}", ("" if to is None else to)
        if i == last and not replay_full:
            fields = json.dumps({**json.loads(fields or "{}"), **snapshot}, ensure_ascii=False, sort_keys=True,
                                separators=(",", ":"))
        h, key_id = seal(signer, prev, chain, seq, from_db(at), actor, action, frm, to, data, fields)
        rows.append((eid, prev, h, fields, key_id, to))
        prev = h
    return rows


def _chain_ok(signer, chain: str, events: list[tuple], head: tuple, actual: dict, legacy_to=None) -> list[Problem]:
    walker = Walker(signer, legacy_to)
    walker.walk(chain, [ev[:11] for ev in events], head, actual)
    return walker.tally.problems


def _cases(engine, signer, out: dict) -> None:
    store = engine.store
    with store.read() as tx:
        ids = chains.case_ids(tx)
    for lo in range(0, len(ids), CHUNK):
        with store.write() as tx:
            cases, event_rows, party_rows = chains.case_chunk(tx, ids[lo], ids[min(lo + CHUNK, len(ids)) - 1])
            events: dict[int, list] = {}
            for row in event_rows:
                events.setdefault(row[0], []).append(row[1:])
            parties: dict[int, dict] = {}
            for cid, pseq, *p in party_rows:
                parties.setdefault(cid, {})[f"party:{pseq}"] = party_digest(*p)
            for cid, number, seq, h, *cols in cases:
                chain = events.get(cid, [])
                start = _needs(chain)
                if start is None:
                    continue
                snap = {**case_snapshot(*cols, []), **parties.get(cid, {})}
                problems = _chain_ok(signer, number, chain, (seq, h), snap)
                if problems:
                    out["refused"].extend(problems)
                    continue
                rows = _rehash(signer, number, chain, start, snap)
                chains.rewrite_chain(tx, False, cid, rows)
                out["chains"] += 1
                out["events"] += len(rows)


def _persons(engine, signer, out: dict) -> None:
    from disputeflow.workflow.person_access import PERSON_FIELDS, chain_key

    with engine.store.write() as tx:
        persons, event_rows = chains.person_chains(tx, PERSON_FIELDS)
        events: dict[int, list] = {}
        for pid, seq, at, actor, action, data, fields, kid, prev, h, eid in event_rows:
            to = "" if kid is not None else None
            events.setdefault(pid, []).append((seq, at, actor, action, None, to, data, fields, kid, prev, h, eid))
        for pid, seq, h, *values in persons:
            chain = events.get(pid, [])
            start = _needs(chain)
            if start is None:
                continue
            snap = {**dict(zip(PERSON_FIELDS, values)), FULL: True}
            problems = _chain_ok(signer, chain_key(pid), chain, (seq, h), snap,
                                 legacy_to=lambda _to: ("controlled", "released"))
            if problems:
                out["refused"].extend(problems)
                continue
            rows = _rehash(signer, chain_key(pid), chain, start, snap)
            chains.rewrite_chain(tx, True, pid, rows)
            out["chains"] += 1
            out["events"] += len(rows)


def _counters(engine, signer, out: dict) -> None:
    """Sign every counter, unless one shows a gap or a bad signature (then none is touched)."""
    with engine.store.write() as tx:
        t = Tally()
        check_counters(tx, signer, t)
        if t.problems:
            out["refused"].extend(t.problems)
            return
        for prefix, year, last in chains.counters(tx):
            sig, kid = sign_counter(signer, prefix, year, last)
            tx.run("sign_counter", {"key_id": kid, "sig": sig, "prefix": prefix, "year": year})
            out["counters"] += 1
