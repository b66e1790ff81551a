"""The bulk path: write a batch of validated ledger rows in one transaction.

New rows become cases with a few multi-row inserts per batch
(:mod:`disputeflow.cases.ledger_bulk`): numbers are reserved per prefix and
year with one counter update, case ids with one query, and every row's
parties, hash-chained audit events, clocks and import key go in with the case.
A batch commits whole or not at all, so a killed import leaves no half-imported
row, and the import key makes the next run skip what was committed. A row whose
key is known and whose content changed is a correction (``corrections``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from disputeflow.cases import ledger_bulk, ledger_store
from disputeflow.cases.audit import canonical_time, case_snapshot
from disputeflow.cases.chain import EMPTY, link
from disputeflow.cases.types import to_sqlite
from disputeflow.ledger_import.corrections import Corrector
from disputeflow.ledger_import.plan import Planner
from disputeflow.workflow.clocks import next_step_after
from disputeflow.workflow.commands import dumps


class BulkWriter:
    """Writes batches for one import: one actor, one namespace, one definition."""

    def __init__(self, engine, planner: Planner, actor_id: str, namespace: str, now: datetime, units: dict,
                 role: str = "supervisor"):
        self.engine = engine
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
        # the importer's role: reopening a case is an action the definition grants by role
        self.corrector = Corrector(self, role)

    @property
    def state_column(self) -> str:
        """The ledger's heading of the state, for problems found while writing."""
        return self.corrector.state_column

    @state_column.setter
    def state_column(self, label: str) -> None:
        self.corrector.state_column = label

    def existing(self, tx, keys: list[str]) -> dict[str, tuple[int, str]]:
        """key -> (case_id, row_hash) for the keys already imported in this namespace."""
        return ledger_store.known_keys(tx, self.namespace, keys)

    def forecast(self, tx, rec: dict, case_id: int, row: int):
        """A dry run's word on how a changed row would move its case (see :meth:`Corrector.forecast`)."""
        return self.corrector.forecast(tx, rec, case_id, row)

    # ----------------------------------------------------------------- one batch

    def write_batch(self, items: list[tuple[int, dict, str, str]], prepared: list | None = None) -> dict:
        """Write ``(row, record, record_hash, record_json)`` items in one transaction.

        ``prepared`` is :meth:`prepare` of ``items`` when the caller computed it
        ahead (in another thread, while the previous batch was being written).

        Returns:
            counts of created, updated and unchanged rows, and ``problems`` for
            corrections that could not be applied (the rest of the batch is written).
        """
        from disputeflow.workflow.decision import Outcome
        from disputeflow.workflow.events import IMPORT_EVENT
        from disputeflow.workflow.unit_of_work import owned

        integrity = self.store.engine.dialect.dbapi.IntegrityError
        with owned(self.engine):  # a before_commit listener: the batch on a SQLAlchemy connection, told inside
            try:
                got = self._write_batch(items, prepared)
            except integrity:
                # another import of the same ledger committed some of these keys first:
                # this batch rolled back whole; again, those rows are known and compare as such
                got = self._write_batch(items, prepared)
            if got["created"] or got["updated"]:  # listeners (engine.on) hear of each batch that changed cases
                counts = {k: got[k] for k in ("created", "updated", "unchanged")}
                self.engine.emit(Outcome(IMPORT_EVENT, "", self.actor, self.now, None, "", 0, 0, counts))
        return got

    def _write_batch(self, items: list[tuple[int, dict, str, str]], prepared: list | None) -> dict:
        result = {"created": 0, "updated": 0, "unchanged": 0, "problems": [], "notices": [],
                  "tracking": {"open": 0, "overdue": 0}}
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
                for p in new:
                    result["tracking"]["open"] += p[-1][0]
                    result["tracking"]["overdue"] += p[-1][1]
                result["created"] = len(new)
            for (row, rec, h, js), case_id in changed:
                problem, notice = self.corrector.apply(tx, row, rec, h, js, case_id)
                if problem is None:
                    result["updated"] += 1
                    if notice is not None:
                        result["notices"].append(notice)
                else:
                    result["problems"].append(problem)
        return result

    # ----------------------------------------------------------------- new cases

    def _numbers(self, tx, years: list[tuple[str, int]]) -> list[str]:
        """Case numbers for new cases given as (unit path, local report year), reserved with one update per prefix and year."""
        keys = [(self.engine.number_prefix(tx, path), year) for path, year in years]
        need: dict[tuple[str, int], int] = defaultdict(int)
        for k in keys:
            need[k] += 1
        nxt = ledger_bulk.reserve_numbers(tx, need)
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
                    dumps(rec["flags"]), plan.people, actor, rec.get("mediator"),
                    rec.get("lead_official"), rec.get("responsible_unit"), None, dumps(plan.data),
                    t(plan.events[0].at), t(plan.updated_at), t(plan.closed_at), n_events)
            parties = [(i, p["name"], p.get("role") or "applicant", p.get("phone"), p.get("id_number"), p.get("address"))
                       for i, p in enumerate(plan.parties, start=1)]
            clocks = [self._clock_tail(c.name, c.started_at, c.due_at, c.stopped_at, plan.risk, rec["category"])
                      for c in plan.clocks]
            # the case as the replayed history leaves it: recorded on its last event
            fields = dumps(case_snapshot(plan.state, plan.risk, plan.risk_floor, case[12], case[15], case[16],
                                         case[17], None, rec["unit"], rec["title"], rec["category"], case[19],
                                         [r[1:] for r in parties]))
            out.append(((unit_path, local_year(plan.events[0].at)), case, events, parties, clocks,
                        (rec["key"], h, js), fields, self.tracking(plan)))
        return out

    def _insert(self, tx, prepared: list[tuple]) -> None:
        """The prepared rows with their ids, numbers and chains: each case's chain built as a command builds it."""
        ids = ledger_bulk.allocate_case_ids(tx, len(prepared))
        numbers = self._numbers(tx, [p[0] for p in prepared])
        now = self._conv(self.now)
        actor = self.actor
        ns = self.namespace
        cases, parties, audits, clocks, keys = [], [], [], [], []
        signer = self.store.signer
        for (_, case, events, prows, crows, (key, h, js), snap, _), case_id, number in zip(prepared, ids, numbers):
            head = EMPTY
            last = len(events)
            for seq, (at, canon, action, frm, to, data) in enumerate(events, start=1):
                fields = snap if seq == last else "{}"
                ln = link(signer, head, number, canon, actor, action, frm, to, data, fields)
                audits.append((case_id, ln.seq, at, actor, action, frm, to, data, ln.prev_hash, ln.hash, fields,
                               ln.key_id))
                head = ln.head
            cases.append((case_id, number, *case, head.hash))
            parties.extend((case_id, *r) for r in prows)
            clocks.extend((case_id, *r) for r in crows)
            keys.append((ns, key, case_id, h, js, now, now))
        ledger_bulk.insert_new_cases(tx, cases, parties, audits, clocks, keys)

    def tracking(self, plan) -> tuple[int, int]:
        """(1 if the planned case is open, 1 if one of its running clocks fell due before the import)."""
        running = [c for c in plan.clocks if c.stopped_at is None]
        is_open = int(not self.planner._terminal[plan.state])
        return is_open, int(is_open and any(c.due_at <= self.now for c in running))

    def _canon_time(self, at: datetime) -> str:
        """``disputeflow.cases.audit.canonical_time``, memoised (rows share their dates)."""
        canon = self._canon.get(at)
        if canon is None:
            if len(self._canon) > 50_000:
                self._canon.clear()
            canon = self._canon[at] = canonical_time(at)
        return canon

    def _clock_row(self, case_id: int, name: str, started: datetime, due: datetime, stopped: datetime | None,
                   risk: str | None = None, category: str | None = None):
        return (case_id, *self._clock_tail(name, started, due, stopped, risk, category))

    def _clock_tail(self, name: str, started: datetime, due: datetime, stopped: datetime | None,
                    risk: str | None = None, category: str | None = None) -> tuple:
        """A clocks row without its case id (the ladder and the converted times memoised per clock, start, due
        and the case's risk and category, which decide business time and quiet hours)."""
        t = self._conv
        key = (name, started, due, risk, category)
        got = self._ladder.get(key)
        if got is None:
            if len(self._ladder) > 50_000:
                self._ladder.clear()
            steps = self.engine.policy.steps(name, started, due, self.engine.calendar, risk, category)
            warn = next((at for s, at in steps if s.kind == "fraction"), None)
            # history is history: the steps of the ladder that fell before the import are passed over,
            # so the sweep neither escalates nor notifies nor lists the case for them
            passed = next((s.name for s, at in reversed(steps) if at <= self.now), None)
            step, at = next_step_after(steps, passed)
            head = (name, t(started), t(due), t(warn), self.engine.calendar.revision)
            got = self._ladder[key] = (head + ("stopped",), head + ("running", None, 0, passed, step, t(at)))
        if stopped:
            return got[0] + (t(stopped), 0, None, None, None)
        return got[1]
