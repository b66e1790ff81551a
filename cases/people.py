"""Who can be reached: the contact facts of active people, found by id, by unit or by role along a path.

Notifications decide whom a message is for; this module only answers who
the people behind those names are. Inactive users are never returned, so a
person switched off is never told anything again.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator, NamedTuple

from sqlalchemy import bindparam, select, true
from sqlalchemy.engine import Connection

from disputeflow.cases.transactions import read
from disputeflow.cases.prepared import run
from disputeflow.cases.tables import units, users


class Person(NamedTuple):
    """What a channel needs to reach someone and speak their language."""

    id: str
    name: str
    role: str
    unit_path: str
    email: str | None
    phone: str | None
    lang: str | None
    unit_id: str


_ACTIVE = select(users.c.id, users.c.name, users.c.role, users.c.unit_path, users.c.email, users.c.phone,
                 users.c.lang, users.c.unit_id).where(users.c.active == true())
_BY_ID = _ACTIVE.where(users.c.id.in_(bindparam("values", expanding=True)))
_KNOWN = select(users.c.id).where(users.c.id.in_(bindparam("values", expanding=True)))
_UNIT = select(units.c.kind, units.c.path, units.c.name, units.c.active).where(units.c.id == bindparam("id"))
_OF_UNIT = _ACTIVE.where(users.c.unit_id.in_(bindparam("values", expanding=True)))
_ROLE_ON_PATHS = _ACTIVE.where(users.c.role == bindparam("role"),
                               users.c.unit_path.in_(bindparam("values", expanding=True)))


class Directory:
    """Lookups of active people inside one open transaction (a fan-out's, or a read's)."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def _find(self, stmt, values: Iterable[str], **params) -> list[Person]:
        values = list(values)
        if not values:
            return []
        return [Person(*r) for r in run(self.conn, stmt, {"values": values, **params})]

    def by_ids(self, ids: Iterable[str]) -> list[Person]:
        return self._find(_BY_ID, ids)

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` the users table has, active or not (a switched-off user is not anyone else)."""
        ids = list(ids)
        if not ids:
            return set()
        return set(run(self.conn, _KNOWN, {"values": ids}).scalars())

    def unit(self, unit_id: str):
        """``(kind, path, name, active)`` of a unit, or None."""
        return run(self.conn, _UNIT, {"id": unit_id}).first()

    def of_units(self, unit_ids: Iterable[str]) -> list[Person]:
        """The staff of responsible units."""
        return self._find(_OF_UNIT, unit_ids)

    def with_role_on(self, role: str, unit_paths: Iterable[str]) -> list[Person]:
        """People of ``role`` whose jurisdiction is exactly one of ``unit_paths``."""
        return self._find(_ROLE_ON_PATHS, unit_paths, role=role)


@contextmanager
def directory(store) -> Iterator[Directory]:
    """A :class:`Directory` over a read of its own (outside a fan-out)."""
    with read(store) as conn:
        yield Directory(conn)
