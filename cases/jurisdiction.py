"""Who may read what, as conditions on the tables: the reader's jurisdiction and the bound of a narrowed token.

A reader is anything with the attributes of ``disputeflow.workflow.actor.Actor``
(``id``, ``role``, ``unit_path``, ``unit_id``, ``bound``); ``None`` reads
everything. Jurisdiction is a prefix match on a unit's materialised path, so a
unit id may never hold ``%`` or ``_`` (the unit form refuses them).
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.tables import cases, units

UNBOUNDED_ROLES = ("admin", "system")


def under(column, path: str) -> ColumnElement:
    """``column`` names a unit path at or below ``path``."""
    return column.like(path + "%")


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
