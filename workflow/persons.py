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

from disputeflow.cases import chain_writer, key_person_store
from disputeflow.cases.chain import Head, link as chain_link
from disputeflow.workflow import duty_sweep, person_inputs, risk as risk_mod
from disputeflow.workflow.commands import dumps, may_touch
from disputeflow.workflow.errors import Conflict, FieldError, NotFound, NotPermitted, ValidationError
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.person_access import append, check_privileged, genesis, load, snapshot
from disputeflow.workflow.person_contacts import record_contact  # noqa: F401  (the register's commands, in one place)
from disputeflow.workflow.person_inputs import KINDS, MAX_GROUP, REASON_KEYS  # noqa: F401
from disputeflow.workflow.person_notices import OFFICIALS, actor_of, notify
from disputeflow.workflow.person_release import RESOLVED_STATES, release  # noqa: F401

REGISTER_ROLES = ("grid_officer", "mediator", "lead_official", "supervisor")


def register(engine, actor, *, name: str, cases: list[str] | None = None, risk: str, grid_officer: str,
             lead_official: str, unit: str | None = None, kind: str = "person", id_number: str | None = None,
             phone: str | None = None, address: str | None = None, group_size: int | None = None,
             reasons: dict | None = None, person_type: str | None = None, stabilise_unit: str | None = None,
             resolve_unit: str | None = None, keepers: dict | None = None) -> dict:
    """Put a person (or a group) under control, with or without a case. Returns ``{"id", "risk", "cases", "duties"}``.

    Without a case the unit is required (the person's village or grid); the
    type says which key population the person belongs to (:mod:`person_types`).

    Raises:
        ValidationError: names every bad field (nothing is written).
        NotPermitted: the actor's role may not register, or a case or unit is outside their jurisdiction.
    """
    now = engine.clock.now()
    errors: list[FieldError] = []
    name, id_number, phone, address, reasons = person_inputs.identity(name, id_number, phone, address, reasons, errors)
    grid_officer, lead_official, unit, kind, risk, stabilise_unit, resolve_unit = person_inputs.ids(
        errors, grid_officer=grid_officer, lead_official=lead_official, unit=unit, kind=kind, risk=risk,
        stabilise_unit=stabilise_unit, resolve_unit=resolve_unit)
    person_type = person_inputs.person_type(person_type, errors)
    numbers = person_inputs.case_numbers(cases or [], errors)
    with engine.store.write() as tx:
        who = actor_of(tx, actor)
        if who.role not in REGISTER_ROLES:
            raise NotPermitted(f"角色“{engine.role_label(who.role)}”不能登记重点人员",
                               f"role {who.role} may not register key persons")
        person_inputs.kind_size_risk(kind, group_size, risk, errors)
        person_inputs.user(tx, grid_officer, "grid_officer", "grid_officer", errors)
        person_inputs.user(tx, lead_official, "lead_official", "lead_official", errors)
        keep = person_inputs.keepers(tx, keepers, errors)
        for field, value in (("stabilise_unit", stabilise_unit), ("resolve_unit", resolve_unit)):
            if value and tx.one("unit", {"id": value}) is None:
                errors.append(FieldError(field, f"单位“{value}”不存在", f"unit {value} not found"))
        case_rows, unit_row = _cases_and_unit(tx, numbers, unit, errors)
        unit = unit or (case_rows[0][2] if case_rows else None)
        if errors:
            raise ValidationError(errors)
        if not who.covers(unit_row[1]):
            raise NotPermitted(f"“{unit_row[2]}”不在您的管辖范围内", f"{unit} is outside your jurisdiction")
        for number, _cid, _u, path, med, lead, resp in case_rows:
            if not may_touch(who, path, med, lead, resp):
                raise NotPermitted(f"案件“{number}”不在您的管辖范围内", f"case {number} is outside your jurisdiction")
        anchor = case_rows[0][1] if case_rows else None
        pid = key_person_store.add_person(tx, {"kind": kind, "name": name, "idn": id_number, "phone": phone, "addr": address, "size": group_size,
             "reasons": dumps(reasons), "risk": risk, "unit": unit, "path": unit_row[1], "go": grid_officer,
             "lead": lead_official, "anchor": anchor, "now": tx.t(now), "by": who.id,
             "genesis": genesis(), "ptype": person_type, "su": stabilise_unit, "ru": resolve_unit,
             "kc": keep["county"], "kt": keep["town"], "kv": keep["village"]})
        p = load(tx, pid)
        append(tx, p, who.id, "register", {
            "kind": kind, "risk": risk, "unit": unit, "grid_officer": grid_officer, "lead_official": lead_official,
            "cases": numbers, "reasons": reasons, "group_size": group_size, "person_type": person_type,
            "stabilise_unit": stabilise_unit, "resolve_unit": resolve_unit, "keepers": keep},
            now, fields=snapshot(p))
        for number, cid, *_ in case_rows:
            _link(tx, p, cid, who.id, now)
        duty_sweep.roll_person(engine, tx, pid, risk, now, anchor, now)
        notify(tx, "person.registered", anchor, numbers[0] if numbers else None, who.id, OFFICIALS, grid_officer,
               lead_official, unit_row[1], {"person_id": pid, "person": mask_name(name), "risk": risk,
                                            "person_type": person_type}, now)
    duty_sweep.forget(engine)
    return {"id": pid, "risk": risk, "cases": numbers, "person_type": person_type, "unit": unit,
            "stabilise_unit": stabilise_unit, "resolve_unit": resolve_unit, "keepers": keep,
            "duties": {k: v.label("en") for k, v in engine.policy.key_persons.plan(risk).items()}}


def _cases_and_unit(tx, numbers: list[str], unit: str | None, errors: list) -> tuple[list[tuple], tuple | None]:
    """The linked cases' rows ``(number, id, unit_id, unit_path, mediator, lead, responsible)`` and the person's
    unit row (the first case's unit when none is named); what is missing is an error."""
    if not numbers and not unit:
        errors.append(FieldError("unit", "未关联案件时须填写所在村（社区）或网格",
                                 "without a case, name the person's village or grid"))
    case_rows = []
    for number in numbers:
        row = key_person_store.case_scope(tx, number)
        if row is None:
            errors.append(FieldError("cases", f"案件“{number}”不存在", f"case {number} not found"))
            continue
        case_rows.append((number, *row))
    unit = unit or (case_rows[0][2] if case_rows else None)
    if not unit:
        return case_rows, None
    got = tx.one("unit", {"id": unit})
    if got is None:
        errors.append(FieldError("unit", f"单位“{unit}”不存在", f"unit {unit} not found"))
    return case_rows, got


def _link(tx, p: dict, case_id: int, actor: str, now: datetime) -> bool:
    """Link a case to the person and raise the case's risk floor (the ``key_person`` intake flag); False if linked.

    The case's event joins its chain under the version read, as a command's does.
    """
    if not key_person_store.add_case_link(tx, p["id"], case_id, tx.t(now), actor):
        return False
    number, state, risk, floor, flags_text, party_count, seq, h, version = key_person_store.case_for_link(tx, case_id)
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
    event = chain_link(tx.store.signer, Head(seq, h), number, now, actor, "key_person_linked", state, state,
                       data_json, fields_json)
    t_now = tx.t(now)
    chain_writer.append(
        tx, chain_writer.CASES,
        [(case_id, event.seq, t_now, actor, "key_person_linked", state, state, data_json, event.prev_hash,
          event.hash, fields_json, event.key_id)],
        {("flags", "risk_floor", "risk"): [(version + 1, t_now, event.seq, event.hash, flags_json, new_floor,
                                            new_risk, case_id, version)]},
        lambda: Conflict(f"案件“{number}”已被他人修改，请刷新后重试",
                         f"case {number} was changed by someone else; reload and retry"))
    return True


def link(engine, actor, person_id, number: str) -> dict:
    """Link another case to a person under control (raises that case's risk floor)."""
    now = engine.clock.now()
    with engine.store.write() as tx:
        who = actor_of(tx, actor)
        p = load(tx, person_id, lock=True)
        check_privileged(who, p, "关联案件", "link cases")
        row = key_person_store.case_scope(tx, number)
        if row is None:
            raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
        cid, _unit, path, med, lead, resp = row
        if not may_touch(who, path, med, lead, resp) and who.role != "system":
            raise NotPermitted(f"案件“{number}”不在您的管辖范围内", f"case {number} is outside your jurisdiction")
        added = _link(tx, p, cid, who.id, now)
        if added:
            append(tx, p, who.id, "link", {"case": number}, now, bump_version=True)
    return {"id": p["id"], "case": number, "linked": added}
