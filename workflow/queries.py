"""The read side: cases, their history and actions, unit talks (the directory's writes are in units_users).

Reads return plain dicts ready for JSON; personal data is masked here, by the
reader's role, so no caller can forget to.
"""

from __future__ import annotations

import json

from disputeflow.cases import case_reads, child_reads, directory, jurisdiction, transactions
from disputeflow.cases.types import from_db
from disputeflow.workflow import case_roles, guards, handover, lapse_board, party_particulars, timeutil, work_orders
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.commands import load_actor, may_touch
from disputeflow.workflow.errors import NotFound, NotPermitted
from disputeflow.workflow.masking import mask_party, mask_text, needs_unmasked
from disputeflow.workflow.results_cases import ActionDoc, CaseDoc, CaseSummary, HistoryEntry



def _iso(value) -> str | None:
    from disputeflow.workflow.timeutil import iso

    dt = from_db(value)
    return iso(dt) if dt else None


def _check_read(actor: Actor | None, c: dict, conn=None) -> None:
    """The reader may read the case: in their jurisdiction, named on it, or (with ``conn``) its work order's office."""
    if actor is None or (actor.role in ("admin", "system") and actor.within(c["unit_path"])):
        return
    if not may_touch(actor, c["unit_path"], c["mediator"], c["lead_official"], c["responsible_unit"]) and not (
            conn is not None and work_orders.reads_through_child(conn, actor, c)):
        raise NotPermitted(f"案件“{c['number']}”不在您的管辖范围内", f"case {c['number']} is outside your jurisdiction")


def _load(conn, number: str) -> dict:
    row = case_reads.case(conn, number)
    if row is None:
        raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
    return dict(row)


def _actor(engine, conn, actor) -> Actor | None:
    """The reader, looked up by the command path's own rule (unknown or disabled users are refused)."""
    if actor is None or isinstance(actor, Actor):
        return actor
    return load_actor(transactions.tuned(conn, engine.store), actor)


def clock_rows(engine, conn, case_id: int, lang: str, definition) -> list[dict]:
    return clock_dicts(engine, case_reads.clock_rows(conn, case_id), lang, definition)


def clock_dicts(engine, rows, lang: str, definition) -> list[dict]:
    """Clock rows (``case_reads.clock_rows``' shape) as the case document's ``deadlines``."""
    now = engine.clock.now()
    out = []
    for name, started, due, warn, status, stopped, extended, level in rows:
        due_dt = from_db(due)
        computed = level
        if status == "running":
            computed = level_at(engine, from_db(started), due_dt, now, name) or level
        out.append({
            "clock": name, "label": definition.clock_label(name, lang, engine.policy), "started_at": _iso(started),
            "due_at": _iso(due), "warn_at": _iso(warn), "level": computed, "status": status,
            "stopped_at": _iso(stopped), "extended": bool(extended),
            "overdue_business_days": timeutil.workdays_late(engine.calendar, due_dt, now) if status == "running" else 0})
    return out


def level_at(engine, started, due, at, clock: str = "", risk: str | None = None,
             category: str | None = None) -> str | None:
    """The highest ladder step whose time has come at ``at`` (None: within time)."""
    level = None
    for step, when in engine.policy.steps(clock, started, due, engine.calendar, risk, category):
        if when <= at:
            level = step.name
    return level


def case(engine, number: str, actor, lang: str) -> CaseDoc:
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        c = _load(conn, number)
        _check_read(who, c, conn)
        d = engine.definition(c["definition"], c["definition_version"])
        data = json.loads(c.pop("data"))
        flags = json.loads(c["flags"])
        parties = [party_particulars.flatten(dict(r)) for r in case_reads.party_rows(conn, c["id"])]
        role, full = (who.role if who else None), engine.unmasked_roles
        if who is not None:
            parties = [mask_party(p, role, full) for p in parties]
            data = mask_text(data, role, full)
            c["title"], c["description"] = mask_text(c["title"], role, full), mask_text(c["description"], role, full)
        handling = handover.handling_unit(c["unit_path"], data)
        names = directory.names(conn, [c["mediator"], c["lead_official"], c["responsible_unit"], c["reporter"],
                                       handling])
        deadlines = clock_rows(engine, conn, c["id"], lang, d)
        family = work_orders.family(engine, conn, c, who, lang, clock_dicts)
        lapses = lapse_board.of_case(conn, c["id"], lang)  # the open missed-duty items of its key persons
    view = guards.CaseView(state=c["state"], risk=c["risk"], lead_official=c["lead_official"], data=data)
    supervision = None
    if c["supervision_level"]:
        supervision = {"level": c["supervision_level"],
                       "level_label": d.vocab_label("level", c["supervision_level"], lang),
                       "authority": data.get("supervision_authority"), "deadline": data.get("supervision_deadline")}
    doc = {
        "number": c["number"], "title": c["title"], "state": c["state"], "state_label": d.state_label(c["state"], lang),
        "version": c["version"], "definition": c["definition"], "definition_version": c["definition_version"],
        "category": c["category"], "category_label": d.vocab_label("category", c["category"], lang),
        "source": c["source"], "source_label": d.vocab_label("source", c["source"], lang),
        "description": c["description"], "unit": c["unit"], "unit_name": c["unit_name"],
        "risk": c["risk"], "risk_label": d.vocab_label("risk", c["risk"], lang), "risk_floor": c["risk_floor"],
        "flags": flags, "parties": parties, "party_count": c["party_count"],
        "reporter": c["reporter"], "reporter_name": names.get(c["reporter"]),
        "mediator": c["mediator"], "mediator_name": names.get(c["mediator"]),
        "lead_official": c["lead_official"], "lead_official_name": names.get(c["lead_official"]),
        "responsible_unit": c["responsible_unit"], "responsible_unit_name": names.get(c["responsible_unit"]),
        "supervision": supervision, "handling_unit": handling, "handling_unit_name": names.get(handling, handling),
        "tier": data.get("tier", "ordinary"),
        "tier_label": {"ordinary": ("一般", "ordinary"), "complex": ("复杂", "complex")}[
            data.get("tier", "ordinary")][1 if lang.startswith("en") else 0],
        "five_ones": _five_ones(view, lang),
        "deadlines": deadlines, **family, "key_person_lapses": lapses,
        "data": data,
        "reported_at": _iso(c["reported_at"]), "updated_at": _iso(c["updated_at"]), "closed_at": _iso(c["closed_at"]),
    }
    return doc


def _five_ones(view, lang: str) -> dict:
    missing = guards.five_ones_missing(view)
    return {"required": view.high_risk, "missing": missing, "missing_labels": guards.five_ones_labels(missing, lang)}


def history(engine, number: str, actor, lang: str | None = None) -> list[HistoryEntry]:
    lang = lang or engine.lang
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        c = _load(conn, number)
        _check_read(who, c, conn)
        d = engine.definition(c["definition"], c["definition_version"])
        rows = case_reads.history_rows(conn, c["id"])
        names = directory.names(conn, [r[2] for r in rows])
    out = []
    role, full = (who.role if who else None), engine.unmasked_roles
    for seq, at, act_by, action, frm, to, data, h in rows:
        payload = json.loads(data)
        if who is not None and not needs_unmasked(role, full) and "parties" in payload:
            payload["parties"] = [mask_party(p, role, full) for p in payload["parties"]]
        if who is not None and not needs_unmasked(role, full) and "party" in payload:
            payload["party"] = [mask_party(p, role, full) for p in payload["party"]]
        if who is not None and not needs_unmasked(role, full) and "parties" in payload.get("changes", {}):
            # a ledger correction lists the parties before and after
            diff = payload["changes"]["parties"]
            payload["changes"]["parties"] = {k: [mask_party(p, role, full) for p in (v or [])] for k, v in diff.items()}
        if who is not None:
            payload = mask_text(payload, role, full)  # notes, descriptions, ledger columns: numbers typed into text
        out.append({"seq": seq, "at": _iso(at), "actor": act_by, "actor_name": names.get(act_by, act_by),
                    "action": action, "action_label": d.action_label(action, lang) if action not in
                    ("escalate",) else ("升级提醒" if not lang.startswith("en") else "escalation"),
                    "from_state": frm, "to_state": to, "data": payload, "hash": h})
    return out


def _subtree(conn, unit: str | None) -> str | None:
    if not unit:
        return None
    row = directory.unit(conn, unit)
    if row is None:
        raise NotFound(f"单位“{unit}”不存在", f"unit {unit} not found")
    return row[1]


def scope(conn, who: Actor | None, unit: str | None) -> list:
    """The conditions that hold a case query to the reader's jurisdiction and, optionally, one unit's subtree.

    A bounded reader (a narrowed API token) is held to the bound whatever else matches.
    """
    return jurisdiction.case_scope(who, _subtree(conn, unit))


def scope_of(conn, who: Actor | None, unit: str | None) -> jurisdiction.Scope:
    """:func:`scope` as a statement shape and its values (for statements built once per shape)."""
    return jurisdiction.case_scope_of(who, _subtree(conn, unit))


def list_cases(engine, actor, state, unit, limit: int, offset: int, lang: str | None = None) -> list[CaseSummary]:
    lang = lang or engine.lang
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        rows = case_reads.case_list(conn, scope_of(conn, who, unit), state, limit, offset)
    out = []
    for c in rows:
        d = engine.listed_definition(c["definition"], c["definition_version"])
        out.append({
            "number": c["number"],
            "title": mask_text(c["title"], who.role, engine.unmasked_roles) if who else c["title"], "state": c["state"],
            "state_label": d.state_label(c["state"], lang), "risk": c["risk"],
            "risk_label": d.vocab_label("risk", c["risk"], lang), "category": c["category"],
            "category_label": d.vocab_label("category", c["category"], lang), "unit": c["unit"],
            "unit_name": c["unit_name"], "mediator": c["mediator"], "lead_official": c["lead_official"],
            "supervision": c["supervision_level"], "reported_at": _iso(c["reported_at"]), "version": c["version"],
        })
    return out


def actions(engine, number: str, actor, lang: str | None = None) -> list[ActionDoc]:
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        if who is None:
            raise NotPermitted("须指明操作人", "an actor is required")
        c = _load(conn, number)
        _check_read(who, c, conn)
        running = case_reads.running_clock_names(conn, c["id"])
        d = engine.definition(c["definition"], c["definition_version"])
        children = None
        compiled = engine.compiled(d)
        if any(compiled.reads_children[a.name] for a in d.actions):
            children = tuple(tuple(r[:3]) for r in child_reads.open_children(conn, c["id"]))
        offices = work_orders.office_choices(conn, c["unit_path"], c["category"], lang or engine.lang) if any(
            a.spawns for a in d.actions) else {}
        hands = {a.name for a in d.actions if "hand_over" in a.effects}
        levels = directory.names(conn, handover.levels(c["unit_path"])) if hands else {}
    data = json.loads(c["data"])
    view = guards.CaseView(state=c["state"], risk=c["risk"], flags=tuple(json.loads(c["flags"])),
                           mediator=c["mediator"], lead_official=c["lead_official"],
                           responsible_unit=c["responsible_unit"], supervision_level=c["supervision_level"],
                           party_count=c["party_count"], data=data, category=c["category"], children=children)
    lang = lang or engine.lang
    out = []
    for name in compiled.open_actions(c["state"]):
        a = d.action(name)
        if who.role not in a.roles or (name in hands and not handover.may_hand_over(who, c["unit_path"], data)):
            continue
        refusals = compiled.check(name, view, {})
        dest = compiled.transition(name, c["state"]).dest
        fields = []
        for f in a.fields:
            fd = {"name": f.name, "type": f.type, "label": f.label.get(lang), "required": f.required}
            if f.vocab or f.type in ("choice", "choices"):
                fd["choices"] = d.choices(f.vocab or f.name, lang)
            if f.type == "user":
                fd["roles"] = list(f.roles)
            if f.type == "clock":
                fd["choices"] = {k: d.clock_label(k, lang, engine.policy) for k in running}
            if a.spawns and f.type == "unit" and offices:
                fd["choices"] = offices  # the town's offices, those that handle the case's category first
            if name in hands and f.type == "unit":  # the levels above (or below) the one handling the case
                fd["choices"] = {u: levels.get(u, u) for u in handover.targets(name, c["unit_path"], data)}
            fields.append(fd)
        # a refusal that names one of the action's own fields is answered in its form: the form stays open
        blocking = [r for r in refusals if r.field not in a.field_names]
        own = case_roles.own_case_refusal(a, who, c["mediator"], c["lead_official"])
        if own is not None:  # a lead official sees what they may do only on the cases they lead, and why
            refusals = [guards.Refusal("own_case", *own), *refusals]
            blocking = refusals
        out.append({
            "action": a.name, "label": a.label.get(lang), "moves_to": dest,
            "moves_to_label": d.state_label(dest, lang) if dest else None,
            "available": not blocking, "reasons": [r.en if lang.startswith("en") else r.zh for r in refusals],
            "moot": any(r.moot for r in blocking),
            "fields": fields,
        })
    return out


def unit_talks(engine, actor, month: str | None) -> list[dict]:
    """Units listed for a formal talk (约谈), newest month first, within the reader's jurisdiction."""
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        rows = case_reads.talk_rows(conn, jurisdiction.unit_scope(who), month)
    return [{"unit": u, "unit_name": name, "month": m, "level3_count": n, "cases": json.loads(cs),
             "listed_at": _iso(at)} for u, name, m, n, cs, at in rows]
