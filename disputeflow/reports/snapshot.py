"""Frozen datasets for periods that have ended.

The dataset of a closed period is computed as of the period's end and so would
come out the same from the audit log anyway; freezing the first generation also
guards against what the replay cannot see coming: records entered later with a
clock set back into the month, unit renames, a changed deadline policy.
``UNIQUE(kind, unit_id, period)`` makes the first writer win when two people
generate the same report at once.
"""

from __future__ import annotations

import hashlib
import json
from typing import Callable

from disputeflow.reports.period import Period


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load(engine, kind: str, unit_id: str, period: Period) -> dict | None:
    with engine.store.read() as tx:
        rows = tx.query("SELECT body, digest FROM report_snapshots WHERE kind = :kind AND unit_id = :unit "
                        "AND period = :period", {"kind": kind, "unit": unit_id, "period": period.key})
    if not rows:
        return None
    body, _digest = rows[0]
    return json.loads(body)


def get_or_build(engine, kind: str, unit_id: str, period: Period, actor_id: str, build: Callable[[], dict]) -> dict:
    """The frozen dataset if there is one; else build it, and freeze it when the period has ended."""
    now = engine.clock.now()
    if not period.closed(now):
        return build()
    found = load(engine, kind, unit_id, period)
    if found is not None:
        return found
    doc = build()
    body = dumps(doc)
    with engine.store.write() as tx:
        tx.execute("INSERT INTO report_snapshots (kind, unit_id, period, generated_at, generated_by, digest, body) "
                   "VALUES (:kind, :unit, :period, :now, :by, :digest, :body) "
                   "ON CONFLICT (kind, unit_id, period) DO NOTHING",
                   {"kind": kind, "unit": unit_id, "period": period.key, "now": tx.t(now), "by": actor_id,
                    "digest": digest(body), "body": body})
    return load(engine, kind, unit_id, period) or doc


def verify(engine, kind: str, unit_id: str, period: Period, build: Callable[[], dict]) -> dict:
    """Recompute a frozen dataset from the audit log and say whether every figure still agrees.

    ``generated_at`` is left out of the comparison; everything else must match.
    """
    frozen = load(engine, kind, unit_id, period)
    if frozen is None:
        return {"frozen": False, "same": None, "differences": []}
    fresh = build()
    diffs = [k for k in sorted(set(frozen) | set(fresh)) if k != "generated_at" and frozen.get(k) != fresh.get(k)]
    return {"frozen": True, "same": not diffs, "differences": diffs}
