"""Masking of personal data for readers whose role does not need it."""

from __future__ import annotations

from typing import Any

# One rule for phones and ID numbers everywhere: the notifications package owns it
# (it must not import this package), and lists, pages and logs use the same one.
from disputeflow.notifications.privacy import NOTIFICATION_SCRUB as PARTY_TEXT  # a party's free-text fields
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
    """A party as a reader in ``role`` sees it: in full for the roles that handle parties, else masked.

    Masked readers also get numbers scrubbed from the name and address, where people type them too.
    """
    if needs_unmasked(role):
        return dict(party)
    masked = mask_contacts(party, PARTY_TEXT)
    if masked.get("birth_date"):  # the year (an age) is what a masked reader may know, as with the ID number
        masked["birth_date"] = str(masked["birth_date"])[:4] + "-**-**"
    return masked


def mask_text(value: Any, role: str | None) -> Any:
    """Free text (a title, a description, a note, an event's data) as a reader in ``role`` sees it.

    The one rule for numbers typed into text: readers whose role may see a
    party's phone in full see the text as typed; everyone else sees phone and
    identity numbers masked, exactly as notifications show them. Strings inside
    dicts and lists are masked too; anything else is returned unchanged.
    """
    return value if needs_unmasked(role) else scrub_all(value)
