"""Case search: by number, title, party name, phone or ID number, unit, category, state, reporter and report date.

Every filter is optional; each combination of filters is one statement shape
built once (:func:`disputeflow.cases.prepared.shaped`) with its values bound.
Phone and ID number match exactly on the parties' normalised columns (indexed,
migration 0019); number and title match as a substring (a scan, bounded by the
newest-first order and the page size). A party name of 3 characters or more
matches as a substring through a trigram index (migration 0022: FTS5 on
SQLite, pg_trgm on PostgreSQL); a 1-2 character name (a surname, or a whole
two-character name) matches the start of a name, which an index serves on
both databases (a trigram index cannot serve a substring shorter than a
trigram). See docs/scale.md. The reader's jurisdiction is
:mod:`disputeflow.cases.jurisdiction`'s rule.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, select, union_all
from sqlalchemy.engine import Connection

from disputeflow.cases.case_reads import LISTED, _cases
from disputeflow.cases.jurisdiction import Scope
from disputeflow.cases.prepared import run, shaped
from disputeflow.cases.case_tables import cases_fts, parties_fts
from disputeflow.cases.tables import cases, parties

_C, _P = cases.c, parties.c
ESCAPE = "\\"
SHORT_NAME = 3  # a name query shorter than a trigram matches the start of a name
_TOP = "\U0010ffff"  # above every character: [q, q + _TOP) is every string starting with q, in binary order


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


def starts(value: str) -> str:
    """The LIKE pattern of names starting with ``value``, wildcards taken literally."""
    return contains(value)[1:]


def _named(dialect: str, short: bool, param: str):
    """Ids of cases with a party whose name holds (or, ``short``, starts with) the value bound as ``param``."""
    if dialect == "sqlite" and short:
        # BINARY order: a range on ix_parties_name (SQLite's LIKE cannot use a BINARY index)
        cond = and_(_P.name >= bindparam(param + "_lo"), _P.name < bindparam(param + "_hi"))
    elif dialect == "sqlite":
        cond = _P.id.in_(select(parties_fts.c.rowid).where(parties_fts.c.name.match(bindparam(param))))
    else:  # pg_trgm's GIN index serves both patterns (it pads the start of a word)
        cond = _P.name.like(bindparam(param), escape=ESCAPE)
    return select(_P.case_id).where(cond)


def _titled(dialect: str, short: bool):
    """Ids of cases whose title holds the value bound as ``text`` (a fragment shorter than a trigram: a scan)."""
    if dialect == "sqlite" and not short:
        return select(cases_fts.c.rowid).where(cases_fts.c.title.match(bindparam("text_fts")))
    return select(_C.id).where(_C.title.like(bindparam("text"), escape=ESCAPE))


def _text(dialect: str, short: bool):
    """A title or a party's name: one ``IN`` over both id lists, so each is read from its own index."""
    return _C.id.in_(union_all(_titled(dialect, short), _named(dialect, short, "text_name")))


def _name_params(dialect: str, param: str, value: str) -> dict[str, str]:
    if dialect == "sqlite" and len(value) < SHORT_NAME:
        return {param + "_lo": value, param + "_hi": value + _TOP}
    if dialect == "sqlite":
        return {param: _phrase(value)}
    return {param: starts(value) if len(value) < SHORT_NAME else contains(value)}


def _phrase(value: str) -> str:
    """One FTS5 phrase: the fragment, literally (FTS5's own syntax taken as text)."""
    return '"' + value.replace('"', '""') + '"'


def _party(condition):
    return _C.id.in_(select(_P.case_id).where(condition))


_CONDITIONS = {
    "number": lambda: _C.number.like(bindparam("number"), escape=ESCAPE),
    "title": lambda: _C.title.like(bindparam("title"), escape=ESCAPE),
    "text": _text,
    "party": lambda d, short: _C.id.in_(_named(d, short, "party")),
    "phone": lambda: _party(_P.phone == bindparam("phone")),
    "id_number": lambda: _party(_P.id_number == bindparam("id_number")),
    "category": lambda: _C.category == bindparam("category"),
    "state": lambda: _C.state == bindparam("state"),
    "reporter": lambda: _C.reporter == bindparam("reporter"),
    "reported_from": lambda: _C.reported_at >= bindparam("reported_from"),
    "reported_to": lambda: _C.reported_at < bindparam("reported_to"),
}
_LIKE = ("number", "title", "text")
_NAMES = {"text": "text_name", "party": "party"}


def statement(conn: Connection, scope: Scope, filters: Filters, limit: int, offset: int) -> tuple[Any, dict]:
    """The statement of :func:`search` (built once per shape) and its values: for the plans (cases.plans)."""
    used = tuple(k for k, v in filters._asdict().items() if v not in (None, ""))
    dialect = conn.dialect.name
    short = {k: len(getattr(filters, k)) < SHORT_NAME for k in _NAMES if k in used}

    def build():
        where = [_CONDITIONS[k](dialect, short[k]) if k in _NAMES else _CONDITIONS[k]() for k in used]
        return (_cases((*LISTED, _C.reporter, _C.party_count)).where(*scope.conditions(), *where)
                .order_by(_C.reported_at.desc(), _C.id.desc())
                .limit(bindparam("limit")).offset(bindparam("offset")))

    params: dict[str, Any] = {**scope.params, "limit": limit, "offset": offset}
    for k in used:
        value = getattr(filters, k)
        if k in _NAMES:
            params.update(_name_params(dialect, _NAMES[k], value))
        if k == "text" and dialect == "sqlite" and len(value) >= SHORT_NAME:
            params["text_fts"] = _phrase(value)
        if k != "party":
            params[k] = contains(value) if k in _LIKE else value
    key = ("case_search", dialect, scope.key, used, tuple(sorted(short.items())))
    return shaped(key, build), params


def search(conn: Connection, scope: Scope, filters: Filters, limit: int, offset: int) -> list[dict]:
    """The :data:`~disputeflow.cases.case_reads.LISTED` columns (and the reporter) of matching cases, newest first."""
    return run(conn, *statement(conn, scope, filters, limit, offset)).mappings()


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
