"""Key-person duty occurrences: rolling them forward, meeting and cancelling them, forwarding their escalations.

Exactly-once is the database's job here too: ``UNIQUE(person_id, duty,
period_start)`` makes a period's occurrence exist once, ``UNIQUE(clock_id,
step)`` on ``key_person_notices`` forwards a step once. Times are in the
driver's form (``Tx.t``) going in and coming out.
"""

from __future__ import annotations

_DUE_PERSONS = ("SELECT id, risk, controlled_since, anchor_case_id FROM key_persons "
                "WHERE next_roll_at IS NOT NULL AND next_roll_at <= :now ORDER BY next_roll_at, id LIMIT :batch")

_TO_FORWARD = (
    "SELECT e.clock_id, e.step, e.step_at, d.person_id, d.duty, d.period_start, d.due_at, c.number "
    "FROM escalations e JOIN key_person_duties d ON d.clock_id = e.clock_id "
    "JOIN key_persons p ON p.id = d.person_id JOIN cases c ON c.id = p.anchor_case_id "
    "LEFT JOIN key_person_notices n ON n.clock_id = e.clock_id AND n.step = e.step "
    "WHERE e.raised_at >= :since AND n.id IS NULL ORDER BY e.step_at, e.id")


def earliest_roll(tx):
    """The earliest ``next_roll_at`` of any person (driver time), or None."""
    return tx.query("SELECT MIN(next_roll_at) FROM key_persons WHERE next_roll_at IS NOT NULL")[0][0]


def persons_due(tx, now, batch: int) -> list:
    """``(id, risk, controlled_since, anchor case id)`` of up to ``batch`` persons whose next period began by ``now``;
    on PostgreSQL rows another roller holds are skipped."""
    sql = _DUE_PERSONS if tx.store.is_sqlite else _DUE_PERSONS + " FOR UPDATE SKIP LOCKED"
    return tx.query(sql, {"now": now, "batch": batch})


def last_due_by_duty(tx, person_id: int) -> list:
    """``(duty, latest due time)`` of the person's occurrences not cancelled."""
    return tx.query("SELECT duty, MAX(due_at) FROM key_person_duties WHERE person_id = :p AND status <> 'cancelled' "
                    "GROUP BY duty", {"p": person_id})


def set_next_roll(tx, person_id: int, at) -> None:
    tx.execute("UPDATE key_persons SET next_roll_at = :at WHERE id = :id", {"at": at, "id": person_id})


def add_occurrence(tx, person_id: int, duty: str, start, end) -> int | None:
    """The new occurrence's id; None when the period's occurrence exists already."""
    got = tx.query("INSERT INTO key_person_duties (person_id, duty, period_start, due_at, status) "
                   "VALUES (:p, :duty, :start, :end, 'open') "
                   "ON CONFLICT (person_id, duty, period_start) DO NOTHING RETURNING id",
                   {"p": person_id, "duty": duty, "start": start, "end": end})
    return got[0][0] if got else None


def add_clock(tx, params: dict) -> int:
    """Start an occurrence's clock (the parameters of ``insert_clock``); returns its id."""
    return tx.query("INSERT INTO clocks (case_id, name, started_at, due_at, warn_at, calendar_rev, status, extended, "
                    "level, next_step, next_at) VALUES (:case_id, :name, :started_at, :due_at, :warn_at, "
                    ":calendar_rev, 'running', 0, NULL, :next_step, :next_at) RETURNING id", params)[0][0]


def set_clock(tx, occurrence_id: int, clock_id: int) -> None:
    tx.execute("UPDATE key_person_duties SET clock_id = :k WHERE id = :id", {"k": clock_id, "id": occurrence_id})


def open_occurrences(tx, person_id: int, duties: list[str] | None = None) -> list:
    """``(id, clock id, due time)`` of the person's open occurrences, of these duties only when named."""
    where = "person_id = :p AND status = 'open'"
    params: dict = {"p": person_id}
    if duties is not None:
        where += " AND duty IN (" + ", ".join(f":d{i}" for i in range(len(duties))) + ")"
        params.update({f"d{i}": d for i, d in enumerate(duties)})
    return tx.query(f"SELECT id, clock_id, due_at FROM key_person_duties WHERE {where}", params)


def cancel(tx, occurrence_id: int) -> None:
    tx.execute("UPDATE key_person_duties SET status = 'cancelled' WHERE id = :id", {"id": occurrence_id})


def open_at(tx, person_id: int, at) -> list:
    """``(id, duty, clock id)`` of the person's open occurrences whose period contains ``at``."""
    return tx.query(
        "SELECT id, duty, clock_id FROM key_person_duties WHERE person_id = :p AND status = 'open' "
        "AND period_start <= :at AND due_at > :at", {"p": person_id, "at": at})


def mark_met(tx, occurrence_id: int, at, contact_id: int) -> None:
    tx.execute("UPDATE key_person_duties SET status = 'met', met_at = :at, contact_id = :c WHERE id = :id",
               {"at": at, "c": contact_id, "id": occurrence_id})


def to_forward(tx, since) -> list:
    """Duty escalations raised since ``since`` and not forwarded yet: ``(clock id, step, step at, person id, duty,
    period start, due at, anchor case number)``, oldest step first."""
    return tx.query(_TO_FORWARD, {"since": since})


def add_notice(tx, clock_id: int, step: str, now) -> bool:
    """Claim the forwarding of one step; False when another pass forwarded it."""
    return tx.execute("INSERT INTO key_person_notices (clock_id, step, sent_at) VALUES (:k, :s, :now) "
                      "ON CONFLICT (clock_id, step) DO NOTHING", {"k": clock_id, "s": step, "now": now}) == 1


def stop_finished_clock(tx, clock_id: int, now) -> None:
    """Stop a clock whose ladder has no step left (a clock still owing a step keeps running)."""
    tx.execute("UPDATE clocks SET status = 'stopped', stopped_at = :now, next_step = NULL, "
               "next_at = NULL WHERE id = :k AND stopped_at IS NULL AND next_at IS NULL", {"k": clock_id, "now": now})
