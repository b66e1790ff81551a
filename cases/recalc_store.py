"""The calendar recalculation's reads and clock writes.

The case events it adds go through :mod:`disputeflow.cases.chain_writer`;
this module holds the open clocks it reads and the clock rows it changes.
"""

from __future__ import annotations

_OPEN_CLOCKS = (
    "SELECT k.id, k.case_id, k.name, k.started_at, k.due_at, k.level, k.extended, k.calendar_rev, c.risk, "
    "c.category, c.number, c.state, c.audit_seq, c.audit_hash, c.data, c.version "
    "FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.stopped_at IS NULL ORDER BY k.case_id, k.id")

_CLOCK_WRITES = {
    "revision": "UPDATE clocks SET calendar_rev = :rev WHERE id = :id",
    "due": "UPDATE clocks SET due_at = :due, warn_at = :warn, next_step = :step, next_at = :at WHERE id = :id",
}


def open_clocks(tx) -> list:
    """Every running clock with its case's columns, by case then clock."""
    return tx.query(_OPEN_CLOCKS)


def revision(clock_id: int, rev: str) -> tuple[str, dict]:
    """The write that stamps a clock with the calendar revision it was checked against."""
    return "revision", {"rev": rev, "id": clock_id}


def due(clock_id: int, due_at, warn_at, step, at) -> tuple[str, dict]:
    """The write of a clock's new due time and next step (driver times)."""
    return "due", {"due": due_at, "warn": warn_at, "step": step, "at": at, "id": clock_id}


def write_clocks(tx, writes: list[tuple[str, dict]]) -> None:
    """Run the writes made by :func:`revision` and :func:`due`, in order."""
    for kind, params in writes:
        tx.execute(_CLOCK_WRITES[kind], params)
