"""The cells of a corrected row that are not moves or people: reported in one ``ledger_update`` event.

Title, category, unit, parties, flags and risk change the case's columns
(the risk never below the floor the parties and flags set); the ledger's own
words (its number, unknown category, names the system does not know) are kept
under ``data.ledger``; an action's recorded field (协议内容, 稳控措施 ...) is
corrected where the case's data already holds it.
"""

from __future__ import annotations

from disputeflow.ledger_import.parties import people
from disputeflow.workflow import risk as risk_mod

# Fields a correction reports in one ledger_update event (people go through assign / assign_lead).
CORRECTABLE = ("title", "category", "category_text", "description", "source", "unit", "flags", "parties", "risk",
               "note", "agreement", "measures", "outcome", "method", "satisfaction", "referred_to", "referred_detail",
               "withdraw_reason", "lead_official_name", "mediator_name", "responsible_unit_name", "extra", "ref",
               "dates", "volume_number", "initiation", "screener_name", "control_unit_name", "in_control",
               "resolved_flag", "performance", "performance_note", "visit_note")
# The ledger's words kept on the case as they are.
LEDGER_WORDS = ("category_text", "lead_official_name", "mediator_name", "responsible_unit_name", "extra", "ref",
                "screener_name", "control_unit_name")
# Record keys whose corrected value replaces the one an action recorded in the case's data (same key).
RECORDED = ("agreement", "measures", "outcome", "withdraw_reason", "referred_to", "referred_detail", "volume_number",
            "initiation")


def apply_changes(mv, rec: dict, changes: dict, units: dict) -> None:
    """Bring the case being corrected (a :class:`~disputeflow.ledger_import.steps.StepWriter`) up to ``rec``."""
    for f in ("title", "category", "source", "description"):
        if f in changes:
            mv.new_cols[f] = rec[f]
    if "unit" in changes:
        mv.new_cols["unit_id"] = rec["unit"]
        mv.new_cols["unit_path"] = units[rec["unit"]][3]
    if "flags" in changes:
        mv.flags = list(rec["flags"])
    if "parties" in changes:
        mv.party_count = people(rec["parties"])
    if "parties" in changes or "flags" in changes:
        mv.risk_floor = risk_mod.floor(mv.party_count, mv.flags)
    want = (rec.get("risk") or mv.cols["risk"]) if "risk" in changes else mv.cols["risk"]
    mv.cols["risk"] = risk_mod.higher(want, mv.risk_floor)
    ledger = mv.data.setdefault("ledger", {})
    for k in LEDGER_WORDS:
        if k in changes:
            if rec.get(k):
                ledger[k] = rec[k]
            else:
                ledger.pop(k, None)
    for k in RECORDED:
        if k in changes and k in mv.data and rec.get(k):
            mv.data[k] = rec[k]
