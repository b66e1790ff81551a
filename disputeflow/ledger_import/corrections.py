"""Corrections: a row whose key is known and whose content changed is applied to that case alone.

It goes through audited events — the moving actions the ledger has advanced
the case by (at the ledger's dates), or the definition's reopen arcs when the
ledger went back, ``assign_lead`` and ``assign`` for new people, and one
``ledger_update`` event listing every other changed field — under the case's
version, like any command, on the case's own hash chain.
"""

from __future__ import annotations

import dataclasses
import json

from disputeflow.cases import chain_writer, ledger_store, outbox
from disputeflow.cases.records import AuditRow
from disputeflow.cases.audit import case_snapshot
from disputeflow.cases.chain import Head, link
from disputeflow.ledger_import.changes import CORRECTABLE, apply_changes
from disputeflow.ledger_import.line import LedgerLine
from disputeflow.ledger_import.plan import step_data, step_times
from disputeflow.ledger_import.records import RowProblem
from disputeflow.ledger_import.route import back_route, fill_fields
from disputeflow.ledger_import.steps import StepWriter, reopen_text
from disputeflow.workflow import guards, risk as risk_mod
from disputeflow.workflow.commands import dumps, jsonable
from disputeflow.workflow.decision import audience
from disputeflow.workflow.errors import Conflict


class Corrector:
    """Applies changed rows of one import (and forecasts them on a dry run)."""

    def __init__(self, writer, role: str):
        self.w = writer
        self.engine = writer.engine
        self.role = role
        self.state_column = "化解情况"  # the ledger's heading, for problems found while writing
        self._lines: dict[tuple[str, int], LedgerLine] = {}

    def line(self, defn) -> LedgerLine:
        """The main line of the case's own definition (a case may be of an older version than the import's)."""
        got = self._lines.get(defn.key)
        if got is None:
            base = self.w.planner.line
            got = base if base.defn is defn else LedgerLine(defn, self.engine.compiled(defn), base.mapping_dates)
            self._lines[defn.key] = got
        return got

    def apply(self, tx, row: int, rec: dict, h: str, js: str, case_id: int) -> tuple[RowProblem | None, RowProblem | None]:
        """Correct the case from the changed row: (problem that stopped it or None, notice of a reopening or None)."""
        c = dict(zip(ledger_store.CASE_ROW, ledger_store.case_for_correction(tx, case_id)))
        old = json.loads(ledger_store.imported_record(tx, self.w.namespace, rec["key"]))
        defn = self.engine.definition(c["definition"], c["definition_version"])
        mv = StepWriter(self, tx, defn, c)
        kind, steps, problem = self.decide(defn, c["state"], old.get("state"), rec, c["number"], row)
        if problem is not None:
            return problem, None
        notice = None
        if kind == "forward":
            last_move = tx.time(ledger_store.last_move_at(tx, c["id"]))  # never dated before the last change of state
            new_risk = risk_mod.higher(rec.get("risk") or c["risk_floor"], c["risk_floor"])
            line = self.line(defn)
            for name, at in steps:
                if name == line.risk_step:
                    mv.cols["risk"] = new_risk
                mv.step(name, max(at, last_move), step_data(defn, rec, name, new_risk))
        elif kind == "back":
            risk = risk_mod.higher(rec.get("risk") or c["risk_floor"], c["risk_floor"])
            planned, problem = self._check_back(defn, mv.view(), steps, rec, row, c["number"], old.get("state"), risk)
            if problem is not None:
                return problem, None
            for name, d in planned:
                mv.step(name, self.w.now, d)
            mv.notify.add(planned[0][0])  # the case is live again: its people hear of it as from the reopen itself
            notice = RowProblem(row, self.state_column,
                                *reopen_text(defn, c["number"], c["state"], rec["state"], steps, done=True))
        self._people(mv, rec)
        changes = {f: {"from": old.get(f), "to": rec.get(f)} for f in CORRECTABLE if old.get(f) != rec.get(f)}
        if changes:
            apply_changes(mv, rec, changes, self.w.units)
            mv.events.append(("ledger_update", self.w.now, mv.state, mv.state,
                              {"changes": changes,
                               "imported": {"namespace": self.w.namespace, "key": rec["key"], "row": row}}))
        if "parties" in changes:
            ledger_store.replace_parties(tx, c["id"], [(i, p["name"], p.get("role") or "applicant", p.get("phone"),
                                                        p.get("id_number"), None)
                                                       for i, p in enumerate(rec["parties"], start=1)])
        if mv.cols["risk"] != c["risk"] or mv.new_cols["category"] != c["category"]:
            mv.recompute_clocks(mv.cols["risk"], mv.new_cols["category"])
        self._write(tx, mv, rec, "parties" in changes)
        ledger_store.update_import_key(tx, self.w.namespace, rec["key"], h, js, tx.t(self.w.now))
        return None, notice

    def _people(self, mv: StepWriter, rec: dict) -> None:
        """New people, through the engine's own actions."""
        cols, now = mv.cols, self.w.now
        if rec.get("lead_official") and rec.get("lead_official") != cols["lead_official"]:
            mv.events.append(("assign_lead", now, mv.state, mv.state, {"official": rec["lead_official"]}))
            cols["lead_official"] = rec["lead_official"]
        assign = {}
        if rec.get("mediator") and rec["mediator"] != cols["mediator"]:
            assign["mediator"] = cols["mediator"] = rec["mediator"]
        if rec.get("responsible_unit") and rec["responsible_unit"] != cols["responsible_unit"]:
            assign["responsible_unit"] = cols["responsible_unit"] = rec["responsible_unit"]
        if assign:
            mv.events.append(("assign", now, mv.state, mv.state, assign))

    def _write(self, tx, mv: StepWriter, rec: dict, parties_changed: bool) -> None:
        """The events on the case's chain (with their notifications) and the case under its version."""
        c, cols, nc = mv.case, mv.cols, mv.new_cols
        parties = ([(p["name"], p.get("role") or "applicant", p.get("phone"), p.get("id_number"), None)
                    for p in rec["parties"]] if parties_changed else [])
        after = case_snapshot(mv.state, cols["risk"], mv.risk_floor, dumps(mv.flags), cols["mediator"],
                              cols["lead_official"], cols["responsible_unit"], cols["supervision_level"], nc["unit_id"],
                              nc["title"], nc["category"], dumps(mv.data), parties)
        before = case_snapshot(c["state"], c["risk"], c["risk_floor"], c["flags"], c["mediator"], c["lead_official"],
                               c["responsible_unit"], c["supervision_level"], c["unit_id"], c["title"], c["category"],
                               c["data"], [])
        changed = {k: v for k, v in after.items() if k != "_full" and (k.startswith("party:") or v != before[k])}
        if parties_changed:
            for i in range(len(rec["parties"]) + 1, c["party_count"] + 1):
                changed[f"party:{i}"] = None  # a party the corrected ledger no longer lists
        n = len(mv.events)
        head = Head(c["audit_seq"], c["audit_hash"])
        actor, number, defn = self.w.actor, c["number"], mv.defn
        events, queued = [], []
        for i, (name, at, frm, to, d) in enumerate(mv.events, start=1):
            dj = dumps(jsonable(d))
            fields = dumps(changed) if i == n else "{}"
            ln = link(self.w.store.signer, head, number, at, actor, name, frm, to, dj, fields)
            events.append(AuditRow(c["id"], ln.seq, tx.t(at), actor, name, frm, to, dj, ln.prev_hash, ln.hash, fields,
                                   ln.key_id))
            head = ln.head
            if name in mv.notify:
                to_whom = audience(defn.action(name), d, cols["mediator"], cols["lead_official"], nc["unit_path"])
                if to_whom:
                    queued.append(outbox.row(tx.t(self.w.now), name, c["id"], number, actor, dumps(to_whom),
                                             dumps({"from_state": frm, "to_state": to, "seq": ln.seq})))
        if not n:
            return
        values = {"state": mv.state, "risk": cols["risk"], "risk_floor": mv.risk_floor, "flags": dumps(mv.flags),
                  "party_count": mv.party_count, "mediator": cols["mediator"], "lead_official": cols["lead_official"],
                  "responsible_unit": cols["responsible_unit"], "supervision_level": cols["supervision_level"],
                  "data": dumps(mv.data), **nc, "closed_at": cols["closed_at"], "updated_at": tx.t(self.w.now),
                  "audit_seq": head.seq, "audit_hash": head.hash}
        if ledger_store.update_corrected_case(tx, c["id"], c["version"], n, values) != 1:
            raise Conflict(f"案件“{number}”已被他人修改，请重新导入", f"case {number} was changed meanwhile; import again")
        # the case (and its head) moved under the version read, so it is held: its events follow
        chain_writer.append(tx, chain_writer.CASES, events, {}, held=True, outbox=queued)

    def decide(self, defn, state: str, old_state: str | None, rec: dict, number: str, row: int):
        """How a correction moves the case: ``(kind, steps, problem)``.

        ``kind`` is ``none``, ``forward`` (steps are ``(action, ledger time)``
        pairs of the ledger's main line) or ``back`` (steps are action names: a
        reopen arc of the definition, then forward). A case the engine moved on
        while the ledger's state stayed put is left as it is; a ledger whose
        own state went backwards is followed back, or the row is reported.
        """
        target = rec["state"]
        if target == state:
            return "none", [], None
        line = self.line(defn)
        steps = line.path(target, rec["dates"])
        path = [defn.initial] + [s.dest for s in steps]
        if state in path:
            start = len(path) - 1 - path[::-1].index(state)
            actions = [s.action for s in steps]
            return "forward", list(zip(actions[start:], step_times(line, rec, steps)[start:])), None
        if line.moved_back(old_state, target) and line.rank(state) > line.rank(target):
            route = back_route(defn, state, target, self.role, self.engine.role_label)
            if not route.ok:
                return "none", [], self._back_problem(defn, row, number, state, target, route.zh, route.en)
            return "back", list(route.actions), None
        if line.on_line(state) and line.on_line(target) and line.rank(state) > line.rank(target):
            return "none", [], None
        return "none", [], RowProblem(row, self.state_column, f"案件 {number} 当前为“{defn.state_label(state)}”，台账为“"
                                      f"{defn.state_label(target)}”，无法按台账更正，请在系统中处理",
                                      f"case {number} is {state} but the ledger says {target}; handle it in the system")

    def _check_back(self, defn, view, steps: list[str], rec: dict, row: int, number: str, old_state: str | None,
                    risk: str) -> tuple[list[tuple[str, dict]], RowProblem | None]:
        """The fields of each step back and forward, or the problem that stops the row (nothing written yet).

        Each reopen arc's required fields must be fillable from the ledger and its
        guards must pass on the case as it stands when the step is taken; the
        main-line steps after it replay the ledger, as a new row's do.
        """
        line = self.line(defn)
        reason = _reason(defn, old_state, rec["state"])
        planned: list[tuple[str, dict]] = []
        state = view.state
        for name in steps:
            a = defn.action(name)
            if name in line.ledger_actions:
                # a main-line step replays what the ledger records, as the import of a new row does
                planned.append((name, step_data(defn, rec, name, risk)))
                state = self.engine.compiled(defn).fire(name, state)
                continue
            d, missing = fill_fields(a, reason)
            if missing:
                return [], self._back_problem(defn, row, number, view.state, rec["state"],
                                              f"“{a.label.zh}”须填写“{missing}”，台账无法提供",
                                              f"{name} needs {missing}, which the ledger does not give")
            if a.guards:
                refusals = guards.check(a.guards, dataclasses.replace(view, state=state), d)
                if refusals:
                    return [], self._back_problem(defn, row, number, view.state, rec["state"],
                                                  "；".join(r.zh for r in refusals), "; ".join(r.en for r in refusals))
            planned.append((name, d))
            state = self.engine.compiled(defn).fire(name, state)
        return planned, None

    def _back_problem(self, defn, row: int, number: str, state: str, target: str, zh: str, en: str) -> RowProblem:
        return RowProblem(row, self.state_column,
                          f"案件 {number} 当前为“{defn.state_label(state)}”，台账改为“{defn.state_label(target)}”：{zh}",
                          f"case {number} is {state}, the ledger now says {target}: {en}")

    def forecast(self, tx, rec: dict, case_id: int, row: int) -> tuple[tuple[str, str] | None, RowProblem | None]:
        """A dry run's word on how a changed row would move its case: (notice or None, problem or None)."""
        got = ledger_store.case_for_forecast(tx, case_id, self.w.namespace, rec["key"])
        c = dict(zip(ledger_store.FORECAST_ROW, got[:-1]))
        defn = self.engine.definition(c["definition"], c["definition_version"])
        old_state = json.loads(got[-1]).get("state")
        kind, steps, problem = self.decide(defn, c["state"], old_state, rec, c["number"], row)
        if kind != "back":
            return None, problem
        view = guards.CaseView(state=c["state"], risk=c["risk"], flags=tuple(json.loads(c["flags"])),
                               mediator=c["mediator"], lead_official=c["lead_official"],
                               responsible_unit=c["responsible_unit"], supervision_level=c["supervision_level"],
                               party_count=c["party_count"], data=json.loads(c["data"]), category=c["category"])
        risk = risk_mod.higher(rec.get("risk") or c["risk_floor"], c["risk_floor"])
        _, problem = self._check_back(defn, view, steps, rec, row, c["number"], old_state, risk)
        if problem is not None:
            return None, problem
        return reopen_text(defn, c["number"], c["state"], rec["state"], steps, done=False), None


def _reason(defn, old_state: str | None, new_state: str) -> str:
    was = defn.state_label(old_state) if old_state else "—"
    return f"台账更正：化解情况由“{was}”改为“{defn.state_label(new_state)}”"
