"""The key-person register (重点人员稳控): registration, case links, contacts, release.

Each command is one transaction: the change, the person's audit event, any
case audit event, the duty clocks and the outbox rows commit together.

* Registering a person links one or more cases; each linked case gets the
  ``key_person`` flag, so its risk floor rises by the same rule as at intake
  (:func:`disputeflow.workflow.risk.floor`), with an event on the case's own audit chain.
* The control plan comes from the policy (``[key_persons]``) by the person's
  risk; :mod:`disputeflow.workflow.duty_sweep` turns it into clocks.
* A contact meets the duties its method satisfies for the period it falls in.
  An alarming contact raises the person's risk one level, replans the duties
  that change with it, and tells the lead official at once (outbox row in the
  same transaction).
* Release needs a supervisor of the jurisdiction, a reason, and every linked
  case resolved (resolved, following up, or in a terminal state); it stops
  every duty clock of the person.
"""

from __future__ import annotations

import json
from datetime import datetime

from disputeflow.cases.audit import seal
from disputeflow.workflow import duty_sweep, inputs, risk as risk_mod
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.commands import dumps, jsonable, load_actor, may_touch
from disputeflow.workflow.errors import FieldError, NotFound, NotPermitted, ValidationError
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.person_access import append, check_privileged, check_visible, genesis, load, snapshot
from disputeflow.workflow.policy import CONTACT_METHODS
from disputeflow.workflow.timeutil import check_time

KINDS = ("person", "group")
MAX_GROUP = 100_000  # people in one group under control; the API's bound too
REASON_KEYS = ("threat", "mental_state", "prior_incidents", "note")
REGISTER_ROLES = ("grid_officer", "mediator", "lead_official", "supervisor")
RESOLVED_STATES = ("resolved", "following_up")  # plus every terminal state of the case's workflow


def _actor(tx, actor) -> Actor:
    if actor is None:
        raise NotPermitted("须指明操作人", "an actor is required")
    return load_actor(tx, actor)


def _user(tx, user_id, role: str, field: str, errors: list) -> None:
    row = tx.query("SELECT role, active FROM users WHERE id = :id", {"id": user_id or ""})
    if not user_id:
        errors.append(FieldError(field, "必填", "required"))
    elif not row or not row[0][1]:
        errors.append(FieldError(field, f"用户“{user_id}”不存在或已停用", f"user {user_id!r} does not exist or is disabled"))
    elif row[0][0] != role:
        errors.append(FieldError(field, f"用户“{user_id}”的角色不是{_ROLE_ZH[role]}", f"user {user_id!r} is not a {role}"))


_ROLE_ZH = {"grid_officer": "网格员", "lead_official": "包案领导"}


def _identity(name, id_number, phone, address, reasons, errors: list[FieldError]) -> tuple:
    """The person's name, ID number, phone, address and reasons checked as every other input is
    (:mod:`disputeflow.workflow.inputs`): the same limits, the same phone and ID rules as a case's parties."""
    name = inputs.text("name", name or "", errors, max_length=inputs.NAME_MAX, required=True, label=("姓名", "name"))
    if id_number not in (None, ""):
        id_number = inputs.id_number("id_number", id_number, errors)
    if phone not in (None, ""):
        phone = inputs.phone("phone", phone, errors)
    address = inputs.optional_text("address", address, errors, max_length=inputs.ADDRESS_MAX, label=("住址", "address"))
    if not isinstance(reasons, (dict, type(None))):
        errors.append(FieldError("reasons", "应为“项目: 说明”的集合", "must be a mapping of key to text"))
        return name, id_number or None, phone or None, address, {}
    clean = {}
    for key, value in (reasons or {}).items():
        if key not in REASON_KEYS:
            errors.append(FieldError("reasons", f"未知项：{key}（可用：{'、'.join(REASON_KEYS)}）",
                                     f"unknown key: {key} (allowed: {', '.join(REASON_KEYS)})"))
            continue
        clean[key] = inputs.text(f"reasons.{key}", value, errors, max_length=inputs.NOTE_MAX, multiline=True)
    return name, id_number or None, phone or None, address, clean


def register(engine, actor, *, name: str, cases: list[str], risk: str, grid_officer: str, lead_official: str,
             unit: str | None = None, kind: str = "person", id_number: str | None = None, phone: str | None = None,
             address: str | None = None, group_size: int | None = None, reasons: dict | None = None) -> dict:
    """Put a person (or a group) under control. Returns ``{"id", "risk", "cases", "duties"}``.

    Raises:
        ValidationError: names every bad field (nothing is written).
        NotPermitted: the actor's role may not register, or a case or unit is outside their jurisdiction.
        NotFound: a linked case does not exist.
    """
    now = engine.clock.now()
    errors: list[FieldError] = []
    name, id_number, phone, address, reasons = _identity(name, id_number, phone, address, reasons, errors)
    grid_officer, lead_official, unit, kind, risk = (
        inputs.optional_text(f, v, errors, max_length=inputs.ID_MAX) for f, v in (
            ("grid_officer", grid_officer), ("lead_official", lead_official), ("unit", unit), ("kind", kind),
            ("risk", risk)))
    if not isinstance(cases, (list, tuple)) or not all(isinstance(c, str) and len(c) <= inputs.ID_MAX for c in cases):
        errors.append(FieldError("cases", "应为案件编号的列表", "must be a list of case numbers"))
        cases = []
    with engine.store.write() as tx:
        who = _actor(tx, actor)
        if who.role not in REGISTER_ROLES:
            raise NotPermitted(f"角色“{engine.role_label(who.role)}”不能登记重点人员",
                               f"role {who.role} may not register key persons")
        if kind not in KINDS:
            errors.append(FieldError("kind", "应为 person（个人）或 group（群体）", "must be person or group"))
        if kind == "group" and (not isinstance(group_size, int) or isinstance(group_size, bool) or not 2 <= group_size <= MAX_GROUP):
            errors.append(FieldError("group_size", f"群体须填写人数（2 至 {MAX_GROUP} 人）",
                                     f"a group needs its size (2 to {MAX_GROUP})"))
        if risk not in risk_mod.LEVELS:
            errors.append(FieldError("risk", f"应为 {'、'.join(risk_mod.LEVELS)} 之一", f"must be one of {', '.join(risk_mod.LEVELS)}"))
        _user(tx, grid_officer, "grid_officer", "grid_officer", errors)
        _user(tx, lead_official, "lead_official", "lead_official", errors)
        numbers = list(dict.fromkeys(cases or []))
        if not numbers:
            errors.append(FieldError("cases", "至少关联一起案件", "link at least one case"))
        case_rows = []
        for number in numbers:
            row = tx.query("SELECT id, unit_id, unit_path, mediator, lead_official, responsible_unit FROM cases "
                           "WHERE number = :n", {"n": number})
            if not row:
                errors.append(FieldError("cases", f"案件“{number}”不存在", f"case {number} not found"))
                continue
            case_rows.append((number, *row[0]))
        unit_row = None
        unit = unit or (case_rows[0][2] if case_rows else None)
        if unit:
            got = tx.one("unit", {"id": unit})
            if got is None:
                errors.append(FieldError("unit", f"单位“{unit}”不存在", f"unit {unit} not found"))
            else:
                unit_row = got
        if errors:
            raise ValidationError(errors)
        if not who.covers(unit_row[1]):
            raise NotPermitted(f"“{unit_row[2]}”不在您的管辖范围内", f"{unit} is outside your jurisdiction")
        for number, _cid, _u, path, med, lead, resp in case_rows:
            if not may_touch(who, path, med, lead, resp):
                raise NotPermitted(f"案件“{number}”不在您的管辖范围内", f"case {number} is outside your jurisdiction")
        pid = tx.query(
            "INSERT INTO key_persons (kind, name, id_number, phone, address, group_size, reasons, risk, unit_id, "
            "unit_path, grid_officer, lead_official, status, anchor_case_id, controlled_since, next_roll_at, "
            "created_at, created_by, version, audit_seq, audit_hash) VALUES (:kind, :name, :idn, :phone, :addr, "
            ":size, :reasons, :risk, :unit, :path, :go, :lead, 'controlled', :anchor, :now, NULL, :now, :by, 1, 0, "
            ":genesis) RETURNING id",
            {"kind": kind, "name": name, "idn": id_number, "phone": phone, "addr": address, "size": group_size,
             "reasons": dumps(reasons), "risk": risk, "unit": unit, "path": unit_row[1], "go": grid_officer,
             "lead": lead_official, "anchor": case_rows[0][1], "now": tx.t(now), "by": who.id,
             "genesis": genesis()})[0][0]
        p = load(tx, pid)
        append(tx, p, who.id, "register", {
            "kind": kind, "risk": risk, "unit": unit, "grid_officer": grid_officer, "lead_official": lead_official,
            "cases": numbers, "reasons": reasons, "group_size": group_size}, now, fields=snapshot(p))
        for number, cid, *_ in case_rows:
            _link(engine, tx, p, cid, who.id, now)
        duty_sweep.roll_person(engine, tx, pid, risk, now, case_rows[0][1], now)
        tx.run("insert_outbox", {
            "now": tx.t(now), "event": "person.registered", "case_id": case_rows[0][1], "case_number": numbers[0],
            "actor": who.id, "audience": dumps(duty_sweep.audience(("grid_officer", "lead_official"), grid_officer,
                                                                  lead_official, unit_row[1])),
            "payload": dumps({"person_id": pid, "person": mask_name(name), "risk": risk})})
    duty_sweep.forget(engine)
    return {"id": pid, "risk": risk, "cases": numbers,
            "duties": {k: v.label("en") for k, v in engine.policy.key_persons.plan(risk).items()}}


def _link(engine, tx, p: dict, case_id: int, actor: str, now: datetime) -> bool:
    """Link a case to the person and raise the case's risk floor (the ``key_person`` intake flag); False if linked."""
    if tx.execute("INSERT INTO key_person_cases (person_id, case_id, linked_at, linked_by) VALUES (:p, :c, :now, :by) "
                  "ON CONFLICT (person_id, case_id) DO NOTHING",
                  {"p": p["id"], "c": case_id, "now": tx.t(now), "by": actor}) != 1:
        return False
    row = tx.query("SELECT number, state, risk, risk_floor, flags, party_count, audit_seq, audit_hash, version "
                   "FROM cases WHERE id = :id" + ("" if tx.store.is_sqlite else " FOR UPDATE"), {"id": case_id})[0]
    number, state, risk, floor, flags_text, party_count, seq, h, version = row
    flags = json.loads(flags_text)
    if "key_person" not in flags:
        flags.append("key_person")
    new_floor = risk_mod.higher(floor, risk_mod.floor(party_count, flags))
    new_risk = risk_mod.higher(risk, new_floor)
    data = {"person_id": p["id"], "person": mask_name(p["name"]), "risk_floor": new_floor}
    if new_risk != risk:
        data["risk_raised_to_floor"] = new_risk
    data_json = dumps(data)
    flags_json = dumps(flags)
    changed = {k: v for k, v, was in (("flags", flags_json, flags_text), ("risk_floor", new_floor, floor),
                                      ("risk", new_risk, risk)) if v != was}
    fields_json = dumps(changed)
    new_h, key_id = seal(tx.store.signer, h, number, seq + 1, now, actor, "key_person_linked", state, state,
                         data_json, fields_json)
    tx.run("insert_audit", {"case_id": case_id, "seq": seq + 1, "at": tx.t(now), "actor": actor,
                            "action": "key_person_linked", "from_state": state, "to_state": state, "data": data_json,
                            "prev_hash": h, "hash": new_h, "fields": fields_json, "key_id": key_id})
    tx.execute("UPDATE cases SET flags = :flags, risk_floor = :floor, risk = :risk, audit_seq = :seq, "
               "audit_hash = :h, version = version + 1, updated_at = :now WHERE id = :id",
               {"flags": flags_json, "floor": new_floor, "risk": new_risk, "seq": seq + 1, "h": new_h,
                "now": tx.t(now), "id": case_id})
    return True


def link(engine, actor, person_id, number: str) -> dict:
    """Link another case to a person under control (raises that case's risk floor)."""
    now = engine.clock.now()
    with engine.store.write() as tx:
        who = _actor(tx, actor)
        p = load(tx, person_id, lock=True)
        check_privileged(who, p, "关联案件", "link cases")
        row = tx.query("SELECT id, unit_path, mediator, lead_official, responsible_unit FROM cases WHERE number = :n",
                       {"n": number})
        if not row:
            raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
        cid, path, med, lead, resp = row[0]
        if not may_touch(who, path, med, lead, resp) and who.role != "system":
            raise NotPermitted(f"案件“{number}”不在您的管辖范围内", f"case {number} is outside your jurisdiction")
        added = _link(engine, tx, p, cid, who.id, now)
        if added:
            append(tx, p, who.id, "link", {"case": number}, now, bump_version=True)
    return {"id": p["id"], "case": number, "linked": added}


def record_contact(engine, actor, person_id, *, method: str, at: datetime | None = None, state: str = "",
                   alarming: bool = False, note: str = "") -> dict:
    """Record a contact (visit, phone) or a report; meets the duties it satisfies for the period it falls in.

    Returns ``{"contact_id", "met": [duties], "risk", "risk_raised": bool}``.

    Raises:
        NotPermitted: the actor is not the grid officer, the lead official or a supervisor of the jurisdiction.
        ValidationError: bad method or time, or the person is released.
    """
    now = engine.clock.now()
    if at is not None:
        try:
            at = check_time(at)
        except ValueError as exc:
            raise ValidationError.one("at", exc.message("zh_CN"), exc.message("en")) from None
    at = at or now
    with engine.store.write() as tx:
        who = _actor(tx, actor)
        p = load(tx, person_id, lock=True)
        check_visible(who, p)
        check_privileged(who, p, "记录走访", "record contacts")
        errors: list[FieldError] = []
        state = inputs.text("state", state or "", errors, max_length=inputs.NOTE_MAX, multiline=True,
                            label=("现实表现", "state"))
        note = inputs.text("note", note or "", errors, max_length=inputs.NOTE_MAX, multiline=True, label=("备注", "note"))
        if method not in CONTACT_METHODS:
            errors.append(FieldError("method", f"应为 {'、'.join(CONTACT_METHODS)} 之一（visit 见面、phone 电话、report 报告）",
                                     f"must be one of {', '.join(CONTACT_METHODS)}"))
        if p["status"] != "controlled":
            errors.append(FieldError("person", "该人员已解除稳控", "this person has been released from control"))
        since = tx.time(p["controlled_since"])
        if at > now:
            errors.append(FieldError("at", "走访时间不能晚于现在", "the contact time cannot be in the future"))
        elif at < since:
            errors.append(FieldError("at", "走访时间早于列管时间", "the contact time is before control started"))
        if errors:
            raise ValidationError(errors)
        contact_id = tx.query(
            "INSERT INTO key_person_contacts (person_id, at, recorded_at, recorded_by, method, state, alarming, note) "
            "VALUES (:p, :at, :now, :by, :method, :state, :alarming, :note) RETURNING id",
            {"p": p["id"], "at": tx.t(at), "now": tx.t(now), "by": who.id, "method": method, "state": state or "",
             "alarming": bool(alarming), "note": note or ""})[0][0]
        old_risk = p["risk"]
        new_risk = old_risk
        if alarming:
            new_risk = risk_mod.LEVELS[min(risk_mod.rank(old_risk) + 1, len(risk_mod.LEVELS) - 1)]
            if new_risk != old_risk:
                _replan(engine, tx, p, new_risk, at, now)
        # the sweep may not have opened the current periods yet: open them before meeting them
        duty_sweep.roll_person(engine, tx, p["id"], p["risk"], since, p["anchor_case_id"], now)
        met = duty_sweep.meet(engine, tx, p["id"], method, at, contact_id, now)
        data = {"contact_id": contact_id, "method": method, "at": at, "state": state, "alarming": bool(alarming),
                "met": met}
        if new_risk != old_risk:
            data["risk"] = {"from": old_risk, "to": new_risk}
        append(tx, p, who.id, "contact", data, now, bump_version=True,
               fields={"risk": new_risk} if new_risk != old_risk else None)
        if alarming:
            anchor = tx.query("SELECT number FROM cases WHERE id = :id", {"id": p["anchor_case_id"]})[0][0]
            tx.run("insert_outbox", {
                "now": tx.t(now), "event": "person.alarm", "case_id": p["anchor_case_id"], "case_number": anchor,
                "actor": who.id,
                "audience": dumps(duty_sweep.audience(engine.policy.key_persons.alarm_recipients, p["grid_officer"],
                                                      p["lead_official"], p["unit_path"])),
                "payload": dumps(jsonable({"person_id": p["id"], "person": mask_name(p["name"]), "at": at,
                                           "method": method, "risk_from": old_risk, "risk_to": new_risk}))})
    duty_sweep.forget(engine)
    return {"contact_id": contact_id, "met": met, "risk": new_risk, "risk_raised": new_risk != old_risk}


def _replan(engine, tx, p: dict, new_risk: str, at: datetime, now: datetime) -> None:
    """The person's risk changed: duties whose recurrence changes restart from ``at`` under the new plan."""
    kp = engine.policy.key_persons
    old, new = kp.plan(p["risk"]), kp.plan(new_risk)
    changed = [d for d in set(old) | set(new) if old.get(d) != new.get(d)]
    duty_sweep.cancel_open(tx, p["id"], now, changed)
    tx.execute("UPDATE key_persons SET risk = :risk WHERE id = :id", {"risk": new_risk, "id": p["id"]})
    p["risk"] = new_risk
    duty_sweep.roll_person(engine, tx, p["id"], new_risk, tx.time(p["controlled_since"]), p["anchor_case_id"], now,
                           start_at={d: at for d in changed})


def release(engine, actor, person_id, *, reason: str) -> dict:
    """Release a person from control (解除稳控): a supervisor's decision with a reason, once the cases are resolved.

    Raises:
        NotPermitted: the actor is not a supervisor whose jurisdiction covers the person.
        ValidationError: no reason, already released, or linked cases still open (named).
    """
    now = engine.clock.now()
    with engine.store.write() as tx:
        who = _actor(tx, actor)
        p = load(tx, person_id, lock=True)
        check_visible(who, p)
        if who.role != "supervisor" or not who.covers(p["unit_path"]):
            raise NotPermitted("解除稳控须由本辖区督办人员决定", "release from control needs a supervisor of the jurisdiction")
        errors: list[FieldError] = []
        if reason is None or (isinstance(reason, str) and not reason.strip()):
            errors.append(FieldError("reason", "须说明解除理由", "a reason is required"))
        else:
            reason = inputs.text("reason", reason, errors, max_length=inputs.NOTE_MAX, multiline=True,
                                 label=("解除理由", "reason")) or ""
        if p["status"] != "controlled":
            errors.append(FieldError("person", "该人员已解除稳控", "this person has already been released"))
        open_cases = []
        for number, state, dname, dver in tx.query(
                "SELECT c.number, c.state, c.definition, c.definition_version FROM key_person_cases l "
                "JOIN cases c ON c.id = l.case_id WHERE l.person_id = :p ORDER BY c.number", {"p": p["id"]}):
            done = set(RESOLVED_STATES) | set(engine.definition(dname, dver).terminal_states)
            if state not in done:
                open_cases.append(number)
        if open_cases:
            errors.append(FieldError("cases", f"关联案件尚未化解：{'、'.join(open_cases)}",
                                     f"linked cases not yet resolved: {', '.join(open_cases)}"))
        if errors:
            raise ValidationError(errors)
        cancelled = duty_sweep.cancel_open(tx, p["id"], now, None, not_due_only=False)
        tx.execute("UPDATE key_persons SET status = 'released', released_at = :now, released_by = :by, "
                   "release_reason = :reason, next_roll_at = NULL WHERE id = :id",
                   {"now": tx.t(now), "by": who.id, "reason": reason.strip(), "id": p["id"]})
        p["status"] = "released"
        append(tx, p, who.id, "release", {"reason": reason.strip(), "cancelled_occurrences": cancelled}, now,
               bump_version=True, fields={"status": "released"})
        anchor = tx.query("SELECT number FROM cases WHERE id = :id", {"id": p["anchor_case_id"]})[0][0]
        tx.run("insert_outbox", {
            "now": tx.t(now), "event": "person.released", "case_id": p["anchor_case_id"], "case_number": anchor,
            "actor": who.id, "audience": dumps(duty_sweep.audience(("grid_officer", "lead_official"), p["grid_officer"],
                                                                  p["lead_official"], p["unit_path"])),
            "payload": dumps({"person_id": p["id"], "person": mask_name(p["name"]), "reason": reason.strip()})})
    return {"id": p["id"], "status": "released"}

