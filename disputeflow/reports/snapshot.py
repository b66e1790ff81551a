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

from disputeflow.cases import report_reads, transactions
from disputeflow.reports.period import Period


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load(engine, kind: str, unit_id: str, period: Period) -> dict | None:
    with transactions.read(engine.store) as conn:
        body = report_reads.frozen(conn, kind, unit_id, period.key)
    return None if body is None else json.loads(body)


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
    with transactions.write(engine.store) as conn:
        report_reads.freeze(conn, kind, unit_id, period.key, now, actor_id, digest(body), body)
    return load(engine, kind, unit_id, period) or doc


def verify(engine, kind: str, unit_id: str, period: Period, build: Callable[[], dict]) -> dict:
    """Recompute a frozen dataset from the audit log and say whether every figure still agrees.

    ``generated_at`` is left out of the comparison; everything else the frozen copy holds must match. A
    part the report gained after it was frozen (the work orders by office) is not a difference: it is
    listed as ``added`` (present only when there is one).
    """
    frozen = load(engine, kind, unit_id, period)
    if frozen is None:
        return {"frozen": False, "same": None, "differences": []}
    fresh = build()
    diffs = [k for k in sorted(frozen) if k != "generated_at" and frozen.get(k) != fresh.get(k)]
    out = {"frozen": True, "same": not diffs, "differences": diffs}
    added = sorted(set(fresh) - set(frozen))
    if added:
        out["added"] = added
    return out
