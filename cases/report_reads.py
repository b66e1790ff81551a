"""What the reports read: every case of a jurisdiction with its audit events, resolution clocks, lateness,
and the frozen datasets of periods that have ended.

:func:`case_streams` is the one heavy read (a county's year is a hundred
thousand cases and over half a million events): two ordered streams, merged by
the caller case by case, fetched in batches so the year never sits in memory
at once (server-side cursors on PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator, Sequence

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.engine import Connection, Row

from disputeflow.cases.jurisdiction import subtree, under_bound
from disputeflow.cases.prepared import run, shaped, stream
from disputeflow.cases.tables import audit_events, cases, clocks, report_snapshots
from disputeflow.cases.transactions import insert_or_skip

BATCH = 2000
CHUNK = 500


def _window(reported_only: bool):
    c = cases.c
    start, end = bindparam("start", type_=c.reported_at.type), bindparam("end", type_=c.reported_at.type)
    began = c.reported_at >= start if reported_only else or_(c.closed_at.is_(None), c.closed_at >= start)
    # a work order (a child case) is part of its parent's dispute, not a dispute of its own
    return and_(under_bound(c.unit_path), c.reported_at < end, began, c.parent_id.is_(None))


def _streams(reported_only: bool):
    c, e = cases.c, audit_events.c
    window = _window(reported_only)
    case_q = (select(c.id, c.number, c.title, c.category, c.source, c.unit_id, c.unit_path, c.flags, c.reported_at)
              .where(window).order_by(c.id))
    event_q = (select(e.case_id, e.at, e.action, e.to_state, e.data)
               .join_from(audit_events, cases, c.id == e.case_id)
               .where(window, e.at < bindparam("end", type_=e.at.type)).order_by(e.case_id, e.seq))
    return case_q, event_q


def case_streams(conn: Connection, unit_path: str, start: datetime, end: datetime,
                 reported_only: bool) -> tuple[Iterator[Sequence], Iterator[Sequence]]:
    """The cases that may count in ``[start, end)`` by id, and their events before ``end`` by case and order.

    Cases: ``(id, number, title, category, source, unit_id, unit_path, flags, reported_at)``.
    Events: ``(case_id, at, action, to_state, data)``. ``conn`` should hold one
    snapshot for both (:func:`disputeflow.cases.transactions.snapshot`).
    """
    case_q, event_q = shaped(("report_streams", reported_only), lambda: _streams(reported_only))
    params = {"under": subtree(unit_path), "start": start, "end": end}
    if conn.dialect.name == "postgresql":
        # every row of these cursors is read: plan them for all rows, not PostgreSQL's default first tenth
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    return stream(conn, case_q, params, BATCH), stream(conn, event_q, params, BATCH)


def _resolve_clocks():
    k = clocks.c
    return (select(k.case_id, k.stopped_at, k.due_at).join_from(clocks, cases, cases.c.id == k.case_id)
            .where(k.name == "resolve", under_bound(cases.c.unit_path),
                   k.stopped_at >= bindparam("start", type_=k.stopped_at.type),
                   k.stopped_at < bindparam("end", type_=k.stopped_at.type)))


_RESOLVE_CLOCKS = _resolve_clocks()
_RESOLVE_CLOCKS_BY_CASE = _RESOLVE_CLOCKS.order_by(clocks.c.case_id)
_k = clocks.c
_LATE_CLOCKS = select(_k.case_id, _k.due_at, _k.stopped_at).where(
    _k.name != bindparam("skip"), _k.started_at < bindparam("as_of", type_=_k.started_at.type),
    _k.due_at < bindparam("as_of", type_=_k.due_at.type), _k.case_id.in_(bindparam("ids", expanding=True)))
_FROZEN = select(report_snapshots.c.body).where(report_snapshots.c.kind == bindparam("kind"),
                                                report_snapshots.c.unit_id == bindparam("unit"),
                                                report_snapshots.c.period == bindparam("period"))


def resolve_clock_stream(conn: Connection, unit_path: str, start: datetime, end: datetime) -> Iterator[Sequence]:
    """``(case_id, stopped_at, due_at)`` of the resolution clocks stopped in ``[start, end)`` under ``unit_path``,
    by case id, fetched in batches (merged with :func:`case_streams`' cases)."""
    return stream(conn, _RESOLVE_CLOCKS_BY_CASE, {"under": subtree(unit_path), "start": start, "end": end}, BATCH)


def late_clocks(conn: Connection, case_ids: list[int], as_of: datetime, skip: str) -> Iterator[Row]:
    """``(case_id, due_at, stopped_at)`` of the clocks of the cases started and due before ``as_of``, but ``skip``."""
    for lo in range(0, len(case_ids), CHUNK):
        yield from run(conn, _LATE_CLOCKS, {"skip": skip, "as_of": as_of, "ids": case_ids[lo:lo + CHUNK]})


def frozen(conn: Connection, kind: str, unit_id: str, period: str) -> str | None:
    """The frozen dataset's JSON body, or None."""
    return run(conn, _FROZEN, {"kind": kind, "unit": unit_id, "period": period}).scalar()


def freeze(conn: Connection, kind: str, unit_id: str, period: str, now: datetime, by: str, digest: str,
           body: str) -> None:
    """Freeze a dataset unless another writer froze this one first (``UNIQUE(kind, unit_id, period)``)."""
    insert_or_skip(conn, report_snapshots, ("kind", "unit_id", "period"), kind=kind, unit_id=unit_id, period=period,
                   generated_at=now, generated_by=by, digest=digest, body=body)


def has_tables(conn: Connection, names: tuple[str, ...]) -> bool:
    """Whether every table in ``names`` exists (a part of the schema another feature adds may be missing)."""
    from sqlalchemy import inspect

    from disputeflow.cases.table_names import names_of

    configured = names_of(conn)  # a table prefix or schema: the tables are named, or live, there
    prefix, schema = (configured.prefix, configured.schema) if configured is not None else ("", None)
    present = set(inspect(conn).get_table_names(schema=schema))
    return all(prefix + n in present for n in names)
