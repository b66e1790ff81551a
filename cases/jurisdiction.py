"""Who may read what, as conditions on the tables: the reader's jurisdiction and the bound of a narrowed token.

A reader is anything with the attributes of ``disputeflow.workflow.actor.Actor``
(``id``, ``role``, ``unit_path``, ``unit_id``, ``bound``); ``None`` reads
everything. Jurisdiction is a prefix match on a unit's materialised path, so a
unit id may never hold ``%`` or ``_`` (the unit form refuses them).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from sqlalchemy import bindparam, or_
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.tables import cases, units

UNBOUNDED_ROLES = ("admin", "system")


def under(column, path: str) -> ColumnElement:
    """``column`` names a unit path at or below ``path``."""
    return column.like(subtree(path))


def under_bound(column, name: str = "under") -> ColumnElement:
    """:func:`under` with the path as bound parameter ``name`` (give it :func:`subtree`): a statement built once."""
    return column.like(bindparam(name))


def subtree(path: str) -> str:
    """The LIKE pattern of every unit path at or below ``path`` (unit paths end in ``/``)."""
    return path + "%"


def town_of(unit_path: str, lookup: Callable[[str], Any]) -> tuple[str, str]:
    """``(path, name)`` of the town a unit path lies in: its nearest ancestor-or-self of kind ``town``.

    With a county above the towns the root is no longer the town, so no caller
    may take the first segment of a path for it. ``lookup(id)`` gives a unit's
    ``(kind, path, name)`` or None (both the command path's prepared statement and
    :func:`disputeflow.cases.directory.unit` do). A path with no town in it
    (a county, a county office, a deployment without towns) answers its root.
    """
    ids = [p for p in unit_path.strip("/").split("/") if p]
    if not ids:
        return "/", ""
    for uid in reversed(ids):
        row = lookup(uid)
        if row is not None and row[0] == "town":
            return row[1], row[2]
    row = lookup(ids[0])
    return f"/{ids[0]}/", (row[2] if row is not None else ids[0])


def bounded(reader, column) -> list[ColumnElement]:
    """The bound of a narrowed reader on ``column`` (nothing for a reader without one)."""
    if reader is not None and reader.bound is not None:
        return [under(column, reader.bound)]
    return []


def case_scope(reader, unit_path: str | None = None) -> list[ColumnElement]:
    """Conditions on ``cases`` for the cases ``reader`` may see, optionally within one unit's subtree.

    Outside their own jurisdiction a person still sees the cases they are named
    on (mediator, lead official) or that their office is responsible for.
    """
    where = bounded(reader, cases.c.unit_path)
    if reader is not None and reader.role not in UNBOUNDED_ROLES:
        where.append(or_(under(cases.c.unit_path, reader.unit_path), cases.c.mediator == reader.id,
                         cases.c.lead_official == reader.id, cases.c.responsible_unit == (reader.unit_id or "")))
    if unit_path is not None:
        where.append(under(cases.c.unit_path, unit_path))
    return where


def unit_scope(reader) -> list[ColumnElement]:
    """Conditions on ``units`` for the units inside ``reader``'s jurisdiction."""
    where = bounded(reader, units.c.path)
    if reader is not None and reader.role not in UNBOUNDED_ROLES:
        where.append(under(units.c.path, reader.unit_path))
    return where


class Scope(NamedTuple):
    """:func:`case_scope` as a statement shape and its values: ``key`` says which conditions apply (so a
    statement built with :meth:`conditions` is built once per key), ``params`` holds their values."""

    key: tuple[bool, bool, bool]
    params: dict[str, Any]

    def conditions(self) -> list[ColumnElement]:
        """The conditions on ``cases`` of :func:`case_scope`, with the values as bound parameters."""
        bound, restricted, subtree = self.key
        c = cases.c
        where = [c.unit_path.like(bindparam("scope_bound"))] if bound else []
        if restricted:
            where.append(or_(c.unit_path.like(bindparam("scope_path")), c.mediator == bindparam("scope_me"),
                             c.lead_official == bindparam("scope_me"),
                             c.responsible_unit == bindparam("scope_unit")))
        if subtree:
            where.append(c.unit_path.like(bindparam("scope_subtree")))
        return where


def case_scope_of(reader, unit_path: str | None = None) -> Scope:
    """:func:`case_scope` as a :class:`Scope`."""
    params: dict[str, Any] = {}
    bound = reader is not None and reader.bound is not None
    if bound:
        params["scope_bound"] = reader.bound + "%"
    restricted = reader is not None and reader.role not in UNBOUNDED_ROLES
    if restricted:
        params.update(scope_path=subtree(reader.unit_path), scope_me=reader.id, scope_unit=reader.unit_id or "")
    if unit_path is not None:
        params["scope_subtree"] = subtree(unit_path)
    return Scope((bound, restricted, unit_path is not None), params)
