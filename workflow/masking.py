"""Masking of personal data for readers whose role does not need it."""

from __future__ import annotations

# One rule for phones and ID numbers everywhere: the notifications package owns it
# (it must not import this package), and lists, pages and logs use the same one.
from disputeflow.notifications.privacy import mask_contacts, mask_id, mask_phone, scrub_all  # noqa: F401  (re-exported)

# Roles that handle a case's parties directly and may see contact details in full.
UNMASKED_ROLES = frozenset({"mediator", "lead_official", "supervisor"})
# Roles a loaded workflow definition declares with ``personal_data = true``.
_DEFINED_UNMASKED: set[str] = set()


def allow_personal_data(role: str) -> None:
    """Let holders of ``role`` (declared by a definition) see contact details in full."""
    _DEFINED_UNMASKED.add(role)


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**; used where even a name is too much (key persons)."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def needs_unmasked(role: str | None) -> bool:
    return role in UNMASKED_ROLES or role in _DEFINED_UNMASKED


def mask_party(party: dict, role: str | None) -> dict:
    """A party as a reader in ``role`` sees it: in full for the roles that handle parties, else masked."""
    return dict(party) if needs_unmasked(role) else mask_contacts(party)
