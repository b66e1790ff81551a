"""One masking rule for contact details: ``disputeflow.notifications.privacy.mask_contacts``, used everywhere."""

from __future__ import annotations

import re
from pathlib import Path

from disputeflow.notifications.privacy import NOTIFICATION_SCRUB, mask_contacts
from disputeflow.workflow.masking import mask_party

ROOT = Path(__file__).resolve().parents[2]
PARTY = {"name": "张三 13812348000", "role": "applicant", "phone": "13812348000", "id_number": "11010519491231002X",
         "address": "甲村三组"}


def test_mask_contacts_masks_phone_and_id_and_leaves_the_record_alone():
    before = dict(PARTY)
    got = mask_contacts(PARTY)
    assert got["phone"] == "138****8000" and got["id_number"] == "**************002X"
    assert got["name"] == PARTY["name"] and got["role"] == "applicant"
    assert PARTY == before
    assert mask_contacts({"phone": None, "id_number": ""}) == {"phone": None, "id_number": ""}
    scrubbed = mask_contacts(PARTY, NOTIFICATION_SCRUB)
    assert scrubbed["name"] == "张三 138****8000" and scrubbed["phone"] == "138****8000"


def test_case_readers_get_the_same_rule_by_role():
    assert mask_party(PARTY, "grid_officer") == mask_contacts(PARTY, NOTIFICATION_SCRUB)
    assert mask_party(PARTY, "mediator") == PARTY


def test_no_module_masks_phones_or_ids_on_its_own():
    """Calls of the low-level rules stay inside notifications/privacy.py; everything else uses mask_contacts."""
    offenders = []
    for folder in ("workflow", "web", "notifications", "cases"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "privacy.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"\bmask_(phone|id)\(", text) or re.search(r"def mask_party\(party: dict\) ", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
