"""Masking of personal data in everything a notification carries.

Notifications leave the system (mail boxes, group chats, webhooks), so they are
masked whatever the reader's role: phones keep their first three and last four
digits (``138****8000``), identity numbers only their last four characters.
Free text (titles, descriptions, notes) is scrubbed of anything that looks like
a mobile number or an identity number, because people type them in there too.
The phone and ID rules here, and :func:`mask_contacts` that applies them to a record,
are the only ones: ``disputeflow.workflow.masking`` re-exports them, since the notifications
package does not import the workflow package.
"""

from __future__ import annotations

import re
from typing import Any

# 18-digit resident ID (last character may be X) or the old 15-digit form; then mobiles.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")


def mask_phone(phone: str | None) -> str | None:
    """``13812348000`` → ``138****8000``; short numbers are starred out entirely."""
    if not phone:
        return phone
    digits = re.sub(r"[\s-]", "", str(phone))
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_id(number: str | None) -> str | None:
    """Identity numbers keep only their last four characters."""
    if not number:
        return number
    number = str(number)
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


def scrub(text: Any) -> Any:
    """Mask identity numbers and mobile numbers inside free text."""
    if not isinstance(text, str) or not text:
        return text
    text = _ID_RE.sub(lambda m: mask_id(m.group(1)), text)
    return _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def scrub_all(value: Any) -> Any:
    """:func:`scrub` every string inside a JSON-like value."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_all(v) for v in value]
    return value


CONTACT_KEYS = ("phone", "id_number")


def mask_contacts(record: dict, scrub_keys: tuple[str, ...] = ()) -> dict:
    """A copy of ``record`` (a party, a user) with its phone and identity number masked.

    The one masking rule for a person's contact details, used by case pages,
    history, user lists and notifications alike. ``scrub_keys`` names free-text
    fields to :func:`scrub` as well (notifications scrub names and addresses,
    since people type numbers into them).
    """
    out = dict(record)
    if out.get("phone"):
        out["phone"] = mask_phone(out["phone"])
    if out.get("id_number"):
        out["id_number"] = mask_id(out["id_number"])
    for key in scrub_keys:
        if out.get(key):
            out[key] = scrub(out[key])
    return out


# What a notification carries about a party: contact details masked, numbers scrubbed from the rest.
NOTIFICATION_SCRUB = ("name", "address")
