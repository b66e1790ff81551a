"""The append-only, hash-chained (and signed) audit log.

Each event's hash covers the previous event's hash and every stored field of
the event, so editing, deleting or reordering any event breaks the chain from
that point on; the case row keeps the last sequence number and hash, so
removing the newest events is detected too.

An event also carries ``fields``: the after-values of the record's columns it
changed (a case's state, risk, people, unit …, digests of its data and of each
party), so a verifier can replay a chain and compare it with the stored row.
:func:`seal` is the one place an event's hash is made: HMAC-SHA256 under the
audit key kept outside the database (:mod:`disputeflow.cases.audit_key`), or plain SHA-256
when none is configured. Events written before signing existed (``key_id`` is
NULL) were hashed by :func:`event_hash` and are verified as legacy-unsigned.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

GENESIS = "0" * 64


_last_time: tuple[datetime | None, str] = (None, "")


def canonical_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC (isoformat: the C fast path, a tenth of strftime's cost).

    The last value's text is kept: a batch stamps every event with the same time.
    """
    global _last_time
    last, text = _last_time
    if value is last:
        return text
    utc = value if value.tzinfo is timezone.utc else value.astimezone(timezone.utc)
    text = utc.replace(tzinfo=None).isoformat("T", "microseconds") + "Z"
    _last_time = (value, text)
    return text


def event_hash(prev_hash: str, number: str, seq: int, at: datetime | str, actor: str, action: str,
               from_state: str | None, to_state: str, data_json: str) -> str:
    """The legacy (pre-signing) hash of an event; new events are hashed by :func:`seal`."""
    when = canonical_time(at) if isinstance(at, datetime) else at
    parts = (prev_hash, number, str(seq), when, actor, action, from_state or "", to_state, data_json)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def message(prev_hash: str, chain: str, seq: int, at: datetime | str, actor: str, action: str,
            from_state: str | None, to_state: str, data_json: str, fields_json: str) -> bytes:
    """The signed form of an event: every stored column, ``fields`` included, in one fixed order."""
    when = canonical_time(at) if isinstance(at, datetime) else at
    return "\x1f".join(("v2", prev_hash, chain, str(seq), when, actor, action, from_state or "", to_state,
                        data_json, fields_json)).encode("utf-8")


def seal(signer, prev_hash: str, chain: str, seq: int, at: datetime | str, actor: str, action: str,
         from_state: str | None, to_state: str, data_json: str, fields_json: str) -> tuple[str, str]:
    """``(hash, key id)`` of an event: every writer of a case's or a key person's chain calls this.

    Args:
        signer: the engine's :class:`disputeflow.cases.audit_key.Signer` (``store.signer``).
        chain: the case number, or ``KP-<id>`` for a key person.
        at: a datetime or its :func:`canonical_time` (a batch converts it once).
        fields_json: the JSON of the after-values the event set (``{}`` when none).
    """
    return signer.sign(message(prev_hash, chain, seq, at, actor, action, from_state, to_state, data_json,
                               fields_json))


def digest(text: str | None) -> str | None:
    """The digest a ``fields`` entry holds for a long stored text (a case's data document)."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def party_digest(name: str, role: str, phone: str | None, id_number: str | None, address: str | None,
                 particulars: str | None = None) -> str:
    """The digest ``fields`` holds for a party (``party:<seq>``): a phone changed in the table no longer matches.

    ``particulars`` (the stored JSON) joins the digest only when set, so parties recorded before
    there were particulars keep the digest they were signed with.
    """
    values = (name, role, phone, id_number, address) + ((particulars,) if particulars is not None else ())
    parts = ("\x00" if v is None else v for v in values)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# The case columns ``fields`` records after-values of (``data`` as its digest; parties as ``party:<seq>``).
CASE_FIELDS = ("state", "risk", "risk_floor", "flags", "mediator", "lead_official", "responsible_unit",
               "supervision_level", "unit_id", "title", "category", "data")
FULL = "_full"  # set in a snapshot of every field: parties the log does not know are then reported too


def case_snapshot(state, risk, risk_floor, flags_json, mediator, lead, resp, supervision, unit_id, title, category,
                  data_json, parties) -> dict:
    """Every recorded field of a case as it stands (``parties``: rows of name, role, phone, id number, address)."""
    out = {"state": state, "risk": risk, "risk_floor": risk_floor, "flags": flags_json, "mediator": mediator,
           "lead_official": lead, "responsible_unit": resp, "supervision_level": supervision, "unit_id": unit_id,
           "title": title, "category": category, "data": digest(data_json), FULL: True}
    for i, p in enumerate(parties, start=1):
        out[f"party:{i}"] = party_digest(*p)
    return out
