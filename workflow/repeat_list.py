"""The board's list of parties in repeated disputes (反复纠纷), under the policy's ``[repeat_disputes]``.

Read apart from :mod:`disputeflow.workflow.repeats` (which the intake command
imports) because it reads through the query side's jurisdiction and masking.
"""

from __future__ import annotations

from typing import Any

from disputeflow.cases import party_lookup, transactions
from disputeflow.cases.types import from_db
from disputeflow.workflow.masking import mask_party, mask_text
from disputeflow.workflow.queries import _actor, scope_of
from disputeflow.workflow.repeats import months_ago
from disputeflow.workflow.timeutil import iso


def repeat_parties(engine, actor, unit: str | None = None, limit: int = 100, lang: str | None = None) -> dict:
    """Parties (by phone or ID number) on repeated disputes within ``actor``'s jurisdiction, with their cases.

    Contacts are shown as the reader's role may see them; names come from the latest case.
    """
    policy = engine.policy.repeats
    now = engine.clock.now()
    since = months_ago(now, policy.repeat_months)
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        scope = scope_of(conn, who, unit)
        groups = party_lookup.repeat_parties(conn, scope, since, policy.repeat_count, limit)
        cases: dict[tuple[str, str], list[dict]] = {}
        for key in ("phone", "id_number"):
            values = [g["value"] for g in groups if g["key"] == key]
            for r in party_lookup.cases_of(conn, scope, key, values, since) if values else []:
                cases.setdefault((key, r["value"]), []).append(r)
    role = who.role if who is not None else "admin"
    lang = lang or engine.lang
    items: list[dict[str, Any]] = []
    for g in groups:
        rows = cases.get((g["key"], g["value"]), [])
        seen: dict[str, dict] = {}
        for r in rows:
            if r["number"] not in seen:
                d = engine.listed_definition(r["definition"], r["definition_version"])
                seen[r["number"]] = {"number": r["number"], "title": r["title"], "state": r["state"],
                                     "state_label": d.state_label(r["state"], lang),
                                     "reported_at": iso(from_db(r["reported_at"]))}
                seen[r["number"]]["title"] = mask_text(r["title"], role, engine.unmasked_roles)
        shown = mask_party({"name": rows[0]["name"] if rows else "", g["key"]: g["value"]}, role, engine.unmasked_roles)
        items.append({"key": g["key"], "value": shown[g["key"]], "name": shown["name"], "cases": g["cases"],
                      "open": g["open"], "case_list": list(seen.values())})
    items.sort(key=lambda i: (-i["cases"], -i["open"]))
    return {"items": items[:limit], "since": iso(since), "min_cases": policy.repeat_count,
            "source": policy.source}

