"""The escalation sweep's storage: claiming due clocks, recording raised steps, listing units for a talk.

The sweep is a hot path: a batch claims up to a few hundred clocks and writes
each kind of row with one statement (see :meth:`disputeflow.cases.store.Tx.insert_rows`).
Exactly-once is the database's job: ``UNIQUE(clock_id, step)`` on
``escalations`` decides who raised a step; on PostgreSQL concurrent sweepers
claim disjoint clocks (and their cases) with ``FOR UPDATE SKIP LOCKED``; on
SQLite ``BEGIN IMMEDIATE`` serialises them.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

ESCALATION_COLUMNS = ("clock_id", "case_id", "step", "step_at", "raised_at")
_ON_CONFLICT = "ON CONFLICT (clock_id, step) DO NOTHING"
# The supervision clock auto-listing starts; a clock already running (the partial unique index) is left alone.
NEW_CLOCK_COLUMNS = ("case_id", "name", "started_at", "due_at", "warn_at", "calendar_rev", "status", "next_step",
                     "next_at")
_CLOCK_IF_ABSENT = "ON CONFLICT (case_id, name) WHERE stopped_at IS NULL DO NOTHING"


def _definitions(loaded: tuple[tuple[str, int], ...]) -> tuple[str, dict]:
    """The condition "the case runs under one of ``loaded`` (definition, version)" and its parameters."""
    terms = " OR ".join(f"(c.definition = :dn{i} AND c.definition_version = :dv{i})" for i in range(len(loaded)))
    params = {}
    for i, (name, version) in enumerate(loaded):
        params[f"dn{i}"], params[f"dv{i}"] = name, version
    return f"({terms})" if terms else "1 = 0", params


def claim_sql(store, loaded: tuple[tuple[str, int], ...] | None = None) -> str:
    """The claim of a batch: due clocks with their cases' columns, oldest step first (``:now``, ``:batch``).

    With ``loaded`` (the engine's definitions as (name, version)), only clocks
    of cases under one of them: a case whose definition is not loaded is left
    for an engine that loads it, and never holds up the clocks behind it.
    """
    where = _definitions(loaded)[0] + " AND " if loaded is not None else ""
    base = ("SELECT k.id, k.case_id, k.name, k.started_at, k.due_at, k.level, c.number, c.state, c.version, "
            "c.audit_seq, c.audit_hash, c.supervision_level, c.data, c.unit_path, c.mediator, c.lead_official, "
            "c.responsible_unit, c.definition, c.definition_version, c.unit_id, c.risk, c.category "
            "FROM clocks k JOIN cases c ON c.id = k.case_id "
            f"WHERE {where}k.next_at IS NOT NULL AND k.next_at <= :now ORDER BY k.next_at, k.id LIMIT :batch")
    if not store.is_sqlite:
        base += " FOR UPDATE OF k, c SKIP LOCKED"
    return base


def claim(tx, now, batch: int, loaded: tuple[tuple[str, int], ...] | None = None) -> list:
    """Claim a batch of due clocks (:func:`claim_sql`), of cases under ``loaded`` definitions when given."""
    params = {"now": now, "batch": batch, **(_definitions(loaded)[1] if loaded is not None else {})}
    return tx.query(claim_sql(tx.store, loaded), params)


def unloaded_due(tx, now, loaded: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
    """The (definition, version) of cases with a due clock whose definition is not among ``loaded``."""
    cond, params = _definitions(loaded)
    rows = tx.query("SELECT DISTINCT c.definition, c.definition_version FROM clocks k JOIN cases c ON c.id = k.case_id "
                    f"WHERE k.next_at IS NOT NULL AND k.next_at <= :now AND NOT {cond}", {"now": now, **params})
    return [(r[0], r[1]) for r in rows]


def insert_escalations(tx, rows: list[tuple]) -> list[bool]:
    """Insert escalation rows (:data:`ESCALATION_COLUMNS`); which of them this transaction wrote.

    ``ON CONFLICT DO NOTHING`` leaves out a step some other transaction raised.
    PostgreSQL says which rows it wrote (``RETURNING``); SQLite's executemany
    only how many, so on a shortfall it rolls back to a savepoint (local, no
    round trip) and inserts row by row.
    """
    if not tx.store.is_sqlite:
        written = tx.insert_rows("escalations", ESCALATION_COLUMNS, rows, _ON_CONFLICT + " RETURNING clock_id, step")
        if written == len(rows):
            return [True] * len(rows)
        log.warning("escalations already present for %d of %d due steps", len(rows) - written, len(rows))
        done = set(tx.cur.fetchall())
        return [(r[0], r[2]) in done for r in rows]
    tx.cur.execute("SAVEPOINT escalations")
    written = tx.insert_rows("escalations", ESCALATION_COLUMNS, rows, _ON_CONFLICT)
    if written == len(rows):
        tx.cur.execute("RELEASE SAVEPOINT escalations")
        return [True] * len(rows)
    log.warning("escalations already present for %d of %d due steps; raising row by row",
                len(rows) - max(written, 0), len(rows))
    tx.cur.execute("ROLLBACK TO SAVEPOINT escalations")
    tx.cur.execute("RELEASE SAVEPOINT escalations")
    return [tx.insert_rows("escalations", ESCALATION_COLUMNS, [r], _ON_CONFLICT) == 1 for r in rows]


def write_clocks(tx, moved: list[tuple], finished: list[dict], started: list[tuple]) -> None:
    """The batch's clock writes: ``moved`` ``(id, level, next step, next at)``; ``finished`` (``level``, ``now``,
    ``id``) stop with their last level; ``started`` rows of :data:`NEW_CLOCK_COLUMNS`, unless one runs already."""
    tx.update_rows("clocks", "id", ("level", "next_step", "next_at"), moved)
    if finished:
        tx.cur.executemany(tx.store.translate(
            "UPDATE clocks SET level = :level, next_step = NULL, next_at = NULL, stopped_at = :now, "
            "status = 'stopped' WHERE id = :id"), finished)
    tx.insert_rows("clocks", NEW_CLOCK_COLUMNS, started, _CLOCK_IF_ABSENT)


def talk_listed(tx, unit: str, month: str) -> bool:
    return bool(tx.query("SELECT 1 FROM unit_talks WHERE unit_id = :unit AND month = :month",
                         {"unit": unit, "month": month}))


def red_cards(tx, step: str, start, end, unit: str) -> list[str]:
    """The numbers of the cases whose ``step`` was raised in ``[start, end)`` against ``unit``, oldest first
    (a case closed before the step does not count)."""
    return [r[0] for r in tx.query(
        "SELECT c.number FROM escalations e JOIN cases c ON c.id = e.case_id "
        "WHERE e.step = :step AND e.step_at >= :start AND e.step_at < :end "
        "AND COALESCE(c.responsible_unit, c.unit_id) = :unit "
        "AND (c.closed_at IS NULL OR e.step_at < c.closed_at) ORDER BY e.step_at, e.id",
        {"step": step, "start": start, "end": end, "unit": unit})]


def list_talk(tx, unit: str, month: str, numbers_json: str, count: int, now) -> bool:
    """Put ``unit`` on the talk list for ``month``; False when it is there already (``UNIQUE(unit_id, month)``)."""
    return tx.execute(
        "INSERT INTO unit_talks (unit_id, month, level3_count, cases, listed_at) "
        "VALUES (:unit, :month, :count, :cases, :now) ON CONFLICT (unit_id, month) DO NOTHING",
        {"unit": unit, "month": month, "count": count, "cases": numbers_json, "now": now}) == 1
