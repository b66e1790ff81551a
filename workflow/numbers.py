"""Whole numbers people and other systems send: ids, versions, counts.

The databases hold 64-bit integers; a number beyond them (``2**64`` typed in a
URL or a form) must be a validation error naming the field, not a driver error
deep in a query. Web routes use :data:`ID_MAX` as the bound of id parameters.
"""

from __future__ import annotations

from typing import Any

from disputeflow.workflow.errors import ValidationError

# The same bounds as disputeflow.cases.types (storage's own copy); this module imports no database code.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
ID_MAX = INT64_MAX


def fits_int64(value: int) -> bool:
    """``value`` can be bound to a 64-bit integer column."""
    return INT64_MIN <= value <= INT64_MAX

__all__ = ["ID_MAX", "check_int", "fits_int64"]


def check_int(value: Any, field: str, low: int = 0, high: int = INT64_MAX) -> int:
    """``value`` as an int between ``low`` and ``high``.

    Raises:
        ValidationError: not a whole number (booleans included), or out of range; names ``field``.
    """
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:  # also text of more than 4,300 digits
        number = None
    if number is None:
        raise ValidationError.one(field, "应为整数", "must be a whole number")
    if not low <= number <= high:
        raise ValidationError.one(field, f"超出范围（{low} 至 {high}）", f"out of range ({low} to {high})")
    return number
