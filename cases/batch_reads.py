"""What a batch of commands reads in one statement per kind, and what it checks when a batch lost a race.

The bulk path is hot: each read is one statement per chunk of the batch, not
a statement per item, and each statement is built once. On PostgreSQL the
values go as one array (``= ANY(%s)``), so the statement's text is the same
whatever the batch's size; SQLite gets an ``IN`` list.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import any_, bindparam, select
from sqlalchemy.sql import ColumnElement, Select

from disputeflow.cases.prepared import Prepared
from disputeflow.cases.records import CaseRecord
from disputeflow.cases.statements import CASE_COLUMNS, RUNNING_CLOCK_COLUMNS
from disputeflow.cases.tables import cases as _cases
from disputeflow.cases.tables import clocks, units as _units, users as _users

CHUNK = 500  # values a statement


def _names(columns: str) -> list[str]:
    return [c.strip() for c in columns.split(",")]


class _Matching:
    """``query`` for the rows whose ``column`` is one of a list of values.

    PostgreSQL: one statement, the list one array parameter. SQLite: an ``IN``
    list of as many parameters as values, one statement per length (at most
    :data:`CHUNK`), each compiled once and bound by position: filling in an
    expanding parameter on every call would cost a batch more than its reads.
    """

    def __init__(self, query: Select, column: ColumnElement):
        self._query, self._column = query, column
        self._array = Prepared(query.where(column == any_(bindparam("values"))))
        self._lists: dict[int, str] = {}

    def all(self, tx, values: list) -> list:
        if not tx.store.is_sqlite:
            return self._array.all(tx, {"values": values})
        sql = self._lists.get(len(values))
        if sql is None:
            sql = self._lists[len(values)] = self._in_list(tx, len(values))
        tx.cur.execute(tx.store.named(sql), values)
        return tx.cur.fetchall()

    def _in_list(self, tx, n: int) -> str:
        names = [f"v{i}" for i in range(n)]
        stmt = self._query.where(self._column.in_([bindparam(name) for name in names]))
        compiled = Prepared(stmt).compiled(tx.store.engine.dialect)
        assert list(compiled.positiontup) == names, "the values must be the statement's only parameters, in order"
        return compiled.string


_CASES = _Matching(select(*(_cases.c[n] for n in _names(CASE_COLUMNS))), _cases.c.number)
_USERS = _Matching(select(_users.c.id, _users.c.role, _users.c.unit_path, _users.c.unit_id, _users.c.active),
                   _users.c.id)
_UNITS = _Matching(select(_units.c.id, _units.c.kind, _units.c.path, _units.c.name, _units.c.active), _units.c.id)
_RUNNING = _Matching(select(*(clocks.c[n] for n in _names(RUNNING_CLOCK_COLUMNS)), clocks.c.case_id)
                     .where(clocks.c.stopped_at.is_(None)), clocks.c.case_id)
_HASHES = _Matching(select(_cases.c.id, _cases.c.audit_hash), _cases.c.id)


def _select_in(tx, query: _Matching, values) -> list:
    """Rows of ``query`` for every value in ``values``, :data:`CHUNK` values a statement, in no given order."""
    values = list(values)
    out: list = []
    for lo in range(0, len(values), CHUNK):
        out.extend(query.all(tx, values[lo:lo + CHUNK]))
    return out


_case_record = partial(tuple.__new__, CaseRecord)  # see "Positional rows" in bench/README.md


def cases(tx, numbers) -> list[CaseRecord]:
    """The cases with these numbers, as command records (:data:`CASE_COLUMNS`)."""
    return list(map(_case_record, _select_in(tx, _CASES, numbers)))


def users(tx, ids) -> list:
    """``(id, role, unit_path, unit_id, active)`` of these users."""
    return _select_in(tx, _USERS, ids)


def units(tx, ids) -> list:
    """``(id, kind, path, name, active)`` of these units."""
    return _select_in(tx, _UNITS, ids)


def running_clocks(tx, case_ids) -> list:
    """The running clocks of these cases (:data:`RUNNING_CLOCK_COLUMNS`, then the case id)."""
    return _select_in(tx, _RUNNING, case_ids)


def audit_hashes(tx, case_ids) -> dict:
    """Case id → the hash its chain's head holds now."""
    return dict(_select_in(tx, _HASHES, case_ids))
