"""What a due ladder step writes: the case's audit event, its notification, and at a red card the listing.

Per escalation the loop does only what differs from one to the next; what
repeats within a batch (a ladder's texts, a step's JSON pieces, an audience)
is looked up in :class:`BatchTexts`. The common payload is written straight
to the canonical JSON :func:`disputeflow.workflow.commands.dumps` would give
(the audit hash covers that text; tests/unit/test_sweep_json.py holds them equal).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from disputeflow.cases.audit import canonical_time, digest
from disputeflow.cases.chain import Head, link
from disputeflow.cases.records import OutboxRow
from disputeflow.cases.types import from_db, to_sqlite
from disputeflow.workflow.audience import audience, case_slots
from disputeflow.workflow.clocks import row as clock_row
from disputeflow.workflow.commands import dumps
from disputeflow.workflow.policy import DUTY_CLOCK_PREFIX, TIER_STEP
from disputeflow.workflow.timeutil import iso

SYSTEM_ACTOR = "system"


class Written(NamedTuple):
    """A batch's rows: audit events, outbox rows, case heads, clocks auto-listing starts; what was raised;
    the red cards that may list a unit for a talk, by (unit, month)."""

    audits: list
    outbox: list
    heads: list
    new_clocks: list
    raised: list
    talks: dict


def events(engine, tx, cases: dict, now: datetime, t_now, texts: "BatchTexts", talk_key) -> Written:
    """Every case's events for the steps it reached, chained in order, and what they change on the case."""
    out = Written([], [], [], [], [], {})
    listing: list = []  # the auto-listing's deadline and clock depend only on now: made once a batch
    canonical_now = canonical_time(now)
    signer = tx.store.signer
    talk_step = engine.policy.unit_talk_step
    auto = engine.policy.auto_listing
    notify_at: dict = {}  # per risk: now, or the end of that risk's quiet hours (notices are held till then)
    for case_id, c in cases.items():
        if not c["events"]:
            continue
        at_risk = notify_at.get(c["risk"])
        if at_risk is None:
            until = engine.policy.quiet_until(now, c["risk"])
            at_risk = notify_at[c["risk"]] = t_now if until is None else tx.t(until)
        head, number, state = Head(c["seq"], c["hash"]), c["number"], c["state"]
        data = None
        for clock, (step, at, _at_db, at_iso), due_iso in c["events"]:
            piece = texts.step(step)
            lists = step.list_for_supervision and not c["sup"] and auto.applies(c["risk"], c["category"], clock)
            if not (piece.special or lists):
                action, event, fields_json = "escalate", piece.event, "{}"
                audit_json = _payload_json(texts.json(clock), piece, at_iso, due_iso)
                listed_now = False
            else:
                data = json.loads(c["data"]) if data is None else data
                action, event, audit_json, fields_json, listed_now = _special(
                    engine, tx, c, data, clock, step, at_iso, due_iso, now, listing, out.new_clocks, lists)
            ev = link(signer, head, number, canonical_now, SYSTEM_ACTOR, action, state, state, audit_json,
                      fields_json)
            head = ev.head
            out.audits.append((case_id, ev.seq, t_now, SYSTEM_ACTOR, action, state, state, audit_json, ev.prev_hash,
                               ev.hash, fields_json, ev.key_id))
            held = t_now if clock.startswith(DUTY_CLOCK_PREFIX) else at_risk  # duties: no quiet hours
            out.outbox.append(OutboxRow(t_now, event, case_id, number, SYSTEM_ACTOR, texts.audience(step, c),
                                               audit_json, held))
            out.raised.append({"number": number, "clock": clock, "step": step.name, "step_at": at_iso,
                               "due_at": due_iso, "listed": listed_now})
            if step.name == talk_step:
                out.talks.setdefault(talk_key(c, at), (c, at))
        # every event bumps the version: version - audit_seq stays what it was (0 on every case since 0012)
        version = c["version"] + head.seq - c["seq"]
        out.heads.append((version, t_now, head.seq, head.hash, c["sup"], c["data"] if data is None else dumps(data),
                          case_id, c["version"]))
    return out


def outcomes(out: Written, talks: list[dict], now: datetime) -> list:
    """What a committed batch changed, as listeners (``engine.on``) are told of it: one
    :class:`~disputeflow.workflow.decision.Outcome` per escalation (event ``escalate.<step>`` or
    ``case.tier_upgraded``; ``data`` is the audit event's payload) and per unit listed for a talk."""
    from disputeflow.workflow.decision import Outcome

    heads = {h[6]: (h[0], h[2]) for h in out.heads}  # case id → (version, audit seq) after the batch
    told = []
    for a, o in zip(out.audits, out.outbox):
        version, seq = heads[a[0]]
        told.append(Outcome(o.event, o.case_number, SYSTEM_ACTOR, now, a[5], a[6], version - (seq - a[1]), a[1],
                            json.loads(a[7])))
    for t in talks:
        told.append(Outcome("unit.talk_listed", "", SYSTEM_ACTOR, now, None, "", 0, 0, dict(t)))
    return told


def _special(engine, tx, c: dict, data: dict, clock: str, step, at_iso: str, due_iso: str, now: datetime,
             listing: list, new_clocks: list, lists: bool) -> tuple[str, str, str, str, bool]:
    """``(action, event, payload, fields, listed)`` of a step that changes the case: the tier upgrade, or a red card
    that lists an unlisted case for supervision as the policy's ``[auto_listing]`` says (``lists``; ``data`` and
    ``c`` are changed in place)."""
    action, event = "escalate", f"escalate.{step.name}"
    payload = {"clock": clock, "step": step.name, "step_at": at_iso, "due_at": due_iso,
               "recipients": list(step.recipients)}
    if step.name == TIER_STEP:
        action, event = "tier_upgrade", "case.tier_upgraded"
        payload = {"tier": "complex", "from_tier": data.get("tier", "ordinary"), "step_at": at_iso,
                   "recipients": list(step.recipients)}
        data["tier"] = "complex"
    if lists:
        auto = engine.policy.auto_listing
        c["sup"] = auto.level
        if not listing:
            deadline = engine.policy.listing_deadline(now, engine.calendar)
            params = clock_row(engine, tx.t, 0, "supervision", now, deadline, c["risk"], c["category"])
            listing.append((iso(deadline), (params["name"], params["started_at"], params["due_at"],
                                            params["warn_at"], params["calendar_rev"], "running",
                                            params["next_step"], params["next_at"])))
        deadline_iso, clock_values = listing[0]
        data["supervision_authority"] = auto.by_zh
        data["supervision_deadline"] = deadline_iso
        data["supervision_auto"] = True
        payload["listed_for_supervision"] = {"level": auto.level, "authority": auto.by_zh, "deadline": deadline_iso}
        new_clocks.append((c["id"], *clock_values))
    listed = "listed_for_supervision" in payload
    changed = {"data": digest(dumps(data))}
    if listed:
        changed["supervision_level"] = c["sup"]
    return action, event, dumps(payload), dumps(changed), listed


class StepTexts(NamedTuple):
    """What a ladder step contributes to every escalation of it, as text."""

    name: str  # the step's name as a JSON string
    recipients: str  # its recipients as a JSON list
    event: str  # the outbox event
    special: bool  # its payload is not the common one (the tier upgrade)


class BatchTexts:
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
        self._steps: dict[str, StepTexts] = {}
        self._json: dict[str, str] = {}
        self._audiences: dict[tuple, str] = {}

    def ladder(self, name: str, started, due, risk: str | None = None,
               category: str | None = None) -> tuple[tuple[tuple], str]:
        """``((step, at, at as stored, at as local ISO), ...)`` in firing order, and due as local ISO.

        ``started`` and ``due`` are the values as fetched from the database; the
        case's ``risk`` and ``category`` decide business time and quiet hours.
        """
        key = (name, started, due, risk, category)
        out = self._ladders.get(key)
        if out is None:
            due_dt = from_db(due)
            # each instant once: ladders rarely share one, so iso() directly, not the batch's cache
            stored = to_sqlite if self._tx.store.is_sqlite else (lambda at: at)
            steps = [(step, at, stored(at), iso(at))
                     for step, at in self._policy.steps(name, from_db(started), due_dt, self._cal, risk, category)]
            out = self._ladders[key] = (tuple(steps), self.iso(due_dt))
        return out

    def iso(self, dt: datetime) -> str:
        """``timeutil.iso`` of an aware time, once per distinct instant of the batch."""
        out = self._iso.get(dt)
        if out is None:
            out = self._iso[dt] = iso(dt)
        return out

    def step(self, step) -> StepTexts:
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
            out = self._audiences[key] = _json_strings(
                audience(step.recipients, c["unit_path"], case_slots(c["mediator"], c["lead"], c["resp"])))
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


def _payload_json(clock_json: str, piece: StepTexts, at_iso: str, due_iso: str) -> str:
    return (f'{{"clock":{clock_json},"due_at":{_json_str(due_iso)},"recipients":{piece.recipients},'
            f'"step":{piece.name},"step_at":{_json_str(at_iso)}}}')


def _step_texts(step) -> StepTexts:
    return StepTexts(_json_str(step.name), _json_strings(list(step.recipients)), f"escalate.{step.name}",
                      step.name == TIER_STEP)
