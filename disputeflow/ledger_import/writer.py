"""The bulk path: write a batch of validated ledger rows in one transaction.

New rows become cases with a few multi-row inserts per batch (``executemany``
on SQLite, typed ``unnest`` arrays on PostgreSQL, see ``Tx.insert_rows``):
numbers are reserved per prefix and year with one counter update, case ids
with one query, and every row's parties, hash-chained audit events, clocks and
import key go in with the case. A batch commits whole or not at all, so a
killed import leaves no half-imported row, and the import key makes the next
run skip what was committed.

A row whose key is known and whose content changed is a correction: it is
applied to that case alone, through audited events — the moving actions the
ledger has advanced the case by (at the ledger's dates), ``assign_lead`` and
``assign`` for new people, and one ``ledger_update`` event listing every other
changed field — under the case's version, like any command.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from datetime import datetime

from disputeflow.cases.audit import GENESIS, canonical_time, case_snapshot, seal
from disputeflow.cases.audit_verify import sign_counter
from disputeflow.cases.types import to_sqlite
from disputeflow.workflow import guards, risk as risk_mod
from disputeflow.workflow.clocks import next_step_after
from disputeflow.workflow.commands import dumps, jsonable
from disputeflow.workflow.errors import Conflict
from disputeflow.ledger_import.plan import Planner, step_data, step_times
from disputeflow.ledger_import.route import back_route, fill_fields, moved_back
from disputeflow.ledger_import.validate import STATE_ORDER, STEP_DATE, RowProblem, steps_for
from disputeflow.workflow.timeutil import iso
from disputeflow.workflow.decision import audience, end_supervision

CASE_INSERT = ("id", "number", "definition", "definition_version", "state", "version", "title", "category", "source",
               "description", "unit_id", "unit_path", "risk", "risk_floor", "flags", "party_count", "reporter",
               "mediator", "lead_official", "responsible_unit", "supervision_level", "data", "reported_at",
               "updated_at", "closed_at", "audit_seq", "audit_hash")
PARTY_INSERT = ("case_id", "seq", "name", "role", "phone", "id_number", "address")
AUDIT_INSERT = ("case_id", "seq", "at", "actor", "action", "from_state", "to_state", "data", "prev_hash", "hash",
                "fields", "key_id")
CLOCK_INSERT = ("case_id", "name", "started_at", "due_at", "warn_at", "calendar_rev", "status", "stopped_at",
                "extended", "level", "next_step", "next_at")
KEY_INSERT = ("namespace", "key", "case_id", "row_hash", "record", "imported_at", "updated_at")
COUNTER_SQL = ("INSERT INTO case_counters (prefix, year, last) VALUES (:prefix, :year, :n) "
               "ON CONFLICT (prefix, year) DO UPDATE SET last = case_counters.last + excluded.last RETURNING last")
# Fields a correction reports in one ledger_update event (people go through assign / assign_lead).
CORRECTABLE = ("title", "category", "category_text", "description", "source", "unit", "flags", "parties", "risk",
               "note", "agreement", "measures", "outcome", "method", "satisfaction", "referred_to", "referred_detail",
               "withdraw_reason", "lead_official_name", "mediator_name", "responsible_unit_name", "extra", "ref",
               "dates")

# A correction reads the whole case row (the command path reads fewer columns).
IMPORT_CASE_COLUMNS = (
    "id, number, definition, definition_version, state, version, title, category, source, "
    "description, unit_id, unit_path, risk, risk_floor, flags, party_count, reporter, mediator, "
    "lead_official, responsible_unit, supervision_level, data, reported_at, updated_at, closed_at, "
    "audit_seq, audit_hash"
)


class BulkWriter:
    """Writes batches for one import: one actor, one namespace, one definition."""

    def __init__(self, engine, planner: Planner, actor_id: str, namespace: str, now: datetime, units: dict,
                 role: str = "supervisor"):
        self.engine = engine
        self.role = role  # the importer's role: reopening a case is an action the definition grants by role
        self._reopened: RowProblem | None = None  # what the last correction reopened (a notice for the report)
        self.store = engine.store
        self.planner = planner
        self.defn = planner.defn
        self.actor = actor_id
        self.namespace = namespace
        self.now = now
        self.units = units  # id -> (id, name, kind, path)
        self._ladder: dict[tuple, tuple] = {}
        self._times: dict[datetime, object] = {}
        self._canon: dict[datetime, str] = {}
        self._conv = self._make_conv()
        self.state_column = "化解情况"  # the ledger's heading, for problems found while writing

    # ----------------------------------------------------------------- lookups

    def existing(self, tx, keys: list[str]) -> dict[str, tuple[int, str]]:
        """key -> (case_id, row_hash) for the keys already imported in this namespace."""
        out: dict[str, tuple[int, str]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            params = {f"k{j}": k for j, k in enumerate(chunk)}
            params["ns"] = self.namespace
            marks = ", ".join(f":k{j}" for j in range(len(chunk)))
            for key, case_id, h in tx.query(
                    f"SELECT key, case_id, row_hash FROM import_keys WHERE namespace = :ns AND key IN ({marks})", params):
                out[key] = (case_id, h)
        return out

    # ----------------------------------------------------------------- one batch

    def write_batch(self, items: list[tuple[int, dict, str, str]], prepared: list | None = None) -> dict:
        """Write ``(row, record, record_hash, record_json)`` items in one transaction.

        ``prepared`` is :meth:`prepare` of ``items`` when the caller computed it
        ahead (in another thread, while the previous batch was being written).

        Returns:
            counts of created, updated and unchanged rows, and ``problems`` for
            corrections that could not be applied (the rest of the batch is written).
        """
        integrity = self.store.engine.dialect.dbapi.IntegrityError
        try:
            return self._write_batch(items, prepared)
        except integrity:
            # another import of the same ledger committed some of these keys first:
            # this batch rolled back whole; again, those rows are known and compare as such
            return self._write_batch(items, prepared)

    def _write_batch(self, items: list[tuple[int, dict, str, str]], prepared: list | None) -> dict:
        result = {"created": 0, "updated": 0, "unchanged": 0, "problems": [], "notices": []}
        with self.store.write() as tx:
            known = self.existing(tx, [item[1]["key"] for item in items])
            new, changed = [], []
            for i, item in enumerate(items):
                hit = known.get(item[1]["key"])
                if hit is None:
                    new.append(prepared[i] if prepared is not None else i)
                elif hit[1] == item[2]:
                    result["unchanged"] += 1
                else:
                    changed.append((item, hit[0]))
            if new:
                if prepared is None:
                    new = self.prepare([items[i] for i in new])
                self._insert(tx, new)
                result["created"] = len(new)
            for (row, rec, h, js), case_id in changed:
                problem = self._update(tx, row, rec, h, js, case_id)
                if problem is None:
                    result["updated"] += 1
                    if self._reopened is not None:
                        result["notices"].append(self._reopened)
                else:
                    result["problems"].append(problem)
        return result

    # ----------------------------------------------------------------- new cases

    def _allocate_ids(self, tx, n: int) -> list[int]:
        if self.store.is_sqlite:  # BEGIN IMMEDIATE holds the write lock: nobody else inserts meanwhile
            top = tx.query("SELECT COALESCE(MAX(id), 0) FROM cases")[0][0]
            return list(range(top + 1, top + n + 1))
        rows = tx.query("SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)", {"n": n})
        return sorted(r[0] for r in rows)

    def _numbers(self, tx, years: list[tuple[str, int]]) -> list[str]:
        """Case numbers for new cases given as (unit path, local report year), reserved with one update per prefix and year."""
        keys = [(self.engine.number_prefix(tx, path), year) for path, year in years]
        need: dict[tuple[str, int], int] = defaultdict(int)
        for k in keys:
            need[k] += 1
        nxt: dict[tuple[str, int], int] = {}
        for (prefix, year), n in need.items():
            last = tx.query(COUNTER_SQL, {"prefix": prefix, "year": year, "n": n})[0][0]
            nxt[(prefix, year)] = last - n + 1
            if self.store.signer.signing:
                sig, kid = sign_counter(self.store.signer, prefix, year, last)
                tx.run("sign_counter", {"key_id": kid, "sig": sig, "prefix": prefix, "year": year})
        out = []
        for prefix, year in keys:
            seq = nxt[(prefix, year)]
            nxt[(prefix, year)] = seq + 1
            out.append(f"{prefix}-{year}-{seq:06d}")
        return out

    def _make_conv(self):
        """The driver's form of a time (what ``tx.t`` gives), memoised: ledger rows share their dates,
        and the conversion is a third of a row's cost. Needs no transaction: it depends on the dialect only."""
        cache = self._times
        conv = to_sqlite if self.store.is_sqlite else None

        def t(value):
            if value is None:
                return None
            out = cache.get(value)
            if out is None:
                if len(cache) > 50_000:  # bounded: memory stays flat
                    cache.clear()
                out = cache[value] = conv(value) if conv is not None else value
            return out
        return t

    def prepare(self, items: list[tuple[int, dict, str, str]]) -> list[tuple]:
        """For each item, everything inserting it as a new case needs that the database does not decide.

        That is the plan (history, clocks, columns), each event's JSON and
        canonical time, and the case, party and clock rows short of the case id,
        number and audit hashes, which :meth:`_insert` adds inside the batch's
        transaction. Pure, so it can run ahead of the writes in another thread.
        """
        t = self._conv
        canon = self._canon_time
        defn = self.defn
        actor = self.actor
        units = self.units
        local_year = self.engine.local_year
        out = []
        for row, rec, h, js in items:
            plan = self.planner.plan(rec, row)
            events = [(t(ev.at), canon(ev.at), ev.action, ev.from_state, ev.to_state, dumps(ev.data))
                      for ev in plan.events]
            n_events = len(events)
            unit_path = units[rec["unit"]][3]
            case = (defn.name, defn.version, plan.state, n_events, rec["title"], rec["category"],
                    rec["source"], rec["description"], rec["unit"], unit_path, plan.risk, plan.risk_floor,
                    dumps(rec["flags"]), len(plan.parties), actor, rec.get("mediator"),
                    rec.get("lead_official"), rec.get("responsible_unit"), None, dumps(plan.data),
                    t(plan.events[0].at), t(plan.updated_at), t(plan.closed_at), n_events)
            parties = [(i, p["name"], p.get("role") or "applicant", p.get("phone"), p.get("id_number"), None)
                       for i, p in enumerate(plan.parties, start=1)]
            clocks = [self._clock_tail(c.name, c.started_at, c.due_at, c.stopped_at) for c in plan.clocks]
            # the case as the replayed history leaves it: recorded on its last event
            fields = dumps(case_snapshot(plan.state, plan.risk, plan.risk_floor, case[12], case[15], case[16],
                                         case[17], None, rec["unit"], rec["title"], rec["category"], case[19],
                                         [r[1:] for r in parties]))
            out.append(((unit_path, local_year(plan.events[0].at)), case, events, parties, clocks,
                        (rec["key"], h, js), fields))
        return out

    def _insert(self, tx, prepared: list[tuple]) -> None:
        ids = self._allocate_ids(tx, len(prepared))
        numbers = self._numbers(tx, [p[0] for p in prepared])
        now = self._conv(self.now)
        actor = self.actor
        ns = self.namespace
        cases, parties, audits, clocks, keys = [], [], [], [], []
        signer = self.store.signer
        for (_, case, events, prows, crows, (key, h, js), snap), case_id, number in zip(prepared, ids, numbers):
            prev = GENESIS
            last = len(events)
            for seq, (at, canon, action, frm, to, data) in enumerate(events, start=1):
                fields = snap if seq == last else "{}"
                hh, kid = seal(signer, prev, number, seq, canon, actor, action, frm, to, data, fields)
                audits.append((case_id, seq, at, actor, action, frm, to, data, prev, hh, fields, kid))
                prev = hh
            cases.append((case_id, number, *case, prev))
            parties.extend((case_id, *r) for r in prows)
            clocks.extend((case_id, *r) for r in crows)
            keys.append((ns, key, case_id, h, js, now, now))
        tx.insert_rows("cases", CASE_INSERT, cases)
        tx.insert_rows("parties", PARTY_INSERT, parties)
        tx.insert_rows("audit_events", AUDIT_INSERT, audits)
        tx.insert_rows("clocks", CLOCK_INSERT, clocks)
        tx.insert_rows("import_keys", KEY_INSERT, keys)

    def _canon_time(self, at: datetime) -> str:
        """``disputeflow.cases.audit.canonical_time``, memoised (rows share their dates)."""
        canon = self._canon.get(at)
        if canon is None:
            if len(self._canon) > 50_000:
                self._canon.clear()
            canon = self._canon[at] = canonical_time(at)
        return canon

    def _clock_row(self, case_id: int, name: str, started: datetime, due: datetime, stopped: datetime | None):
        return (case_id, *self._clock_tail(name, started, due, stopped))

    def _clock_tail(self, name: str, started: datetime, due: datetime, stopped: datetime | None) -> tuple:
        """A clocks row without its case id (the ladder and the converted times memoised per clock, start and due)."""
        t = self._conv
        key = (name, started, due)
        got = self._ladder.get(key)
        if got is None:
            if len(self._ladder) > 50_000:
                self._ladder.clear()
            steps = self.engine.policy.steps(name, started, due, self.engine.calendar)
            warn = next((at for s, at in steps if s.kind == "fraction"), None)
            step, at = next_step_after(steps, None)
            head = (name, t(started), t(due), t(warn), self.engine.calendar.revision)
            got = self._ladder[key] = (head + ("stopped",), head + ("running", None, 0, None, step, t(at)))
        if stopped:
            return got[0] + (t(stopped), 0, None, None, None)
        return got[1]

    # ----------------------------------------------------------------- corrections

    def _update(self, tx, row: int, rec: dict, h: str, js: str, case_id: int) -> RowProblem | None:
        lock = "" if self.store.is_sqlite else " FOR UPDATE"
        c = tx.query(f"SELECT {IMPORT_CASE_COLUMNS} FROM cases WHERE id = :id{lock}", {"id": case_id})[0]
        (cid, number, dname, dver, state, version, title, category, source, description, unit_id, unit_path, risk,
         risk_floor, flags_json, party_count, reporter, mediator, lead, resp, supervision, data_json, reported_at,
         updated_at, closed_at, seq, prev) = c
        old = json.loads(tx.query("SELECT record FROM import_keys WHERE namespace = :ns AND key = :k",
                                  {"ns": self.namespace, "k": rec["key"]})[0][0])
        defn = self.engine.definition(dname, dver)
        data = json.loads(data_json)
        flags = json.loads(flags_json)
        events: list[tuple[str, datetime, str, str, dict]] = []
        running = {r[1]: r for r in tx.all("running_clocks", {"case_id": cid})}
        cols = {"risk": risk, "mediator": mediator, "lead_official": lead, "responsible_unit": resp,
                "closed_at": closed_at, "supervision_level": supervision}

        # 1. the ledger moved the case on (the missing moving actions, at the ledger's dates),
        #    or back (the workflow's reopen arcs, now, then forward to the row's state)
        self._reopened = None
        notify: set[str] = set()  # actions whose outbox row is written (a reopening; a backlog replay tells no one)
        kind, steps, problem = self.decide(defn, state, old.get("state"), rec, number, row)
        if problem is not None:
            return problem
        if kind != "none":
            mv = {"cid": cid, "defn": defn, "state": state, "cols": cols, "data": data, "running": running,
                  "flags": flags, "party_count": party_count, "category": category, "events": events}
            if kind == "forward":
                # a step is never dated before the case's last change of state
                moved = tx.query("SELECT MAX(at) FROM audit_events WHERE case_id = :id AND "
                                 "(from_state IS NULL OR from_state <> to_state)", {"id": cid})[0][0]
                last_move = tx.time(moved)
                new_risk = risk_mod.higher(rec.get("risk") or risk_floor, risk_floor)
                for name, at in steps:
                    d = step_data(rec, name, new_risk)
                    if name == "assess":
                        cols["risk"] = new_risk
                    self._step(tx, mv, name, max(at, last_move), d)
            else:
                reason = self._reason(defn, old.get("state"), rec["state"])
                was = state
                new_risk = risk_mod.higher(rec.get("risk") or risk_floor, risk_floor)
                # every step is checked before the first is written: a refused row leaves no trace
                view = guards.CaseView(state=state, risk=cols["risk"], flags=tuple(flags), mediator=cols["mediator"],
                                       lead_official=cols["lead_official"], responsible_unit=cols["responsible_unit"],
                                       supervision_level=supervision, party_count=party_count, data=data,
                                       category=category)
                planned, problem = self._check_back(defn, view, steps, rec, reason, new_risk, row, number)
                if problem is not None:
                    return problem
                for name, d in planned:
                    self._step(tx, mv, name, self.now, d)
                # the case is live again: its people hear of it as from the reopen command itself
                notify.add(planned[0][0])
                self._reopened = RowProblem(row, self.state_column, *self._reopen_text(defn, number, was, rec["state"],
                                                                                      steps, done=True))
            state = mv["state"]

        # 2. people, through the engine's own actions
        if rec.get("lead_official") and rec.get("lead_official") != cols["lead_official"]:
            events.append(("assign_lead", self.now, state, state, {"official": rec["lead_official"]}))
            cols["lead_official"] = rec["lead_official"]
        assign = {}
        if rec.get("mediator") and rec["mediator"] != cols["mediator"]:
            assign["mediator"] = cols["mediator"] = rec["mediator"]
        if rec.get("responsible_unit") and rec["responsible_unit"] != cols["responsible_unit"]:
            assign["responsible_unit"] = cols["responsible_unit"] = rec["responsible_unit"]
        if assign:
            events.append(("assign", self.now, state, state, assign))

        # 3. every other changed cell, in one audited correction
        changes = {f: {"from": old.get(f), "to": rec.get(f)} for f in CORRECTABLE if old.get(f) != rec.get(f)}
        new_cols = {"title": title, "category": category, "source": source, "description": description,
                    "unit_id": unit_id, "unit_path": unit_path}
        parties_changed = "parties" in changes
        if changes:
            for f in ("title", "category", "source", "description"):
                if f in changes:
                    new_cols[f] = rec[f]
            if "unit" in changes:
                new_cols["unit_id"] = rec["unit"]
                new_cols["unit_path"] = self.units[rec["unit"]][3]
            if "flags" in changes:
                flags = list(rec["flags"])
            if parties_changed:
                party_count = len(rec["parties"])
            risk_floor = risk_mod.floor(party_count, flags) if parties_changed or "flags" in changes else risk_floor
            want = (rec.get("risk") or cols["risk"]) if "risk" in changes else cols["risk"]
            cols["risk"] = risk_mod.higher(want, risk_floor)
            ledger = data.setdefault("ledger", {})
            for k in ("category_text", "lead_official_name", "mediator_name", "responsible_unit_name", "extra", "ref"):
                if k in changes:
                    if rec.get(k):
                        ledger[k] = rec[k]
                    else:
                        ledger.pop(k, None)
            for k, target in (("agreement", "agreement"), ("measures", "measures"), ("outcome", "outcome"),
                              ("withdraw_reason", "withdraw_reason"), ("referred_to", "referred_to"),
                              ("referred_detail", "referred_detail")):
                if k in changes and target in data and rec.get(k):
                    data[target] = rec[k]
            events.append(("ledger_update", self.now, state, state,
                           {"changes": changes, "imported": {"namespace": self.namespace, "key": rec["key"], "row": row}}))
        if parties_changed:
            tx.execute("DELETE FROM parties WHERE case_id = :id", {"id": cid})
            tx.insert_rows("parties", PARTY_INSERT, [(cid, i, p["name"], p.get("role") or "applicant", p.get("phone"),
                                                      p.get("id_number"), None)
                                                 for i, p in enumerate(rec["parties"], start=1)])
        if cols["risk"] != risk or new_cols["category"] != category:
            self._recompute_clocks(tx, cid, cols["risk"], new_cols["category"])

        n = len(events)
        after = case_snapshot(state, cols["risk"], risk_floor, dumps(flags), cols["mediator"], cols["lead_official"],
                              cols["responsible_unit"], cols.get("supervision_level", supervision), new_cols["unit_id"],
                              new_cols["title"],
                              new_cols["category"], dumps(data),
                              [(p["name"], p.get("role") or "applicant", p.get("phone"), p.get("id_number"), None)
                               for p in rec["parties"]] if parties_changed else [])
        before = case_snapshot(c[4], risk, c[13], flags_json, mediator, lead, resp, supervision, unit_id, title,
                               category, data_json, [])
        changed = {k: v for k, v in after.items() if k != "_full" and (k.startswith("party:") or v != before[k])}
        if parties_changed:
            for i in range(len(rec["parties"]) + 1, c[15] + 1):
                changed[f"party:{i}"] = None  # a party the corrected ledger no longer lists
        for i, (name, at, frm, to, d) in enumerate(events, start=1):
            seq += 1
            dj = dumps(jsonable(d))
            fields = dumps(changed) if i == n else "{}"
            hh, kid = seal(self.store.signer, prev, number, seq, at, self.actor, name, frm, to, dj, fields)
            tx.run("insert_audit", {"case_id": cid, "seq": seq, "at": tx.t(at), "actor": self.actor, "action": name,
                                    "from_state": frm, "to_state": to, "data": dj, "prev_hash": prev, "hash": hh,
                                    "fields": fields, "key_id": kid})
            prev = hh
            if name in notify:
                to_whom = audience(defn.action(name), d, cols["mediator"], cols["lead_official"],
                                   new_cols["unit_path"])
                if to_whom:
                    tx.run("insert_outbox", {"now": tx.t(self.now), "event": name, "case_id": cid,
                                             "case_number": number, "actor": self.actor, "audience": dumps(to_whom),
                                             "payload": dumps({"from_state": frm, "to_state": to, "seq": seq})})
        if n:
            done = tx.execute(
                "UPDATE cases SET state = :state, version = version + :n, risk = :risk, risk_floor = :floor, "
                "flags = :flags, party_count = :pc, mediator = :mediator, lead_official = :lead, "
                "responsible_unit = :resp, supervision_level = :sup, data = :data, title = :title, "
                "category = :category, source = :source, "
                "description = :description, unit_id = :unit_id, unit_path = :unit_path, updated_at = :now, "
                "closed_at = :closed_at, audit_seq = :seq, audit_hash = :hash WHERE id = :id AND version = :version",
                {"state": state, "n": n, "risk": cols["risk"], "floor": risk_floor, "flags": dumps(flags),
                 "pc": party_count, "mediator": cols["mediator"], "lead": cols["lead_official"],
                 "resp": cols["responsible_unit"], "sup": cols["supervision_level"], "data": dumps(data), **new_cols,
                 "now": tx.t(self.now),
                 "closed_at": cols["closed_at"], "seq": seq, "hash": prev, "id": cid, "version": version})
            if done != 1:
                raise Conflict(f"案件“{number}”已被他人修改，请重新导入", f"case {number} was changed meanwhile; import again")
        tx.execute("UPDATE import_keys SET row_hash = :h, record = :r, updated_at = :now WHERE namespace = :ns AND key = :k",
                   {"h": h, "r": js, "now": tx.t(self.now), "ns": self.namespace, "k": rec["key"]})
        return None

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
        actions = steps_for(target, rec["dates"])
        path = [defn.initial]
        for a in actions:
            path.append(self.planner.fire(a, path[-1]))
        if state in path:
            start = len(path) - 1 - path[::-1].index(state)
            return "forward", list(zip(actions[start:], step_times(rec, actions)[start:])), None
        if moved_back(old_state, target) and (state not in STATE_ORDER or
                                              STATE_ORDER.index(state) > STATE_ORDER.index(target)):
            route = back_route(defn, state, target, self.role, self.engine.role_label)
            if not route.ok:
                return "none", [], self._back_problem(defn, row, number, state, target, route.zh, route.en)
            return "back", list(route.actions), None
        if state in STATE_ORDER and target in STATE_ORDER and STATE_ORDER.index(state) > STATE_ORDER.index(target):
            return "none", [], None
        return "none", [], RowProblem(row, self.state_column, f"案件 {number} 当前为“{defn.state_label(state)}”，台账为“"
                                      f"{defn.state_label(target)}”，无法按台账更正，请在系统中处理",
                                      f"case {number} is {state} but the ledger says {target}; handle it in the system")

    def _check_back(self, defn, view, steps: list[str], rec: dict, reason: str, risk: str, row: int,
                    number: str) -> tuple[list[tuple[str, dict]], RowProblem | None]:
        """The fields of each step back and forward, or the problem that stops the row (nothing written yet).

        Each reopen arc's required fields must be fillable from the ledger and its
        guards must pass on the case as it stands when the step is taken; the
        main-line steps after it replay the ledger, as a new row's do.
        """
        planned: list[tuple[str, dict]] = []
        state = view.state
        for name in steps:
            a = defn.action(name)
            if name in STEP_DATE or name in ("refer", "withdraw"):
                # a main-line step replays what the ledger records, as the import of a new row does
                planned.append((name, step_data(rec, name, risk)))
                state = self.planner.fire(name, state)
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
            state = self.planner.fire(name, state)
        return planned, None

    def _back_problem(self, defn, row: int, number: str, state: str, target: str, zh: str, en: str) -> RowProblem:
        return RowProblem(row, self.state_column,
                          f"案件 {number} 当前为“{defn.state_label(state)}”，台账改为“{defn.state_label(target)}”：{zh}",
                          f"case {number} is {state}, the ledger now says {target}: {en}")

    @staticmethod
    def _reason(defn, old_state: str | None, new_state: str) -> str:
        was = defn.state_label(old_state) if old_state else "—"
        return f"台账更正：化解情况由“{was}”改为“{defn.state_label(new_state)}”"

    def forecast(self, tx, rec: dict, case_id: int, row: int) -> tuple[tuple[str, str] | None, RowProblem | None]:
        """A dry run's word on how a changed row would move its case: (notice or None, problem or None)."""
        (state, dname, dver, number, old_json, risk, risk_floor, flags, mediator, lead, resp, supervision, pc, data,
         category) = tx.query(
            "SELECT c.state, c.definition, c.definition_version, c.number, k.record, c.risk, c.risk_floor, c.flags, "
            "c.mediator, c.lead_official, c.responsible_unit, c.supervision_level, c.party_count, c.data, c.category "
            "FROM cases c JOIN import_keys k ON k.case_id = c.id WHERE c.id = :id AND k.namespace = :ns AND k.key = :k",
            {"id": case_id, "ns": self.namespace, "k": rec["key"]})[0]
        defn = self.engine.definition(dname, dver)
        old_state = json.loads(old_json).get("state")
        kind, steps, problem = self.decide(defn, state, old_state, rec, number, row)
        if kind != "back":
            return None, problem
        view = guards.CaseView(state=state, risk=risk, flags=tuple(json.loads(flags)), mediator=mediator,
                               lead_official=lead, responsible_unit=resp, supervision_level=supervision,
                               party_count=pc, data=json.loads(data), category=category)
        _, problem = self._check_back(defn, view, steps, rec, self._reason(defn, old_state, rec["state"]),
                                      risk_mod.higher(rec.get("risk") or risk_floor, risk_floor), row, number)
        if problem is not None:
            return None, problem
        return self._reopen_text(defn, number, state, rec["state"], steps, done=False), None

    @staticmethod
    def _reopen_text(defn, number: str, state: str, target: str, steps: list[str], done: bool) -> tuple[str, str]:
        """(zh, en) of a reopening, as a dry run forecasts it or an import reports it."""
        labels = "、".join(f"“{defn.action(n).label.zh}”" for n in steps)
        zh = (f"案件 {number} {'已' if done else '将'}重新打开：{defn.state_label(state)} → {defn.state_label(target)}"
              f"（经{labels}）")
        en = (f"case {number} {'was' if done else 'would be'} reopened: {state} -> {target} (by {', '.join(steps)})")
        return zh, en

    def _step(self, tx, mv: dict, name: str, at: datetime, d: dict) -> None:
        """Apply one moving action to a case being corrected: its data, clocks and audit event."""
        defn, cols, data, running = mv["defn"], mv["cols"], mv["data"], mv["running"]
        state = mv["state"]
        a = defn.action(name)
        new_state = self.planner.fire(name, state)
        for spec in a.fields:
            if spec.name in d and spec.target and spec.target.startswith("data."):
                data[spec.target[5:]] = d[spec.name]
        if a.record:
            data.setdefault(a.record, []).append({**d, "at": iso(at), "by": self.actor})
        terminal = defn.state(new_state).terminal
        stopped, started = [], []
        for cname, r in list(running.items()):
            if cname in a.stops or (terminal and not self.engine.policy.outlives_case(cname)):
                tx.run("stop_clock", {"id": r[0], "now": tx.t(at)})
                stopped.append(cname)
                del running[cname]
        view = guards.CaseView(state=new_state, risk=cols["risk"], flags=tuple(mv["flags"]),
                               party_count=mv["party_count"], lead_official=cols["lead_official"],
                               mediator=cols["mediator"], data=data)
        for st in a.starts:
            if st.due_field or st.clock in running or (st.when and not guards.CONDITIONS[st.when](view, d)):
                continue
            due = self.planner.due(st.clock, at, cols["risk"], mv["category"])
            if due is None:
                continue
            tx.insert_rows("clocks", CLOCK_INSERT, [self._clock_row(mv["cid"], st.clock, at, due, None)])
            kid = tx.query("SELECT id FROM clocks WHERE case_id = :c AND name = :n AND stopped_at IS NULL",
                           {"c": mv["cid"], "n": st.clock})[0][0]
            running[st.clock] = (kid, st.clock)
            started.append(st.clock)
        if stopped:
            d["clocks_stopped"] = stopped
        if started:
            d["clocks_started"] = started
        if terminal and cols["supervision_level"] is not None and "delist" not in a.effects:
            d["supervision_ended"] = end_supervision(data, cols, at, self.actor, new_state)  # as the command does
        mv["events"].append((name, at, state, new_state, d))
        if terminal:
            cols["closed_at"] = tx.t(at)
        elif defn.state(state).terminal:
            cols["closed_at"] = None
        mv["state"] = new_state

    def _recompute_clocks(self, tx, case_id: int, risk: str, category: str) -> None:
        """A corrected risk or category changes the due times of the clocks still running (not set by a person)."""
        for kid, name, started, due, _warn, extended, level, *_ in tx.all("running_clocks", {"case_id": case_id}):
            if extended or name == "supervision":
                continue
            started_dt = tx.time(started)
            new_due = self.planner.due(name, started_dt, risk, category)
            if new_due is None or new_due == tx.time(due):
                continue
            steps = self.engine.policy.steps(name, started_dt, new_due, self.engine.calendar)
            warn = next((at for s, at in steps if s.kind == "fraction"), None)
            step, at = next_step_after(steps, level)
            tx.run("reschedule_clock", {"id": kid, "due_at": tx.t(new_due), "warn_at": tx.t(warn), "extended": extended,
                                        "next_step": step, "next_at": tx.t(at),
                                        "calendar_rev": self.engine.calendar.revision})
