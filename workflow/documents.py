"""Values as a case's JSON documents and audit events hold them.

Field values arrive as Python objects (datetimes, tuples, nested dicts); what is
stored and hashed is their JSON form, so every writer turns them into it the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from disputeflow.workflow.timeutil import iso


def jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO text and tuples as lists, ready for canonical JSON."""
    if type(value) is str or value is None:  # most field values: no isinstance chain
        return value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {k: v if type(v) is str else jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
