"""The calendar recalculation's reads and clock writes.

The case events it adds go through :mod:`disputeflow.cases.chain_writer`;
this module holds the open clocks it reads and the clock rows it changes.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from disputeflow.cases.prepared import Prepared
from disputeflow.cases.tables import cases, clocks

_C, _K = cases.c, clocks.c

_OPEN_CLOCKS = Prepared(
    select(_K.id, _K.case_id, _K.name, _K.started_at, _K.due_at, _K.level, _K.extended, _K.calendar_rev, _C.risk,
           _C.category, _C.number, _C.state, _C.audit_seq, _C.audit_hash, _C.data, _C.version)
    .select_from(clocks.join(cases, _C.id == _K.case_id)).where(_K.stopped_at.is_(None)).order_by(_K.case_id, _K.id))

_CLOCK = update(clocks).where(_K.id == bindparam("id"))
_CLOCK_WRITES = {
    "revision": Prepared(_CLOCK.values(calendar_rev=bindparam("rev"))),
    "due": Prepared(_CLOCK.values(due_at=bindparam("due"), warn_at=bindparam("warn"), next_step=bindparam("step"),
                                  next_at=bindparam("at"))),
}


def open_clocks(tx) -> list:
    """Every running clock with its case's columns, by case then clock."""
    return _OPEN_CLOCKS.all(tx)


def revision(clock_id: int, rev: str) -> tuple[str, dict]:
    """The write that stamps a clock with the calendar revision it was checked against."""
    return "revision", {"rev": rev, "id": clock_id}


def due(clock_id: int, due_at, warn_at, step, at) -> tuple[str, dict]:
    """The write of a clock's new due time and next step (driver times)."""
    return "due", {"due": due_at, "warn": warn_at, "step": step, "at": at, "id": clock_id}


def write_clocks(tx, writes: list[tuple[str, dict]]) -> None:
    """Run the writes made by :func:`revision` and :func:`due`, in order."""
    for kind, params in writes:
        _CLOCK_WRITES[kind].run(tx, params)
