"""The escalation sweep: raise every ladder step that has come due, exactly once.

The sweep reads clocks through the partial index on ``next_at``, so its cost
grows with the due clocks, not with the open cases. Exactly-once is the
database's job: ``UNIQUE(clock_id, step)`` on the escalations table decides who
raised a step; on PostgreSQL concurrent sweepers claim disjoint clocks (and
their cases) with ``FOR UPDATE SKIP LOCKED``; on SQLite ``BEGIN IMMEDIATE``
serialises them. A late sweep raises every step that passed, in order.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from datetime import datetime
from typing import NamedTuple

from disputeflow.cases.audit import canonical_time, digest, seal
from disputeflow.cases.types import from_db, to_sqlite
from disputeflow.workflow.clocks import row as clock_row
from disputeflow.workflow.commands import dumps
from disputeflow.workflow.timeutil import iso
from disputeflow.workflow.policy import TIER_CLOCK, TIER_STEP

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
SWEEP_CHECKPOINT_PAGES = 10_000  # SQLite: the WAL may grow to ~40 MB during a sweep (see "Fast paths" in bench/README.md)


def _claim_sql(store) -> str:
    base = ("SELECT k.id, k.case_id, k.name, k.started_at, k.due_at, k.level, c.number, c.state, c.version, "
            "c.audit_seq, c.audit_hash, c.supervision_level, c.data, c.unit_path, c.mediator, c.lead_official, "
            "c.responsible_unit, c.definition, c.definition_version, c.unit_id, c.risk, c.category "
            "FROM clocks k JOIN cases c ON c.id = k.case_id "
            "WHERE k.next_at IS NOT NULL AND k.next_at <= :now ORDER BY k.next_at, k.id LIMIT :batch")
    if not store.is_sqlite:
        base += " FOR UPDATE OF k, c SKIP LOCKED"
    return base


def run(engine, now: datetime, batch: int = 500, stop: threading.Event | None = None) -> list[dict]:
    """Raise due steps in batches until none is left; returns what was raised.

    ``stop`` (the scheduler's shutdown) ends the run after the batch in hand:
    each batch commits whole, and the next pass raises the rest.
    """
    raised: list[dict] = []
    with engine.store.checkpoint_every(SWEEP_CHECKPOINT_PAGES):
        while True:
            got, n = _batch_retrying_deadlocks(engine, now, batch)
            raised.extend(got)
            if n < batch:
                break
            if stop is not None and stop.is_set():
                return raised
    from disputeflow.workflow import duty_sweep  # key-person duties: roll the next occurrences, forward their escalations

    if duty_sweep.after_sweep(engine, now, batch, raised):
        raised.extend(run(engine, now, batch, stop))  # what the new occurrences already owe, then forwarding
    return raised


DEADLOCK_RETRIES = 5


def _batch_retrying_deadlocks(engine, now: datetime, batch: int) -> tuple[list[dict], int]:
    """:func:`_one_batch`, run again when PostgreSQL chose it as a deadlock's victim.

    Sweepers take their shared rows in one order (see the talk rows), so a
    deadlock needs a command in the cycle (one listing a case for supervision
    while the sweep lists it automatically). The victim's batch was rolled back
    whole, so running it again raises nothing twice; after a few tries the
    error goes up as before.
    """
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            return _one_batch(engine, now, batch)
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != "40P01" or attempt == DEADLOCK_RETRIES:
                raise
            log.warning("sweep batch chosen as a deadlock victim; running it again (%d)", attempt + 1)
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("not reached")


def _one_batch(engine, now: datetime, batch: int) -> tuple[list[dict], int]:
    """Claim up to ``batch`` clocks with a step due, raise their steps, in one transaction.

    Writes go in bulk (``executemany`` on SQLite, one statement per table on
    PostgreSQL): the claim holds the clocks (``SKIP LOCKED`` on PostgreSQL, the
    write lock on SQLite), so each clock's ``level`` says which steps are new.
    The unique constraint stays the arbiter: if the insert of escalations meets
    a conflict (a row the level did not explain), only the steps it inserted are
    raised (see :func:`_insert_escalations`).

    Per escalation the loop does only what differs from one to the next; what
    repeats within a batch (a ladder's texts, a step's JSON pieces, an
    audience) is looked up in :class:`_BatchTexts`.
    """
    store = engine.store
    policy = engine.policy
    raised: list[dict] = []
    with store.write() as tx:
        t_now = tx.t(now)
        rows = tx.query(_claim_sql(store), {"now": t_now, "batch": batch})
        texts = _BatchTexts(policy, engine.calendar, tx)
        cases: dict[int, dict] = {}
        new: list[tuple] = []
        clock_updates: list[tuple] = []
        tier_done: list[dict] = []  # clocks stopped by this batch: the tier milestone passed, or the case ended
        ended_states: dict[tuple, frozenset] = {}
        for (kid, case_id, name, started, due, level, number, state, version, seq, h, sup, data, unit_path,
             mediator, lead, resp, dname, dver, unit_id, risk, category) in rows:
            ended = ended_states.get((dname, dver))
            if ended is None:
                ended = ended_states[(dname, dver)] = frozenset(engine.definition(dname, dver).terminal_states)
            if state in ended and not policy.outlives_case(name):
                # a clock an ended case should not be running (a path that forgot to stop it): stop, never escalate
                tier_done.append({"level": level, "now": t_now, "id": kid})
                continue
            steps, due_iso = texts.ladder(name, started, due)
            first = 0
            for i, s in enumerate(steps):
                if s[0].name == level:
                    first = i + 1
            c = cases.get(case_id)
            if c is None:
                c = cases[case_id] = {
                    "id": case_id, "number": number, "state": state, "version": version, "seq": seq, "hash": h,
                    "sup": sup, "data": data,
                    "unit_path": unit_path, "mediator": mediator, "lead": lead, "resp": resp, "unit_id": unit_id,
                    "risk": risk, "category": category, "events": []}
            k, last = first, len(steps)
            while k < last and steps[k][1] <= now:
                new.append((c, kid, name, steps[k], due_iso))
                k += 1
            new_level = steps[k - 1][0].name if k > first else level
            if k < last:
                clock_updates.append((kid, new_level, steps[k][0].name, steps[k][2]))
            elif name == TIER_CLOCK:
                # the milestone has passed: the clock has done its one job
                tier_done.append({"level": new_level, "now": t_now, "id": kid})
            else:
                clock_updates.append((kid, new_level, None, None))
        if new:
            for c, kid, name, step, due_iso in _insert_escalations(tx, new, t_now):
                c["events"].append((name, step, due_iso))
        audits: list[tuple] = []
        outbox: list[tuple] = []
        case_updates: list[tuple] = []
        new_clocks: list[tuple] = []
        listed: set[tuple[str, str]] = set()  # (unit, month) known to be on the talk list
        talks: dict[tuple[str, str], tuple] = {}  # (unit, month) → the first red card of the batch for it
        listing = None  # the auto-listing deadline and supervision clock depend only on now: once a batch
        canonical_now = canonical_time(now)
        signer = store.signer
        talk_step = policy.unit_talk_step
        auto = policy.auto_listing
        for case_id, c in cases.items():
            if not c["events"]:
                continue
            seq, h, number, state = c["seq"], c["hash"], c["number"], c["state"]
            data = None
            for clock, (step, at, _at_db, at_iso), due_iso in c["events"]:
                piece = texts.step(step)
                lists = step.list_for_supervision and not c["sup"] and auto.applies(c["risk"], c["category"])
                special = piece.special or lists
                if not special:
                    # the common case, written straight to the canonical JSON dumps() would give
                    action, event = "escalate", piece.event
                    audit_json = _payload_json(texts.json(clock), piece, at_iso, due_iso)
                    listed_now = False
                    fields_json = "{}"
                else:
                    action, event = "escalate", f"escalate.{step.name}"
                    payload = {"clock": clock, "step": step.name, "step_at": at_iso, "due_at": due_iso,
                               "recipients": list(step.recipients)}
                    data = json.loads(c["data"]) if data is None else data
                    if step.name == TIER_STEP:
                        action, event = "tier_upgrade", "case.tier_upgraded"
                        payload = {"tier": "complex", "from_tier": data.get("tier", "ordinary"), "step_at": at_iso,
                                   "recipients": list(step.recipients)}
                        data["tier"] = "complex"
                    if lists:
                        c["sup"] = auto.level
                        if listing is None:
                            deadline = policy.listing_deadline(now, engine.calendar)
                            params = clock_row(engine, tx.t, 0, "supervision", now, deadline)
                            listing = (iso(deadline), (params["name"], params["started_at"], params["due_at"],
                                                       params["warn_at"], params["calendar_rev"], "running",
                                                       params["next_step"], params["next_at"]))
                        deadline_iso, clock_values = listing
                        data["supervision_authority"] = auto.by_zh
                        data["supervision_deadline"] = deadline_iso
                        data["supervision_auto"] = True
                        payload["listed_for_supervision"] = {"level": auto.level, "authority": auto.by_zh,
                                                             "deadline": deadline_iso}
                        new_clocks.append((case_id, *clock_values))
                    audit_json = dumps(payload)
                    listed_now = "listed_for_supervision" in payload
                    changed = {"data": digest(dumps(data))}
                    if listed_now:
                        changed["supervision_level"] = c["sup"]
                    fields_json = dumps(changed)
                seq += 1
                prev = h
                h, key_id = seal(signer, prev, number, seq, canonical_now, SYSTEM_ACTOR, action, state, state,
                                 audit_json, fields_json)
                audits.append((case_id, seq, t_now, SYSTEM_ACTOR, action, state, state, audit_json, prev, h,
                               fields_json, key_id))
                outbox.append((t_now, event, case_id, number, SYSTEM_ACTOR, texts.audience(step, c), audit_json,
                               "pending", 0, t_now))
                raised.append({"number": number, "clock": clock, "step": step.name, "step_at": at_iso,
                               "due_at": due_iso, "listed": listed_now})
                if step.name == talk_step:
                    talks.setdefault(_talk_key(c, at), (c, at))
            # every event bumps the version: version - audit_seq stays what it was (0 on every case since 0012)
            case_updates.append((case_id, seq, h, c["sup"], c["data"] if data is None else dumps(data), t_now,
                                 c["version"] + seq - c["seq"]))
        # Talk rows are the one thing concurrent sweepers insert under the same keys: taken in one
        # order (sorted by unit and month), two batches can wait for each other's row but never both.
        for key in sorted(talks):
            talk = _unit_talk(engine, tx, *talks[key], now, listed)
            if talk:
                raised.append(talk)
        with tx.pipeline():  # nothing below is read back: one round trip on PostgreSQL
            tx.update_rows("clocks", "id", ("level", "next_step", "next_at"), clock_updates)
            if tier_done:
                tx.cur.executemany(store.translate(
                    "UPDATE clocks SET level = :level, next_step = NULL, next_at = NULL, stopped_at = :now, "
                    "status = 'stopped' WHERE id = :id"), tier_done)
            tx.insert_rows("clocks", NEW_CLOCK_COLUMNS, new_clocks, _CLOCK_IF_ABSENT)
            tx.insert_rows("audit_events", AUDIT_COLUMNS, audits)
            tx.insert_rows("outbox", OUTBOX_COLUMNS, outbox)
            tx.update_rows("cases", "id", ("audit_seq", "audit_hash", "supervision_level", "data", "updated_at",
                                           "version"), case_updates)
    return raised, len(rows)


AUDIT_COLUMNS = ("case_id", "seq", "at", "actor", "action", "from_state", "to_state", "data", "prev_hash", "hash",
                 "fields", "key_id")
OUTBOX_COLUMNS = ("created_at", "event", "case_id", "case_number", "actor", "audience", "payload", "status",
                  "attempts", "next_attempt_at")
ESCALATION_COLUMNS = ("clock_id", "case_id", "step", "step_at", "raised_at")
_ON_CONFLICT = "ON CONFLICT (clock_id, step) DO NOTHING"
# The supervision clock auto-listing starts; a clock already running (the partial unique index) is left alone.
NEW_CLOCK_COLUMNS = ("case_id", "name", "started_at", "due_at", "warn_at", "calendar_rev", "status", "next_step",
                     "next_at")
_CLOCK_IF_ABSENT = "ON CONFLICT (case_id, name) WHERE stopped_at IS NULL DO NOTHING"


class _StepTexts(NamedTuple):
    """What a ladder step contributes to every escalation of it, as text."""

    name: str  # the step's name as a JSON string
    recipients: str  # its recipients as a JSON list
    event: str  # the outbox event
    special: bool  # its payload is not the common one (the tier upgrade)


class _BatchTexts:
    """What repeats within a batch, converted once: ladders, step texts, clock names, audiences.

    Clocks started together (a bulk import, a duty period) share a ladder, and
    each step's time is wanted three ways — the instant, the database's form and
    the payload's local ISO text — so a ladder is computed and converted once
    per distinct (clock, start, due). Audiences depend only on the step and the
    case's people and unit, which many cases share.
    """

    __slots__ = ("_policy", "_cal", "_tx", "_ladders", "_iso", "_steps", "_json", "_audiences")

    def __init__(self, policy, cal, tx):
        self._policy, self._cal, self._tx = policy, cal, tx
        self._ladders: dict[tuple, tuple] = {}
        self._iso: dict[datetime, str] = {}
        self._steps: dict[str, _StepTexts] = {}
        self._json: dict[str, str] = {}
        self._audiences: dict[tuple, str] = {}

    def ladder(self, name: str, started, due) -> tuple[tuple[tuple], str]:
        """``((step, at, at as stored, at as local ISO), ...)`` in firing order, and due as local ISO.

        ``started`` and ``due`` are the values as fetched from the database.
        """
        key = (name, started, due)
        out = self._ladders.get(key)
        if out is None:
            due_dt = from_db(due)
            # each instant once: ladders rarely share one, so iso() directly, not the batch's cache
            stored = to_sqlite if self._tx.store.is_sqlite else (lambda at: at)
            steps = [(step, at, stored(at), iso(at))
                     for step, at in self._policy.steps(name, from_db(started), due_dt, self._cal)]
            out = self._ladders[key] = (tuple(steps), self.iso(due_dt))
        return out

    def iso(self, dt: datetime) -> str:
        """``timeutil.iso`` of an aware time, once per distinct instant of the batch."""
        out = self._iso.get(dt)
        if out is None:
            out = self._iso[dt] = iso(dt)
        return out

    def step(self, step) -> _StepTexts:
        out = self._steps.get(step.name)
        if out is None:
            out = self._steps[step.name] = _step_texts(step)
        return out

    def json(self, text: str) -> str:
        out = self._json.get(text)
        if out is None:
            out = self._json[text] = _json_str(text)
        return out

    def audience(self, step, c: dict) -> str:
        key = (step.name, c["mediator"], c["lead"], c["resp"], c["unit_path"])
        out = self._audiences.get(key)
        if out is None:
            out = self._audiences[key] = _json_strings(_audience(step.recipients, c))
        return out


_json_str = json.encoder.encode_basestring  # the C escaper dumps() uses (ensure_ascii=False)


def _json_strings(values: list[str]) -> str:
    """``dumps(values)`` for a list of strings, without the encoder's per-call set-up."""
    return "[" + ",".join([_json_str(v) for v in values]) + "]"


def _escalation_json(clock: str, step, at_iso: str, due_iso: str) -> str:
    """``dumps`` of an escalation's payload (keys sorted, no spaces), written directly: this is per escalation.

    The audit hash covers this text, so it must be byte for byte what ``dumps``
    gives; both escape strings with the same ``encode_basestring``, and
    tests/unit/test_sweep_json.py holds them equal over awkward text (Chinese,
    quotes, backslashes, control characters, lone surrogates, no recipients).
    The batch loop calls :func:`_payload_json` with the pieces it has cached.
    """
    return _payload_json(_json_str(clock), _step_texts(step), at_iso, due_iso)


def _payload_json(clock_json: str, piece: _StepTexts, at_iso: str, due_iso: str) -> str:
    return (f'{{"clock":{clock_json},"due_at":{_json_str(due_iso)},"recipients":{piece.recipients},'
            f'"step":{piece.name},"step_at":{_json_str(at_iso)}}}')


def _step_texts(step) -> _StepTexts:
    return _StepTexts(_json_str(step.name), _json_strings(list(step.recipients)), f"escalate.{step.name}",
                      step.name == TIER_STEP)


def _insert_escalations(tx, new: list, t_now) -> list:
    """Insert the escalation rows; return the ones this transaction raised (all, unless a conflict says otherwise).

    ``ON CONFLICT DO NOTHING`` leaves out a step some other transaction raised.
    PostgreSQL says which rows it wrote (``RETURNING``); SQLite's executemany
    only how many, so on a shortfall it rolls back to a savepoint (local, no
    round trip) and inserts row by row.
    """
    rows = [(kid, c["id"], s[0].name, s[2], t_now) for c, kid, _name, s, _due in new]
    if not tx.store.is_sqlite:
        written = tx.insert_rows("escalations", ESCALATION_COLUMNS, rows, _ON_CONFLICT + " RETURNING clock_id, step")
        if written == len(rows):
            return new
        log.warning("escalations already present for %d of %d due steps", len(rows) - written, len(rows))
        done = set(tx.cur.fetchall())
        return [n for n, r in zip(new, rows) if (r[0], r[2]) in done]
    tx.cur.execute("SAVEPOINT escalations")
    written = tx.insert_rows("escalations", ESCALATION_COLUMNS, rows, _ON_CONFLICT)
    if written == len(rows):
        tx.cur.execute("RELEASE SAVEPOINT escalations")
        return new
    log.warning("escalations already present for %d of %d due steps; raising row by row",
                len(rows) - max(written, 0), len(rows))
    tx.cur.execute("ROLLBACK TO SAVEPOINT escalations")
    tx.cur.execute("RELEASE SAVEPOINT escalations")
    return [n for n, r in zip(new, rows) if tx.insert_rows("escalations", ESCALATION_COLUMNS, [r], _ON_CONFLICT) == 1]


def _talk_key(c: dict, step_at: datetime) -> tuple[str, str]:
    """The unit a red card counts against and its local month, ``(unit, "YYYY-MM")``."""
    from disputeflow.workflow.timeutil import to_local

    local = to_local(step_at)
    return c["resp"] or c["unit_id"], f"{local.year:04d}-{local.month:02d}"


def _unit_talk(engine, tx, c: dict, step_at: datetime, now: datetime, listed: set) -> dict | None:
    """List the case's responsible unit for a talk (约谈) when its red cards this month reach the policy's count.

    The month is the local calendar month of the step's own time, so a late sweep
    counts a red card in the month it was due. ``UNIQUE(unit_id, month)`` lists a
    unit once per month whatever the number of sweepers.
    """
    from disputeflow.workflow.timeutil import month_bounds

    policy = engine.policy
    unit, month = _talk_key(c, step_at)
    if (unit, month) in listed:
        return None
    if tx.query("SELECT 1 FROM unit_talks WHERE unit_id = :unit AND month = :month", {"unit": unit, "month": month}):
        listed.add((unit, month))  # counting again would only find more of the same
        return None
    start, end = month_bounds(step_at)
    rows = tx.query(
        "SELECT c.number FROM escalations e JOIN cases c ON c.id = e.case_id "
        "WHERE e.step = :step AND e.step_at >= :start AND e.step_at < :end "
        "AND COALESCE(c.responsible_unit, c.unit_id) = :unit "
        "AND (c.closed_at IS NULL OR e.step_at < c.closed_at) ORDER BY e.step_at, e.id",
        {"step": policy.unit_talk_step, "start": tx.t(start), "end": tx.t(end), "unit": unit})
    if not policy.needs_unit_talk(len(rows)):
        return None
    numbers = [r[0] for r in rows]
    listed.add((unit, month))
    n = tx.execute(
        "INSERT INTO unit_talks (unit_id, month, level3_count, cases, listed_at) "
        "VALUES (:unit, :month, :count, :cases, :now) ON CONFLICT (unit_id, month) DO NOTHING",
        {"unit": unit, "month": month, "count": len(numbers), "cases": dumps(numbers), "now": tx.t(now)})
    if n != 1:
        return None
    root = c["unit_path"].strip("/").split("/")[0]
    audience = [f"role:{r}@/{root}/" for r in policy.unit_talk_recipients]
    payload = dumps({"unit": unit, "month": month, "level3_count": len(numbers), "cases": numbers})
    tx.run("insert_outbox", {"now": tx.t(now), "event": "unit.talk_listed", "case_id": None, "case_number": None,
                             "actor": SYSTEM_ACTOR, "audience": dumps(audience), "payload": payload})
    log.info("unit %s listed for a talk for %s (%d level-3 escalations)", unit, month, len(numbers))
    return {"number": "", "clock": "", "step": "unit_talk", "step_at": iso(step_at), "due_at": None,
            "listed": False, "unit": unit, "month": month, "level3_count": len(numbers), "cases": numbers}


def _audience(recipients, c) -> list[str]:
    out = []
    for r in recipients:
        if r == "assignee":
            if c["mediator"]:
                out.append(f"user:{c['mediator']}")
            else:
                out.append(f"role:mediator@{c['unit_path']}")
        elif r == "responsible_unit":
            if c["resp"]:
                out.append(f"unit:{c['resp']}")
        elif r == "lead_official":
            out.append(f"user:{c['lead']}" if c["lead"] else f"role:lead_official@{c['unit_path']}")
        else:
            out.append(f"role:{r}@{c['unit_path']}")
    return out
