"""The rendering context of a notification: the case as it was told, masked, with labels.

Built after commit, at delivery, for a batch of outbox rows with a handful of
queries (cases with their unit and people, parties, the audit event that
caused the notification, actor names). Everything personal is masked here, so
no template can leak a phone or an identity number by mistake. Labels (states,
categories, clocks, ladder steps) come from the engine's workflow definition
and policy in the reader's language; the engine is used through those two
methods only, so this package stays independent of the workflow package.
"""

from __future__ import annotations

import json
from typing import Any

from disputeflow.notifications.privacy import NOTIFICATION_SCRUB, mask_contacts, scrub, scrub_all
from disputeflow.notifications.render import local_time, normalise_lang

LEVEL_VOCAB = "level"


def _in(prefix: str, values, params: dict) -> str:
    keys = []
    for i, v in enumerate(values):
        params[f"{prefix}{i}"] = v
        keys.append(f":{prefix}{i}")
    return "(" + ", ".join(keys) + ")"


class Labels:
    """Labels from the engine's definition and policy (falls back to the key itself)."""

    def __init__(self, engine):
        self.engine = engine

    def definition(self, name: str | None, version: int | None):
        try:
            return self.engine.definition(name, version)
        except Exception:  # an unknown definition version still renders, with raw keys
            return None

    def step(self, name: str | None, lang: str) -> str:
        if not name:
            return ""
        try:
            s = self.engine.policy.step(name)
        except Exception:
            s = None
        return s.label(lang) if s is not None else name


class ContextBuilder:
    """Loads what a batch of outbox rows needs and builds one context per row and language."""

    def __init__(self, engine, base_url: str | None = None):
        self.labels = Labels(engine)
        self.base_url = (base_url or "").rstrip("/")
        self.rows: dict[int, dict] = {}
        self.cases: dict[int, dict] = {}
        self.parties: dict[int, list[dict]] = {}
        self.audit: dict[tuple[int, int], dict] = {}
        self.names: dict[str, str] = {}
        self.unit_names: dict[str, str] = {}
        self._cache: dict[tuple[int, str], dict] = {}

    def load(self, tx, outbox_rows: list[dict]) -> None:
        """Bulk-load for ``outbox_rows`` (dicts with id, created_at, event, case_id, case_number, actor, payload)."""
        new = [r for r in outbox_rows if r["id"] not in self.rows]
        for r in new:
            r = dict(r)
            r["payload"] = json.loads(r["payload"]) if isinstance(r["payload"], str) else (r["payload"] or {})
            r["created_at"] = tx.time(r["created_at"])
            self.rows[r["id"]] = r
        new = [self.rows[r["id"]] for r in new]
        case_ids = sorted({r["case_id"] for r in new if r["case_id"] is not None} - set(self.cases))
        if case_ids:
            params: dict[str, Any] = {}
            for row in tx.query(
                    "SELECT c.id, c.number, c.title, c.category, c.risk, c.state, c.unit_id, u.name, c.description, "
                    "c.mediator, m.name, c.lead_official, l.name, c.supervision_level, c.definition, "
                    "c.definition_version, c.responsible_unit, ru.name, c.source "
                    "FROM cases c JOIN units u ON u.id = c.unit_id LEFT JOIN users m ON m.id = c.mediator "
                    "LEFT JOIN users l ON l.id = c.lead_official LEFT JOIN units ru ON ru.id = c.responsible_unit "
                    "WHERE c.id IN " + _in("c", case_ids, params), params):
                keys = ("id", "number", "title", "category", "risk", "state", "unit", "unit_name", "description",
                        "mediator", "mediator_name", "lead_official", "lead_official_name", "supervision_level",
                        "definition", "definition_version", "responsible_unit", "responsible_unit_name", "source")
                self.cases[row[0]] = dict(zip(keys, row))
            params = {}
            for cid, seq, name, role, phone, idn in tx.query(
                    "SELECT case_id, seq, name, role, phone, id_number FROM parties WHERE case_id IN "
                    + _in("c", case_ids, params) + " ORDER BY case_id, seq", params):
                self.parties.setdefault(cid, []).append(
                    mask_contacts({"name": name, "role": role, "phone": phone, "id_number": idn}, NOTIFICATION_SCRUB))
        pairs = sorted({(r["case_id"], r["payload"].get("seq")) for r in new
                        if r["case_id"] is not None and isinstance(r["payload"].get("seq"), int)} - set(self.audit))
        for i in range(0, len(pairs), 200):
            chunk = pairs[i:i + 200]
            params = {}
            cond = " OR ".join(f"(case_id = :c{j} AND seq = :s{j})" for j in range(len(chunk)))
            for j, (c, s) in enumerate(chunk):
                params[f"c{j}"], params[f"s{j}"] = c, s
            for cid, seq, data in tx.query(f"SELECT case_id, seq, data FROM audit_events WHERE {cond}", params):
                self.audit[(cid, seq)] = json.loads(data)
        people = {r["actor"] for r in new if r["actor"]} - set(self.names)
        if people:
            params = {}
            for uid, name in tx.query("SELECT id, name FROM users WHERE id IN " + _in("u", sorted(people), params),
                                      params):
                self.names[uid] = name
        units = {str(r["payload"].get("unit")) for r in new if r["payload"].get("unit")} - set(self.unit_names)
        if units:
            params = {}
            for uid, name in tx.query("SELECT id, name FROM units WHERE id IN " + _in("u", sorted(units), params),
                                      params):
                self.unit_names[uid] = name

    def context(self, outbox_id: int, lang: str, recipient: dict | None = None) -> dict:
        """The template variables for one outbox row in ``lang`` (recipient name added when given)."""
        lang = normalise_lang(lang)
        base = self._cache.get((outbox_id, lang))
        if base is None:
            base = self._cache[(outbox_id, lang)] = self._build(self.rows[outbox_id], lang)
        if recipient is None:
            return base
        return {**base, "recipient_name": recipient.get("name") or ""}

    def _build(self, row: dict, lang: str) -> dict:
        payload = row["payload"]
        case = self.cases.get(row["case_id"]) if row["case_id"] is not None else None
        d = self.labels.definition(case["definition"], case["definition_version"]) if case else \
            self.labels.definition(None, None)
        policy = self.labels.engine.policy
        data = dict(payload)
        if case is not None and isinstance(payload.get("seq"), int):
            data.update(self.audit.get((row["case_id"], payload["seq"]), {}))
        data = scrub_all(data)

        def vocab(name, key):
            return d.vocab_label(name, key, lang) if (d and key) else (key or "")

        case_doc = None
        if case is not None:
            parties = self.parties.get(case["id"], [])
            case_doc = {
                "number": case["number"], "title": scrub(case["title"]), "category": case["category"],
                "category_label": vocab("category", case["category"]), "risk": case["risk"],
                "risk_label": vocab("risk", case["risk"]), "state": case["state"],
                "state_label": d.state_label(case["state"], lang) if d else case["state"],
                "unit": case["unit"], "unit_name": case["unit_name"], "description": scrub(case["description"] or ""),
                "mediator_name": case["mediator_name"] or "", "lead_official_name": case["lead_official_name"] or "",
                "responsible_unit_name": case["responsible_unit_name"] or "",
                "supervision_level": case["supervision_level"] or "",
                "supervision_level_label": vocab(LEVEL_VOCAB, case["supervision_level"]),
                "parties": parties,
                "party_summary": "、".join(p["name"] for p in parties) if lang == "zh_CN"
                else ", ".join(p["name"] for p in parties),
                "source_label": vocab("source", case["source"]),
            }
        clock = data.get("clock") or ""
        items = []
        for it in payload.get("items", []) or []:
            it = scrub_all(dict(it))
            it["clock_label"] = d.clock_label(it.get("clock", ""), lang, policy) if d else it.get("clock", "")
            it["level_label"] = self.labels.step(it.get("level"), lang)
            it["due_local"] = local_time(it.get("due_at"))
            items.append(it)
        link = ""
        if self.base_url and row["case_number"]:
            link = f"{self.base_url}/cases/{row['case_number']}"
        return {
            "lang": lang, "event": row["event"], "outbox_id": row["id"], "case_number": row["case_number"] or "",
            "at": local_time(row["created_at"]), "actor_name": self.names.get(row["actor"] or "", row["actor"] or ""),
            "case": case_doc, "data": data,
            "from_state_label": d.state_label(data["from_state"], lang) if (d and data.get("from_state")) else "",
            "to_state_label": d.state_label(data["to_state"], lang) if (d and data.get("to_state")) else "",
            "clock_label": d.clock_label(clock, lang, policy) if (d and clock) else clock,
            "step_label": self.labels.step(data.get("step"), lang),
            "due_local": local_time(data.get("due_at") or data.get("until") or data.get("deadline")),
            "level_label": vocab(LEVEL_VOCAB, data.get("level")),
            "unit_name": self.unit_names.get(str(payload.get("unit") or ""), payload.get("unit") or ""),
            "items": items, "recipient_name": "", "link": link,
        }
