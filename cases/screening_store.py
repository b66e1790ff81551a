"""Screening rows: rounds and the cases they found, filed reports, sensitive periods, duties and their steps.

Duties are rolled and escalated by the screening sweep; exactly-once is the
database's (``UNIQUE`` on a period's duty and on a duty's step, ``SKIP
LOCKED`` between PostgreSQL sweepers). Times go in and come out in the
driver's form (``Tx.t`` / ``Tx.time``).
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, func, select, update

from disputeflow.cases.prepared import Prepared, skip_existing
from disputeflow.cases.tables import (
    cases, screening_duties, screening_escalations, screening_reports, screening_round_cases, screening_rounds,
    sensitive_periods, units,
)

_R, _L, _F, _D, _S, _U = (screening_rounds.c, screening_round_cases.c, screening_reports.c, screening_duties.c,
                          sensitive_periods.c, units.c)


class _q:
    """One statement built for one call, run on ``tx``: its rows (``all``, ``first``, ``scalar``) or ``rowcount``."""

    def __init__(self, tx, statement):
        self._cur = Prepared(statement).cursor(tx)

    def all(self) -> list:
        return self._cur.fetchall()

    def first(self):
        return self._cur.fetchone()

    def scalar(self):
        row = self._cur.fetchone()
        return row[0] if row else None

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount


def units_of_kinds(tx, kinds: list[str], path: str | None = None) -> list:
    """``(id, name, kind, path, created_at)`` of the units of ``kinds`` (under ``path`` when given), by path."""
    q = select(_U.id, _U.name, _U.kind, _U.path, _U.created_at).where(_U.kind.in_(kinds))
    if path:
        q = q.where(_U.path.startswith(path, autoescape=True))
    return _q(tx, q.order_by(_U.path)).all()


def unit(tx, unit_id: str):
    """``(id, name, kind, path, created_at)`` of one unit, or None."""
    return _q(tx, select(_U.id, _U.name, _U.kind, _U.path, _U.created_at).where(_U.id == unit_id)).first()


def case_ids(tx, numbers: list[str]) -> dict[str, tuple]:
    """``number → (id, unit_path)`` of the cases named (a number not found is absent)."""
    if not numbers:
        return {}
    rows = _q(tx, select(cases.c.number, cases.c.id, cases.c.unit_path).where(cases.c.number.in_(numbers)))
    return {r[0]: (r[1], r[2]) for r in rows.all()}


def add_round(tx, values: dict) -> int:
    return _q(tx, screening_rounds.insert().values(**values).returning(_R.id)).scalar()


def link_cases(tx, round_id: int, links: list[tuple[int, bool]]) -> None:
    for case_id, opened in links:
        _q(tx, screening_round_cases.insert().values(round_id=round_id, case_id=case_id, opened=opened))


_ROUND_COLS = (_R.id, _R.unit_id, _R.held_on, _R.participants, _R.coverage, _R.households, _R.none_found, _R.note,
               _R.recorded_at, _R.recorded_by)


def rounds(tx, path: str, first: str, last: str, unit_id: str | None = None) -> list:
    """Rounds held ``first``..``last`` (local dates) by units under ``path`` (or by ``unit_id``), newest first."""
    q = select(*_ROUND_COLS).where(_R.held_on >= first, _R.held_on <= last)
    q = q.where(_R.unit_id == unit_id) if unit_id else q.where(_R.unit_path.startswith(path, autoescape=True))
    return _q(tx, q.order_by(_R.held_on.desc(), _R.id.desc())).all()


def round_cases(tx, round_ids: list[int]) -> list:
    """``(round id, case number, title, state, opened)`` of the cases the rounds found."""
    if not round_ids:
        return []
    q = (select(_L.round_id, cases.c.number, cases.c.title, cases.c.state, _L.opened)
         .join_from(screening_round_cases, cases, cases.c.id == _L.case_id)
         .where(_L.round_id.in_(round_ids)).order_by(_L.round_id, cases.c.number))
    return _q(tx, q).all()


_ADD_REPORT = Prepared(make=lambda dialect: skip_existing(
    dialect, screening_reports, ("unit_id", "cadence", "period_start")).values(
    unit_id=bindparam("unit_id"), unit_path=bindparam("unit_path"), cadence=bindparam("cadence"),
    period_start=bindparam("period_start"), period_end=bindparam("period_end"), due_at=bindparam("due_at"),
    found=bindparam("found"), nil=bindparam("nil"), rounds=bindparam("rounds"), note=bindparam("note"),
    filed_at=bindparam("filed_at"), filed_by=bindparam("filed_by")).returning(screening_reports.c.id))


def add_report(tx, values: dict) -> int | None:
    """The new report's id; None when the period's report was filed already."""
    got = _ADD_REPORT.first(tx, values)
    return got[0] if got else None


_REPORT_COLS = (_F.id, _F.unit_id, _F.cadence, _F.period_start, _F.period_end, _F.due_at, _F.found, _F.nil,
                _F.rounds, _F.note, _F.filed_at, _F.filed_by)


def reports(tx, path: str, first: str, last: str, unit_id: str | None = None) -> list:
    """Reports of periods ending ``first``..``last`` by units under ``path`` (or of ``unit_id``)."""
    q = select(*_REPORT_COLS).where(_F.period_end >= first, _F.period_end <= last)
    q = q.where(_F.unit_id == unit_id) if unit_id else q.where(_F.unit_path.startswith(path, autoescape=True))
    return _q(tx, q.order_by(_F.period_end.desc(), _F.unit_id)).all()


def report(tx, unit_id: str, cadence: str, period_start: str):
    return _q(tx, select(*_REPORT_COLS).where(
        _F.unit_id == unit_id, _F.cadence == cadence, _F.period_start == period_start)).first()


def add_sensitive(tx, values: dict) -> int:
    return _q(tx, sensitive_periods.insert().values(**values).returning(_S.id)).scalar()


def sensitive(tx, until: str | None = None, since: str | None = None) -> list:
    """``(id, name, starts_on, ends_on, units JSON, set_at, set_by)`` overlapping ``[since, until]``."""
    q = select(_S.id, _S.name, _S.starts_on, _S.ends_on, _S.units, _S.set_at, _S.set_by)
    if until:
        q = q.where(_S.starts_on <= until)
    if since:
        q = q.where(_S.ends_on >= since)
    return _q(tx, q.order_by(_S.starts_on, _S.id)).all()


# ------------------------------------------------------------------ duties and their ladder

_ADD_DUTY = Prepared(make=lambda dialect: skip_existing(
    dialect, screening_duties, ("unit_id", "duty", "cadence", "period_start")).values(
    unit_id=bindparam("unit_id"), duty=bindparam("duty"), cadence=bindparam("cadence"),
    period_start=bindparam("period_start"), period_end=bindparam("period_end"), started_at=bindparam("started_at"),
    due_at=bindparam("due_at"), status=bindparam("status"), met_at=bindparam("met_at"), level=None,
    next_step=bindparam("next_step"), next_at=bindparam("next_at")).returning(_D.id))


def add_duty(tx, values: dict) -> int | None:
    got = _ADD_DUTY.first(tx, values)
    return got[0] if got else None


def known_duties(tx, unit_ids: list[str], since: str) -> set[tuple]:
    """``(unit, duty, cadence, period start)`` of the duties of periods starting on or after ``since``."""
    if not unit_ids:
        return set()
    rows = _q(tx, select(_D.unit_id, _D.duty, _D.cadence, _D.period_start)
                   .where(_D.unit_id.in_(unit_ids), _D.period_start >= since)).all()
    return {tuple(r) for r in rows}


# Another sweeper's rows are skipped on PostgreSQL (SQLite's write lock serialises sweepers).
_DUE = Prepared(select(_D.id, _D.unit_id, _D.duty, _D.cadence, _D.period_start, _D.period_end, _D.started_at,
                       _D.due_at, _D.level)
                .where(_D.next_at.isnot(None), _D.next_at <= bindparam("now"))
                .order_by(_D.next_at, _D.id).limit(bindparam("batch")).with_for_update(skip_locked=True))


_EARLIEST = Prepared(select(func.min(_D.next_at)).where(_D.next_at.isnot(None)))


def earliest_step(tx):
    """When the next duty step is due (driver time), or None: an idle sweep reads only this."""
    return _EARLIEST.first(tx)[0]


def due_duties(tx, now, batch: int) -> list:
    return _DUE.all(tx, {"now": now, "batch": batch})


_ADD_STEP = Prepared(make=lambda dialect: skip_existing(dialect, screening_escalations, ("duty_id", "step")).values(
    duty_id=bindparam("d"), step=bindparam("s"), step_at=bindparam("at"), raised_at=bindparam("now"),
).returning(screening_escalations.c.id))


def add_step(tx, duty_id: int, step: str, at, now) -> bool:
    """Claim one ladder step of a duty; False when it was raised already."""
    return _ADD_STEP.first(tx, {"d": duty_id, "s": step, "at": at, "now": now}) is not None


def move_duty(tx, duty_id: int, level: str | None, next_step: str | None, next_at) -> None:
    _q(tx, update(screening_duties).where(_D.id == duty_id)
            .values(level=level, next_step=next_step, next_at=next_at))


def meet_rounds(tx, unit_id: str, day: str, at) -> int:
    """Mark met the unit's open round duties whose period holds the local ``day``; their ladder stops."""
    return _q(tx, update(screening_duties).where(
        _D.unit_id == unit_id, _D.duty == "round", _D.status == "open", _D.period_start <= day,
        _D.period_end >= day).values(status="met", met_at=at, next_step=None, next_at=None)).rowcount


def meet_report(tx, unit_id: str, cadence: str, period_start: str, at) -> int:
    return _q(tx, update(screening_duties).where(
        _D.unit_id == unit_id, _D.duty == "report", _D.cadence == cadence, _D.period_start == period_start,
        _D.status == "open").values(status="met", met_at=at, next_step=None, next_at=None)).rowcount


def escalations_of(tx, unit_id: str | None = None) -> list:
    """``(unit, duty, cadence, period start, step, step at)`` of raised screening steps, oldest first."""
    q = (select(_D.unit_id, _D.duty, _D.cadence, _D.period_start, screening_escalations.c.step,
                screening_escalations.c.step_at)
         .join_from(screening_escalations, screening_duties, _D.id == screening_escalations.c.duty_id))
    if unit_id:
        q = q.where(_D.unit_id == unit_id)
    return _q(tx, q.order_by(screening_escalations.c.step_at, screening_escalations.c.id)).all()


def round_days(tx, unit_ids: list[str], first: str, last: str) -> list:
    """``(unit, held on, recorded at)`` of every round of these units held ``first``..``last``."""
    if not unit_ids:
        return []
    return _q(tx, select(_R.unit_id, _R.held_on, _R.recorded_at).where(
        _R.unit_id.in_(unit_ids), _R.held_on >= first, _R.held_on <= last)).all()


def filed(tx, unit_ids: list[str], first: str, last: str) -> list:
    """``(unit, cadence, period start, filed at, found, nil)`` of reports of periods ending ``first``..``last``."""
    if not unit_ids:
        return []
    return _q(tx, select(_F.unit_id, _F.cadence, _F.period_start, _F.filed_at, _F.found, _F.nil).where(
        _F.unit_id.in_(unit_ids), and_(_F.period_end >= first, _F.period_end <= last))).all()


def found_in(tx, unit_id: str, first: str, last: str) -> tuple[int, int]:
    """``(rounds, distinct cases found)`` of the unit's rounds held ``first``..``last``."""
    n_rounds = _q(tx, select(func.count()).where(
        _R.unit_id == unit_id, _R.held_on >= first, _R.held_on <= last)).scalar()
    n_cases = _q(tx, select(func.count(func.distinct(_L.case_id)))
                      .join_from(screening_round_cases, screening_rounds, _R.id == _L.round_id)
                      .where(_R.unit_id == unit_id, _R.held_on >= first, _R.held_on <= last)).scalar()
    return n_rounds or 0, n_cases or 0
