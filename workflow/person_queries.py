"""Reading the key-person register: the list, one person, contacts due on a day, the control rate.

Every read of a person's record is written to the person's audit chain (who,
when, which view, masked or not), so reads run in a write transaction. Details
(name, identity, phone, address, reasons, contacts) go only to the readers
:func:`disputeflow.workflow.person_access.privileged` names; others in the jurisdiction get
a masked name and the risk level.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from disputeflow.cases import directory, person_reads, transactions
from disputeflow.workflow import duty_lapses, person_types
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.commands import load_actor
from disputeflow.workflow.duties import period_on
from disputeflow.workflow.errors import NotFound, NotPermitted
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.person_access import append, append_reads, check_visible, load, privileged
from disputeflow.workflow.timeutil import at_local, iso

RISK_LABELS = {"low": ("低", "low"), "medium": ("中", "medium"), "high": ("高", "high"), "critical": ("重大", "critical")}
STATUS_LABELS = {"controlled": ("稳控中", "under control"), "released": ("已解除稳控", "released from control")}
KIND_LABELS = {"person": ("个人", "person"), "group": ("群体", "group")}


def _label(table: dict, key: str, lang: str) -> str:
    zh, en = table.get(key, (key, key))
    return en if lang.startswith("en") else zh


def _who(tx, actor) -> Actor:
    if actor is None:
        raise NotPermitted("须指明操作人", "an actor is required")
    return load_actor(tx, actor)


def _t(tx, value) -> str | None:
    dt = tx.time(value)
    return iso(dt) if dt else None


def _summary(tx, p: dict, full: bool, lang: str, cases: list[str], unit_name: str | None) -> dict:
    return {
        "id": p["id"], "kind": p["kind"], "kind_label": _label(KIND_LABELS, p["kind"], lang),
        "name": p["name"] if full else mask_name(p["name"]), "masked": not full,
        "risk": p["risk"], "risk_label": _label(RISK_LABELS, p["risk"], lang),
        "status": p["status"], "status_label": _label(STATUS_LABELS, p["status"], lang),
        "unit": p["unit_id"], "unit_name": unit_name,
        "grid_officer": p["grid_officer"], "lead_official": p["lead_official"],
        "controlled_since": _t(tx, p["controlled_since"]), "released_at": _t(tx, p["released_at"]),
        "cases": cases,
        "person_type": p["person_type"], "person_type_label": person_types.label(p["person_type"], lang),
        "stabilise_unit": p["stabilise_unit"], "resolve_unit": p["resolve_unit"],
        "keepers": {level: p[f"keeper_{level}"] for level in person_types.LEVELS},
    }


def persons(engine, actor, *, status: str | None = None, unit: str | None = None, limit: int = 200,
            offset: int = 0, lang: str | None = None) -> list[dict]:
    """The register as the reader may see it: everyone in their jurisdiction or in their charge, newest first."""
    return _register(engine, actor, status, unit, limit, offset, lang, peek=False)[0]


def persons_page(engine, actor, *, status: str | None = None, unit: str | None = None, limit: int = 50,
                 offset: int = 0, lang: str | None = None) -> dict:
    """One page of the register: ``{"items", "more"}``.

    Whether another page follows is found by reading one row more, which is
    neither returned nor logged as read: the read log names only the persons
    the reader was shown.
    """
    items, more = _register(engine, actor, status, unit, limit, offset, lang, peek=True)
    return {"items": items, "more": more}


def _register(engine, actor, status, unit, limit: int, offset: int, lang: str | None, peek: bool
              ) -> tuple[list[dict], bool]:
    lang = lang or engine.lang
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        tx = transactions.tuned(conn, engine.store)
        who = _who(tx, actor)
        path = None
        if unit:
            row = directory.unit(conn, unit)
            if row is None:
                raise NotFound(f"单位“{unit}”不存在", f"unit {unit} not found")
            path = row[1]
        rows = person_reads.persons(conn, person_reads.register_scope(who, status, path),
                                    limit=limit + (1 if peek else 0), offset=offset)
        more = len(rows) > limit
        rows = rows[:limit]
        cases = person_reads.case_numbers(conn, [p["id"] for p in rows])
        units = directory.unit_names(conn)
        out, reads = [], []
        for p in rows:
            full = privileged(who, p)
            out.append(_summary(tx, p, full, lang, cases[p["id"]], units.get(p["unit_id"])))
            reads.append((p, {"view": "list", "masked": not full}))
        append_reads(tx, reads, who.id, now)
    return out, more


def person(engine, person_id, actor, *, lang: str | None = None) -> dict:
    """One person: full record (reasons, contacts, duties, plan) for privileged readers, else the masked summary.

    Raises:
        NotFound: no such person. NotPermitted: outside the reader's jurisdiction and not in their charge.
    """
    lang = lang or engine.lang
    now = engine.clock.now()
    kp = engine.policy.key_persons
    with transactions.write(engine.store) as conn:
        tx = transactions.tuned(conn, engine.store)
        who = _who(tx, actor)
        p = load(tx, person_id, lock=True)
        check_visible(who, p)
        full = privileged(who, p)
        unit_name = (directory.unit(conn, p["unit_id"]) or (None, None, None))[2]
        doc = _summary(tx, p, full, lang, person_reads.case_numbers(conn, [p["id"]])[p["id"]], unit_name)
        if full:
            doc.update({
                "id_number": p["id_number"], "phone": p["phone"], "address": p["address"],
                "group_size": p["group_size"], "reasons": json.loads(p["reasons"]),
                "release_reason": p["release_reason"], "released_by": p["released_by"],
                "plan": [{"duty": d, "label": kp.duties[d].label(lang), "recurrence": rec.label(lang),
                          "every": rec.every, "unit": rec.unit} for d, rec in kp.plan(p["risk"]).items()],
                "contacts": [
                    {"id": cid, "at": _t(tx, at), "method": method, "state": state, "alarming": bool(alarming),
                     "note": note, "recorded_by": by}
                    for cid, at, method, state, alarming, note, by in person_reads.contacts(conn, p["id"])],
                "duties": [
                    {"duty": duty, "label": kp.duties[duty].label(lang) if duty in kp.duties else duty,
                     "period_start": _t(tx, start), "due_at": _t(tx, due),
                     "status": _occurrence_status(status, tx.time(due), now), "met_at": _t(tx, met)}
                    for duty, start, due, status, met in person_reads.duties(conn, p["id"])],
                "missed_items": duty_lapses.items(tx, p["id"]),
            })
        append(tx, p, who.id, "read", {"view": "detail", "masked": not full}, now)
    return doc


def _occurrence_status(status: str, due: datetime, now: datetime) -> str:
    """``met``, ``due`` (period still running) or ``missed`` (ended unmet); cancelled ones are never shown."""
    if status == "met":
        return "met"
    return "missed" if due <= now else "due"


def contacts_due(engine, actor, day: date | None = None, *, lang: str | None = None) -> list[dict]:
    """What the reader owes on the local ``day``: each duty of each person in their charge whose period covers it.

    "In their charge": the responsible grid officer, the lead official, or a
    supervisor of the jurisdiction. Each item says ``due``, ``met`` or
    ``missed``. Days not yet reached by the sweep are projected from the plan.
    """
    from disputeflow.workflow.timeutil import local_date

    lang = lang or engine.lang
    now = engine.clock.now()
    day = day or local_date(now)
    kp = engine.policy.key_persons
    day_start, day_end = at_local(day), at_local(date.fromordinal(day.toordinal() + 1))
    out = []
    with transactions.write(engine.store) as conn:
        tx = transactions.tuned(conn, engine.store)
        who = _who(tx, actor)
        mine = person_reads.in_charge(who)
        rows = person_reads.persons(conn, [mine], newest_first=False)  # the read is logged on each person's chain
        # the occurrences covering the day and the latest due time per duty, for all of them at once
        occ: dict[int, dict[str, tuple]] = {}
        last: dict[int, dict[str, datetime]] = {}
        if rows:
            covering, latest_due = person_reads.occurrences_on(conn, mine, day_start, day_end)
            for pid, duty, start, due, status, met in covering:
                occ.setdefault(pid, {}).setdefault(duty, (tx.time(start), tx.time(due), status, tx.time(met)))
            for pid, duty, due in latest_due:
                last.setdefault(pid, {})[duty] = tx.time(due)
        reads = []
        for p in rows:
            if not privileged(who, p):
                continue
            mine, latest = occ.get(p["id"], {}), last.get(p["id"], {})
            items = []
            for duty, rec in kp.plan(p["risk"]).items():
                if duty in mine:
                    start, due, status, met = mine[duty]
                else:
                    since = latest[duty] if duty in latest else tx.time(p["controlled_since"])
                    if since >= day_end:
                        continue
                    got = period_on(rec, day, since, engine.calendar)
                    if got is None:
                        continue
                    (start, due), status, met = got, "open", None
                items.append({"person_id": p["id"], "name": p["name"], "risk": p["risk"],
                              "risk_label": _label(RISK_LABELS, p["risk"], lang), "unit": p["unit_id"],
                              "duty": duty, "duty_label": kp.duties[duty].label(lang),
                              "period_start": iso(start), "due_at": iso(due),
                              "status": _occurrence_status(status, due, now), "met_at": iso(met) if met else None})
            if items:
                out.extend(items)
                reads.append((p, {"view": "contacts_due", "day": day.isoformat(), "masked": False}))
        append_reads(tx, reads, who.id, now)
    out.sort(key=lambda r: (r["due_at"], r["person_id"], r["duty"]))
    return out


def _check_unit(who: Actor, unit_row: tuple) -> None:
    """Refuse a unit's figures to a reader whose jurisdiction does not cover it (``unit_row``: kind, path, name)."""
    path = unit_row[1]
    if who.role in ("admin", "system") and who.within(path):
        return
    if not who.covers(path):
        raise NotPermitted(f"“{unit_row[2]}”不在您的管辖范围内", f"{unit_row[2]} is outside your jurisdiction")


def control_rate(engine, unit: str, start: datetime, end: datetime, actor=None) -> dict:
    """The key-person control rate (稳控率) of ``unit`` (and the units under it) for ``[start, end)``.

    Definition chosen here: the persons **under control at some moment of the
    period** (control began before ``end`` and was not released before
    ``start``) form the denominator; the numerator counts those of them with
    **no missed duty occurrence** in the period — every occurrence whose due
    time fell in ``(start, min(end, now)]`` was met by a record inside its own
    period (a contact after an occurrence's period ended does not meet it).
    Occurrences cancelled by a plan change or a release do not count. With
    nobody under control the rate is ``None``, not 100 %.

    Returns ``{"unit", "start", "end", "under_control", "all_duties_met", "rate",
    "occurrences_due", "occurrences_missed", "definition_zh", "definition_en"}``.

    With ``actor`` the figures are for readers whose jurisdiction covers the
    unit (administrators: any unit); callers that checked already (reports) pass none.

    Raises:
        NotFound: no such unit. NotPermitted: the unit is outside ``actor``'s jurisdiction.
    """
    now = engine.clock.now()
    with transactions.read(engine.store) as conn:
        row = directory.unit(conn, unit)
        if row is None:
            raise NotFound(f"单位“{unit}”不存在", f"unit {unit} not found")
        if actor is not None:
            _check_unit(load_actor(transactions.tuned(conn, engine.store), actor), row)
        cutoff = min(end, now)
        ids = person_reads.controlled_between(conn, row[1], start, end)
        due = missed = 0
        missed_by: set[int] = set()
        if ids:
            for pid, status in person_reads.duties_due(conn, ids, start, cutoff):
                due += 1
                if status != "met":
                    missed += 1
                    missed_by.add(pid)
    n = len(ids)
    ok = n - len(missed_by)
    return {
        "unit": unit, "start": iso(start), "end": iso(end), "under_control": n, "all_duties_met": ok,
        "rate": (ok / n) if n else None, "occurrences_due": due, "occurrences_missed": missed,
        "definition_zh": "稳控率 = 期间内在控且各项稳控职责均按期完成的重点人员数 ÷ 期间内在控的重点人员数",
        "definition_en": "control rate = key persons under control in the period whose duties due in the period "
                         "were all met, / key persons under control in the period",
    }
