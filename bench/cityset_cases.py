"""Five years of cases for the city data set, written through the ledger import's bulk path.

Each case is drawn as a ledger row would describe it (state, dates per step, parties, risk,
mediator, lead official) and handed to the import's own planner
(:class:`disputeflow.ledger_import.plan.Planner`), which replays the workflow's actions up to
that state, with the clocks those actions start and stop and their due times from the policy
and the business calendar. The rows then go in as the import writes them
(:mod:`disputeflow.cases.ledger_bulk`: reserved ids and numbers, ``insert_rows``, the chain
writer), except that each event carries the person who would have done it (reporter, mediator,
supervisor …) rather than the importer, and the import's bookkeeping (``imported`` on the report,
``ledger`` in the case data) is left out. Every event is linked and sealed with
:func:`disputeflow.cases.chain.link`, the last one carrying the case's full snapshot, so
``Engine.verify_audit`` passes. Outbox rows are written for the events of the last 30 days
(``routed`` as the dispatcher leaves them, ``pending`` in the last hour); no delivery rows.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from disputeflow.cases import chain_writer, ledger_bulk
from disputeflow.cases.audit import case_snapshot
from disputeflow.cases.chain import EMPTY, link
from disputeflow.ledger_import.line import LedgerLine
from disputeflow.ledger_import.mapping import load_mapping
from disputeflow.ledger_import.plan import Planner
from disputeflow.ledger_import.writer import BulkWriter
from disputeflow.workflow import audience as audiences
from disputeflow.workflow.commands import dumps
from disputeflow.workflow.decision import _payload
from disputeflow.workflow.timeutil import LOCAL_TZ

from bench.cityset_names import STORIES, mobile, person_name

DAY = 86400.0
CATEGORIES = {"neighbour": 24, "marriage_family": 18, "land": 12, "house_site": 8, "labour": 9, "contract": 8,
              "damages": 7, "property": 5, "demolition": 3, "medical": 1, "environment": 2, "consumer": 1, "other": 2}
SOURCES = {"grid": 58, "visit": 20, "hotline": 10, "police": 5, "petition": 3, "court": 2, "other": 2}
RISKS = {"low": 56, "medium": 30, "high": 11, "critical": 3}
SATISFACTION = {"satisfied": 80, "basically_satisfied": 17, "dissatisfied": 3}
OPEN_MIX = {"assessed": 10, "controlled": 8, "mediating": 45, "resolved": 9, "following_up": 15, "referred": 8,
            "reported": 5}
FRESH_MIX = {"reported": 40, "assessed": 30, "controlled": 10, "mediating": 20}
END_MIX = {"closed": 86, "withdrawn": 7, "declined": 4, "referred": 3}
OUTBOX_DAYS = 30
OUTBOX_COLUMNS = ("created_at", "event", "case_id", "case_number", "actor", "audience", "payload", "status",
                  "attempts", "next_attempt_at", "sent_at")


_CUMS: dict[int, tuple[list[str], list[int]]] = {}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    got = _CUMS.get(id(weights))
    if got is None:
        got = _CUMS[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
    return rng.choices(got[0], cum_weights=got[1])[0]


def open_share(age_days: float) -> float:
    """The chance a case reported ``age_days`` ago is still open (local practice: most close within two months)."""
    if age_days < 14:
        return 0.9
    if age_days < 60:
        return 0.45
    if age_days < 180:
        return 0.08
    if age_days < 365:
        return 0.02
    return 0.004


def report_times(rng: random.Random, n: int, now: datetime, years: int) -> list[datetime]:
    """``n`` report times over ``years`` ending at ``now``, sorted: a quarter more in the last year than in the first,
    working hours in Shanghai (most on weekdays), never after ``now``."""
    span = years * 365.0
    out = []
    local_now = now.astimezone(LOCAL_TZ)
    while len(out) < n:
        age = rng.random() * span
        if rng.random() * 1.3 > 1.0 + 0.3 * (1 - age / span):  # density grows towards now
            continue
        day = (local_now - timedelta(days=age)).date()
        if day.weekday() >= 5 and rng.random() < 0.7:
            continue
        minutes = int(rng.triangular(8 * 60, 18 * 60, 10 * 60))
        at = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, rng.randrange(60),
                      tzinfo=LOCAL_TZ).astimezone(timezone.utc)
        if at < now - timedelta(minutes=30):
            out.append(at)
    out.sort()
    return out


class CaseMaker:
    """Draws case records and writes them in batches; one per build (memoises plans' clocks and times)."""

    def __init__(self, engine, places, now: datetime, seed: int):
        rt = engine._rt  # the runtime the import's writer is built on (as disputeflow.ledger_import.service does)
        self.rt = rt
        self.defn = rt.definition()
        self.line = LedgerLine(self.defn, rt.compiled(self.defn), load_mapping(None, self.defn).dates)
        self.planner = Planner(rt, self.defn, "system", {"namespace": "cityset"}, self.line)
        self.writer = BulkWriter(rt, self.planner, "system", "cityset", now - timedelta(days=OUTBOX_DAYS),
                                 {u[0]: u for u in places.case_units})
        self.places = places
        self.now = now
        self.rng = random.Random(seed)
        self.actions = {a.name: a for a in self.defn.actions}
        self.intake_tokens = self.defn.intake.notify_tokens if self.defn.intake.notify else ()
        self.outbox_from = now - timedelta(days=OUTBOX_DAYS)
        self.counts: dict[str, int] = defaultdict(int)
        self.terminal = {st.name: st.terminal for st in self.defn.states}
        self.off_board = frozenset(rt.policy.off_board)  # late on these is no one's lateness (tier, 司法确认 window)
        self.open_cases: list[tuple] = []  # (number, state, updated_at, mediator, town, overdue)
        self.samples: list[tuple] = []  # (number, state, [(name, phone)])
        self.seen = 0

    # ------------------------------------------------------------------ drawing one case

    def record(self, key: int, t0: datetime) -> tuple[dict, dict]:
        """A ledger-like record for a case reported at ``t0``, and who did each of its steps."""
        rng, p = self.rng, self.places
        age = (self.now - t0).total_seconds() / DAY
        if rng.random() < open_share(age):
            state = _pick(rng, FRESH_MIX if age < 3 else OPEN_MIX)
        else:
            state = _pick(rng, END_MIX)
        category, source = _pick(rng, CATEGORIES), _pick(rng, SOURCES)
        unit = p.case_unit(rng, source)
        a, b = person_name(rng), person_name(rng)
        while b == a or b[0] == a[0] and rng.random() < 0.5:
            b = person_name(rng)
        titles, story = STORIES[category]
        phone_a = mobile(rng)
        phone_b = mobile(rng)
        while phone_b == phone_a:
            phone_b = mobile(rng)
        town, village = p.town_of(unit), p.village_of(unit)
        addr = f"{p.names[town]}{p.names.get(village, '')}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        parties = [{"name": a, "role": "applicant", "phone": phone_a, "id_number": _id_number(rng, t0),
                    "address": addr},
                   {"name": b, "role": "respondent", "phone": phone_b,
                    "id_number": _id_number(rng, t0) if rng.random() < 0.6 else None, "address": None}]
        risk = _pick(rng, RISKS)
        mediator = p.mediator_for(rng, unit, risk)
        rec = {"key": str(key), "title": rng.choice(titles).format(a=a, b=b), "category": category, "unit": unit,
               "description": story, "source": source, "parties": parties, "state": state, "risk": risk,
               "flags": [f for f, w in (("civil_to_criminal", 0.03), ("violence", 0.03), ("key_person", 0.02))
                         if rng.random() < w],
               "mediator": mediator, "lead_official": p.lead_for(rng, town) if risk in ("high", "critical") else None,
               "measures": "包案领导约谈双方，网格员每日走访", "outcome": rng.choice(("written_agreement", "oral_agreement",
                                                                   "written_agreement", "no_agreement")),
               "method": rng.choice(("visit", "phone")), "satisfaction": _pick(rng, SATISFACTION),
               "relapse_risk": "low", "withdraw_reason": "双方自行和解，申请撤回", "decline_reason": "被申请人明确拒绝调解",
               "declined_by": b, "referred_to": rng.choice(("police", "court", "petition", "department")),
               "referred_detail": "超出人民调解范围，移交有关部门处理",
               "dates": self._dates(rng, t0, state, age, risk)}
        if rng.random() < 0.1:
            rec["responsible_unit"] = p.office_of(town)
        supervisor = p.supervisor_for(rng, town)
        who = {"report": p.reporter_for(rng, unit, source, mediator), "assess": mediator, "control": mediator,
               "mediate": mediator, "resolve": mediator, "follow_up": p.grid_officer_of(unit) or mediator,
               "close": supervisor, "refer": mediator, "withdraw": mediator, "decline": mediator,
               "assign": supervisor, "assign_lead": supervisor}
        return rec, who

    def _dates(self, rng: random.Random, t0: datetime, state: str, age: float, risk: str) -> dict[str, str]:
        """The dates of each step up to ``state``, squeezed to fit before now."""
        gaps = [("assessed_at", rng.uniform(0.05, 1.5 if risk in ("low", "medium") else 0.15)),
                ("controlled_at",
                 rng.uniform(0.1, 1.0) if risk in ("high", "critical") or rng.random() < 0.1 else None),
                ("mediation_at", rng.uniform(0.5, 6)), ("resolved_at", rng.lognormvariate(2.4, 0.6)),
                ("followed_up_at", rng.uniform(2, 9)), ("closed_at", rng.uniform(3, 28))]
        upto = {"reported": 0, "assessed": 1, "controlled": 2, "mediating": 3, "resolved": 4, "following_up": 5,
                "closed": 6}
        if state in upto:
            last = upto[state]
            steps = [(k, g) for k, g in gaps[:last] if g is not None]
        else:  # an exit: from some line state, on the closing date
            keep = rng.randint(1, 3 if state != "declined" else 2)
            steps = [(k, g) for k, g in gaps[:keep] if g is not None] + [("closed_at", rng.uniform(1, 20))]
        total = sum(g for _, g in steps)
        room = age * (0.85 if state in ("closed", "withdrawn", "declined") else rng.uniform(0.2, 0.95))
        scale = min(1.0, room / total) if total else 1.0
        out, t = {"reported_at": t0.isoformat()}, t0
        for k, g in steps:
            t = self._working(rng, t + timedelta(days=g * scale))
            out[k] = t.isoformat()
        return out

    def _working(self, rng: random.Random, at: datetime) -> datetime:
        """``at`` to the second, moved to the next morning when it falls outside 8:00–18:00 Shanghai (not past now)."""
        local = at.astimezone(LOCAL_TZ).replace(microsecond=0)
        if not 8 <= local.hour < 18:
            day = local.date() + timedelta(days=1 if local.hour >= 18 else 0)
            local = datetime(day.year, day.month, day.day, 8, 30, tzinfo=LOCAL_TZ) + timedelta(
                seconds=rng.randrange(3 * 3600))
        moved = local.astimezone(timezone.utc)
        return moved if moved < self.now - timedelta(minutes=10) else at.replace(microsecond=0)

    # ------------------------------------------------------------------ one batch

    def prepare(self, key: int, t0: datetime):
        """Plan one case: ``((unit path, year), case tail, events, parties, clocks, snapshot, outbox facts)``."""
        rec, who = self.record(key, t0)
        planner, conv, canon = self.planner, self.writer._conv, self.writer._canon_time
        planner.actor = rec["mediator"]  # "by" in the records an action keeps (follow-ups)
        plan = planner.plan(rec, key)
        plan.data.pop("ledger", None)
        plan.events[0].data.pop("imported", None)
        events = [(conv(ev.at), canon(ev.at), who.get(ev.action) or rec["mediator"], ev.action, ev.from_state,
                   ev.to_state, dumps(ev.data), ev) for ev in plan.events]
        unit = rec["unit"]
        unit_path = self.places.path[unit]
        flags, data = dumps(rec["flags"]), dumps(plan.data)
        lead, resp = rec.get("lead_official"), rec.get("responsible_unit")
        case = (self.defn.name, self.defn.version, plan.state, len(events), rec["title"], rec["category"],
                rec["source"], rec["description"], unit, unit_path, plan.risk, plan.risk_floor, flags, plan.people,
                events[0][2], rec["mediator"], lead, resp, None, data, conv(t0), conv(plan.updated_at),
                conv(plan.closed_at), len(events))
        parties = [(i, q["name"], q["role"], q["phone"], q["id_number"], q["address"])
                   for i, q in enumerate(plan.parties, start=1)]
        clocks = [self.writer._clock_tail(c.name, c.started_at, c.due_at, c.stopped_at, plan.risk, rec["category"])
                  for c in plan.clocks]
        snap = dumps(case_snapshot(plan.state, plan.risk, plan.risk_floor, flags, rec["mediator"], lead, resp, None,
                                   unit, rec["title"], rec["category"], data, [r[1:] for r in parties]))
        self.counts[f"state:{plan.state}"] += 1
        facts = (unit_path, rec["mediator"], lead, resp, self.places.town_of(unit), plan.updated_at, plan.state,
                 any(c.stopped_at is None and c.due_at <= self.now and c.name not in self.off_board
                     for c in plan.clocks))
        return (unit_path, self.rt.local_year(t0)), case, events, parties, clocks, snap, facts

    def write(self, tx, prepared: list) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
        """Insert a batch of prepared cases in ``tx``; returns the rows written, per table (columns, rows)."""
        ids = ledger_bulk.allocate_case_ids(tx, len(prepared))
        need: dict[tuple[str, int], int] = defaultdict(int)
        keys = [(self.rt.number_prefix(tx, p[0][0]), p[0][1]) for p in prepared]
        for k in keys:
            need[k] += 1
        nxt = ledger_bulk.reserve_numbers(tx, need)
        signer = tx.store.signer
        cases, parties, audits, clocks, outbox = [], [], [], [], []
        for (_, case, events, prows, crows, snap, slots), case_id, k in zip(prepared, ids, keys):
            number = f"{k[0]}-{k[1]}-{nxt[k]:06d}"
            nxt[k] += 1
            head = EMPTY
            for seq, (at, canon, actor, action, frm, to, data, ev) in enumerate(events, start=1):
                fields = snap if seq == len(events) else "{}"
                ln = link(signer, head, number, canon, actor, action, frm, to, data, fields)
                audits.append((case_id, ln.seq, at, actor, action, frm, to, data, ln.prev_hash, ln.hash, fields,
                               ln.key_id))
                head = ln.head
                if ev.at >= self.outbox_from:
                    self._notify(outbox, ev, at, case_id, number, actor, seq, slots)
            cases.append((case_id, number, *case, head.hash))
            self._remember(number, prows, slots)
            parties.extend((case_id, *r) for r in prows)
            clocks.extend((case_id, *r) for r in crows)
        tx.insert_rows("cases", ledger_bulk.CASE_INSERT, cases)
        tx.insert_rows("parties", ledger_bulk.PARTY_INSERT, parties)
        chain_writer.append(tx, chain_writer.CASES, audits, {}, held=True)
        tx.insert_rows("clocks", ledger_bulk.CLOCK_INSERT, clocks)
        tx.insert_rows("outbox", OUTBOX_COLUMNS, outbox)
        return {"cases": (ledger_bulk.CASE_INSERT, cases), "parties": (ledger_bulk.PARTY_INSERT, parties),
                "audit_events": (chain_writer.CASES.columns, audits), "clocks": (ledger_bulk.CLOCK_INSERT, clocks),
                "outbox": (OUTBOX_COLUMNS, outbox)}

    def _remember(self, number: str, prows: list[tuple], facts: tuple) -> None:
        """Keep what the samples and the work orders need: open cases, and every 50th case's parties."""
        _, mediator, _, _, town, updated, state, overdue = facts
        if not self.terminal[state]:
            self.open_cases.append((number, state, updated, mediator, town, overdue))
        self.seen += 1
        if self.seen % 50 == 1 and len(self.samples) < 2000:
            self.samples.append((number, state, [(r[1], r[3]) for r in prows]))

    def _notify(self, outbox: list, ev, at, case_id: int, number: str, actor: str, seq: int, slots) -> None:
        """The outbox row the command would have queued for ``ev``, as the dispatcher left it."""
        if ev.action == self.defn.intake.name:
            tokens = self.intake_tokens
        else:
            a = self.actions.get(ev.action)
            tokens = a.notify_tokens if a is not None and a.notify else ()
        if not tokens:
            return
        unit_path, mediator, lead, resp = slots[:4]
        who = audiences.audience_of(tokens, unit_path, {"mediator": mediator, "lead_official": lead,
                                                        "responsible_unit": resp}, ev.data)
        if not who:
            return
        payload = _payload(ev.from_state or "", ev.to_state, seq)
        if self.now - ev.at < timedelta(hours=1):
            outbox.append((at, ev.action, case_id, number, actor, dumps(who), payload, "pending", 0, at, None))
        else:
            sent = self.writer._conv(ev.at + timedelta(seconds=3))
            outbox.append((at, ev.action, case_id, number, actor, dumps(who), payload, "routed", 1, at, sent))


def _id_number(rng: random.Random, t0: datetime) -> str:
    """A well-formed 18-digit resident ID (area, birth date, sequence, ISO 7064 check digit); made up."""
    age = rng.randint(20, 80)
    born = t0.date() - timedelta(days=int(age * 365.25) + rng.randrange(365))
    area = rng.choice((330122, 330127, 330182, 341721, 341722, 320481, 510921))
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(c) * w for c, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
    return body + "10X98765432"[total % 11]


def spread(n: int, parts: int) -> list[int]:
    """``n`` split into ``parts`` near-equal whole shares."""
    base = n // parts
    return [base + (1 if i < n - base * parts else 0) for i in range(parts)]

