"""Earlier cases of the same people: a party found by normalised phone, ID number, or name in the same village.

Intake asks inside its own transaction (:func:`earlier_cases`, on the command
path's cursor) so the warning and the raised risk floor see exactly what the
new case is written against; the board asks for parties in repeated disputes
(:func:`repeat_parties`) on a read connection. Child cases (work orders) copy
no parties of their own and are left out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection

from disputeflow.cases.jurisdiction import Scope
from disputeflow.cases.prepared import Prepared, run, shaped
from disputeflow.cases.tables import cases, parties

_C, _P = cases.c, parties.c

_EARLIER = Prepared(
    select(_C.number, _C.state, _C.title, _C.reported_at, _C.closed_at, _C.unit_path, _C.definition,
           _P.name, _P.phone, _P.id_number)
    .select_from(parties.join(cases, _C.id == _P.case_id))
    .where(_C.parent_id.is_(None),
           or_(_P.phone.in_(bindparam("phones", expanding=True)),
               _P.id_number.in_(bindparam("ids", expanding=True)),
               and_(_P.name.in_(bindparam("names", expanding=True)), _C.unit_path.like(bindparam("village")))),
           or_(_C.closed_at.is_(None), _C.reported_at >= bindparam("since")))
    .order_by(_C.reported_at.desc(), _C.id.desc())
    .limit(500))


def earlier_cases(tx, phones: list[str], ids: list[str], names: list[str], village: str, since: datetime) -> list[tuple]:
    """Parties of cases still open or reported since ``since`` that match by phone, ID number, or name under ``village``.

    Rows: ``(number, state, title, reported_at, closed_at, unit_path, definition, name, phone, id_number)``,
    newest first (times as the driver gives them: convert with ``Tx.time``).
    """
    return _EARLIER.all(tx, {"phones": phones or [""], "ids": ids or [""], "names": names or [""],
                             "village": village + "%", "since": tx.t(since)})


def repeat_parties(conn: Connection, scope: Scope, since: datetime, min_cases: int, limit: int) -> list[dict]:
    """People (by phone or by ID number) on ``min_cases`` or more cases within ``scope`` reported since ``since``.

    Rows: ``key`` (``phone`` or ``id_number``), ``value``, ``cases`` (count), ``open`` (still open), ``last``
    (latest report), most cases first.
    """
    out = []
    for key, column in (("phone", _P.phone), ("id_number", _P.id_number)):
        def build(column=column):
            n = func.count(func.distinct(_C.id))
            still_open = func.count(func.distinct(_C.id)).filter(_C.closed_at.is_(None))
            return (select(column.label("value"), n.label("cases"), still_open.label("open"),
                           func.max(_C.reported_at).label("last"))
                    .select_from(parties.join(cases, _C.id == _P.case_id))
                    .where(*scope.conditions(), _C.parent_id.is_(None), column.isnot(None), column != "",
                           _C.reported_at >= bindparam("since"))
                    .group_by(column).having(n >= bindparam("min_cases"))
                    .order_by(n.desc(), column).limit(bindparam("limit")))

        q = shaped(("repeat_parties", key, scope.key), build)
        for r in run(conn, q, {**scope.params, "since": since, "min_cases": min_cases, "limit": limit}).mappings():
            out.append({"key": key, **r})
    return out


def cases_of(conn: Connection, scope: Scope, key: str, values: list[str], since: datetime) -> list[dict]:
    """The cases within ``scope`` reported since ``since`` whose party has ``key`` (phone / id_number) in ``values``."""
    column = _P.phone if key == "phone" else _P.id_number

    def build():
        return (select(column.label("value"), _C.number, _C.title, _C.state, _C.definition, _C.definition_version,
                       _C.reported_at, _P.name)
                .select_from(parties.join(cases, _C.id == _P.case_id))
                .where(*scope.conditions(), _C.parent_id.is_(None), column.in_(bindparam("values", expanding=True)),
                       _C.reported_at >= bindparam("since"))
                .order_by(_C.reported_at.desc()))

    q = shaped(("repeat_cases", key, scope.key), build)
    return run(conn, q, {**scope.params, "values": values or [""], "since": since}).mappings()
