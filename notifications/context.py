"""The rendering context of a notification: the case as it was told, masked, with labels.

Built after commit, at delivery, for a batch of outbox rows from what
:mod:`disputeflow.cases.message_facts` reads in bulk (cases with their unit
and people, parties, the audit event that caused the notification, actor
names). Everything personal is masked here, so no template can leak a phone
or an identity number by mistake. Labels (states,
categories, clocks, ladder steps) come from the engine's workflow definition
and policy in the reader's language; the engine is used through those two
methods only, so this package stays independent of the workflow package.
"""

from __future__ import annotations

from disputeflow.cases.message_facts import CaseFacts, Facts, Notice
from disputeflow.notifications.privacy import NOTIFICATION_SCRUB, mask_contacts, scrub, scrub_all
from disputeflow.notifications.render import local_time, normalise_lang

LEVEL_VOCAB = "level"


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
        self.rows: dict[int, Notice] = {}
        self.cases: dict[int, CaseFacts] = {}
        self.parties: dict[int, list[dict]] = {}
        self.audit: dict[tuple[int, int], dict] = {}
        self.names: dict[str, str] = {}
        self.unit_names: dict[str, str] = {}
        self._cache: dict[tuple[int, str], dict] = {}

    def load(self, facts: Facts, notices: list[Notice]) -> None:
        """Bulk-load what ``notices`` need that is not loaded yet, one lookup of ``facts`` per kind."""
        new = [n for n in notices if n.id not in self.rows]
        for n in new:
            self.rows[n.id] = n
        case_ids = sorted({n.case_id for n in new if n.case_id is not None} - set(self.cases))
        if case_ids:
            self.cases.update(facts.cases(case_ids))
            for case_id, parties in facts.parties(case_ids).items():
                self.parties[case_id] = [mask_contacts(p._asdict(), NOTIFICATION_SCRUB) for p in parties]
        events = sorted({(n.case_id, n.payload.get("seq")) for n in new
                         if n.case_id is not None and isinstance(n.payload.get("seq"), int)} - set(self.audit))
        self.audit.update(facts.audit_data(events))
        people = {n.actor for n in new if n.actor} - set(self.names)
        self.names.update(facts.user_names(sorted(people)))
        units = {str(n.payload.get("unit")) for n in new if n.payload.get("unit")} - set(self.unit_names)
        self.unit_names.update(facts.unit_names(sorted(units)))

    def context(self, outbox_id: int, lang: str, recipient: dict | None = None) -> dict:
        """The template variables for one outbox row in ``lang`` (recipient name added when given)."""
        lang = normalise_lang(lang)
        base = self._cache.get((outbox_id, lang))
        if base is None:
            base = self._cache[(outbox_id, lang)] = self._build(self.rows[outbox_id], lang)
        if recipient is None:
            return base
        return {**base, "recipient_name": recipient.get("name") or ""}

    def _build(self, row: Notice, lang: str) -> dict:
        payload = row.payload
        case = self.cases.get(row.case_id) if row.case_id is not None else None
        d = self.labels.definition(case.definition, case.definition_version) if case else \
            self.labels.definition(None, None)
        policy = self.labels.engine.policy
        data = dict(payload)
        if case is not None and isinstance(payload.get("seq"), int):
            data.update(self.audit.get((row.case_id, payload["seq"]), {}))
        data = scrub_all(data)

        def vocab(name, key):
            return d.vocab_label(name, key, lang) if (d and key) else (key or "")

        case_doc = None
        if case is not None:
            parties = self.parties.get(case.id, [])
            case_doc = {
                "number": case.number, "title": scrub(case.title), "category": case.category,
                "category_label": vocab("category", case.category), "risk": case.risk,
                "risk_label": vocab("risk", case.risk), "state": case.state,
                "state_label": d.state_label(case.state, lang) if d else case.state,
                "unit": case.unit, "unit_name": case.unit_name, "description": scrub(case.description or ""),
                "mediator_name": case.mediator_name or "", "lead_official_name": case.lead_official_name or "",
                "responsible_unit_name": case.responsible_unit_name or "",
                "supervision_level": case.supervision_level or "",
                "supervision_level_label": vocab(LEVEL_VOCAB, case.supervision_level),
                "parties": parties,
                "party_summary": "、".join(p["name"] for p in parties) if lang == "zh_CN"
                else ", ".join(p["name"] for p in parties),
                "source_label": vocab("source", case.source),
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
        if self.base_url and row.case_number:
            link = f"{self.base_url}/cases/{row.case_number}"
        return {
            "lang": lang, "event": row.event, "outbox_id": row.id, "case_number": row.case_number or "",
            "at": local_time(row.created_at), "actor_name": self.names.get(row.actor or "", row.actor or ""),
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
