"""Each case as it stood at the end of a period, replayed from its audit log.

The cases table holds the present; a report about March must say what was true
on 31 March, whatever happened since (a reassignment, a reopening in April).
So the facts are folded from the audit events with ``at < end``, case by case,
in one ordered pass that never keeps more than one case's events in memory.

Only cases that can matter are read: reported before the end, and not struck
off before the start (``closed_at`` is cleared by a reopening, so a case closed
long ago and reopened later is still read).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from disputeflow.workflow.policy_terms import AutoListing


TERMINAL = frozenset({"closed", "referred", "withdrawn"})
DONE = frozenset({"resolved", "following_up", "closed"})
LEVELS = ("level1", "level2", "level3")
# Who listed a case automatically, for listings recorded before the event named it (the policy's default then).
_AUTO_BY = AutoListing().by_zh
# Events whose payload the replay reads; the rest are counted by name only.
_PARSED = frozenset({"report", "assess", "assign", "assign_lead", "resolve", "follow_up", "supervise", "delist",
                     "escalate", "refer", "add_party"})
# What the statistics alone need: outcomes and escalation steps (a year of a county parses a tenth of the log).
STATS_PAYLOADS = frozenset({"resolve", "escalate"})
_EMPTY: dict = {}
_fromiso = datetime.fromisoformat


def _time(value) -> datetime | None:
    """A stored time as an aware datetime; SQLite's fixed-width UTC text parsed on the fast path."""
    if value is None or not isinstance(value, str):
        return value
    return _fromiso(value + "+00:00")


@dataclass(slots=True)
class CaseFacts:
    """What the audit log says about one case up to the end of the period."""

    id: int
    number: str
    title: str
    category: str
    source: str
    unit_id: str
    unit_path: str
    flags: tuple[str, ...]
    reported_at: datetime
    state: str = "reported"
    state_at_start: str | None = None  # None: not yet reported at the start
    touched: bool = False  # any event inside the period
    risk: str = "low"
    mediator: str | None = None
    lead_official: str | None = None
    responsible_unit: str | None = None
    supervision: dict | None = None
    assessed_at: datetime | None = None
    controlled_at: datetime | None = None
    resolved_at: datetime | None = None
    outcome: str | None = None
    closed_at: datetime | None = None
    ended_at: datetime | None = None  # referred / withdrawn
    referred_to: str | None = None
    satisfaction: str | None = None
    parties: list = field(default_factory=list)  # (name, role)
    resolves: list = field(default_factory=list)  # (at, outcome)
    reopens: list = field(default_factory=list)  # at
    escalations: list = field(default_factory=list)  # (at, step, clock)

    @property
    def key_person(self) -> bool:
        return "key_person" in self.flags

    def apply(self, at: datetime, action: str, to_state: str, data: dict | None, start: datetime) -> None:
        """Fold one audit event into the facts (events arrive in sequence order).

        ``data`` is ``None`` for events whose payload the caller chose not to parse.
        """
        if data is None:
            data = _EMPTY
        if at < start:
            self.state_at_start = to_state
        else:
            self.touched = True
        self.state = to_state
        if action == "report":
            self.risk = data.get("risk_floor", self.risk)
            self.parties = [(p.get("name", ""), p.get("role") or "applicant") for p in data.get("parties", ())]
        elif action == "assess":
            self.risk = data.get("risk_raised_to_floor") or data.get("risk", self.risk)
            if data.get("responsible_unit"):
                self.responsible_unit = data["responsible_unit"]
            if self.assessed_at is None:
                self.assessed_at = at
        elif action == "assign":
            self.mediator = data.get("mediator") or self.mediator
            self.responsible_unit = data.get("responsible_unit") or self.responsible_unit
        elif action == "assign_lead":
            self.lead_official = data.get("official") or self.lead_official
        elif action == "control":
            self.controlled_at = self.controlled_at or at
        elif action == "resolve":
            self.resolved_at, self.outcome = at, data.get("outcome")
            self.resolves.append((at, self.outcome))
        elif action == "follow_up":
            self.satisfaction = data.get("satisfaction")
        elif action == "close":
            self.closed_at = at
        elif action == "reopen":
            self.reopens.append(at)
            self.closed_at = None
        elif action in ("refer", "withdraw"):
            self.ended_at = at
            if action == "refer":
                self.referred_to = data.get("to")
        elif action == "supervise":
            self.supervision = {"level": data.get("level"), "authority": data.get("authority"),
                                "deadline": data.get("deadline"), "active": True}
        elif action == "delist":
            if self.supervision:
                self.supervision = {**self.supervision, "active": False}
        elif action == "escalate":
            step = data.get("step")
            if step in LEVELS:
                self.escalations.append((at, step, data.get("clock")))
            listed = data.get("listed_for_supervision")
            if listed:
                self.supervision = {"level": listed.get("level"), "authority": listed.get("authority") or _AUTO_BY,
                                    "deadline": listed.get("deadline"), "active": True}
        elif action == "add_party":
            self.parties.extend((p.get("name", ""), p.get("role") or "applicant") for p in data.get("party", ()))
            self.risk = data.get("risk_raised_to_floor") or self.risk

    @property
    def done(self) -> bool:
        """Resolved (办结) and not reopened since, at the end of the period."""
        return self.state in DONE

    def terminal_before_start(self) -> bool:
        """Struck off before the period began and not touched in it (a reopening brings it back)."""
        return self.state_at_start in TERMINAL and not self.touched


def _cursor(conn, is_sqlite: bool, name: str):
    """A cursor that streams (server-side on PostgreSQL, so a county's year never sits in client memory)."""
    if is_sqlite:
        return conn.cursor()
    return conn.cursor(name=name)


def scan(engine, unit_path: str, start: datetime, end: datetime, *, period_start: datetime | None = None,
         reported_only: bool = False,
         payloads: frozenset[str] = _PARSED) -> Iterator[CaseFacts]:
    """Yield the facts of every case under ``unit_path`` that may count in ``[start, end)``.

    Args:
        unit_path: jurisdiction (materialised path prefix, ``/`` for all).
        period_start: where ``state_at_start`` is taken (default ``start``; a trend
            window reads from earlier than the period it reports on).
        reported_only: only cases reported inside the window (the nil report needs no more).
        payloads: the actions whose JSON payload is parsed (``STATS_PAYLOADS`` when only counting).
    """
    period_start = period_start or start
    store = engine.store
    params = {"scope": unit_path + "%", "start": None, "end": None}
    where = "c.unit_path LIKE :scope AND c.reported_at < :end"
    if reported_only:
        where += " AND c.reported_at >= :start"
    else:
        where += " AND (c.closed_at IS NULL OR c.closed_at >= :start)"
    conn = engine.db.raw_connection()
    try:
        tx_cur = conn.cursor()
        # one consistent snapshot for both streams
        tx_cur.execute("BEGIN" if store.is_sqlite else "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        from disputeflow.cases.types import to_sqlite

        conv = to_sqlite if store.is_sqlite else (lambda v: v)
        params["start"], params["end"] = conv(start), conv(end)
        case_sql = store.translate(
            "SELECT c.id, c.number, c.title, c.category, c.source, c.unit_id, c.unit_path, c.flags, c.reported_at "
            f"FROM cases c WHERE {where} ORDER BY c.id")
        event_sql = store.translate(
            "SELECT e.case_id, e.at, e.action, e.to_state, e.data FROM audit_events e JOIN cases c ON c.id = e.case_id "
            f"WHERE {where} AND e.at < :end ORDER BY e.case_id, e.seq")
        cases_cur = _cursor(conn, store.is_sqlite, "report_cases")
        events_cur = _cursor(conn, store.is_sqlite, "report_events")
        cases_cur.execute(case_sql, params)
        events_cur.execute(event_sql, params)
        events = _rows(events_cur)
        pending = next(events, None)
        for cid, number, title, category, source, unit_id, path, flags, reported_at in _rows(cases_cur):
            facts = CaseFacts(cid, number, title, category, source, unit_id, path, tuple(json.loads(flags)),
                              _time(reported_at))
            while pending is not None and pending[0] <= cid:
                ecid, at, action, to_state, data = pending
                if ecid == cid:
                    facts.apply(_time(at), action, to_state,
                                json.loads(data) if action in payloads else None, period_start)
                pending = next(events, None)
            yield facts
        cases_cur.close()
        events_cur.close()
        tx_cur.close()
    finally:
        conn.rollback()
        conn.close()


def _rows(cur, size: int = 2000):
    while True:
        batch = cur.fetchmany(size)
        if not batch:
            return
        yield from batch


def resolve_clocks(engine, unit_path: str, start: datetime, end: datetime) -> dict[tuple[int, datetime], datetime]:
    """Due times of the resolution clocks stopped inside the period, keyed by (case id, stop time).

    A resolution stops its clock in the same transaction, at the same instant,
    so the pair finds the clock each resolution answered (a reopened case has several).
    """
    with engine.store.read() as tx:
        rows = tx.query(
            "SELECT k.case_id, k.stopped_at, k.due_at FROM clocks k JOIN cases c ON c.id = k.case_id "
            "WHERE k.name = 'resolve' AND c.unit_path LIKE :scope AND k.stopped_at >= :start AND k.stopped_at < :end",
            {"scope": unit_path + "%", "start": tx.t(start), "end": tx.t(end)})
    return {(cid, _time(stopped)): _time(due) for cid, stopped, due in rows}


def overdue_days(engine, case_ids: list[int], as_of: datetime) -> dict[int, int]:
    """Whole days each case's worst clock had run past its due time at ``as_of`` (0: never late).

    The tier clock is a milestone, not a duty, and is left out.
    """
    out: dict[int, int] = {}
    if not case_ids:
        return out
    with engine.store.read() as tx:
        at = tx.t(as_of)
        for i in range(0, len(case_ids), 500):
            chunk = case_ids[i:i + 500]
            params = {f"c{n}": v for n, v in enumerate(chunk)}
            params["as_of"] = at
            rows = tx.query(
                "SELECT case_id, due_at, stopped_at FROM clocks WHERE name <> 'tier' AND started_at < :as_of "
                f"AND due_at < :as_of AND case_id IN ({', '.join(':' + k for k in params if k != 'as_of')})", params)
            for cid, due, stopped in rows:
                due_dt, stop_dt = _time(due), _time(stopped)
                until = as_of if stop_dt is None or stop_dt > as_of else stop_dt
                late = int((until - due_dt).total_seconds() // 86400)
                if late > out.get(cid, 0):
                    out[cid] = late
    return out
