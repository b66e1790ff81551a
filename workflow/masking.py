"""Masking of personal data for readers whose role does not need it."""

from __future__ import annotations

# Roles that handle a case's parties directly and may see contact details in full.
UNMASKED_ROLES = frozenset({"mediator", "lead_official", "supervisor"})
# Roles a loaded workflow definition declares with ``personal_data = true``.
_DEFINED_UNMASKED: set[str] = set()


def allow_personal_data(role: str) -> None:
    """Let holders of ``role`` (declared by a definition) see contact details in full."""
    _DEFINED_UNMASKED.add(role)


def mask_phone(phone: str | None) -> str | None:
    """``13812348000`` → ``138****8000``; landlines keep area code and last four."""
    if not phone:
        return phone
    digits = phone.replace("-", "")
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_id(number: str | None) -> str | None:
    """ID numbers keep only their last four characters."""
    if not number:
        return number
    return "*" * (len(number) - 4) + number[-4:]


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**; used where even a name is too much (key persons)."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def needs_unmasked(role: str | None) -> bool:
    return role in UNMASKED_ROLES or role in _DEFINED_UNMASKED


def mask_party(party: dict, role: str | None) -> dict:
    if needs_unmasked(role):
        return dict(party)
    p = dict(party)
    if p.get("phone"):
        p["phone"] = mask_phone(p["phone"])
    if p.get("id_number"):
        p["id_number"] = mask_id(p["id_number"])
    return p
