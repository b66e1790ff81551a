"""What one action does to one case, decided from rows already read.

:func:`decide` holds every check of a command — role, jurisdiction, state,
version, fields, guards, the machine — and computes every write: the case's
new columns, the audit event and its hash, the outbox row, the clock and party
rows. It runs no SQL itself: the caller hands it the case row, the actor, a
resolver for the users and units the fields name, and the case's running clocks
(asked for only when the action touches clocks). So one implementation serves a
single command (read one case, decide, write) and a batch (read every case of
the batch at once, decide each item in order on the row the item before it
left, write each kind of row with one statement).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any, Callable, NamedTuple

from transitions import MachineError

from disputeflow.cases.audit import digest, party_digest, seal
from disputeflow.cases.canonical import dumps
from disputeflow.workflow import clocks, fields, guards, inputs, risk
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.definition import Action, Definition
from disputeflow.workflow.errors import Conflict, InvalidAction, NotPermitted, ValidationError

# Positions in disputeflow.cases.store.CASE_COLUMNS (+ the joined actor columns of ``case_for_actor``).
(C_ID, C_NUMBER, C_DEF, C_DEFVER, C_STATE, C_VERSION, C_CATEGORY,
 C_UNIT_PATH, C_RISK, C_RISK_FLOOR, C_FLAGS, C_PARTY_COUNT, C_MEDIATOR, C_LEAD, C_RESP,
 C_SUPERVISION, C_DATA, C_CLOSED_AT, C_AUDIT_SEQ, C_AUDIT_HASH,
 A_ROLE, A_UNIT_PATH, A_UNIT_ID, A_ACTIVE) = range(24)

def _payload(from_state: str, to_state: str, seq: int) -> str:
    """``dumps({"from_state": ..., "to_state": ..., "seq": ...})``, written out: a third of the cost."""
    return f'{{"from_state":{encode_basestring(from_state)},"seq":{seq:d},"to_state":{encode_basestring(to_state)}}}'


def jsonable(value: Any) -> Any:
    if type(value) is str or value is None:  # most field values: no isinstance chain
        return value
    if isinstance(value, datetime):
        from disputeflow.workflow.timeutil import iso

        return iso(value)
    if isinstance(value, dict):
        return {k: v if type(v) is str else jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True, init=False)
class Outcome:
    """What a command did, handed to the caller and to ``engine.on`` listeners after commit."""

    event: str
    number: str
    actor: str
    at: datetime
    from_state: str | None
    to_state: str
    version: int
    seq: int
    data: dict

    def __init__(self, event: str, number: str, actor: str, at: datetime, from_state: str | None, to_state: str,
                 version: int, seq: int, data: dict):
        # Not the generated frozen __init__: see "Fast paths" in bench/README.md.
        self.__dict__.update(event=event, number=number, actor=actor, at=at, from_state=from_state,
                             to_state=to_state, version=version, seq=seq, data=data)


class Decision(NamedTuple):
    """Everything one action writes, in the parameters of the store's statements.

    ``base`` is the case row the action was decided on and ``row`` the case as
    the action leaves it (the writer sets the columns that differ; a batch
    decides the next item on the same case on ``row``); ``at`` is the time in
    the driver's form; ``audit`` and ``outbox`` are the parameters of
    ``insert_audit`` and ``insert_outbox`` in their order; ``ops`` are the clock and party writes in the order they
    must run (a re-listing stops a clock before starting it again); ``running``
    the case's running clocks afterwards (None when the action did not read
    them). (A named tuple: a batch builds one per item.)
    """

    outcome: Outcome
    base: tuple
    row: tuple
    at: Any
    audit: tuple
    outbox: tuple | None
    ops: tuple[tuple[str, dict], ...]
    running: dict | None


def may_touch(actor: Actor, unit_path: str, mediator: str | None, lead: str | None, responsible: str | None) -> bool:
    """Jurisdiction: the actor's unit covers the case's unit, or the actor is named on the case.

    Either way only inside the actor's bound: a narrowed token's user being named
    on a case elsewhere does not open it through the token.
    """
    if not actor.within(unit_path):
        return False
    return (actor.covers(unit_path) or actor.id in (mediator, lead)
            or (responsible is not None and actor.unit_id == responsible))


def audience(action: Action, clean: dict, mediator: str | None, lead: str | None, unit_path: str) -> list[str]:
    out = []
    for token, kind, what in action.notify_tokens:
        if kind == "unit":
            out.append(f"role:{what}@{unit_path}")
        elif kind == "case":
            who = {"mediator": mediator, "lead_official": lead}.get(what)
            if who:
                out.append(f"user:{who}")
        elif kind == "field" and clean.get(what):
            out.append(f"user:{clean[what]}")
        else:
            out.append(token)
    return out


def invalid_action(engine, definition: Definition, who: Actor, state: str, action: str) -> InvalidAction:
    allowed = [a.name for a in definition.actions_from(state) if who.role in a.roles]
    labels = "、".join(definition.action_label(a) for a in allowed) or "无"
    st = definition.state_label(state)
    known = definition.action(action) is not None
    if known:
        zh = f"案件当前状态为“{st}”，不能执行“{definition.action_label(action)}”。可执行：{labels}"
        en = f"action {action} does not apply in state {state}; allowed: {', '.join(allowed) or 'none'}"
    else:
        zh = f"没有名为“{action}”的动作。可执行：{labels}"
        en = f"no action named {action!r}; allowed: {', '.join(allowed) or 'none'}"
    return InvalidAction(zh, en, allowed)


def may_touch_clocks(definition: Definition, a: Action) -> bool:
    """Whether ``a`` can read the case's clocks: it stops, starts or extends one, or can end the case."""
    if a.stops or a.starts or "extend_clock" in a.effects:
        return True
    return a.dest is not None and any(s.terminal for s in definition.states if s.name == a.dest)


def end_supervision(case_data: dict, cols: dict, now: datetime, by: str, state: str) -> dict:
    """Delist the case as ending it does (摘牌 on 销号, 移交 or 撤回): the listing moves to its history.

    Returns what the audit event records of the ended listing.
    """
    ended = jsonable({"level": cols["supervision_level"], "authority": case_data.pop("supervision_authority", None),
                      "deadline": case_data.pop("supervision_deadline", None), "delisted_at": now, "by": by,
                      "reason": f"case_{state}"})
    case_data.setdefault("supervision_history", []).append(ended)
    cols["supervision_level"] = None
    return ended


def _check_version(row: tuple, who: Actor, expected_version: int | None) -> None:
    """Refuse a command made on a stale view of the case, before asking whether the action fits.

    A case that moved on since the person looked usually no longer offers the action they chose;
    "someone changed it, reload" is the true answer there, not "this action does not apply".
    Only people who may touch the case learn that it changed.

    Raises:
        Conflict: ``expected_version`` is given and is not the case's version.
    """
    version = row[C_VERSION]
    if expected_version is None or expected_version == version:
        return
    if not may_touch(who, row[C_UNIT_PATH], row[C_MEDIATOR], row[C_LEAD], row[C_RESP]):
        return  # the jurisdiction check below refuses them without saying more
    number = row[C_NUMBER]
    raise Conflict(f"案件“{number}”已被他人修改（版本 {version}，您看到的是 {expected_version}），请刷新后重试",
                   f"case {number} was changed by someone else (version {version}, you saw {expected_version}); "
                   "reload and retry")


def decide(engine, row: tuple, who: Actor, action: str, data: dict[str, Any], note: Any,
           expected_version: int | None, now: datetime, t: Callable, time: Callable,
           resolver: fields.Resolver, clocks_of: Callable[[int], dict]) -> Decision:
    """Check ``action`` by ``who`` on the case ``row`` and compute its writes.

    Args:
        row: the case's columns in ``disputeflow.cases.store.CASE_COLUMNS`` order.
        data: the action's fields (without ``note``).
        t, time: the store's time conversions (to and from the driver's form).
        resolver: users and units the fields name.
        clocks_of: the running clocks of the case (given its id), ``{name: clocks row}``; called at
            most once, and only when the action stops, starts or extends a clock
            or ends the case. The dict is not changed.

    Raises:
        InvalidAction, NotPermitted, Conflict, ValidationError.
    """
    number = row[C_NUMBER]
    definition = engine.definition(row[C_DEF], row[C_DEFVER])
    state = row[C_STATE]
    _check_version(row, who, expected_version)
    a = definition.action(action)
    if a is None or state not in a.sources:
        raise invalid_action(engine, definition, who, state, action)
    if who.role not in a.roles:
        roles = "、".join(engine.role_label(r) for r in a.roles)
        raise NotPermitted(f"“{a.label.zh}”须由{roles}执行（您是{engine.role_label(who.role)}）",
                           f"{action} needs role {' or '.join(a.roles)} (you are {who.role})")
    mediator, lead, resp = row[C_MEDIATOR], row[C_LEAD], row[C_RESP]
    if not may_touch(who, row[C_UNIT_PATH], mediator, lead, resp):
        raise NotPermitted(f"案件“{number}”不在您的管辖范围内", f"case {number} is outside your jurisdiction")
    version = row[C_VERSION]
    note = fields.note(note)
    clean = fields.validate(definition, a, data, resolver, engine.parse_time, now)
    # The case's JSON documents are parsed only when this action reads or changes them.
    reads_data = bool(a.guards or a.record or a.effects or a.starts) or (
        bool(a.data_fields) and any(name in clean for name in a.data_fields))
    case_data = json.loads(row[C_DATA]) if reads_data else None
    flags = json.loads(row[C_FLAGS]) if (a.guards or a.effects or a.starts) else None
    if a.guards:
        view = guards.CaseView(state=state, risk=row[C_RISK], flags=tuple(flags), mediator=mediator,
                               lead_official=lead, responsible_unit=resp, supervision_level=row[C_SUPERVISION],
                               party_count=row[C_PARTY_COUNT], data=case_data, category=row[C_CATEGORY])
        refusals = guards.check(a.guards, view, clean)
        if refusals:
            raise ValidationError([fields.FieldError(r.field, r.zh, r.en) for r in refusals])
    new_state = state
    moves = a.dest is not None
    if moves:
        try:
            new_state = engine.compiled(definition).fire(a.name, state)
        except MachineError:
            raise invalid_action(engine, definition, who, state, action) from None

    case_id = row[C_ID]
    t_now = t(now)
    ops: list[tuple[str, dict]] = []
    cols = {"risk": row[C_RISK], "mediator": mediator, "lead_official": lead, "responsible_unit": resp,
            "supervision_level": row[C_SUPERVISION]}
    risk_floor = row[C_RISK_FLOOR]
    party_count = row[C_PARTY_COUNT]
    new_parties: dict[str, str] = {}
    audit_data = jsonable(clean)
    for name, kind, key in a.targets:
        if name not in clean:
            continue
        if kind == "case":
            cols[key] = clean[name]
        else:
            case_data[key] = jsonable(clean[name])
    if "risk" in clean and risk.rank(clean["risk"]) < risk.rank(risk_floor):
        cols["risk"] = risk_floor
        audit_data["risk_raised_to_floor"] = risk_floor
    if a.record:
        entry = jsonable({**clean, "at": now, "by": who.id})
        case_data.setdefault(a.record, []).append(entry)
    terminal = moves and definition.state(new_state).terminal
    if terminal and cols["supervision_level"] is not None and "delist" not in a.effects:
        # An ended case is no longer supervised: the listing ends with it, in this event.
        case_data = json.loads(row[C_DATA]) if case_data is None else case_data
        audit_data["supervision_ended"] = end_supervision(case_data, cols, now, who.id, new_state)
    # Only an action that stops, starts or extends a clock, or ends the case, reads its clocks.
    touches_clocks = terminal or a.stops or a.starts or "extend_clock" in a.effects
    running = dict(clocks_of(case_id)) if touches_clocks else None
    for effect in a.effects:
        if effect == "delist":
            case_data.setdefault("supervision_history", []).append(jsonable({
                "level": cols["supervision_level"], "authority": case_data.pop("supervision_authority", None),
                "deadline": case_data.pop("supervision_deadline", None), "delisted_at": now, "by": who.id}))
            cols["supervision_level"] = None
        elif effect == "extend_clock":
            change = clocks.plan_extend(engine, running, clean["clock"], clean["until"], now, t, time,
                                        cols.get("risk", row[C_RISK]), row[C_CATEGORY], case_data.get("tier"))
            ops.append(("reschedule_running_clock", {"case_id": case_id, **change.params}))
            running[clean["clock"]] = change.row
            audit_data["extension"] = jsonable(change.info)
        elif effect == "add_party":
            if party_count + len(clean["party"]) > inputs.PARTIES_MAX:
                raise ValidationError([fields.too_many_parties("party", party_count + len(clean["party"]))])
            for p in clean["party"]:
                party_count += 1
                party = {"case_id": case_id, "seq": party_count, "name": p["name"], "role": p.get("role") or "applicant",
                         "phone": p.get("phone"), "id_number": p.get("id_number"), "address": p.get("address")}
                ops.append(("insert_party", party))
                new_parties[f"party:{party_count}"] = party_digest(party["name"], party["role"], party["phone"],
                                                                   party["id_number"], party["address"])
            new_floor = risk.floor(party_count, flags)
            if risk.rank(new_floor) > risk.rank(risk_floor):
                risk_floor = new_floor
                audit_data["risk_floor"] = new_floor
            if risk.rank(risk_floor) > risk.rank(cols["risk"]):
                cols["risk"] = risk_floor
                audit_data["risk_raised_to_floor"] = risk_floor
        else:
            raise AssertionError(f"unknown effect {effect}")
    if note:
        audit_data["note"] = note

    if running is not None:
        # Clocks: stop what this action answers, then start what it opens.
        stopped = []
        for name in sorted(running):  # by name, however the clocks were read (the list is in the audit event)
            # an ended case stops every clock of its own; a key person's duty clocks are the person's
            if name in a.stops or (terminal and not engine.policy.outlives_case(name)):
                ops.append(("stop_running_clock", {"case_id": case_id, "name": name, "now": t_now}))
                stopped.append(name)
                del running[name]
        after = guards.CaseView(state=new_state, risk=cols["risk"], flags=tuple(flags), mediator=cols["mediator"],
                                lead_official=cols["lead_official"], responsible_unit=cols["responsible_unit"],
                                supervision_level=cols["supervision_level"], party_count=party_count,
                                data=case_data, category=row[C_CATEGORY]) if a.starts else None
        started = []
        for st in a.starts:
            if st.when is not None and not guards.CONDITIONS[st.when](after, clean):
                continue
            due = clean.get(st.due_field) if st.due_field else None
            if st.due_field and st.clock in running:
                # a re-listing at a higher level moves the supervision deadline
                del running[st.clock]
                ops.append(("stop_running_clock", {"case_id": case_id, "name": st.clock, "now": t_now}))
            new = clocks.plan_start(engine, case_id, st.clock, now, cols["risk"], row[C_CATEGORY], running, t,
                                    due_at=due, tier=case_data.get("tier"))
            if new is not None:
                ops.append(("insert_clock", new))
                running[st.clock] = clocks.running_row(new)
                started.append(st.clock)
        if stopped:
            audit_data["clocks_stopped"] = stopped
        if started:
            audit_data["clocks_started"] = started

    seq = row[C_AUDIT_SEQ] + 1
    audit_json = dumps(audit_data)
    prev_hash = row[C_AUDIT_HASH]
    closed_at = row[C_CLOSED_AT]
    if terminal:
        closed_at = t_now
    elif moves and closed_at is not None:
        closed_at = None
    data_json = dumps(case_data) if case_data is not None else row[C_DATA]
    fields_json = dumps(_changed(row, new_state, cols, risk_floor, data_json, new_parties))
    h, key_id = seal(engine.store.signer, prev_hash, number, seq, now, who.id, a.name, state, new_state, audit_json,
                     fields_json)
    # Both rows in their statement's parameter order (the tables' column order; tests/unit/test_statement_params.py).
    audit = (case_id, seq, t_now, who.id, a.name, state, new_state, audit_json, prev_hash, h, fields_json, key_id)
    to = audience(a, clean, cols["mediator"], cols["lead_official"], row[C_UNIT_PATH])
    outbox = (t_now, a.name, case_id, number, who.id, dumps(to), _payload(state, new_state, seq), t_now) if to else None
    after_row = (case_id, number, row[C_DEF], row[C_DEFVER], new_state, version + 1, row[C_CATEGORY],
                 row[C_UNIT_PATH], cols["risk"], risk_floor, row[C_FLAGS], party_count,
                 cols["mediator"], cols["lead_official"], cols["responsible_unit"],
                 cols["supervision_level"], data_json, closed_at, seq, h)
    outcome = Outcome(a.name, number, who.id, now, state, new_state, version + 1, seq, audit_data)
    return Decision(outcome, row, after_row, t_now, audit, outbox, tuple(ops), running)


_RECORDED = (("risk", C_RISK), ("mediator", C_MEDIATOR), ("lead_official", C_LEAD), ("responsible_unit", C_RESP),
             ("supervision_level", C_SUPERVISION))


def _changed(row: tuple, new_state: str, cols: dict, risk_floor: str, data_json: str, parties: dict) -> dict:
    """The after-values of the recorded case fields the action changed (the audit event's ``fields``)."""
    out = dict(parties) if parties else {}
    if new_state != row[C_STATE]:
        out["state"] = new_state
    for name, at in _RECORDED:
        if cols[name] != row[at]:
            out[name] = cols[name]
    if risk_floor != row[C_RISK_FLOOR]:
        out["risk_floor"] = risk_floor
    if data_json is not row[C_DATA] and data_json != row[C_DATA]:
        out["data"] = digest(data_json)
    return out
