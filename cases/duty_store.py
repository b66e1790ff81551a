"""Key-person duty occurrences: rolling them forward, meeting and cancelling them.

Exactly-once is the database's job here too: ``UNIQUE(person_id, duty,
period_start)`` makes a period's occurrence exist once (missed ones are
:mod:`disputeflow.cases.lapse_store`'s). Times are in the
driver's form (``Tx.t``) going in and coming out. The duty sweep runs these,
so each statement is built once (:mod:`disputeflow.cases.prepared`).
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from disputeflow.cases.prepared import Prepared, skip_existing
from disputeflow.cases.tables import key_person_duties, key_persons

_P, _D = key_persons.c, key_person_duties.c

_EARLIEST = Prepared(select(func.min(_P.next_roll_at)).where(_P.next_roll_at.isnot(None)))
# Another roller's rows are skipped on PostgreSQL (SQLite's write lock serialises rollers, and has no FOR UPDATE).
_DUE_PERSONS = Prepared(
    select(_P.id, _P.risk, _P.controlled_since, _P.anchor_case_id)
    .where(_P.next_roll_at.isnot(None), _P.next_roll_at <= bindparam("now"))
    .order_by(_P.next_roll_at, _P.id).limit(bindparam("batch")).with_for_update(skip_locked=True))
_LAST_DUE = Prepared(select(_D.duty, func.max(_D.due_at))
                     .where(_D.person_id == bindparam("p"), _D.status != "cancelled").group_by(_D.duty))
_SET_NEXT_ROLL = Prepared(update(key_persons).where(_P.id == bindparam("id")).values(next_roll_at=bindparam("at")))
_ADD_OCCURRENCE = Prepared(make=lambda dialect: skip_existing(
    dialect, key_person_duties, ("person_id", "duty", "period_start")).values(person_id=bindparam("p"), duty=bindparam("d"), period_start=bindparam("start"),
    due_at=bindparam("end"), status="open").returning(_D.id))
_OPEN = select(_D.id, _D.clock_id, _D.due_at).where(_D.person_id == bindparam("p"), _D.status == "open")
_OPEN_ALL = Prepared(_OPEN)
_OPEN_OF = Prepared(_OPEN.where(_D.duty.in_(bindparam("duties", expanding=True))))
_CANCEL = Prepared(update(key_person_duties).where(_D.id == bindparam("id")).values(status="cancelled"))
_OPEN_AT = Prepared(select(_D.id, _D.duty, _D.clock_id).where(
    _D.person_id == bindparam("p"), _D.status.in_(("open", "missed")), _D.period_start <= bindparam("at"),
    _D.due_at > bindparam("at")))
_MARK_MET = Prepared(update(key_person_duties).where(_D.id == bindparam("id"))
                     .values(status="met", met_at=bindparam("at"), contact_id=bindparam("c")))
def earliest_roll(tx):
    """The earliest ``next_roll_at`` of any person (driver time), or None."""
    return _EARLIEST.first(tx)[0]


def persons_due(tx, now, batch: int) -> list:
    """``(id, risk, controlled_since, anchor case id)`` of up to ``batch`` persons whose next period began by ``now``;
    on PostgreSQL rows another roller holds are skipped."""
    return _DUE_PERSONS.all(tx, {"now": now, "batch": batch})


def last_due_by_duty(tx, person_id: int) -> list:
    """``(duty, latest due time)`` of the person's occurrences not cancelled."""
    return _LAST_DUE.all(tx, {"p": person_id})


def set_next_roll(tx, person_id: int, at) -> None:
    _SET_NEXT_ROLL.run(tx, {"at": at, "id": person_id})


def add_occurrence(tx, person_id: int, duty: str, start, end) -> int | None:
    """The new occurrence's id; None when the period's occurrence exists already."""
    got = _ADD_OCCURRENCE.first(tx, {"p": person_id, "d": duty, "start": start, "end": end})
    return got[0] if got else None


def open_occurrences(tx, person_id: int, duties: list[str] | None = None) -> list:
    """``(id, clock id, due time)`` of the person's open occurrences, of these duties only when named."""
    if duties is None:
        return _OPEN_ALL.all(tx, {"p": person_id})
    return _OPEN_OF.all(tx, {"p": person_id, "duties": list(duties)})


def cancel(tx, occurrence_id: int) -> None:
    _CANCEL.run(tx, {"id": occurrence_id})


def open_at(tx, person_id: int, at) -> list:
    """``(id, duty, clock id)`` of the person's occurrences not met (open or missed) whose period contains ``at``."""
    return _OPEN_AT.all(tx, {"p": person_id, "at": at})


def mark_met(tx, occurrence_id: int, at, contact_id: int) -> None:
    _MARK_MET.run(tx, {"at": at, "c": contact_id, "id": occurrence_id})
