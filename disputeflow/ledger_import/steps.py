"""One case being corrected: the moving actions applied to it, with the clocks they stop and start.

Clocks are stopped and started as the actions of the definition say, and a
case that ends stops every clock that does not outlive it (the policy's one
rule, as a command applies it). A corrected risk or category moves the due
times of the clocks still running.
"""

from __future__ import annotations

import json
from datetime import datetime

from disputeflow.cases import ledger_bulk, ledger_store
from disputeflow.workflow import guards
from disputeflow.workflow.clocks import next_step_after
from disputeflow.workflow.decision import end_supervision, ends_listing
from disputeflow.workflow.timeutil import iso


class StepWriter:
    """The case's columns, data, running clocks and pending events while a correction is worked out."""

    def __init__(self, corrector, tx, defn, case: dict):
        self.c = corrector
        self.w = corrector.w
        self.tx = tx
        self.defn = defn
        self.case = case
        self.state = case["state"]
        self.data = json.loads(case["data"])
        self.flags = json.loads(case["flags"])
        self.party_count = case["party_count"]
        self.risk_floor = case["risk_floor"]
        self.cols = {k: case[k] for k in ("risk", "mediator", "lead_official", "responsible_unit", "closed_at",
                                          "supervision_level")}
        self.new_cols = {k: case[k] for k in ("title", "category", "source", "description", "unit_id", "unit_path")}
        self.running = {r[1]: r for r in tx.all("running_clocks", {"case_id": case["id"]})}
        self.events: list[tuple[str, datetime, str, str, dict]] = []
        self.notify: set[str] = set()  # actions whose outbox row is written (a reopening; a replay tells no one)

    def view(self) -> guards.CaseView:
        """The case as a guard sees it now."""
        cols = self.cols
        return guards.CaseView(state=self.state, risk=cols["risk"], flags=tuple(self.flags), mediator=cols["mediator"],
                               lead_official=cols["lead_official"], responsible_unit=cols["responsible_unit"],
                               supervision_level=cols["supervision_level"], party_count=self.party_count,
                               data=self.data, category=self.case["category"])

    def step(self, name: str, at: datetime, d: dict) -> None:
        """Apply one moving action: its data, clocks and audit event."""
        tx, defn, cols, data = self.tx, self.defn, self.cols, self.data
        a = defn.action(name)
        state = self.state
        new_state = self.c.engine.compiled(defn).fire(name, state)
        for spec in a.fields:
            if spec.name in d and spec.target and spec.target.startswith("data."):
                data[spec.target[5:]] = d[spec.name]
        if a.record:
            data.setdefault(a.record, []).append({**d, "at": iso(at), "by": self.w.actor})
        terminal = defn.state(new_state).terminal
        stopped = self._stop(a, terminal, at)
        started = self._start(a, new_state, at, d)
        if stopped:
            d["clocks_stopped"] = stopped
        if started:
            d["clocks_started"] = started
        if (terminal or ends_listing(a)) and cols["supervision_level"] is not None and "delist" not in a.effects:
            d["supervision_ended"] = end_supervision(data, cols, at, self.w.actor, new_state)  # as the command does
        self.events.append((name, at, state, new_state, d))
        if terminal:
            cols["closed_at"] = tx.t(at)
        elif defn.state(state).terminal:
            cols["closed_at"] = None
        self.state = new_state

    def _stop(self, a, terminal: bool, at: datetime) -> list[str]:
        stopped = []
        outlives = self.c.engine.policy.outlives_case
        for cname, r in list(self.running.items()):
            if cname in a.stops or (terminal and not outlives(cname)):
                self.tx.run("stop_clock", {"id": r[0], "now": self.tx.t(at)})
                stopped.append(cname)
                del self.running[cname]
        return stopped

    def _start(self, a, new_state: str, at: datetime, d: dict) -> list[str]:
        cols = self.cols
        view = guards.CaseView(state=new_state, risk=cols["risk"], flags=tuple(self.flags),
                               party_count=self.party_count, lead_official=cols["lead_official"],
                               mediator=cols["mediator"], data=self.data)
        started = []
        for st in a.starts:
            if st.due_field or st.clock in self.running or (st.when and not guards.CONDITIONS[st.when](view, d)):
                continue
            due = self.w.planner.due(st.clock, at, cols["risk"], self.case["category"])
            if due is None:
                continue
            row = self.w._clock_row(self.case["id"], st.clock, at, due, None, cols["risk"], self.case["category"])
            kid = ledger_store.start_clock(self.tx, dict(zip(ledger_bulk.CLOCK_INSERT, row)))
            self.running[st.clock] = (kid, st.clock)
            started.append(st.clock)
        return started

    def recompute_clocks(self, risk: str, category: str) -> None:
        """A corrected risk or category changes the due times of the clocks still running (not set by a person)."""
        tx, engine = self.tx, self.c.engine
        for kid, name, started, due, _warn, extended, level, *_ in tx.all("running_clocks", {"case_id": self.case["id"]}):
            if extended or name == "supervision":
                continue
            started_dt = tx.time(started)
            new_due = self.w.planner.due(name, started_dt, risk, category)
            if new_due is None or new_due == tx.time(due):
                continue
            steps = engine.policy.steps(name, started_dt, new_due, engine.calendar, risk, category)
            warn = next((at for s, at in steps if s.kind == "fraction"), None)
            step, at = next_step_after(steps, level)
            tx.run("reschedule_clock", {"id": kid, "due_at": tx.t(new_due), "warn_at": tx.t(warn), "extended": extended,
                                        "next_step": step, "next_at": tx.t(at),
                                        "calendar_rev": engine.calendar.revision})


def reopen_text(defn, number: str, state: str, target: str, steps: list[str], done: bool) -> tuple[str, str]:
    """(zh, en) of a reopening, as a dry run forecasts it or an import reports it."""
    labels = "、".join(f"“{defn.action(n).label.zh}”" for n in steps)
    zh = (f"案件 {number} {'已' if done else '将'}重新打开：{defn.state_label(state)} → {defn.state_label(target)}"
          f"（经{labels}）")
    en = f"case {number} {'was' if done else 'would be'} reopened: {state} -> {target} (by {', '.join(steps)})"
    return zh, en
