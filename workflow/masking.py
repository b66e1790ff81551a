"""Masking of personal data for readers whose role does not need it.

Which roles see contact details in full is each engine's own: the built-in
:data:`UNMASKED_ROLES` plus the roles its loaded definitions declare with
``personal_data = true`` (``Runtime.unmasked_roles``), passed as ``unmasked``.
Nothing here is changed by loading a definition, so two engines in one process
never unmask each other's readers.
"""

from __future__ import annotations

from typing import Any

# One rule for phones and ID numbers everywhere: the notifications package owns it
# (it must not import this package), and lists, pages and logs use the same one.
from disputeflow.notifications.privacy import NOTIFICATION_SCRUB as PARTY_TEXT  # a party's free-text fields
from disputeflow.notifications.privacy import mask_contacts, mask_id, mask_phone, scrub_all  # noqa: F401  (re-exported)

# Roles that handle a case's parties directly and may see contact details in full, in every engine.
UNMASKED_ROLES = frozenset({"mediator", "lead_official", "supervisor"})


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**; used where even a name is too much (key persons)."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def needs_unmasked(role: str | None, unmasked: frozenset[str] = UNMASKED_ROLES) -> bool:
    """Whether a reader in ``role`` sees contact details in full (``unmasked``: the engine's roles that do)."""
    return role in unmasked


def mask_party(party: dict, role: str | None, unmasked: frozenset[str] = UNMASKED_ROLES) -> dict:
    """A party as a reader in ``role`` sees it: in full for the roles that handle parties, else masked.

    Masked readers also get numbers scrubbed from the name and address, where people type them too.
    ``unmasked``: the roles that see it in full in the reading engine (``Runtime.unmasked_roles``).
    """
    if role in unmasked:
        return dict(party)
    masked = mask_contacts(party, PARTY_TEXT)
    if masked.get("birth_date"):  # the year (an age) is what a masked reader may know, as with the ID number
        masked["birth_date"] = str(masked["birth_date"])[:4] + "-**-**"
    return masked


def mask_text(value: Any, role: str | None, unmasked: frozenset[str] = UNMASKED_ROLES) -> Any:
    """Free text (a title, a description, a note, an event's data) as a reader in ``role`` sees it.

    The one rule for numbers typed into text: readers whose role may see a
    party's phone in full see the text as typed; everyone else sees phone and
    identity numbers masked, exactly as notifications show them. Strings inside
    dicts and lists are masked too; anything else is returned unchanged. ``unmasked`` as for :func:`mask_party`.
    """
    return value if role in unmasked else scrub_all(value)
