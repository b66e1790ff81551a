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
from datetime import datetime, timedelta

from disputeflow.cases import report_reads, transactions
from disputeflow.workflow.policy_terms import AutoListing


TERMINAL = frozenset({"closed", "referred", "referral_closed", "withdrawn"})
# A referred case waits for the receiving body's reply (referred), then is closed with it
# (referral_closed): both are 移交 to the ledger and the statistics, dated by the referral.
REFERRED = frozenset({"referred", "referral_closed"})
DONE = frozenset({"resolved", "following_up", "closed"})
LEVELS = ("level1", "level2", "level3")
# Who listed a case automatically, for listings recorded before the event named it (the policy's default then).
_AUTO_BY = AutoListing().by_zh
# Events whose payload the replay reads; the rest are counted by name only.
_PARSED = frozenset({"report", "assess", "assign", "assign_lead", "resolve", "follow_up", "supervise", "delist",
                     "escalate", "refer", "add_party", "close", "confirmation_result", "reject"})
# What the statistics alone need: outcomes, escalation steps, the parties (people involved), follow-ups,
# confirmations and the escalations prevented or not (a year of a county parses a part of the log).
STATS_PAYLOADS = frozenset({"report", "add_party", "resolve", "escalate", "follow_up", "close", "refer",
                            "confirmation_result", "reject"})
_EMPTY: dict = {}


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
    # for the figures counties are judged by (disputeflow.reports.judged)
    people: int = 0  # persons among the parties (a party's ``headcount`` when recorded, else one)
    follow_ups: list = field(default_factory=list)  # (at, satisfaction, performance)
    confirmations: list = field(default_factory=list)  # (at, "applied" | confirmation result)
    averted: list = field(default_factory=list)  # (at, prevented kinds, happened kinds)
    repeat_petitions: list = field(default_factory=list)  # at: a petition refused as already concluded
    # due times of the resolution clocks stopped in the period, by (case id, stop time); read when asked
    due: dict | None = None

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
            self.people = sum(headcount(p) for p in data.get("parties", ()))
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
            self._averted(at, data)
        elif action == "follow_up":
            self.satisfaction = data.get("satisfaction")
            self.follow_ups.append((at, self.satisfaction, data.get("performance")))
        elif action == "close":
            self.closed_at = at
            self._averted(at, data)
        elif action == "reopen":
            self.reopens.append(at)
            self.closed_at = None
        elif action in ("refer", "withdraw"):
            self.ended_at = at
            if action == "refer":
                self.referred_to = data.get("to")
                self._averted(at, data)
        elif action == "apply_confirmation":
            self.confirmations.append((at, "applied"))
        elif action == "confirmation_result":
            self.confirmations.append((at, data.get("result")))
        elif action == "reject":
            if data.get("reject_reason") == "concluded_before":
                self.repeat_petitions.append(at)
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
            self.people += sum(headcount(p) for p in data.get("party", ()))
            self.risk = data.get("risk_raised_to_floor") or self.risk

    def _averted(self, at: datetime, data: dict) -> None:
        prevented, happened = tuple(data.get("prevented") or ()), tuple(data.get("happened") or ())
        if prevented or happened:
            self.averted.append((at, prevented, happened))

    @property
    def done(self) -> bool:
        """Resolved (办结) and not reopened since, at the end of the period."""
        return self.state in DONE

    def terminal_before_start(self) -> bool:
        """Struck off before the period began and not touched in it (a reopening brings it back)."""
        return self.state_at_start in TERMINAL and not self.touched


def headcount(party: dict) -> int:
    """Persons a recorded party stands for: its ``headcount`` when one is recorded (a group named as one
    party), else one. Parties carry no such field today, so this is the party count."""
    n = party.get("headcount") if isinstance(party, dict) else None
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1


def scan(engine, unit_path: str, start: datetime, end: datetime, *, period_start: datetime | None = None,
         reported_only: bool = False, resolve_due: bool = False,
         payloads: frozenset[str] = _PARSED) -> Iterator[CaseFacts]:
    """Yield the facts of every case under ``unit_path`` that may count in ``[start, end)``.

    Args:
        unit_path: jurisdiction (materialised path prefix, ``/`` for all).
        period_start: where ``state_at_start`` is taken (default ``start``; a trend
            window reads from earlier than the period it reports on).
        reported_only: only cases reported inside the window (the nil report needs no more).
        payloads: the actions whose JSON payload is parsed (``STATS_PAYLOADS`` when only counting).
        resolve_due: fill each case's ``due`` with its resolution clocks stopped in ``[period_start, end)``
            (:func:`disputeflow.cases.report_reads.resolve_clock_stream`, read alongside, case by case).
    """
    period_start = period_start or start
    with transactions.snapshot(engine.store) as conn:
        case_rows, event_rows = report_reads.case_streams(conn, unit_path, start, end, reported_only)
        clock_rows = report_reads.resolve_clock_stream(conn, unit_path, period_start, end) if resolve_due else None
        pending_clock = next(clock_rows, None) if clock_rows is not None else None
        pending = next(event_rows, None)
        for cid, number, title, category, source, unit_id, path, flags, reported_at in case_rows:
            facts = CaseFacts(cid, number, title, category, source, unit_id, path,
                              () if flags == "[]" else tuple(json.loads(flags)), reported_at)
            while pending is not None and pending[0] <= cid:
                ecid, at, action, to_state, data = pending
                if ecid == cid:
                    # an empty payload (most steps') is not parsed: apply reads it as empty and keeps nothing of it
                    parsed = (_EMPTY if data == "{}" else json.loads(data)) if action in payloads else None
                    facts.apply(at, action, to_state, parsed, period_start)
                pending = next(event_rows, None)
            while pending_clock is not None and pending_clock[0] <= cid:
                if pending_clock[0] == cid:
                    if facts.due is None:
                        facts.due = {}
                    facts.due[(cid, pending_clock[1])] = pending_clock[2]
                pending_clock = next(clock_rows, None)
            yield facts


def overdue_business_days(engine, case_ids: list[int], as_of: datetime) -> dict[int, int]:
    """Business days each case's worst clock had run past its due time at ``as_of`` (0: never late).

    Counted as the board counts them (workdays after the due date, by the working calendar), so
    the ledger's 逾期工作日 and the board's agree; a clock stopped at or running to a local midnight
    is late through the day before, not the day it reaches. The tier clock is a milestone, not a
    duty, and is left out.
    """
    from disputeflow.workflow.timeutil import local_date

    out: dict[int, int] = {}
    if not case_ids:
        return out
    with transactions.read(engine.store) as conn:
        for cid, due, stopped in report_reads.late_clocks(conn, list(case_ids), as_of, "tier"):
            until = as_of if stopped is None or stopped > as_of else stopped
            late = engine.calendar.workdays_between(local_date(due), local_date(until - timedelta(microseconds=1)))
            if late > out.get(cid, 0):
                out[cid] = late
    return out
    with transactions.read(engine.store) as conn:
        for cid, due, stopped in report_reads.late_clocks(conn, list(case_ids), as_of, "tier"):
            until = as_of if stopped is None or stopped > as_of else stopped
            late = int((until - due).total_seconds() // 86400)
            if late > out.get(cid, 0):
                out[cid] = late
    return out
