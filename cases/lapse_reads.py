"""Open missed-duty items of key persons as the board and a case page read them.

A supervisor reads the open items of the persons in their jurisdiction (the
person's unit under the reader's, held to a narrowed token's bound), worst
card first; a case page reads the open items of the persons linked to it.
"""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.jurisdiction import UNBOUNDED_ROLES, bounded, subtree, under
from disputeflow.cases.tables import key_person_cases, key_person_lapses, key_persons, units

_L, _P = key_person_lapses.c, key_persons.c
# The ladder's after-due rungs an item climbs (黄牌, 橙牌, 红牌), worst first on the board.
_RANK = case({"level3": 3, "level2": 2, "level1": 1}, value=_L.level, else_=0)
_COLUMNS = (_L.id, _L.person_id, _P.name, _P.kind, _P.risk, _P.unit_id, units.c.name.label("unit_name"),
            _L.opened_at, _L.due_at, _L.days, _L.level, _L.listed)


def scope(reader, unit_path: str | None = None) -> list[ColumnElement]:
    """Conditions on ``key_persons`` for the board of ``reader``: the person's unit under the reader's
    (:mod:`disputeflow.cases.jurisdiction`'s rule for cases, without the case's named officials), within
    a narrowed token's bound, and optionally within one unit's subtree."""
    where = bounded(reader, _P.unit_path)
    if reader is not None and reader.role not in UNBOUNDED_ROLES:
        where.append(under(_P.unit_path, reader.unit_path))
    if unit_path is not None:
        where.append(_P.unit_path.like(subtree(unit_path)))
    return where


def open_items(conn: Connection, where: list[ColumnElement], limit: int = 500) -> list[Row]:
    """Open items of the persons ``where`` selects, worst card first, then the longest missed."""
    q = (select(*_COLUMNS).join_from(key_person_lapses, key_persons, _P.id == _L.person_id)
         .join(units, units.c.id == _P.unit_id).where(_L.closed_at.is_(None), *where)
         .order_by(_RANK.desc(), _L.due_at, _L.id).limit(limit))
    return conn.execute(q).all()


def of_case(conn: Connection, case_id: int) -> list[Row]:
    """Open items of the persons linked to the case, in link order."""
    link = key_person_cases.c
    q = (select(*_COLUMNS).join_from(key_person_lapses, key_persons, _P.id == _L.person_id)
         .join(units, units.c.id == _P.unit_id).join(key_person_cases, link.person_id == _P.id)
         .where(_L.closed_at.is_(None), link.case_id == case_id).order_by(link.id))
    return conn.execute(q).all()
