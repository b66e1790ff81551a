"""Release from control (解除稳控): a supervisor's decision with a reason, once the linked cases are resolved.

Release stops every duty clock of the person, missed ones included: nobody
is to be chased for a released person.
"""

from __future__ import annotations

from disputeflow.cases import key_person_store
from disputeflow.workflow import duty_lapses, duty_sweep, inputs
from disputeflow.workflow.errors import FieldError, NotPermitted, ValidationError
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.person_access import append, check_visible, load
from disputeflow.workflow.person_notices import OFFICIALS, actor_of, notify

RESOLVED_STATES = ("resolved", "following_up")  # plus every terminal state of the case's workflow


def release(engine, actor, person_id, *, reason: str) -> dict:
    """Release a person from control (解除稳控): a supervisor's decision with a reason, once the cases are resolved.

    Raises:
        NotPermitted: the actor is not a supervisor whose jurisdiction covers the person.
        ValidationError: no reason, already released, or linked cases still open (named).
    """
    now = engine.clock.now()
    with engine.store.write() as tx:
        who = actor_of(tx, actor)
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
        for number, state, dname, dver in key_person_store.linked_cases(tx, p["id"]):
            done = set(RESOLVED_STATES) | set(engine.listed_definition(dname, dver).terminal_states)
            if state not in done:
                open_cases.append(number)
        if open_cases:
            errors.append(FieldError("cases", f"关联案件尚未化解：{'、'.join(open_cases)}",
                                     f"linked cases not yet resolved: {', '.join(open_cases)}"))
        if errors:
            raise ValidationError(errors)
        cancelled = duty_sweep.cancel_open(tx, p["id"], now, None, not_due_only=False)
        duty_lapses.close(tx, p["id"], now, "released")
        key_person_store.mark_released(tx, p["id"], tx.t(now), who.id, reason.strip())
        p["status"] = "released"
        append(tx, p, who.id, "release", {"reason": reason.strip(), "cancelled_occurrences": cancelled}, now,
               bump_version=True, fields={"status": "released"})
        anchor = key_person_store.case_number(tx, p["anchor_case_id"])
        notify(tx, "person.released", p["anchor_case_id"], anchor, who.id, OFFICIALS, p["grid_officer"],
               p["lead_official"], p["unit_path"],
               {"person_id": p["id"], "person": mask_name(p["name"]), "reason": reason.strip()}, now)
    return {"id": p["id"], "status": "released"}
