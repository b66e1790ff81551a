"""Case search: by number, title, party name, phone or ID number, unit, category, state, reporter and report date.

Every filter is optional; each combination of filters is one statement shape
built once (:func:`disputeflow.cases.prepared.shaped`) with its values bound.
Phone and ID number match exactly on the parties' normalised columns (indexed,
migration 0019); number, title and party name match as a substring. The
reader's jurisdiction is :mod:`disputeflow.cases.jurisdiction`'s rule.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.engine import Connection

from disputeflow.cases.case_reads import LISTED, _cases
from disputeflow.cases.jurisdiction import Scope
from disputeflow.cases.prepared import run, shaped
from disputeflow.cases.tables import cases, parties

_C, _P = cases.c, parties.c
ESCAPE = "\\"


class Filters(NamedTuple):
    """What to search for; None (or empty) leaves a filter out. Times are aware UTC datetimes."""

    number: str | None = None
    title: str | None = None
    text: str | None = None  # a title or a party name
    party: str | None = None
    phone: str | None = None
    id_number: str | None = None
    category: str | None = None
    state: str | None = None
    reporter: str | None = None
    reported_from: Any = None
    reported_to: Any = None  # exclusive


def contains(value: str) -> str:
    """The LIKE pattern of ``value`` anywhere, with ``%``, ``_`` and the escape character taken literally."""
    escaped = value.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def _party(condition):
    return exists().where(_P.case_id == _C.id, condition)


_CONDITIONS = {
    "number": lambda: _C.number.like(bindparam("number"), escape=ESCAPE),
    "title": lambda: _C.title.like(bindparam("title"), escape=ESCAPE),
    "text": lambda: or_(_C.title.like(bindparam("text"), escape=ESCAPE),
                        _party(_P.name.like(bindparam("text"), escape=ESCAPE))),
    "party": lambda: _party(_P.name.like(bindparam("party"), escape=ESCAPE)),
    "phone": lambda: _party(_P.phone == bindparam("phone")),
    "id_number": lambda: _party(_P.id_number == bindparam("id_number")),
    "category": lambda: _C.category == bindparam("category"),
    "state": lambda: _C.state == bindparam("state"),
    "reporter": lambda: _C.reporter == bindparam("reporter"),
    "reported_from": lambda: _C.reported_at >= bindparam("reported_from"),
    "reported_to": lambda: _C.reported_at < bindparam("reported_to"),
}
_LIKE = ("number", "title", "text", "party")


def search(conn: Connection, scope: Scope, filters: Filters, limit: int, offset: int) -> list[dict]:
    """The :data:`~disputeflow.cases.case_reads.LISTED` columns (and the reporter) of matching cases, newest first."""
    used = tuple(k for k, v in filters._asdict().items() if v not in (None, ""))

    def build():
        where = [_CONDITIONS[k]() for k in used]
        return (_cases((*LISTED, _C.reporter, _C.party_count)).where(*scope.conditions(), *where)
                .order_by(_C.reported_at.desc(), _C.id.desc())
                .limit(bindparam("limit")).offset(bindparam("offset")))

    params: dict[str, Any] = {**scope.params, "limit": limit, "offset": offset}
    for k in used:
        value = getattr(filters, k)
        params[k] = contains(value) if k in _LIKE else value
    return run(conn, shaped(("case_search", scope.key, used), build), params).mappings()


_PARTIES_OF = (select(_P.case_id, _P.seq, _P.name, _P.role, _P.phone, _P.id_number)
               .where(_P.case_id.in_(select(_C.id).where(_C.number.in_(bindparam("numbers", expanding=True)))))
               .order_by(_P.case_id, _P.seq))
_NUMBERS = select(_C.id, _C.number).where(_C.number.in_(bindparam("numbers", expanding=True)))


def parties_of(conn: Connection, numbers: list[str]) -> dict[str, list[dict]]:
    """The parties of the cases numbered ``numbers``, by case number, in order."""
    if not numbers:
        return {}
    ids = {r[0]: r[1] for r in run(conn, _NUMBERS, {"numbers": numbers}).all()}
    out: dict[str, list[dict]] = {n: [] for n in numbers}
    for r in run(conn, _PARTIES_OF, {"numbers": numbers}).mappings():
        out[ids[r["case_id"]]].append({k: r[k] for k in ("name", "role", "phone", "id_number")})
    return out
