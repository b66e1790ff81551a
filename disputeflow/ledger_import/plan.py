"""What a ledger row becomes: the events of its history, its clocks and its final columns.

Pure: no database. The row's steps (report, then the definition's main line up
to its state, see ``line``) are the definition's own actions, and the clocks are
started and stopped exactly as those actions start and stop them, at the
ledger's dates, with due times from the policy and the business calendar. So an
imported case still mediating past its 30 days has a running resolve clock that
is already due: the board shows it and the next sweep escalates it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from disputeflow.workflow import guards, risk as risk_mod
from disputeflow.ledger_import.line import LedgerLine, Step, source_of
from disputeflow.ledger_import.parties import people
from disputeflow.workflow.timeutil import iso, parse_time as _parse_time

parse_time = functools.lru_cache(maxsize=65536)(_parse_time)
_UNSET = object()


@dataclass
class Event:
    action: str
    at: datetime
    from_state: str | None
    to_state: str
    data: dict


@dataclass
class ClockPlan:
    name: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None = None


@dataclass
class Plan:
    events: list[Event]
    clocks: list[ClockPlan]
    state: str
    risk: str
    risk_floor: str
    data: dict
    closed_at: datetime | None
    updated_at: datetime
    parties: list[dict] = field(default_factory=list)
    people: int = 0  # 涉及人数: the parties, a group entry counting its people


def _dates(rec: dict) -> dict[str, datetime]:
    return {k: parse_time(v) for k, v in rec["dates"].items()}


TEXT_TYPES = ("text", "string", "str", "textarea")


def step_data(defn, rec: dict, action: str, risk: str) -> dict:
    """The action's fields as the engine's own form would have carried them, from the ledger's cells.

    A field takes the record's value its target names (``data.measures`` the
    ledger's 稳控措施), the risk field the planned risk; a required text field
    the ledger leaves empty says that the ledger records the step.
    """
    d: dict[str, Any] = {}
    for name, source, default in _fields_of(defn, action):
        if source is None:
            d[name] = risk
            continue
        value = rec.get(source)
        if value:
            d[name] = value
        elif default is not None:
            d[name] = default
    return d


@functools.lru_cache(maxsize=256)
def _fields_of(defn, action: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """(field, the record key feeding it or None for the risk, the text it takes when the ledger is silent)."""
    a = defn.action(action)
    return tuple((f.name, None if f.target == "case.risk" else source_of(f),
                  f"台账记载{defn.state_label(a.dest)}" if f.required and f.type in TEXT_TYPES else None)
                 for f in a.fields)


def step_times(line: LedgerLine, rec: dict, steps: list[Step]) -> list[datetime]:
    """When each step of ``rec`` happened, by the ledger's dates."""
    return line.times(_dates(rec), steps)


class Planner:
    """Plans rows for one definition, policy and calendar (shared by every row of an import)."""

    def __init__(self, engine, definition, actor_id: str, ledger_info: dict, line: LedgerLine,
                 live_from: datetime | None = None):
        self.engine = engine
        self.defn = definition
        self.line = line
        self.policy = engine.policy
        self.calendar = engine.calendar
        self.actor = actor_id
        self.info = ledger_info
        self.live_from = live_from  # "as of today": an open row's running clocks start at the import
        # Ledger dates are days, and rows share them: due times are memoised.
        self._due: dict[tuple, datetime | None] = {}
        self._floors: dict[tuple, tuple[str, list[str]]] = {}
        self._lengths: dict[tuple, object] = {}  # (clock, risk, category) -> the policy's duration or None
        self._actions = {a.name: a for a in definition.actions}
        # per action, the fields that land in the case's data: (field, data key)
        self._data_targets = {a.name: [(f.name, f.target[5:]) for f in a.fields
                                       if f.target and f.target.startswith("data.")] for a in definition.actions}
        self._terminal = {s.name: s.terminal for s in definition.states}

    def due(self, clock: str, start: datetime, risk: str | None, category: str) -> datetime | None:
        """``policy.due_at``, memoised by the duration the policy gives (few per clock), not by risk and category."""
        rule = (clock, risk, category)
        length = self._lengths.get(rule, _UNSET)
        if length is _UNSET:
            length = self._lengths[rule] = self.policy.duration(clock, risk, category)
        if length is None:
            return None
        key = (clock, start, length)
        out = self._due.get(key)
        if out is None:
            if len(self._due) > 50_000:  # bounded: memory stays flat whatever the file's size
                self._due.clear()
            out = self._due[key] = self.policy.due_at(clock, start, risk, category, self.calendar)
        return out

    def _floor(self, party_count: int, flags: list[str]) -> tuple[str, list[str]]:
        """The risk floor and its reasons, memoised (a handful of distinct inputs per ledger)."""
        key = (party_count, *flags)
        got = self._floors.get(key)
        if got is None:
            got = self._floors[key] = (risk_mod.floor(party_count, flags), risk_mod.reasons(party_count, flags))
        return got[0], list(got[1])

    def plan(self, rec: dict, row: int) -> Plan:
        """The history, clocks and columns for a new case from ``rec``."""
        defn = self.defn
        t0 = parse_time(rec["dates"]["reported_at"])
        parties = [dict(p) for p in rec["parties"]]
        count = people(parties)  # 涉及人数: 胡某等15人 counts fifteen, so the group rule applies
        floor, reasons = self._floor(count, rec["flags"])
        risk = risk_mod.higher(rec.get("risk") or floor, floor)
        intake_risk = risk if rec["state"] == defn.initial else floor
        report = {"title": rec["title"], "category": rec["category"], "unit": rec["unit"],
                  "description": rec["description"], "source": rec["source"], "flags": rec["flags"],
                  "parties": parties, "risk_floor": floor,
                  "risk_reasons": reasons,
                  "imported": {**self.info, "row": row, "key": rec["key"], "ref": rec.get("ref")}}
        if rec.get("note"):
            report["note"] = rec["note"]
        p = _Replay(events=[Event(defn.intake.name, t0, None, defn.initial, report)], running={}, done=[],
                    data={"ledger": self._ledger_data(rec, row)}, risk=intake_risk)
        if count != len(parties):
            p.data["people_involved"] = count
        if rec.get("initiation") and rec["initiation"] in defn.vocab.get("initiation", {}):
            p.data["initiation"] = rec["initiation"]  # how mediation began, as 案件来源 says
        if rec.get("volume_number"):
            p.data["volume_number"] = rec["volume_number"]  # the committee's 卷号, as the register wrote it
        view = None
        for st in defn.intake.starts:
            if st.when is not None and view is None:
                view = guards.CaseView(state=defn.initial, risk=intake_risk, flags=tuple(rec["flags"]),
                                       party_count=count)
            if st.when is None or guards.CONDITIONS[st.when](view, {}):
                self._start(p.running, st.clock, t0, intake_risk, rec["category"])
        assignments = self._assignments(rec)
        steps = self.line.path(rec["state"], rec["dates"])
        state, closed_at = defn.initial, None
        for step, at in zip(steps, step_times(self.line, rec, steps)):
            self._replay(p, rec, step, at, risk, count)
            if step.action == self.line.risk_step and assignments:
                p.events.extend(Event(n, at, step.dest, step.dest, v) for n, v in assignments)
                assignments = []
            state = step.dest
            if self._terminal[state]:
                closed_at = at
        if assignments:
            p.events[1:1] = [Event(n, t0, defn.initial, defn.initial, v) for n, v in assignments]
        if self.live_from is not None:
            self._restart(p.running, p.risk, rec["category"])
        return Plan(events=p.events, clocks=p.done + list(p.running.values()), state=state,
                    risk=risk, risk_floor=floor, data=p.data,
                    closed_at=closed_at, updated_at=p.events[-1].at, parties=parties, people=count)

    def _replay(self, p: "_Replay", rec: dict, step: Step, at: datetime, risk: str, party_count: int) -> None:
        """One step of the row's history: its data, the clocks it stops and starts, and its event."""
        a = self._actions[step.action]
        d = step_data(self.defn, rec, step.action, risk)
        if rec.get("visit_note") and any(source_of(f) == "satisfaction" for f in a.fields):
            d["visit_note"] = rec["visit_note"]  # the register's 回访情况, as written
        if step.action == self.line.risk_step:
            p.risk = risk
            if rec.get("risk") and risk != rec["risk"]:
                d["risk"] = rec["risk"]
                d["risk_raised_to_floor"] = risk
        for field_name, key in self._data_targets[step.action]:
            if field_name in d:
                p.data[key] = d[field_name]
        if a.record:
            p.data.setdefault(a.record, []).append({**d, "at": _iso(at), "by": self.actor})
        stopped = []
        terminal = self._terminal[step.dest]
        for cname in list(p.running):
            if cname in a.stops or (terminal and not self.policy.outlives_case(cname)):
                c = p.running.pop(cname)
                c.stopped_at = at
                p.done.append(c)
                stopped.append(cname)
        after = None
        started = []
        for st in a.starts:
            if st.when and after is None:
                after = guards.CaseView(state=step.dest, risk=p.risk, flags=tuple(rec["flags"]),
                                        party_count=party_count, lead_official=rec.get("lead_official"),
                                        mediator=rec.get("mediator"), data=p.data)
            if st.due_field or (st.when and not guards.CONDITIONS[st.when](after, d)):
                continue
            if self._start(p.running, st.clock, at, p.risk, rec["category"]):
                started.append(st.clock)
        if stopped:
            d["clocks_stopped"] = stopped
        if started:
            d["clocks_started"] = started
        p.events.append(Event(step.action, at, step.source, step.dest, d))

    def _restart(self, running: dict[str, ClockPlan], risk: str, category: str) -> None:
        """Live tracking: each running clock starts again at the import, with the policy's whole time."""
        for name, c in running.items():
            due = self.due(name, self.live_from, risk, category)
            if due is not None:
                running[name] = ClockPlan(name, self.live_from, due)

    def _start(self, running: dict, clock: str, at: datetime, risk: str | None, category: str) -> bool:
        if clock in running:
            return False
        due = self.due(clock, at, risk, category)
        if due is None:
            return False
        running[clock] = ClockPlan(clock, at, due)
        return True

    @staticmethod
    def _assignments(rec: dict) -> list[tuple[str, dict]]:
        out = []
        if rec.get("lead_official"):
            out.append(("assign_lead", {"official": rec["lead_official"]}))
        assign = {k: rec[k] for k in ("mediator",) if rec.get(k)}
        if assign:
            out.append(("assign", assign))
        return out

    def _ledger_data(self, rec: dict, row: int) -> dict:
        out = {"namespace": self.info["namespace"], "key": rec["key"], "row": row}
        for k in ("ref", "category_text", "lead_official_name", "mediator_name", "responsible_unit_name",
                  "screener_name", "control_unit_name"):
            if rec.get(k):
                out[k] = rec[k]
        if rec.get("extra"):
            out["extra"] = rec["extra"]
        return out


@dataclass
class _Replay:
    """A row's history as it is replayed: its events, running and stopped clocks, data and current risk."""

    events: list[Event]
    running: dict[str, ClockPlan]
    done: list[ClockPlan]
    data: dict[str, Any]
    risk: str


@functools.lru_cache(maxsize=8192)
def _iso(dt: datetime) -> str:
    """``timeutil.iso``, memoised (rows share their dates)."""
    return iso(dt)
