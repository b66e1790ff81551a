"""What a ledger row becomes: the events of its history, its clocks and its final columns.

Pure: no database. The row's main line (report → assess → … → its state) is
checked against the workflow definition (each step must be an action from the
state before it, fired through the compiled machine), and the clocks are
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
from disputeflow.workflow.errors import ConfigError
from disputeflow.ledger_import.validate import STEP_DATE, steps_for
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


def _dates(rec: dict) -> dict[str, datetime]:
    return {k: parse_time(v) for k, v in rec["dates"].items()}


def step_data(rec: dict, action: str, risk: str) -> dict:
    """The action's fields as the engine's own form would have carried them."""
    if action == "assess":
        d = {"risk": risk}
        if rec.get("responsible_unit"):
            d["responsible_unit"] = rec["responsible_unit"]
        return d
    if action == "control":
        return {"measures": rec.get("measures") or "台账记载已稳控"}
    if action == "resolve":
        d = {"outcome": rec.get("outcome") or "agreement"}
        if rec.get("agreement"):
            d["agreement"] = rec["agreement"]
        return d
    if action == "follow_up":
        return {k: rec[k] for k in ("method", "satisfaction") if rec.get(k)}
    if action == "refer":
        d = {"to": rec.get("referred_to") or "department"}
        if rec.get("referred_detail"):
            d["detail"] = rec["referred_detail"]
        return d
    if action == "withdraw":
        return {"reason": rec.get("withdraw_reason") or "台账记载已撤回"}
    return {}


def step_times(rec: dict, actions: list[str]) -> list[datetime]:
    dates = _dates(rec)
    t = dates["reported_at"]
    out = []
    for a in actions:
        name = STEP_DATE.get(a)
        if a in ("refer", "withdraw"):
            d = dates.get("closed_at") or dates.get("resolved_at")
        else:
            d = dates.get(name) if name else None
        if d is not None and d > t:
            t = d
        out.append(t)
    return out


class Planner:
    """Plans rows for one definition, policy and calendar (shared by every row of an import)."""

    def __init__(self, engine, definition, actor_id: str, ledger_info: dict):
        self.engine = engine
        self.defn = definition
        self.compiled = engine.compiled(definition)
        self.policy = engine.policy
        self.calendar = engine.calendar
        self.actor = actor_id
        self.info = ledger_info
        # Ledger dates are days, and rows share them: due times and transitions are memoised.
        self._due: dict[tuple, datetime | None] = {}
        self._fire: dict[tuple[str, str], str] = {}
        self._floors: dict[tuple, tuple[str, list[str]]] = {}
        self._lengths: dict[tuple, object] = {}  # (clock, risk, category) -> the policy's duration or None
        self._actions = {a.name: a for a in definition.actions}
        # per action, the fields that land in the case's data: (field, data key)
        self._data_targets = {a.name: [(f.name, f.target[5:]) for f in a.fields
                                       if f.target and f.target.startswith("data.")] for a in definition.actions}
        self._terminal = {s.name: s.terminal for s in definition.states}
        for name in ("assess", "control", "mediate", "resolve", "follow_up", "close", "refer", "withdraw"):
            if definition.action(name) is None:
                raise ConfigError(f"流程 {definition.name} 没有动作“{name}”，无法按台账状态导入",
                                  f"workflow {definition.name} has no action {name!r}; ledger states cannot be imported")

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

    def fire(self, action: str, state: str) -> str:
        """The state after ``action`` from ``state``, through the compiled machine (memoised)."""
        key = (action, state)
        out = self._fire.get(key)
        if out is None:
            out = self._fire[key] = self.compiled.fire(action, state)
        return out

    def plan(self, rec: dict, row: int) -> Plan:
        """The history, clocks and columns for a new case from ``rec``."""
        defn = self.defn
        intake = defn.intake
        t0 = parse_time(rec["dates"]["reported_at"])
        parties = [dict(p) for p in rec["parties"]]
        floor, reasons = self._floor(len(parties), rec["flags"])
        risk = risk_mod.higher(rec.get("risk") or floor, floor)
        intake_risk = risk if rec["state"] == "reported" else floor
        report = {"title": rec["title"], "category": rec["category"], "unit": rec["unit"],
                  "description": rec["description"], "source": rec["source"], "flags": rec["flags"],
                  "parties": parties, "risk_floor": floor,
                  "risk_reasons": reasons,
                  "imported": {**self.info, "row": row, "key": rec["key"], "ref": rec.get("ref")}}
        if rec.get("note"):
            report["note"] = rec["note"]
        events = [Event(intake.name, t0, None, defn.initial, report)]
        running: dict[str, ClockPlan] = {}
        done: list[ClockPlan] = []
        view = None
        for st in intake.starts:
            if st.when is not None and view is None:
                view = guards.CaseView(state=defn.initial, risk=intake_risk, flags=tuple(rec["flags"]),
                                       party_count=len(parties))
            if st.when is None or guards.CONDITIONS[st.when](view, {}):
                self._start(running, st.clock, t0, intake_risk, rec["category"])
        data: dict[str, Any] = {"ledger": self._ledger_data(rec, row)}
        assignments = self._assignments(rec)
        state = defn.initial
        actions = steps_for(rec["state"], rec["dates"])
        times = step_times(rec, actions)
        cur_risk = intake_risk
        closed_at = None
        for name, at in zip(actions, times):
            a = self._actions[name]
            new_state = self.fire(name, state)
            d = step_data(rec, name, risk)
            if name == "assess":
                cur_risk = risk
                if rec.get("risk") and risk != rec["risk"]:
                    d["risk"] = rec["risk"]
                    d["risk_raised_to_floor"] = risk
            for field_name, key in self._data_targets[name]:
                if field_name in d:
                    data[key] = d[field_name]
            if a.record:
                data.setdefault(a.record, []).append({**d, "at": _iso(at), "by": self.actor})
            stopped = []
            terminal = self._terminal[new_state]
            for cname in list(running):
                if cname in a.stops or (terminal and cname != "supervision"):
                    c = running.pop(cname)
                    c.stopped_at = at
                    done.append(c)
                    stopped.append(cname)
            after = None
            started = []
            for st in a.starts:
                if st.when and after is None:
                    after = guards.CaseView(state=new_state, risk=cur_risk, flags=tuple(rec["flags"]),
                                            party_count=len(parties), lead_official=rec.get("lead_official"),
                                            mediator=rec.get("mediator"), data=data)
                if st.due_field or (st.when and not guards.CONDITIONS[st.when](after, d)):
                    continue
                if self._start(running, st.clock, at, cur_risk, rec["category"]):
                    started.append(st.clock)
            if stopped:
                d["clocks_stopped"] = stopped
            if started:
                d["clocks_started"] = started
            events.append(Event(name, at, state, new_state, d))
            if name == "assess" and assignments:
                events.extend(Event(n, at, new_state, new_state, v) for n, v in assignments)
                assignments = []
            state = new_state
            if terminal:
                closed_at = at
        if assignments:
            events[1:1] = [Event(n, t0, defn.initial, defn.initial, v) for n, v in assignments]
        return Plan(events=events, clocks=done + list(running.values()), state=state,
                    risk=risk, risk_floor=floor, data=data,
                    closed_at=closed_at, updated_at=events[-1].at, parties=parties)

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
        for k in ("ref", "category_text", "lead_official_name", "mediator_name", "responsible_unit_name"):
            if rec.get(k):
                out[k] = rec[k]
        if rec.get("extra"):
            out["extra"] = rec["extra"]
        return out


@functools.lru_cache(maxsize=8192)
def _iso(dt: datetime) -> str:
    """``timeutil.iso``, memoised (rows share their dates)."""
    return iso(dt)
