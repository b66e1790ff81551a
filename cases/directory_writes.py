"""The directory's changes beyond adding: a unit or a user updated, moved, switched off, read whole for a sync.

A unit's place is copied as a materialised path (``/town/village/``) into every
row that is judged by jurisdiction: users, cases, key persons, screening rounds
and reports. :func:`move_paths` rewrites all of those copies in the caller's
transaction, so a moved village's cases are in the new town's lists the moment
the move commits and never in both or neither.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, func, literal, select, update
from sqlalchemy.engine import Connection, Row

from disputeflow.cases.jurisdiction import under
from disputeflow.cases.tables import cases, key_persons, screening_reports, screening_rounds, units, users

UNIT_COLUMNS = ("id", "name", "kind", "parent", "path", "short_name", "handles", "active")
USER_COLUMNS = ("id", "name", "role", "unit", "unit_path", "phone", "email", "lang", "active")

_UNIT = select(units.c.id, units.c.name, units.c.kind, units.c.parent_id, units.c.path, units.c.short_name,
               units.c.handles, units.c.active)
_USER = select(users.c.id, users.c.name, users.c.role, users.c.unit_id, users.c.unit_path, users.c.phone,
               users.c.email, users.c.lang, users.c.active)

# Every copy of a unit path: (table, column). Units' own paths come first.
_PATH_COPIES = ((units, units.c.path), (users, users.c.unit_path), (cases, cases.c.unit_path),
                (key_persons, key_persons.c.unit_path), (screening_rounds, screening_rounds.c.unit_path),
                (screening_reports, screening_reports.c.unit_path))


def unit_row(conn: Connection, unit_id: str) -> Row | None:
    """A unit as :data:`UNIT_COLUMNS`, or None."""
    return conn.execute(_UNIT.where(units.c.id == unit_id)).first()


def all_unit_rows(conn: Connection) -> dict[str, Row]:
    """Every unit as :data:`UNIT_COLUMNS`, by id."""
    return {r[0]: r for r in conn.execute(_UNIT)}


def user_row(conn: Connection, user_id: str) -> Row | None:
    """A user as :data:`USER_COLUMNS`, or None."""
    return conn.execute(_USER.where(users.c.id == user_id)).first()


def all_user_rows(conn: Connection) -> dict[str, Row]:
    """Every user as :data:`USER_COLUMNS`, by id."""
    return {r[0]: r for r in conn.execute(_USER)}


def update_unit(conn: Connection, unit_id: str, **values) -> None:
    """Change a unit's own columns (``name``, ``kind``, ``short_name``, ``handles``, ``active``, ``parent_id``)."""
    conn.execute(update(units).where(units.c.id == unit_id).values(**values))


def update_user(conn: Connection, user_id: str, now: datetime | None = None, **values) -> None:
    """Change a user's columns (``name``, ``role``, ``unit_id``, ``unit_path``, ``phone``, ``email``, ``lang``,
    ``active``). Switching a user off (``active=False``, with ``now``) also revokes their web sessions."""
    conn.execute(update(users).where(users.c.id == user_id).values(**values))
    if values.get("active") is False and now is not None:
        from disputeflow.cases import session_store

        session_store.revoke_user(conn, user_id, now)


def move_paths(conn: Connection, old: str, new: str) -> dict[str, int]:
    """Rewrite every path at or below ``old`` to start with ``new`` instead; rows changed per table."""
    counts = {}
    for table, column in _PATH_COPIES:
        tail = func.substr(column, bindparam("cut", len(old) + 1))
        stmt = update(table).where(under(column, old)).values({column.name: literal(new) + tail})
        counts[table.name] = conn.execute(stmt).rowcount
    return counts


def active_children(conn: Connection, unit_id: str) -> list[str]:
    """The ids of a unit's active child units."""
    return list(conn.execute(select(units.c.id).where(units.c.parent_id == unit_id, units.c.active)
                             .order_by(units.c.id)).scalars())


def open_cases_under(conn: Connection, path: str, limit: int = 5) -> tuple[int, list[str]]:
    """How many cases at or below ``path`` are open, and the numbers of the first ``limit`` of them."""
    where = and_(under(cases.c.unit_path, path), cases.c.closed_at.is_(None))
    count = conn.execute(select(func.count()).select_from(cases).where(where)).scalar() or 0
    numbers = list(conn.execute(select(cases.c.number).where(where).order_by(cases.c.id).limit(limit)).scalars())
    return count, numbers


def open_cases_held(conn: Connection, user_id: str) -> list[str]:
    """The numbers of the open cases a user holds as mediator or lead official (they need someone else)."""
    q = (select(cases.c.number).where(cases.c.closed_at.is_(None),
                                      (cases.c.mediator == user_id) | (cases.c.lead_official == user_id))
         .order_by(cases.c.id))
    return list(conn.execute(q).scalars())


def unit_is_active(conn: Connection, unit_id: str) -> bool | None:
    """Whether a unit is active; None when there is no such unit."""
    return conn.execute(select(units.c.active).where(units.c.id == unit_id)).scalar()
