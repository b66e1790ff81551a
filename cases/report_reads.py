"""What the reports read: every case of a jurisdiction with its audit events, resolution clocks, lateness,
and the frozen datasets of periods that have ended.

:func:`case_streams` is the one heavy read (a county's year is a hundred
thousand cases and over half a million events): two ordered streams, merged by
the caller case by case, fetched in batches so the year never sits in memory
at once (server-side cursors on PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection, Row

from disputeflow.cases.jurisdiction import under
from disputeflow.cases.tables import audit_events, cases, clocks, report_snapshots
from disputeflow.cases.transactions import insert_or_skip

BATCH = 2000
CHUNK = 500


def _window(unit_path: str, start: datetime, end: datetime, reported_only: bool):
    c = cases.c
    began = c.reported_at >= start if reported_only else or_(c.closed_at.is_(None), c.closed_at >= start)
    # a work order (a child case) is part of its parent's dispute, not a dispute of its own
    return and_(under(c.unit_path, unit_path), c.reported_at < end, began, c.parent_id.is_(None))


def _batches(result) -> Iterator[Row]:
    for part in result.partitions():
        yield from part


def case_streams(conn: Connection, unit_path: str, start: datetime, end: datetime,
                 reported_only: bool) -> tuple[Iterator[Row], Iterator[Row]]:
    """The cases that may count in ``[start, end)`` by id, and their events before ``end`` by case and order.

    Cases: ``(id, number, title, category, source, unit_id, unit_path, flags, reported_at)``.
    Events: ``(case_id, at, action, to_state, data)``. ``conn`` should hold one
    snapshot for both (:func:`disputeflow.cases.transactions.snapshot`).
    """
    window = _window(unit_path, start, end, reported_only)
    c, e = cases.c, audit_events.c
    streaming = conn.execution_options(stream_results=True, yield_per=BATCH)
    case_q = (select(c.id, c.number, c.title, c.category, c.source, c.unit_id, c.unit_path, c.flags, c.reported_at)
              .where(window).order_by(c.id))
    event_q = (select(e.case_id, e.at, e.action, e.to_state, e.data)
               .join_from(audit_events, cases, c.id == e.case_id).where(window, e.at < end)
               .order_by(e.case_id, e.seq))
    return _batches(streaming.execute(case_q)), _batches(streaming.execute(event_q))


def resolve_clocks(conn: Connection, unit_path: str, start: datetime, end: datetime) -> list[Row]:
    """``(case_id, stopped_at, due_at)`` of the resolution clocks stopped in ``[start, end)`` under ``unit_path``."""
    k = clocks.c
    q = (select(k.case_id, k.stopped_at, k.due_at).join_from(clocks, cases, cases.c.id == k.case_id)
         .where(k.name == "resolve", under(cases.c.unit_path, unit_path), k.stopped_at >= start, k.stopped_at < end))
    return conn.execute(q).all()


def late_clocks(conn: Connection, case_ids: list[int], as_of: datetime, skip: str) -> Iterator[Row]:
    """``(case_id, due_at, stopped_at)`` of the clocks of the cases started and due before ``as_of``, but ``skip``."""
    k = clocks.c
    for lo in range(0, len(case_ids), CHUNK):
        q = select(k.case_id, k.due_at, k.stopped_at).where(
            k.name != skip, k.started_at < as_of, k.due_at < as_of, k.case_id.in_(case_ids[lo:lo + CHUNK]))
        yield from conn.execute(q)


def frozen(conn: Connection, kind: str, unit_id: str, period: str) -> str | None:
    """The frozen dataset's JSON body, or None."""
    s = report_snapshots.c
    return conn.execute(select(s.body).where(s.kind == kind, s.unit_id == unit_id, s.period == period)).scalar()


def freeze(conn: Connection, kind: str, unit_id: str, period: str, now: datetime, by: str, digest: str,
           body: str) -> None:
    """Freeze a dataset unless another writer froze this one first (``UNIQUE(kind, unit_id, period)``)."""
    insert_or_skip(conn, report_snapshots, ("kind", "unit_id", "period"), kind=kind, unit_id=unit_id, period=period,
                   generated_at=now, generated_by=by, digest=digest, body=body)
