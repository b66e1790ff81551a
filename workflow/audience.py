"""Who hears about something: recipient words turned into audience tokens, the one way.

Definitions (an action's ``notify``), the escalation ladders and the key-person
duties all name their recipients in one vocabulary, and the outbox stores the
result as audience tokens that :mod:`disputeflow.notifications.recipients`
resolves to people at delivery:

- ``unit:<role>`` (as definitions write it) is that role at the subject's unit;
- ``field:<name>`` is the user the action's field ``name`` names (nobody if the field is empty);
- ``field_unit:<name>`` is everyone of the unit the action's field ``name`` names (a handover's receiving level);
- ``case:<slot>`` is the person the subject names in that slot (nobody if the slot is empty);
- a bare slot word (``assignee``, ``lead_official`` …, as the ladders write them) is that person, or,
  when the slot is empty, the slot's role at the subject's unit;
- ``responsible_unit`` is the unit the subject names as responsible (nobody if none);
- any other bare word is a role at the subject's unit;
- anything else with a colon (``user:<id>``, ``role:<role>@<unit path>``) is already a token and passes as it is.

Pure: the caller says who fills which slot (a case's mediator, a key person's
grid officer); nothing here reads the database.
"""

from __future__ import annotations

from typing import Iterable, Mapping

# The role that stands in for an empty slot (a ladder step for a case nobody was assigned to yet).
SLOT_ROLES = {"assignee": "mediator", "mediator": "mediator", "lead_official": "lead_official",
              "grid_officer": "grid_officer"}


def split(recipients: Iterable[str]) -> tuple[tuple[str, str | None, str], ...]:
    """``recipients`` as ``(token, kind, what)``: ``field:mediator`` → ``("field:mediator", "field", "mediator")``;
    ``kind`` is None for a bare word (no colon). A definition's actions keep theirs split (``Action.notify_tokens``)."""
    out = []
    for token in recipients:
        kind, sep, what = token.partition(":")
        out.append((token, kind if sep else None, what))
    return tuple(out)


def audience(recipients: Iterable[str], unit_path: str, slots: Mapping[str, str | None] | None = None,
             fields: Mapping[str, object] | None = None) -> list[str]:
    """The audience tokens of ``recipients`` for one subject, in order, each once.

    Args:
        recipients: recipient words and tokens (see the module documentation).
        unit_path: the subject's unit path (``/town/village/grid/``).
        slots: who fills the subject's slots: ``assignee``, ``mediator``, ``lead_official``,
            ``grid_officer`` (user ids) and ``responsible_unit`` (a unit id); missing means empty.
        fields: the action's cleaned fields, for ``field:<name>``.
    """
    return audience_of(split(recipients), unit_path, slots, fields)


def audience_of(tokens: Iterable[tuple[str, str | None, str]], unit_path: str,
                slots: Mapping[str, str | None] | None = None, fields: Mapping[str, object] | None = None) -> list[str]:
    """:func:`audience` of recipients already :func:`split`."""
    slots = slots or {}
    out: list[str] = []
    for token, kind, what in tokens:
        if kind is not None:
            if kind == "field":
                value = (fields or {}).get(what)
                got = f"user:{value}" if value else None
            elif kind == "unit":
                got = f"role:{what}@{unit_path}"
            elif kind == "field_unit":
                value = (fields or {}).get(what)
                got = f"unit:{value}" if value else None
            elif kind == "case":
                who = slots.get(what)
                got = f"user:{who}" if who else None
            else:
                got = token
        elif token == "responsible_unit":
            unit = slots.get("responsible_unit")
            got = f"unit:{unit}" if unit else None
        elif token in SLOT_ROLES:
            who = slots.get(token)
            got = f"user:{who}" if who else f"role:{SLOT_ROLES[token]}@{unit_path}"
        else:
            got = f"role:{token}@{unit_path}"
        if got is not None and got not in out:
            out.append(got)
    return out


def case_slots(mediator: str | None, lead_official: str | None, responsible_unit: str | None = None) -> dict:
    """Who fills a case's slots (the assignee is its mediator)."""
    return {"assignee": mediator, "lead_official": lead_official, "responsible_unit": responsible_unit}


def person_slots(grid_officer: str | None, lead_official: str | None) -> dict:
    """Who fills a key person's slots: the grid officer is the assignee; a person has no responsible unit."""
    return {"assignee": grid_officer, "grid_officer": grid_officer, "lead_official": lead_official}
