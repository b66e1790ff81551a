"""Finding cases: one search for the web's search box, the API and ``disputeflow case search``.

A phone or ID number is normalised by the intake's own rule
(:mod:`disputeflow.workflow.inputs`) and matched exactly, so ``138-1234-8000``
finds the party entered as ``138 1234 8000``. The free-text box (``q``) reads
what was typed: a phone, an ID number, a case number, or else words of a title
or a party's name. Results are held to the reader's jurisdiction and show
parties as the reader's role may see them (phones and ID numbers masked for
the roles that do not handle parties).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from disputeflow.cases import search_reads, transactions
from disputeflow.workflow import inputs
from disputeflow.workflow.errors import FieldError, NotPermitted, ValidationError
from disputeflow.workflow.masking import mask_party, mask_text
from disputeflow.workflow.timeutil import TimeFormatError, at_local, parse_date

# 试点-2026-000001, 2026-000001, a work order's 试点-2026-000001-交1: a town prefix, the year and the count
_CASE_NUMBER = re.compile(r"^(?:[^\s\-]+-)?\d{4}-\d{1,6}(?:-\S+)?$")
TEXT_MAX = 100
FILTERS = ("q", "number", "title", "party", "phone", "id_number", "unit", "category", "state", "reported_from",
           "reported_to", "mine")


def classify(q: str) -> tuple[str, str]:
    """What a free-text query names: ``("phone" | "id_number" | "number" | "text", value)``."""
    phone = inputs.phone("q", q, [])
    if phone is not None:
        return "phone", phone
    compact = re.sub(r"[\s\-]", "", inputs.half_width(q)).upper()
    if len(compact) == 18 and inputs.valid_id_number(compact):
        return "id_number", compact
    if _CASE_NUMBER.match(q):
        return "number", q.upper()
    return "text", q


def _day(field: str, raw: Any, errors: list[FieldError], after: int = 0):
    if raw in (None, ""):
        return None
    try:
        return at_local(parse_date(str(raw)) + timedelta(days=after))
    except TimeFormatError as exc:
        errors.append(FieldError(field, exc.zh, exc.en))
        return None


def filters_of(who, values: dict[str, Any]) -> search_reads.Filters:
    """The checked filters of a search; raises ValidationError naming every bad one."""
    errors: list[FieldError] = []
    got: dict[str, Any] = {}
    for name in ("q", "number", "title", "party", "category", "state"):
        value = inputs.optional_text(name, values.get(name), errors, max_length=TEXT_MAX)
        if value:
            got[name] = value
    q = got.pop("q", None)
    if q:
        kind, value = classify(q)
        got.setdefault(kind, value)
    if values.get("phone"):
        got["phone"] = inputs.phone("phone", values["phone"], errors)
    if values.get("id_number"):
        got["id_number"] = inputs.id_number("id_number", values["id_number"], errors)
    got["reported_from"] = _day("reported_from", values.get("reported_from"), errors)
    got["reported_to"] = _day("reported_to", values.get("reported_to"), errors, after=1)  # the whole last day
    if values.get("mine"):
        if who is None:
            raise NotPermitted("“我上报的”须指明操作人", "'reported by me' needs an actor")
        got["reporter"] = who.id
    if errors:
        raise ValidationError(errors)
    if "number" in got:
        got["number"] = got["number"].upper()
    return search_reads.Filters(**got)


def search(engine, actor, values: dict[str, Any], limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
    """Cases matching ``values`` (keys of :data:`FILTERS`) that ``actor`` may read, newest report first.

    Returns ``{"items": [...], "filters": {...}}``; each item is a case as the case list shows it, with its
    parties as the reader may see them.
    """
    from disputeflow.workflow.queries import _actor, scope_of

    lang = lang or engine.lang
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        filters = filters_of(who, values)
        scope = scope_of(conn, who, values.get("unit") or None)
        rows = search_reads.search(conn, scope, filters, limit, offset)
        parties = search_reads.parties_of(conn, [r["number"] for r in rows])
    role = who.role if who is not None else "admin"
    items = []
    for c in rows:
        d = engine.listed_definition(c["definition"], c["definition_version"])
        items.append({
            "number": c["number"], "title": mask_text(c["title"], role, engine.unmasked_roles), "state": c["state"],
            "state_label": d.state_label(c["state"], lang), "risk": c["risk"],
            "risk_label": d.vocab_label("risk", c["risk"], lang), "category": c["category"],
            "category_label": d.vocab_label("category", c["category"], lang), "unit": c["unit"],
            "unit_name": c["unit_name"], "mediator": c["mediator"], "reporter": c["reporter"],
            "reported_at": _iso(c["reported_at"]), "party_count": c["party_count"],
            "parties": [mask_party(p, role, engine.unmasked_roles) for p in parties.get(c["number"], [])],
        })
    shown = {k: v for k, v in filters._asdict().items() if v not in (None, "") and k not in ("reported_from", "reported_to")}
    for k in ("phone", "id_number"):
        if k in shown:
            shown[k] = mask_party({k: shown[k]}, role, engine.unmasked_roles)[k]
    return {"items": items, "filters": shown}


def _iso(value):
    from disputeflow.workflow.queries import _iso as iso

    return iso(value)
