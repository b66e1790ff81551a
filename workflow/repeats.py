"""The same people again: possible duplicate reports and repeated disputes, found at intake and listed on the board.

Intake (:func:`at_intake`, inside the command's transaction) looks each new
party up by normalised phone, ID number, or name within the same village, and
answers two things under the policy's ``[repeat_disputes]``
(:mod:`disputeflow.workflow.policy_repeats`):

* ``similar``: cases still open or reported within ``similar_days`` — a warning
  with links, never a refusal (two neighbours may fairly report one quarrel);
* ``repeat_of``: when a party has ``repeat_count`` or more earlier cases within
  ``repeat_months``, or one still open, the new case's risk floor rises to the
  policy's ``risk_floor`` and the case and its first audit event name them.

The board's list of parties in repeated disputes is :mod:`disputeflow.workflow.repeat_list`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from disputeflow.cases import party_lookup
from disputeflow.workflow import risk
from disputeflow.workflow.timeutil import iso

VILLAGE_KINDS = ("village", "community", "town", "county")  # a grid's name match widens to its village
# How many earlier cases a new case keeps by name, newest first. A party with hundreds of cases (a
# company, a common name in a large village) would otherwise copy every number into each new case's
# data and first audit event; the totals are kept beside the lists.
KEEP = 20


class Found(NamedTuple):
    similar: list[dict]  # {"number", "state", "open", "reported_at", "matched": [phone|id_number|name]}
    repeat_of: list[str]  # the earlier cases of parties in repeated disputes
    floor: str | None  # the risk floor repeated disputes demand (None: none found)
    similar_total: int = 0  # how many there were before the lists were cut to KEEP
    repeat_total: int = 0

    @property
    def reasons(self) -> list[str]:
        """The risk-floor reason code repeated disputes add (for the audit event and the case page)."""
        return ["repeat"] if self.floor else []

    @property
    def recorded(self) -> dict:
        """What the case's data and its first audit event keep of it (nothing when nothing was found)."""
        out: dict[str, Any] = {}
        if self.similar:
            out["similar"] = self.similar
            if self.similar_total > len(self.similar):
                out["similar_total"] = self.similar_total
        if self.repeat_of:
            out["repeat_of"] = self.repeat_of
            if self.repeat_total > len(self.repeat_of):
                out["repeat_total"] = self.repeat_total
        return out


def village_path(unit_kind: str, unit_path: str) -> str:
    """Where a name match counts: the unit itself, or for a grid its village (the parent unit)."""
    if unit_kind in VILLAGE_KINDS:
        return unit_path
    parts = [p for p in unit_path.strip("/").split("/") if p]
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else unit_path


def months_ago(now: datetime, months: int) -> datetime:
    return now - timedelta(days=round(months * 365.25 / 12))


def at_intake(engine, tx, parties: list[dict], village: str, now: datetime) -> Found:
    """What the new case's ``parties`` have had before (see the module docstring)."""
    policy = engine.policy.repeats
    phones = sorted({p["phone"] for p in parties if p.get("phone")})
    ids = sorted({p["id_number"] for p in parties if p.get("id_number")})
    names = sorted({p["name"] for p in parties if p.get("name")})
    if not (phones or ids or names):
        return Found([], [], None)
    similar_since = now - timedelta(days=policy.similar_days)
    repeat_since = months_ago(now, policy.repeat_months)
    rows = party_lookup.earlier_cases(tx, phones, ids, names, village, min(similar_since, repeat_since))
    by_case: dict[str, dict] = {}
    per_party: dict[int, dict[str, tuple[bool, bool]]] = {}
    when: dict[str, datetime] = {}
    for number, state, _title, reported_at, closed_at, _path, _defn, name, phone, idn in rows:
        reported_at, is_open = tx.time(reported_at), closed_at is None
        when[number] = reported_at
        for i, p in enumerate(parties):
            matched = [k for k, v in (("phone", phone), ("id_number", idn)) if v and p.get(k) == v]
            if not matched and name == p.get("name"):
                matched = ["name"]
            if not matched:
                continue
            per_party.setdefault(i, {})[number] = (is_open, reported_at >= repeat_since)
            if is_open or reported_at >= similar_since:
                entry = by_case.setdefault(number, {"number": number, "state": state, "open": is_open,
                                                    "reported_at": iso(reported_at), "matched": []})
                entry["matched"] = sorted(set(entry["matched"]) | set(matched))
    repeat_of: set[str] = set()
    for found in per_party.values():
        in_window = sum(1 for _open, recent in found.values() if recent)
        still_open = sum(1 for is_open, _recent in found.values() if is_open)
        if policy.is_repeat(in_window, still_open):
            repeat_of.update(n for n, (is_open, recent) in found.items() if recent or is_open)
    floor = policy.risk_floor if repeat_of else None
    similar = sorted(by_case.values(), key=lambda e: e["reported_at"], reverse=True)
    newest = sorted(repeat_of, key=lambda n: (when[n], n), reverse=True)[:KEEP]
    return Found(similar[:KEEP], sorted(newest), floor, len(similar), len(repeat_of))


def raise_floor(floor: str, found: Found) -> str:
    return risk.higher(floor, found.floor) if found.floor else floor
