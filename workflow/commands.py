"""The write path: report a case and act on it, each in one transaction.

A command reads the case joined with the actor, checks role, jurisdiction,
state, input and guards, fires the shared machine, applies the action's
targets and effects, appends the hash-chained audit event, starts and stops
clocks and appends the outbox row — then commits once. Nothing is rendered and
nothing is sent here; callbacks and deliveries run after commit.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from json.encoder import c_make_encoder, encode_basestring
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transitions import MachineError

from cases.audit import GENESIS, event_hash
from workflow import clocks, fields, guards, risk
from workflow.actor import Actor
from workflow.definition import Action, Definition
from workflow.errors import Conflict, InvalidAction, NotFound, NotPermitted, ValidationError
from workflow.policy import DUTY_CLOCK_PREFIX

# Positions in cases.store.CASE_COLUMNS (+ the joined actor columns).
(C_ID, C_NUMBER, C_DEF, C_DEFVER, C_STATE, C_VERSION, C_TITLE, C_CATEGORY, C_UNIT_ID,
 C_UNIT_PATH, C_RISK, C_RISK_FLOOR, C_FLAGS, C_PARTY_COUNT, C_REPORTER, C_MEDIATOR, C_LEAD, C_RESP,
 C_SUPERVISION, C_DATA, C_CLOSED_AT, C_AUDIT_SEQ, C_AUDIT_HASH,
 A_ROLE, A_UNIT_PATH, A_UNIT_ID, A_ACTIVE) = range(27)

# The C encoder json.dumps(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
# default=str) builds on every call, built once: a third of the cost per call, and a
# command encodes four documents. Our documents are trees (no circular check).
_ENCODE = c_make_encoder(None, str, encode_basestring, None, ":", ",", True, False, True) if c_make_encoder else None
_DUMPS = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text as is (the audit hash covers this text)."""
    if _ENCODE is None:
        return _DUMPS(value)
    return "".join(_ENCODE(value, 0))


@dataclass(frozen=True)
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


class TxResolver:
    """Field lookups (users, units) inside the command's own transaction."""

    def __init__(self, tx):
        self.tx = tx

    def user(self, user_id: str):
        row = self.tx.one("user", {"id": user_id})
        if row is None or not row[2]:
            return None
        return row[0], row[1]

    def unit(self, unit_id: str):
        row = self.tx.one("unit", {"id": unit_id})
        return (row[0], row[1]) if row else None


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        from workflow.timeutil import iso

        return iso(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def load_actor(tx, actor: str | Actor) -> Actor:
    if isinstance(actor, Actor):
        return actor
    row = tx.one("actor", {"actor": actor})
    if row is None or not row[3]:
        raise NotPermitted(f"用户“{actor}”不存在或已停用", f"user {actor!r} does not exist or is disabled")
    return Actor(id=actor, role=row[0], unit_path=row[1], unit_id=row[2], name=row[4])


def may_touch(actor: Actor, unit_path: str, mediator: str | None, lead: str | None, responsible: str | None) -> bool:
    """Jurisdiction: the actor's unit covers the case's unit, or the actor is named on the case."""
    return (actor.covers(unit_path) or actor.id in (mediator, lead)
            or (responsible is not None and actor.unit_id == responsible))


def _audience(action: Action, clean: dict, mediator: str | None, lead: str | None, unit_path: str) -> list[str]:
    out = []
    for token in action.notify:
        kind, _, what = token.partition(":")
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


def report(engine, actor: str | Actor, definition: Definition, data: dict[str, Any]) -> Outcome:
    store = engine.store
    now = engine.clock.now()
    intake = definition.intake
    data = dict(data)
    note = data.pop("note", None)
    with store.write() as tx:
        who = load_actor(tx, actor)
        if who.role not in intake.roles:
            raise NotPermitted(f"角色“{engine.role_label(who.role)}”不能登记纠纷", f"role {who.role} may not report disputes")
        clean = fields.validate(definition, intake, data, TxResolver(tx), engine.parse_time)
        unit_row = tx.one("unit", {"id": clean["unit"]})
        unit_path = unit_row[1]
        if not who.covers(unit_path):
            raise NotPermitted(f"“{unit_row[2]}”不在您的管辖范围内", f"{clean['unit']} is outside your jurisdiction")
        parties = clean.pop("parties")
        flags = clean.get("flags", [])
        floor = risk.floor(len(parties), flags)
        prefix = engine.number_prefix(tx, unit_path)
        year = engine.local_year(now)
        seq_no = tx.one("next_number", {"prefix": prefix, "year": year})[0]
        number = f"{prefix}-{year}-{seq_no:06d}"
        audit_data = jsonable({**clean, "parties": parties, "risk_floor": floor,
                               "risk_reasons": risk.reasons(len(parties), flags)})
        if note:
            audit_data["note"] = note
        audit_json = dumps(audit_data)
        h = event_hash(GENESIS, number, 1, now, who.id, intake.name, None, definition.initial, audit_json)
        case_data: dict[str, Any] = {}
        if clean.get("occurred_at"):
            case_data["occurred_at"] = jsonable(clean["occurred_at"])
        extra = {k: jsonable(v) for k, v in clean.items()
                 if k not in ("title", "category", "unit", "description", "source", "flags", "occurred_at")}
        case_data.update(extra)
        case_id = tx.one("insert_case", {
            "number": number, "definition": definition.name, "definition_version": definition.version,
            "state": definition.initial, "title": clean["title"], "category": clean["category"],
            "source": clean.get("source", "other"), "description": clean.get("description", ""),
            "unit_id": clean["unit"], "unit_path": unit_path, "risk": floor, "risk_floor": floor,
            "flags": dumps(flags), "party_count": len(parties), "reporter": who.id, "data": dumps(case_data),
            "now": tx.t(now), "audit_hash": h,
        })[0]
        tx.many("insert_party", [
            {"case_id": case_id, "seq": i + 1, "name": p["name"], "role": p.get("role") or "applicant",
             "phone": p.get("phone"), "id_number": p.get("id_number"), "address": p.get("address")}
            for i, p in enumerate(parties)
        ])
        tx.run("insert_audit", {
            "case_id": case_id, "seq": 1, "at": tx.t(now), "actor": who.id, "action": intake.name,
            "from_state": None, "to_state": definition.initial, "data": audit_json, "prev_hash": GENESIS, "hash": h,
        })
        view = guards.CaseView(state=definition.initial, risk=floor, flags=tuple(flags), party_count=len(parties),
                               category=clean["category"])
        for st in intake.starts:
            if st.when is None or guards.CONDITIONS[st.when](view, clean):
                clocks.start(engine, tx, case_id, st.clock, now, floor, clean["category"], {},
                             tier=case_data.get("tier"))
        audience = _audience(intake, clean, None, None, unit_path)
        if audience:
            tx.run("insert_outbox", {
                "now": tx.t(now), "event": intake.name, "case_id": case_id, "case_number": number, "actor": who.id,
                "audience": dumps(audience), "payload": dumps({"to_state": definition.initial, "seq": 1}),
            })
    return Outcome(intake.name, number, who.id, now, None, definition.initial, 1, 1, audit_data)


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


def act(engine, number: str, action: str, actor: str | Actor, data: dict[str, Any],
        expected_version: int | None = None, *, tx=None, now: datetime | None = None) -> Outcome:
    """Apply one action in its own transaction, or inside ``tx`` when a caller batches several (bulk)."""
    store = engine.store
    now = now or engine.clock.now()
    data = dict(data)
    note = data.pop("note", None)
    with (nullcontext(tx) if tx is not None else store.write()) as tx:
        t_now = tx.t(now)
        if isinstance(actor, Actor):
            row = tx.one("case_by_number", {"number": number})
            who = actor
        else:
            row = tx.one("case_for_actor", {"number": number, "actor": actor})
            who = None
        if row is None:
            raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
        if who is None:
            if row[A_ROLE] is None or not row[A_ACTIVE]:
                raise NotPermitted(f"用户“{actor}”不存在或已停用", f"user {actor!r} does not exist or is disabled")
            who = Actor(id=actor, role=row[A_ROLE], unit_path=row[A_UNIT_PATH], unit_id=row[A_UNIT_ID])
        definition = engine.definition(row[C_DEF], row[C_DEFVER])
        state = row[C_STATE]
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
        if expected_version is not None and expected_version != row[C_VERSION]:
            raise Conflict(f"案件“{number}”已被他人修改（版本 {row[C_VERSION]}，您看到的是 {expected_version}），请刷新后重试",
                           f"case {number} was changed by someone else (version {row[C_VERSION]}, you saw {expected_version}); reload and retry")
        clean = fields.validate(definition, a, data, TxResolver(tx), engine.parse_time)
        case_data = json.loads(row[C_DATA])
        flags = json.loads(row[C_FLAGS])
        refusals = None
        if a.guards:
            view = guards.CaseView(state=state, risk=row[C_RISK], flags=tuple(flags), mediator=mediator,
                                   lead_official=lead, responsible_unit=resp, supervision_level=row[C_SUPERVISION],
                                   party_count=row[C_PARTY_COUNT], data=case_data, category=row[C_CATEGORY])
            refusals = guards.check(a.guards, view, clean)
        if refusals:
            raise ValidationError([fields.FieldError(r.field, r.zh, r.en) for r in refusals])
        new_state = state
        if a.moves:
            try:
                new_state = engine.compiled(definition).fire(a.name, state)
            except MachineError:
                raise invalid_action(engine, definition, who, state, action) from None

        cols = {"risk": row[C_RISK], "mediator": mediator, "lead_official": lead, "responsible_unit": resp,
                "supervision_level": row[C_SUPERVISION]}
        risk_floor = row[C_RISK_FLOOR]
        party_count = row[C_PARTY_COUNT]
        audit_data = jsonable(clean)
        for spec in a.fields:
            if spec.name not in clean or not spec.target:
                continue
            kind, _, key = spec.target.partition(".")
            if kind == "case":
                cols[key] = clean[spec.name]
            else:
                case_data[key] = jsonable(clean[spec.name])
        if "risk" in clean and risk.rank(clean["risk"]) < risk.rank(risk_floor):
            cols["risk"] = risk_floor
            audit_data["risk_raised_to_floor"] = risk_floor
        if a.record:
            entry = jsonable({**clean, "at": now, "by": who.id})
            case_data.setdefault(a.record, []).append(entry)
        terminal = a.moves and definition.state(new_state).terminal
        # Only an action that stops, starts or extends a clock, or ends the case, reads its clocks.
        touches_clocks = terminal or a.stops or a.starts or "extend_clock" in a.effects
        running = {r[1]: r for r in tx.all("running_clocks", {"case_id": row[C_ID]})} if touches_clocks else {}
        for effect in a.effects:
            if effect == "delist":
                case_data.setdefault("supervision_history", []).append(jsonable({
                    "level": cols["supervision_level"], "authority": case_data.pop("supervision_authority", None),
                    "deadline": case_data.pop("supervision_deadline", None), "delisted_at": now, "by": who.id}))
                cols["supervision_level"] = None
            elif effect == "extend_clock":
                audit_data["extension"] = jsonable(clocks.extend(
                    engine, tx, running, clean["clock"], clean["until"], now, cols.get("risk", row[C_RISK]), row[C_CATEGORY],
                    case_data.get("tier")))
            elif effect == "add_party":
                for p in clean["party"]:
                    party_count += 1
                    tx.run("insert_party", {"case_id": row[C_ID], "seq": party_count, "name": p["name"],
                                            "role": p.get("role") or "applicant", "phone": p.get("phone"),
                                            "id_number": p.get("id_number"), "address": p.get("address")})
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

        # Clocks: stop what this action answers, then start what it opens.
        stopped = []
        for name, r in list(running.items()):
            # key-person duties outlive their anchor case: only release stops them
            if name in a.stops or (terminal and name != "supervision" and not name.startswith(DUTY_CLOCK_PREFIX)):
                tx.run("stop_clock", {"id": r[0], "now": t_now})
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
            if st.due_field and name_running(running, st.clock):
                # a re-listing at a higher level moves the supervision deadline
                r = running.pop(st.clock)
                tx.run("stop_clock", {"id": r[0], "now": t_now})
            if clocks.start(engine, tx, row[C_ID], st.clock, now, cols["risk"], row[C_CATEGORY], running, due_at=due,
                            tier=case_data.get("tier")):
                started.append(st.clock)
        if stopped:
            audit_data["clocks_stopped"] = stopped
        if started:
            audit_data["clocks_started"] = started

        seq = row[C_AUDIT_SEQ] + 1
        audit_json = dumps(audit_data)
        h = event_hash(row[C_AUDIT_HASH], number, seq, now, who.id, a.name, state, new_state, audit_json)
        closed_at = row[C_CLOSED_AT]
        if terminal:
            closed_at = t_now
        elif a.moves and closed_at is not None:
            closed_at = None
        n = tx.run("update_case", {
            "id": row[C_ID], "version": row[C_VERSION], "state": new_state, "risk": cols["risk"],
            "risk_floor": risk_floor, "flags": row[C_FLAGS], "party_count": party_count,
            "mediator": cols["mediator"], "lead_official": cols["lead_official"],
            "responsible_unit": cols["responsible_unit"], "supervision_level": cols["supervision_level"],
            "data": dumps(case_data), "now": t_now, "closed_at": closed_at, "audit_seq": seq, "audit_hash": h,
        })
        if n != 1:
            raise Conflict(f"案件“{number}”已被他人修改，请刷新后重试", f"case {number} was changed by someone else; reload and retry")
        tx.run("insert_audit", {
            "case_id": row[C_ID], "seq": seq, "at": t_now, "actor": who.id, "action": a.name,
            "from_state": state, "to_state": new_state, "data": audit_json, "prev_hash": row[C_AUDIT_HASH], "hash": h,
        })
        audience = _audience(a, clean, cols["mediator"], cols["lead_official"], row[C_UNIT_PATH])
        if audience:
            tx.run("insert_outbox", {
                "now": t_now, "event": a.name, "case_id": row[C_ID], "case_number": number, "actor": who.id,
                "audience": dumps(audience), "payload": dumps({"from_state": state, "to_state": new_state, "seq": seq}),
            })
    return Outcome(a.name, number, who.id, now, state, new_state, row[C_VERSION] + 1, seq, audit_data)


def name_running(running: dict, name: str) -> bool:
    return name in running
