"""What a county's board adds to a town's: open and listed cases by unit, and the cases listed at county level.

Counted by the case's unit; the caller folds units into their towns
(:func:`disputeflow.cases.jurisdiction.town_of`), so a town's counts follow the
tree as it is, whatever the depth of the county above it.
"""

from __future__ import annotations

from sqlalchemy import Integer, and_, bindparam, case, func, select
from sqlalchemy.engine import Connection

from disputeflow.cases.jurisdiction import Scope
from disputeflow.cases.prepared import run, shaped
from disputeflow.cases.tables import cases, clocks, units

_c, _k = cases.c, clocks.c


def tallies_by_unit(conn: Connection, scope: Scope) -> list[tuple[str, int, int, int]]:
    """``(unit id, open, listed, listed at county level)`` of the open top-level cases in ``scope``.

    Work orders (child cases) are left out: they are counted on the board as
    the offices' overdue items, not as disputes of their own.
    """
    def build():
        listed = func.sum(case((_c.supervision_level.is_not(None), 1), else_=0), type_=Integer)
        county = func.sum(case((_c.supervision_level == "county", 1), else_=0), type_=Integer)
        return (select(_c.unit_id, func.count(), listed, county)
                .where(_c.closed_at.is_(None), _c.parent_id.is_(None), *scope.conditions())
                .group_by(_c.unit_id))

    rows = run(conn, shaped(("county_tallies", scope.key), build), scope.params).all()
    return [(u, int(n), int(listed or 0), int(county or 0)) for u, n, listed, county in rows]


def county_listed(conn: Connection, scope: Scope, limit: int) -> list:
    """Open cases listed at county level (县级挂牌) in ``scope``, nearest supervision deadline first.

    Rows: number, title, unit id, unit name, unit path, the case document (it holds the authority), and the
    supervision clock's due time.
    """
    def build():
        running = and_(_k.case_id == _c.id, _k.name == "supervision", _k.stopped_at.is_(None))
        return (select(_c.number, _c.title, _c.unit_id, units.c.name, _c.unit_path, _c.data, _k.due_at)
                .select_from(cases.join(units, units.c.id == _c.unit_id).outerjoin(clocks, running))
                .where(_c.supervision_level == "county", _c.closed_at.is_(None), *scope.conditions())
                .order_by(_k.due_at.is_(None), _k.due_at, _c.number).limit(bindparam("limit")))

    return run(conn, shaped(("county_listed", scope.key), build), {**scope.params, "limit": limit}).all()
