"""The supervisor's board as one query: overdue running clocks with the ladder level each has reached.

The level a clock has reached at a moment is the policy's to say; it arrives
here as plain data (:class:`Step`: "a clock due before this time, or inside one
of these windows, has reached this level") so the board is filtered, ranked and
paged by the database and a page costs what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from sqlalchemy import Integer, String, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.jurisdiction import Scope
from disputeflow.cases.prepared import run, shaped
from disputeflow.cases.tables import cases, clocks, units, users

FIELDS = ("number", "title", "definition", "definition_version", "state", "risk", "unit_id", "unit_name",
          "clock", "started_at", "due_at", "raised", "lead_official", "lead_name", "supervision", "mediator",
          "mediator_name", "kid")


@dataclass(frozen=True)
class Step:
    """A ladder level, reached by a clock due before ``before`` or inside one of ``windows`` (both ends included)."""

    level: str
    rank: int
    before: datetime
    windows: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Ladder:
    """The levels tried highest first, the level of every other overdue clock, and each raised level's rank."""

    steps: tuple[Step, ...]
    otherwise: str | None
    otherwise_rank: int
    ranks: dict[str, int] = field(default_factory=dict)


def overdue_conditions(as_of: datetime, skip_clocks, clock: str | None = None,
                       risk: str | None = None, warning: bool = False) -> list[ColumnElement]:
    """Running clocks due at ``as_of`` (``skip_clocks``, names or an expanding parameter, are never overdue:
    a milestone, a window that only warns), of one kind or risk if given. ``warning``: instead the clocks
    not yet due whose warning (预警) time has come."""
    when = ([clocks.c.warn_at <= as_of, clocks.c.due_at > as_of] if warning else [clocks.c.due_at <= as_of])
    # An ended case stops its clocks; saying so lets the reader's scope use the open cases' indexes (0023)
    # instead of walking every running clock of a city to keep the reader's few.
    where = [clocks.c.stopped_at.is_(None), cases.c.closed_at.is_(None), *when, clocks.c.name.not_in(skip_clocks)]
    if clock:
        where.append(clocks.c.name == clock)
    if risk:
        where.append(cases.c.risk == risk)
    return where


def _reached(ladder: Ladder) -> tuple[ColumnElement, ColumnElement]:
    otherwise = literal(ladder.otherwise, String) if ladder.otherwise is not None else None
    otherwise_rank = literal(ladder.otherwise_rank, Integer)
    if not ladder.steps:
        return (otherwise if otherwise is not None else literal(None, String)), otherwise_rank
    whens = []
    for s in ladder.steps:
        due = clocks.c.due_at
        whens.append(or_(due < s.before, *(and_(due >= a, due <= b) for a, b in s.windows)))
    level = case(*((w, literal(s.level, String)) for w, s in zip(whens, ladder.steps)), else_=otherwise)
    rank = case(*((w, literal(s.rank, Integer)) for w, s in zip(whens, ladder.steps)), else_=otherwise_rank)
    return level, rank


def _tune(conn: Connection) -> None:
    """The board joins its few overdue clocks to their cases by primary key.

    At PostgreSQL's default price of a random page (4, set for spinning disks)
    the planner would rather read every case once (see "Fast paths" in
    bench/README.md); the price set here is this transaction's only and is the
    common setting for SSDs and cached tables.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL random_page_cost = 1.1")


_lead, _med = users.alias("l"), users.alias("m")
_k, _c = clocks.c, cases.c
_COLUMNS = (_c.number, _c.title, _c.definition, _c.definition_version, _c.state, _c.risk, _c.unit_id,
            units.c.name.label("unit_name"), _k.name.label("clock"), _k.started_at, _k.due_at, _k.level.label("raised"),
            _c.lead_official, _lead.c.name.label("lead_name"), _c.supervision_level.label("supervision"), _c.mediator,
            _med.c.name.label("mediator_name"), _k.id.label("kid"))
_FROM = (clocks.join(cases, _c.id == _k.case_id).join(units, units.c.id == _c.unit_id)
         .outerjoin(_lead, _lead.c.id == _c.lead_official).outerjoin(_med, _med.c.id == _c.mediator))


def _level(ladder: Ladder) -> tuple[ColumnElement, ColumnElement]:
    """The effective level of a row and its rank: the level reached or the level already raised, whichever is higher.

    One flat select (no derived tables): building nested selects costs more than running them on a page.
    """
    reached, reached_rank = _reached(ladder)
    raised_rank = case(ladder.ranks, value=_k.level, else_=0) if ladder.ranks else literal(0, Integer)
    higher = raised_rank > reached_rank
    return case((higher, _k.level), else_=reached), case((higher, raised_rank), else_=reached_rank)


def counts_by_unit(conn: Connection, where: Iterable[ColumnElement]) -> dict[str, int]:
    """How many cases with a clock ``where`` selects each case unit has (a case late twice counts once)."""
    _tune(conn)
    q = (select(cases.c.unit_id, func.count(func.distinct(cases.c.id))).select_from(clocks.join(cases, cases.c.id == clocks.c.case_id))
         .where(*where).group_by(cases.c.unit_id))
    return dict(conn.execute(q).all())


def _ladder_key(ladder: Ladder) -> tuple:
    """What of a ladder shapes the board's statement: its levels and ranks, and how many windows each has."""
    return (tuple((s.level, s.rank, len(s.windows)) for s in ladder.steps), ladder.otherwise, ladder.otherwise_rank,
            tuple(ladder.ranks.items()))


def _ladder_params(ladder: Ladder) -> dict:
    out = {}
    for i, s in enumerate(ladder.steps):
        out[f"step{i}"] = s.before
        for j, (a, b) in enumerate(s.windows):
            out[f"step{i}_{j}a"], out[f"step{i}_{j}b"] = a, b
    return out


def _bound_ladder(ladder: Ladder) -> Ladder:
    """``ladder`` with its times as bound parameters named as :func:`_ladder_params` names them."""
    steps = tuple(Step(s.level, s.rank, bindparam(f"step{i}", type_=clocks.c.due_at.type),
                       tuple((bindparam(f"step{i}_{j}a", type_=clocks.c.due_at.type),
                              bindparam(f"step{i}_{j}b", type_=clocks.c.due_at.type)) for j in range(len(s.windows))))
                  for i, s in enumerate(ladder.steps))
    return Ladder(steps, ladder.otherwise, ladder.otherwise_rank, ladder.ranks)


def page(conn: Connection, scope: Scope, as_of: datetime, skip_clocks: tuple[str, ...], clock: str | None,
         risk: str | None, ladder: Ladder, level: str | None, limit: int | None, offset: int,
         count: bool) -> tuple[list[Row], int | None, int | None]:
    """One page of the board, worst first, as rows of :data:`FIELDS` and the level; and, when asked, the
    total of rows and of distinct cases (a case late on two clocks is one case).

    The rows are the running clocks of :func:`overdue_conditions` within ``scope``; with ``level``
    ``"warning"`` the clocks in their warning window, not yet due. The statements are
    built once per shape (which filters are given, the ladder's levels and windows), the values bound.
    """
    warning = level == "warning"
    key = ("board", scope.key, clock is not None, risk is not None, level is not None, limit is None,
           _ladder_key(ladder), warning)

    def filters():
        where = overdue_conditions(bindparam("as_of", type_=clocks.c.due_at.type),
                                   bindparam("skip_clocks", expanding=True), warning=warning)
        if clock:
            where.append(_k.name == bindparam("clock"))
        if risk:
            where.append(_c.risk == bindparam("risk"))
        lvl, _rank = _level(_bound_ladder(ladder))
        return [*where, *scope.conditions(), *([lvl == bindparam("level")] if level and not warning else [])]

    def build_page():
        lvl, lrank = _level(_bound_ladder(ladder))
        if warning:
            lvl, lrank = literal("warning", String), literal(1, Integer)
        q = (select(*_COLUMNS, lvl.label("lvl")).select_from(_FROM).where(*filters())
             .order_by(lrank.desc(), _k.due_at, _c.number, _k.id))
        return q if limit is None else q.limit(bindparam("limit")).offset(bindparam("offset"))

    params = {**scope.params, **_ladder_params(ladder), "as_of": as_of, "skip_clocks": list(skip_clocks),
              "clock": clock, "risk": risk, "level": level, "limit": limit, "offset": offset}
    _tune(conn)
    rows = run(conn, shaped(key, build_page), params).all()
    total = n_cases = None
    if count:
        if limit is not None or offset:
            q = shaped(key + ("count",), lambda: select(func.count(), func.count(func.distinct(_c.id)))
                       .select_from(_FROM).where(*filters()))
            total, n_cases = run(conn, q, params).all()[0]
        else:
            total, n_cases = len(rows), len({r.number for r in rows})
    return rows, total, n_cases
