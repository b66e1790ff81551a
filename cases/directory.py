"""The jurisdiction tree and its people: units, users, their names and passwords' presence.

Small reads and the administrator's writes; the command path has its own
prepared lookups of the same rows (:mod:`disputeflow.cases.store`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import bindparam, exists, insert, literal, or_, select, union_all
from sqlalchemy.engine import Connection, Row

from disputeflow.cases import jurisdiction
from disputeflow.cases.prepared import run
from disputeflow.cases.tables import units, user_passwords, users

CHUNK = 500  # ids per statement when a report asks for thousands of names

# Built once: building a statement costs more than running it on a page.
_UNIT = select(units.c.kind, units.c.path, units.c.name, units.c.active).where(units.c.id == bindparam("id"))
_NAMES = {t.name: select(t.c.id, t.c.name).where(t.c.id.in_(bindparam("ids", expanding=True))) for t in (units, users)}
# Units and users in one statement; units first, so a user's name wins over a unit's of the same id.
_BOTH = union_all(*(select(literal(n), t.c.id, t.c.name).where(t.c.id.in_(bindparam("ids", expanding=True)))
                    for n, t in enumerate((units, users))))
_ALL_UNITS = (select(units.c.id, units.c.name, units.c.kind, units.c.parent_id, units.c.path, units.c.handles,
                     units.c.active)
              .order_by(units.c.path))
_USER_EXISTS = select(exists().where(users.c.id == bindparam("id")))
_UNITS_WITHIN = _ALL_UNITS.where(or_(jurisdiction.under_bound(units.c.path),
                                     units.c.id.in_(bindparam("ids", expanding=True))))
_OFFICES_AROUND = (select(units.c.id, units.c.name, units.c.kind, units.c.parent_id, units.c.path, units.c.handles,
                           units.c.active)
                    .where(units.c.kind == "office",
                           or_(jurisdiction.under_bound(units.c.path),
                               units.c.parent_id.in_(bindparam("ids", expanding=True))))
                    .order_by(units.c.path))
_AROUND = (select(users.c.id, users.c.name, users.c.role, users.c.unit_id.label("unit"), units.c.name.label("unit_name"),
                  users.c.phone, users.c.email, users.c.active, users.c.unit_path)
           .join_from(users, units, units.c.id == users.c.unit_id)
           .where(or_(jurisdiction.under_bound(users.c.unit_path), users.c.unit_id.in_(bindparam("ids", expanding=True))))
           .order_by(users.c.id))


def unit(conn: Connection, unit_id: str) -> Row | None:
    """``(kind, path, name, active)`` of a unit, or None."""
    return run(conn, _UNIT, {"id": unit_id}).first()


def town_of(conn: Connection, unit_path: str) -> tuple[str, str]:
    """``(path, name)`` of the town ``unit_path`` lies in (:func:`disputeflow.cases.jurisdiction.town_of`)."""
    return jurisdiction.town_of(unit_path, lambda uid: unit(conn, uid))


def units_within(conn: Connection, unit_path: str) -> list:
    """The units at or under ``unit_path`` and those above it, as :func:`all_units` rows: what a reader's
    pages offer and look up, without the rest of a city's tens of thousands of units."""
    above = [p for p in unit_path.strip("/").split("/") if p]
    return run(conn, _UNITS_WITHIN, {"under": jurisdiction.subtree(unit_path), "ids": above}).tuples()


def all_units(conn: Connection) -> list:
    """Every unit as ``(id, name, kind, parent_id, path, handles, active)``, parents before children."""
    return run(conn, _ALL_UNITS).tuples()


def unit_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(units.c.id, units.c.name)).all())


def _names(conn: Connection, table, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lo in range(0, len(ids), CHUNK):
        out.update(run(conn, _NAMES[table.name], {"ids": ids[lo:lo + CHUNK]}).all())
    return out


def names(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    """Display names of the users and units among ``ids`` (a user's name wins over a unit's of the same id)."""
    ids = sorted({i for i in ids if i})
    if len(ids) > CHUNK:
        return {**_names(conn, units, ids), **_names(conn, users, ids)}
    if not ids:
        return {}
    return {i: name for _kind, i, name in sorted(run(conn, _BOTH, {"ids": ids}).all(), key=lambda r: r[0])}


def user_names(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    return _names(conn, users, sorted({i for i in ids if i}))


def user_unit(conn: Connection, user_id: str) -> str | None:
    """The unit a user belongs to, or None for an unknown user."""
    return conn.execute(select(users.c.unit_id).where(users.c.id == user_id)).scalar()


def user_exists(conn: Connection, user_id: str) -> bool:
    return bool(run(conn, _USER_EXISTS, {"id": user_id}).scalar())


def around(conn: Connection, unit_path: str) -> tuple[list[Row], list]:
    """Whom and where a case at ``unit_path`` may be given to, in one pass over its town:

    - the users of its town and of the units above it (:func:`users_of` rows, plus ``unit_path``);
    - the offices in its town and those directly under the units above it (:func:`all_units` rows).

    A case page reads these, not the directory: a city holds tens of thousands of users, a town a few hundred.
    """
    town_path, _name = town_of(conn, unit_path)
    params = {"under": jurisdiction.subtree(town_path), "ids": [p for p in unit_path.strip("/").split("/") if p]}
    return run(conn, _AROUND, params).all(), run(conn, _OFFICES_AROUND, params).tuples()


def users_of(conn: Connection, unit_id: str | None, role: str | None) -> list[Row]:
    """Users as ``(id, name, role, unit, unit_name, phone, email, active)``, by id; optionally of one unit or role."""
    q = (select(users.c.id, users.c.name, users.c.role, users.c.unit_id.label("unit"), units.c.name.label("unit_name"),
                users.c.phone, users.c.email, users.c.active)
         .join_from(users, units, units.c.id == users.c.unit_id).order_by(users.c.id))
    if unit_id:
        q = q.where(users.c.unit_id == unit_id)
    if role:
        q = q.where(users.c.role == role)
    return conn.execute(q).all()


def add_unit(conn: Connection, unit_id: str, name: str, kind: str, parent: str | None, path: str,
             now: datetime, short_name: str | None = None, handles: str | None = None) -> None:
    """A new unit; ``short_name`` numbers its committee's papers, ``handles``: an office's categories as a JSON list."""
    conn.execute(insert(units).values(id=unit_id, name=name, kind=kind, parent_id=parent, path=path, created_at=now,
                                      short_name=short_name, handles=handles))


def add_user(conn: Connection, *, now: datetime, **values) -> None:
    """A new user (``id, name, role, unit_id, unit_path, phone, email, lang``), active."""
    conn.execute(insert(users).values(**values, active=True, created_at=now))


def users_with_password(conn: Connection) -> set[str]:
    return set(conn.execute(select(user_passwords.c.user_id)).scalars())
