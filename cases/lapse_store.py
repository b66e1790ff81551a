"""A key person's missed duties as one open item (``key_person_lapses``): what the duty sweep reads and writes.

The open item is unique per person (a partial unique index); the sweep takes
the person's row first (:func:`disputeflow.cases.person_records.person` with
``lock``), so two sweepers never open two items or raise a step twice. Times
are in the driver's form (``Tx.t``) going in and coming out.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, null, select, update

from disputeflow.cases.prepared import Prepared
from disputeflow.cases.tables import key_person_duties, key_person_lapses

_D, _L = key_person_duties.c, key_person_lapses.c

_EARLIEST = Prepared(select(
    select(func.min(_D.due_at)).where(_D.status == "open").scalar_subquery(),
    select(func.min(_L.next_at)).where(_L.next_at.isnot(None)).scalar_subquery()))
_OVERDUE_PERSONS = Prepared(
    select(_D.person_id).where(_D.status == "open", _D.due_at <= bindparam("now"))
    .group_by(_D.person_id).order_by(_D.person_id).limit(bindparam("batch")))
_OVERDUE_OF = Prepared(
    select(_D.id, _D.duty, _D.period_start, _D.due_at)
    .where(_D.person_id == bindparam("p"), _D.status == "open", _D.due_at <= bindparam("now")).order_by(_D.due_at))
_MARK_MISSED = Prepared(update(key_person_duties).where(_D.id.in_(bindparam("ids", expanding=True)))
                        .values(status="missed"))
_OPEN = Prepared(select(_L.id, _L.started_at, _L.due_at, _L.days, _L.level, _L.listed)
                 .where(_L.person_id == bindparam("p"), _L.closed_at.is_(None)))
_ADD = Prepared(key_person_lapses.insert().values(
    person_id=bindparam("p"), opened_at=bindparam("now"), started_at=bindparam("start"), due_at=bindparam("due"),
    days=bindparam("days"), level=null(), next_step=bindparam("step"), next_at=bindparam("at"), listed=False,
).returning(_L.id))
_SET_DAYS = Prepared(update(key_person_lapses).where(_L.id == bindparam("id")).values(days=bindparam("days")))
_DUE = Prepared(select(_L.person_id).where(_L.next_at.isnot(None), _L.next_at <= bindparam("now"))
                .order_by(_L.next_at, _L.id).limit(bindparam("batch")))
_SET_LEVEL = Prepared(update(key_person_lapses).where(_L.id == bindparam("id")).values(
    level=bindparam("level"), next_step=bindparam("step"), next_at=bindparam("at"), listed=bindparam("listed")))
_CLOSE = Prepared(update(key_person_lapses).where(_L.person_id == bindparam("p"), _L.closed_at.is_(None)).values(
    closed_at=bindparam("now"), closed_reason=bindparam("why"), next_step=null(), next_at=null()))
_OF_PERSON = Prepared(select(_L.id, _L.opened_at, _L.due_at, _L.days, _L.level, _L.listed, _L.closed_at,
                             _L.closed_reason).where(_L.person_id == bindparam("p")).order_by(_L.id))


def earliest(tx) -> tuple:
    """``(earliest due time of an open occurrence, earliest step owed by an item)``, each None when there is none."""
    return tuple(_EARLIEST.first(tx))


def overdue_persons(tx, now, batch: int) -> list[int]:
    """Persons with an occurrence past due and neither met nor yet counted as missed."""
    return [r[0] for r in _OVERDUE_PERSONS.all(tx, {"now": now, "batch": batch})]


def overdue_of(tx, person_id: int, now) -> list:
    """``(id, duty, period start, due at)`` of the person's occurrences past due and still open, oldest first."""
    return _OVERDUE_OF.all(tx, {"p": person_id, "now": now})


def mark_missed(tx, ids: list[int]) -> None:
    if ids:
        _MARK_MISSED.run(tx, {"ids": list(ids)})


def open_lapse(tx, person_id: int):
    """``(id, started_at, due_at, days JSON, level, listed)`` of the person's open item, or None."""
    return _OPEN.first(tx, {"p": person_id})


def add(tx, person_id: int, now, start, due, days: str, step: str | None, at) -> int:
    return _ADD.first(tx, {"p": person_id, "now": now, "start": start, "due": due, "days": days, "step": step,
                           "at": at})[0]


def set_days(tx, lapse_id: int, days: str) -> None:
    _SET_DAYS.run(tx, {"id": lapse_id, "days": days})


def due_persons(tx, now, batch: int) -> list[int]:
    """Persons whose open item owes a ladder step by ``now``."""
    return [r[0] for r in _DUE.all(tx, {"now": now, "batch": batch})]


def set_level(tx, lapse_id: int, level: str | None, step: str | None, at, listed: bool) -> None:
    _SET_LEVEL.run(tx, {"id": lapse_id, "level": level, "step": step, "at": at, "listed": listed})


def close(tx, person_id: int, now, why: str) -> int:
    """Close the person's open item (``met``: a contact met a duty again; ``released``); returns 1 or 0."""
    return _CLOSE.run(tx, {"p": person_id, "now": now, "why": why})


def of_person(tx, person_id: int) -> list:
    """Every item of the person: ``(id, opened_at, due_at, days, level, listed, closed_at, closed_reason)``."""
    return _OF_PERSON.all(tx, {"p": person_id})
