"""What one action does to one case: a pure decision over plain values.

:func:`decide` holds every check of a command — version, state, role,
jurisdiction, fields, guards — and computes everything the command writes: the
case as the action leaves it, the audit event, the notification, the clock and
party rows. It takes typed values (the definition, the policy, the calendar,
the case record, the actor, the input, the time) and asks the caller, through
:class:`Lookups`, only for what it cannot know: the users and units a field
names, and the case's running clocks when the action touches them. It reads no
storage and writes nothing, so it is tested without a database, and one
implementation serves a single command (read one case, decide, write) and a
batch (read every case of the batch at once, decide each item in order on the
case the item before it left, write each kind of row with one statement).

Which actions are open in a state and where they lead is the compiled
machine's answer (:mod:`disputeflow.workflow.machine`); what an action does
beyond its fields is its effects (:mod:`disputeflow.workflow.effects`).
"""

from __future__ import annotations

import json
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any, Mapping

from transitions import MachineError

from disputeflow.cases.audit import digest
from disputeflow.cases.canonical import dumps
from disputeflow.cases.records import AuditEvent, CaseRecord, ClockStop, NewChild, Notification
from disputeflow.workflow import audience as audiences, case_roles, clocks, effects, fields, guards, risk
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.decision_types import Decision, Lookups, Outcome
from disputeflow.workflow.definition import Action, Definition
from disputeflow.workflow.documents import jsonable
from disputeflow.workflow.effects import Change
from disputeflow.workflow.errors import Conflict, InvalidAction, NotPermitted, ValidationError
from disputeflow.workflow.machine import CompiledWorkflow, compile_definition
from disputeflow.workflow.registry import Registry
from disputeflow.workflow.timeutil import parse_time
from disputeflow.workflow.vocabulary import ROLE_LABELS

__all__ = ["Decision", "Lookups", "Outcome", "decide", "dumps", "jsonable", "may_touch", "audience"]


def _payload(from_state: str, to_state: str, seq: int) -> str:
    """``dumps({"from_state": ..., "to_state": ..., "seq": ...})``, written out."""
    return f'{{"from_state":{encode_basestring(from_state)},"seq":{seq:d},"to_state":{encode_basestring(to_state)}}}'


def may_touch(actor: Actor, unit_path: str, mediator: str | None, lead: str | None, responsible: str | None) -> bool:
    """Jurisdiction: the actor's unit covers the case's unit, or the actor is named on the case.

    Either way only inside the actor's bound: a narrowed token's user being named
    on a case elsewhere does not open it through the token.
    """
    if not actor.within(unit_path):
        return False
    return (actor.covers(unit_path) or actor.id in (mediator, lead)
            or (responsible is not None and actor.unit_id == responsible))


def audience(action: Action, clean: Mapping[str, Any], mediator: str | None, lead: str | None, unit_path: str,
             responsible: str | None = None) -> list[str]:
    """Who hears of ``action`` on a case (:func:`disputeflow.workflow.audience.audience` of its ``notify``)."""
    if not action.notify:
        return []
    return audiences.audience_of(action.notify_tokens, unit_path,
                                 {"mediator": mediator, "lead_official": lead, "responsible_unit": responsible}, clean)


def role_label(definition: Definition, role: str, lang: str = "zh_CN") -> str:
    spec = definition.roles.get(role)
    zh, en = ROLE_LABELS.get(role) or ((spec.label.zh, spec.label.en) if spec else (role, role))
    return en if lang.startswith("en") else zh


def invalid_action(compiled: CompiledWorkflow, who: Actor, state: str, action: str) -> InvalidAction:
    """The refusal of an action that is not open in ``state``, listing what the actor may do there."""
    definition = compiled.definition
    allowed = [n for n in compiled.open_actions(state) if who.role in definition.action(n).roles]  # type: ignore[union-attr]
    labels = "、".join(definition.action_label(a) for a in allowed) or "无"
    st = definition.state_label(state)
    if definition.action(action) is not None:
        zh = f"案件当前状态为“{st}”，不能执行“{definition.action_label(action)}”。可执行：{labels}"
        en = f"action {action} does not apply in state {state}; allowed: {', '.join(allowed) or 'none'}"
    else:
        zh = f"没有名为“{action}”的动作。可执行：{labels}"
        en = f"no action named {action!r}; allowed: {', '.join(allowed) or 'none'}"
    return InvalidAction(zh, en, allowed)


def end_supervision(case_data: dict, cols: dict, now: datetime, by: str, state: str) -> dict:
    """Delist the case as ending it does (摘牌 on 销号, 移交 or 撤回); returns what the audit event records."""
    return effects.delist(case_data, cols, now, by, f"case_{state}")


def ends_listing(a: Action) -> bool:
    """Whether ``a`` ends an active listing without ending the case: a moving action that stops the
    supervision clock (a referral hands the case to another body; the listing's deadline no longer binds)."""
    return a.dest is not None and "supervision" in a.stops and "delist" not in a.effects


def may_touch_clocks(definition: Definition, a: Action, registry: Registry | None = None) -> bool:
    """Whether ``a`` can read the case's clocks: it stops, starts or extends one, or can end the case."""
    compiled = compile_definition(definition, registry)
    return bool(a.stops or a.starts or compiled.reads_clocks[a.name]) or a.name in compiled.ending_actions


def _check_version(case: CaseRecord, who: Actor, expected_version: int | None) -> None:
    """Refuse a command made on a stale view of the case, before asking whether the action fits.

    A case that moved on since the person looked usually no longer offers the action they chose;
    "someone changed it, reload" is the true answer there, not "this action does not apply".
    Only people who may touch the case learn that it changed.

    Raises:
        Conflict: ``expected_version`` is given and is not the case's version.
    """
    version = case.version
    if expected_version is None or expected_version == version:
        return
    if not may_touch(who, case.unit_path, case.mediator, case.lead_official, case.responsible_unit):
        return  # the jurisdiction check below refuses them without saying more
    number = case.number
    raise Conflict(f"案件“{number}”已被他人修改（版本 {version}，您看到的是 {expected_version}），请刷新后重试",
                   f"case {number} was changed by someone else (version {version}, you saw {expected_version}); "
                   "reload and retry")


def _view(state: str, change: Change, children: tuple | None = None) -> guards.CaseView:
    cols = change.columns
    return guards.CaseView(state=state, risk=cols["risk"], flags=tuple(change.flags), mediator=cols["mediator"],
                           lead_official=cols["lead_official"], responsible_unit=cols["responsible_unit"],
                           supervision_level=cols["supervision_level"], party_count=change.party_count,
                           data=change.data if change.data is not None else {}, category=change.case.category,
                           children=children)


def _admit(compiled: CompiledWorkflow, case: CaseRecord, who: Actor, action: str) -> tuple[Action, str | None]:
    """The action and where the machine leads it from the case's state (None: the state stays), if the
    machine has it open there, the actor's role may do it and the case is in the actor's jurisdiction.

    Raises:
        InvalidAction, NotPermitted.
    """
    definition = compiled.definition
    try:
        dest = compiled.transition(action, case.state).dest
    except MachineError:
        raise invalid_action(compiled, who, case.state, action) from None
    a = definition.action(action)
    assert a is not None  # the machine has only the definition's actions
    if who.role not in a.roles:
        roles = "、".join(role_label(definition, r) for r in a.roles)
        raise NotPermitted(f"“{a.label.zh}”须由{roles}执行（您是{role_label(definition, who.role)}）",
                           f"{action} needs role {' or '.join(a.roles)} (you are {who.role})")
    if not may_touch(who, case.unit_path, case.mediator, case.lead_official, case.responsible_unit):
        raise NotPermitted(f"案件“{case.number}”不在您的管辖范围内", f"case {case.number} is outside your jurisdiction")
    if a.own_cases_only:
        case_roles.check_own_case(a, who, case.mediator, case.lead_official)
    return a, dest


def decide(definition: Definition, policy: Any, calendar: Any, case: CaseRecord, actor: Actor, action: str,
           data: Mapping[str, Any], now: datetime, *, lookups: Lookups, note: Any = None,
           expected_version: int | None = None, registry: Registry | None = None) -> Decision:
    """Check ``action`` by ``actor`` on ``case`` and compute its writes.

    Args:
        definition: the definition the case runs under.
        data: the action's fields (without ``note``).
        lookups: users and units the fields name; the case's running clocks (asked only when the action
            stops, starts or extends a clock, or ends the case).
        registry: the deciding engine's guards, conditions and effects (default: the process's), bound at compile.

    Raises:
        InvalidAction, NotPermitted, Conflict, ValidationError.
    """
    if expected_version is not None:
        _check_version(case, actor, expected_version)
    compiled = compile_definition(definition, registry)
    a, dest = _admit(compiled, case, actor, action)
    state = case.state
    note = fields.note(note) if note is not None else None
    clean = fields.validate(definition, a, data, lookups, parse_time, now)
    case_roles.check_assignee(a, clean, actor, case.unit_path, lookups.user)
    if a.lists:
        case_roles.check_listing_level(a, clean, actor, lookups.unit)
    # The case's JSON documents are parsed only when this action reads or changes them.
    reads_data = a.reads_data or (bool(a.data_fields) and any(name in clean for name in a.data_fields))
    change = Change(case, actor, a.name, clean, now, policy, calendar,
                    {"risk": case.risk, "mediator": case.mediator, "lead_official": case.lead_official,
                     "responsible_unit": case.responsible_unit, "supervision_level": case.supervision_level},
                    json.loads(case.data) if reads_data else None,
                    json.loads(case.flags) if a.reads_flags else None,
                    case.party_count, case.risk_floor, jsonable(clean), [], None, {})
    view = None
    if a.guards:
        view = _view(state, change, tuple(lookups.open_children(case.id)) if compiled.reads_children[a.name] else None)
    if view is not None:
        refusals = compiled.check(a.name, view, clean)
        if refusals:
            raise ValidationError([fields.FieldError(r.field, r.zh, r.en) for r in refusals])
    new_state = state
    if dest is not None:
        try:
            new_state = compiled.fire(a.name, state, view, clean)
        except MachineError:
            raise invalid_action(compiled, actor, state, action) from None
    _set_fields(a, change, note)
    case_roles.take_case(a, actor, change.columns, change.audit)
    if a.spawns is not None:
        change.writes.append(NewChild(a.spawns, dict(clean), actor.id, actor.role))
    terminal = dest is not None and definition.state(new_state).terminal
    if terminal or a.stops or a.starts or (a.effects and compiled.reads_clocks[a.name]):
        change.running = dict(lookups.running_clocks(case.id))
    for effect in compiled.effects[a.name]:
        effect.apply(change)
    if (terminal or ends_listing(a)) and change.columns["supervision_level"] is not None:
        # An ended case is no longer supervised, nor one handed to another body (refer stops the
        # supervision clock): the listing ends with it, in this event.
        if change.data is None:
            change.data = json.loads(case.data)
        change.audit["supervision_ended"] = end_supervision(change.data, change.columns, now, actor.id, new_state)
    if note:
        change.audit["note"] = note
    if change.running is not None:
        _move_clocks(a, change, new_state, terminal, compiled)
    return _decision(a, change, new_state, dest is not None, terminal)


def _set_fields(a: Action, change: Change, note: Any = None) -> None:
    """Land each field with a target on its column or in the case's document; keep risk above its floor."""
    clean = change.fields
    for name, kind, key in a.targets:
        if name not in clean:
            continue
        if kind == "case":
            change.columns[key] = clean[name]
        else:
            change.data[key] = jsonable(clean[name])  # type: ignore[index]
    if "risk" in clean and risk.rank(clean["risk"]) < risk.rank(change.risk_floor):
        change.columns["risk"] = change.risk_floor
        change.audit["risk_raised_to_floor"] = change.risk_floor
    if a.record:
        # A record whose action asks when it happened (a session, an investigation) keeps that time
        # and notes when it was entered; any other is dated by the action.
        entry = {"at": change.now, **clean, "by": change.actor.id, **({"note": note} if note else {})}
        if "at" in clean:
            entry["recorded_at"] = change.now
        change.data.setdefault(a.record, []).append(jsonable(entry))  # type: ignore[union-attr]


def _move_clocks(a: Action, change: Change, new_state: str, terminal: bool, compiled: CompiledWorkflow) -> None:
    """Stop the clocks this action answers (all of the case's own when it ends the case), then start those it opens."""
    running = change.running
    assert running is not None
    stopped = []
    for name in sorted(running):  # by name, however the clocks were read (the list is in the audit event)
        # an ended case stops every clock of its own; a key person's duty clocks are the person's
        if name in a.stops or (terminal and not change.policy.outlives_case(name)):
            change.writes.append(ClockStop(name))
            stopped.append(name)
            del running[name]
    started = []
    after = _view(new_state, change) if a.starts else None
    for st in a.starts:
        if st.when is not None and not compiled.conditions[st.when](after, change.fields):  # type: ignore[arg-type]
            continue
        due = change.fields.get(st.due_field) if st.due_field else None
        if due is None and st.due_field and change.data and change.data.get(st.due_field):
            due = parse_time(change.data[st.due_field])  # given earlier (a work order's due, set at dispatch)
        if st.due_field and st.clock in running:
            # a re-listing at a higher level moves the supervision deadline
            del running[st.clock]
            change.writes.append(ClockStop(st.clock))
        new = clocks.plan_start(change.policy, change.calendar, st.clock, change.now, change.columns["risk"],
                                change.case.category, running, due_at=due, tier=(change.data or {}).get("tier"))
        if new is not None:
            change.writes.append(new)
            running[st.clock] = clocks.running_after_start(new)
            started.append(st.clock)
    if stopped:
        change.audit["clocks_stopped"] = stopped
    if started:
        change.audit["clocks_started"] = started


def _decision(a: Action, change: Change, new_state: str, moved: bool, terminal: bool) -> Decision:
    cols, now = change.columns, change.now
    (case_id, number, definition, definition_version, state, version, category, unit_path, _risk, _floor, flags,
     _party_count, _mediator, _lead, _responsible, _supervision, data, closed_at, audit_seq,
     audit_hash) = case = change.case
    seq = audit_seq + 1
    if terminal:
        closed_at = now
    elif moved and closed_at is not None:
        closed_at = None
    data_json = dumps(change.data) if change.data is not None else data
    mediator, lead = cols["mediator"], cols["lead_official"]
    # The records are built with tuple.__new__ (see "Positional rows" in bench/README.md).
    after = _record(CaseRecord, (case_id, number, definition, definition_version, new_state, version + 1, category,
                                 unit_path, cols["risk"], change.risk_floor, flags, change.party_count, mediator,
                                 lead, cols["responsible_unit"], cols["supervision_level"], data_json, closed_at,
                                 seq, audit_hash))
    actor = change.actor.id
    recorded = _recorded(case, after, data, data_json, change.recorded)
    event = _record(AuditEvent, (seq, now, actor, a.name, state, new_state, dumps(change.audit), dumps(recorded)))
    to = audience(a, change.fields, mediator, lead, unit_path, cols["responsible_unit"])
    notification = _record(Notification, (a.name, tuple(to), _payload(state, new_state, seq))) if to else None
    outcome = Outcome(a.name, number, actor, now, state, new_state, version + 1, seq, change.audit)
    return _record(Decision, (outcome, case, after, event, notification, tuple(change.writes), change.running))


_record = tuple.__new__

# The case fields whose after-value an audit event's ``fields`` holds when an action changes them (the data document
# by its digest).
_RECORDED = tuple((name, CaseRecord._fields.index(name)) for name in (
    "state", "risk", "mediator", "lead_official", "responsible_unit", "supervision_level", "risk_floor"))


def _recorded(before: CaseRecord, after: CaseRecord, data: str, data_json: str, parties: dict) -> dict:
    """The after-values of the recorded case fields the action changed (the audit event's ``fields``).

    ``data`` and ``data_json`` are the case's data document before and after.
    """
    out = dict(parties) if parties else {}
    for name, i in _RECORDED:
        now = after[i]
        if now != before[i]:
            out[name] = now
    if data_json is not data and data_json != data:
        out["data"] = digest(data_json)
    return out
