"""What a batch of commands reads in one statement per kind, and what it checks when a batch lost a race.

The bulk path is hot: each read is an ``IN`` list over the batch (see
:meth:`disputeflow.cases.bulk_rows.BulkRows.select_in`), not a statement per item.
"""

from __future__ import annotations

from functools import partial

from disputeflow.cases.records import CaseRecord
from disputeflow.cases.statements import CASE_COLUMNS, RUNNING_CLOCK_COLUMNS

_CASES = f"SELECT {CASE_COLUMNS} FROM cases WHERE number"
_USERS = "SELECT id, role, unit_path, unit_id, active FROM users WHERE id"
_UNITS = "SELECT id, kind, path, name FROM units WHERE id"
_RUNNING = f"SELECT {RUNNING_CLOCK_COLUMNS}, case_id FROM clocks WHERE stopped_at IS NULL AND case_id"
_HASHES = "SELECT id, audit_hash FROM cases WHERE id"


_case_record = partial(tuple.__new__, CaseRecord)  # see "Positional rows" in bench/README.md


def cases(tx, numbers) -> list[CaseRecord]:
    """The cases with these numbers, as command records (:data:`CASE_COLUMNS`)."""
    return list(map(_case_record, tx.select_in(_CASES, numbers)))


def users(tx, ids) -> list:
    """``(id, role, unit_path, unit_id, active)`` of these users."""
    return tx.select_in(_USERS, ids)


def units(tx, ids) -> list:
    """``(id, kind, path, name)`` of these units."""
    return tx.select_in(_UNITS, ids)


def running_clocks(tx, case_ids) -> list:
    """The running clocks of these cases (:data:`RUNNING_CLOCK_COLUMNS`, then the case id)."""
    return tx.select_in(_RUNNING, case_ids)


def audit_hashes(tx, case_ids) -> dict:
    """Case id → the hash its chain's head holds now."""
    return dict(tx.select_in(_HASHES, case_ids))
