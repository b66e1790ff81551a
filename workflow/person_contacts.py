"""Contacts with a key person (走访、电话、报告): they meet the duties of their period.

An alarming contact raises the person's risk one level, replans the duties
that change with it, and tells the policy's alarm recipients at once, in the
same transaction.
"""

from __future__ import annotations

from datetime import datetime

from disputeflow.cases import key_person_store
from disputeflow.workflow import duty_lapses, duty_sweep, inputs, risk as risk_mod
from disputeflow.workflow.errors import FieldError, ValidationError
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.person_access import append, check_privileged, check_visible, load
from disputeflow.workflow.person_notices import actor_of, notify
from disputeflow.workflow.policy import CONTACT_METHODS
from disputeflow.workflow.timeutil import check_time


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
        who = actor_of(tx, actor)
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
        contact_id = key_person_store.add_contact(tx, p["id"], tx.t(at), tx.t(now), who.id, method, state or "",
                                                  bool(alarming), note or "")
        old_risk = p["risk"]
        new_risk = old_risk
        if alarming:
            new_risk = risk_mod.LEVELS[min(risk_mod.rank(old_risk) + 1, len(risk_mod.LEVELS) - 1)]
            if new_risk != old_risk:
                _replan(engine, tx, p, new_risk, at, now)
        # the sweep may not have opened the current periods yet: open them before meeting them
        duty_sweep.roll_person(engine, tx, p["id"], p["risk"], since, p["anchor_case_id"], now)
        met = duty_sweep.meet(engine, tx, p["id"], method, at, contact_id, now)
        if met:
            duty_lapses.close_when_back(tx, p["id"], at, now)
        data = {"contact_id": contact_id, "method": method, "at": at, "state": state, "alarming": bool(alarming),
                "met": met}
        if new_risk != old_risk:
            data["risk"] = {"from": old_risk, "to": new_risk}
        append(tx, p, who.id, "contact", data, now, bump_version=True,
               fields={"risk": new_risk} if new_risk != old_risk else None)
        if alarming:
            anchor = key_person_store.case_number(tx, p["anchor_case_id"])
            notify(tx, "person.alarm", p["anchor_case_id"], anchor, who.id, engine.policy.key_persons.alarm_recipients,
                   p["grid_officer"], p["lead_official"], p["unit_path"],
                   {"person_id": p["id"], "person": mask_name(p["name"]), "at": at, "method": method,
                    "risk_from": old_risk, "risk_to": new_risk}, now)
    duty_sweep.forget(engine)
    return {"contact_id": contact_id, "met": met, "risk": new_risk, "risk_raised": new_risk != old_risk}


def _replan(engine, tx, p: dict, new_risk: str, at: datetime, now: datetime) -> None:
    """The person's risk changed: duties whose recurrence changes restart from ``at`` under the new plan."""
    kp = engine.policy.key_persons
    old, new = kp.plan(p["risk"]), kp.plan(new_risk)
    changed = [d for d in set(old) | set(new) if old.get(d) != new.get(d)]
    duty_sweep.cancel_open(tx, p["id"], now, changed)
    key_person_store.set_risk(tx, p["id"], new_risk)
    p["risk"] = new_risk
    duty_sweep.roll_person(engine, tx, p["id"], new_risk, tx.time(p["controlled_since"]), p["anchor_case_id"], now,
                           start_at={d: at for d in changed})
