"""Appending to a hash chain: the one way an event joins a case's or a key person's log.

A chain's head is the last event's sequence number and hash, kept on the
record the chain belongs to (``cases.audit_seq``/``audit_hash``,
``key_persons.audit_seq``/``audit_hash``). :func:`link` makes the next event's
place in it — its number, the hash it follows and its own hash, signed with
the audit key — so every writer (a command, a batch, the sweep, the key-person
register, a recalculation, a ledger import) appends the same way, and the head
it stores back is the one the event ends.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from disputeflow.cases.audit import GENESIS, seal


class Head(NamedTuple):
    """Where a chain ends: the last event's number (0 for an empty chain) and hash."""

    seq: int
    hash: str


EMPTY = Head(0, GENESIS)


class Link(NamedTuple):
    """The place of a new event: its number, the hash before it, its hash and the key that signed it."""

    seq: int
    prev_hash: str
    hash: str
    key_id: str | None

    @property
    def head(self) -> Head:
        """The chain's head once this event is stored."""
        return tuple.__new__(Head, (self.seq, self.hash))


def link(signer, head: Head | Link, chain: str, at: datetime | str, actor: str, action: str, from_state: str | None,
         to_state: str, data_json: str, fields_json: str) -> Link:
    """The next event of ``chain`` after ``head``, sealed (see :func:`disputeflow.cases.audit.seal`).

    Args:
        signer: the audit key (``store.signer``).
        head: where the chain ends: a :class:`Head`, or the last :class:`Link` made on it (a link ends the chain
            at its own ``seq`` and ``hash``, so a batch links its next event to it without making a head).
        chain: the case number, or ``KP-<id>`` for a key person.
        at: the event's time (a datetime, or its canonical text when a batch converted it once).
    """
    seq = head.seq + 1
    prev = head.hash
    h, key_id = seal(signer, prev, chain, seq, at, actor, action, from_state, to_state, data_json, fields_json)
    return tuple.__new__(Link, (seq, prev, h, key_id))  # see "Positional rows" in bench/README.md
