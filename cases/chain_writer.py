"""Storing chain events and the heads they move: the one writer of both hash chains.

A case's log (``audit_events``, head on ``cases``) and a key person's log
(``key_person_events``, head on ``key_persons``) grow the same way: events made
by :func:`disputeflow.cases.chain.link`, stored in sequence order, and the
record's head (``audit_seq``, ``audit_hash``) and ``version`` moved to the last
one in the same transaction. :func:`append` is where every path — a command, a
batch, the sweep, a recalculation, the key-person register and its reads —
does that, so a head is never moved without its events, nor under a version
the writer did not read.

A head row is the record's bookkeeping columns (:attr:`Chain.bookkeeping`),
then the values of the other columns the change sets, then the record's id and
the version it was read at: a record whose version moved meanwhile is not
changed, and the caller learns it (``conflict``).
"""

from __future__ import annotations

from functools import cache
from typing import Callable, Mapping, NamedTuple, Sequence

from sqlalchemy import bindparam, update

from disputeflow.cases.outbox import enqueue
from disputeflow.cases.prepared import Prepared
from disputeflow.cases.records import AuditRow
from disputeflow.cases.tables import metadata


class Chain(NamedTuple):
    """Where one kind of chain is stored."""

    events: str  # the table of events
    records: str  # the table whose rows keep the heads
    columns: tuple[str, ...]  # an event row's columns, in order
    bookkeeping: tuple[str, ...]  # what every head row sets first, in order


CASES = Chain("audit_events", "cases", AuditRow._fields, ("version", "updated_at", "audit_seq", "audit_hash"))
KEY_PERSONS = Chain("key_person_events", "key_persons",
                    ("person_id", "seq", "at", "actor", "action", "data", "prev_hash", "hash", "fields", "key_id"),
                    ("version", "audit_seq", "audit_hash"))


def append(tx, chain: Chain, events: Sequence[tuple], heads: Mapping[tuple[str, ...], Sequence[tuple]],
           conflict: Callable[[], Exception] | None = None, *, held: bool = False,
           outbox: Sequence[tuple] = ()) -> None:
    """Move the heads, then store the events they end (and queue ``outbox``, :mod:`disputeflow.cases.outbox` rows).

    Args:
        events: rows in ``chain.columns`` order, each chain's in sequence order.
        heads: per set of other columns the change sets, the head rows (see the module documentation).
        conflict: the error to raise when a record's version moved since it was read (nothing is stored then).
        held: the caller holds the records (``FOR UPDATE``, or SQLite's write lock), so their versions cannot
            have moved: the heads go as one bulk update with no version check.
    """
    rows = [r for group in heads.values() for r in group]
    if chain is CASES and not held and len(events) == 1 and len(rows) == 1 and len(outbox) <= 1:
        # one command's change: on PostgreSQL the case, its event and its notification are one statement
        (columns,) = heads
        tx.change_case(columns, rows[0], tuple(events[0]), tuple(outbox[0]) if outbox else None,
                       conflict or _unchecked)
        return
    moved = sum(_move(tx, chain, columns, group, held) for columns, group in heads.items() if group)
    if not held and moved != len(rows):
        raise (conflict or _unchecked)()
    if len(events) == 1 and chain is CASES:
        tx.run("insert_audit", tuple(events[0]))
    elif events:
        tx.insert_rows(chain.events, chain.columns, list(events))
    enqueue(tx, outbox)


def _move(tx, chain: Chain, columns: tuple[str, ...], rows: Sequence[tuple], held: bool) -> int:
    if held:
        # key first, then the columns; the version read is not needed
        tx.update_rows(chain.records, "id", (*chain.bookkeeping, *columns), [(r[-2], *r[:-2]) for r in rows])
        return len(rows)
    if chain is CASES:
        return tx.update_cases(columns, list(rows))
    names = (*chain.bookkeeping, *columns)
    move = _head_update(chain.records, names)
    keys = (*(f"new_{c}" for c in names), "record_id", "read")
    return sum(move.run(tx, dict(zip(keys, r))) for r in rows)


@cache
def _head_update(records: str, names: tuple[str, ...]) -> Prepared:
    """Set ``names`` (``:new_<name>``) on the record ``:record_id`` if it is still at version ``:read``."""
    table = metadata.tables[records]
    return Prepared(update(table).where(table.c.id == bindparam("record_id"), table.c.version == bindparam("read"))
                    .values({c: bindparam(f"new_{c}") for c in names}))


def _unchecked() -> Exception:
    return RuntimeError("a chain's record changed while its events were written")
