"""The weekly review meeting's agenda (研判会议程), built from the cases as they stand.

Sections, in the order a meeting takes them: new cases since the last meeting;
open high and critical risk cases; overdue clocks by ladder level; cases listed
for supervision with their deadlines; relapses since the last meeting; cases
awaiting sign-off (followed up, the latest visit not dissatisfied). The facts
are replayed up to the moment the agenda is for, like every other report.
"""

from __future__ import annotations

from datetime import date, timedelta

from disputeflow.workflow.errors import ValidationError
from disputeflow.reports import facts as facts_mod
from disputeflow.reports.cells import neutralised
from disputeflow.reports.period import day_of
from disputeflow.reports.render import render
from disputeflow.reports.units import Units, user_names
from disputeflow.workflow.timeutil import TimeFormatError, at_local, check_day, iso, parse_date

LEVEL_ORDER = ("level3", "level2", "level1")


def _day(value, field: str) -> date:
    try:
        return check_day(value) if isinstance(value, date) else parse_date(str(value))
    except TimeFormatError as exc:
        raise ValidationError.one(field, exc.zh, exc.en) from None


def build(engine, unit_id: str, day, since=None) -> dict:
    """The agenda's dataset for the meeting on ``day`` (``since``: the last meeting, default a week before).

    Raises:
        ValidationError: a missing or bad date, or ``since`` not before ``day``.
    """
    if not day:
        raise ValidationError.one("date", "请指明会议日期", "give the meeting date")
    meeting = _day(day, "date")
    last = _day(since, "since") if since else meeting - timedelta(days=7)
    if last >= meeting:
        raise ValidationError.one("since", "上次会议日期须早于本次会议", "the last meeting must be before this one")
    now = engine.clock.now()
    as_of = min(now, at_local(meeting + timedelta(days=1)))
    # The agenda is live: what happened at this very instant counts (the replay's end is exclusive).
    until = as_of + timedelta(microseconds=1) if as_of == now else as_of
    start = at_local(last)
    units = Units.load(engine)
    unit = units.get(unit_id)
    sections: dict[str, list] = {"new": [], "high_risk": [], "supervised": [], "relapses": [], "sign_off": []}
    for f in facts_mod.scan(engine, unit.path, start, until):
        item = None

        def it():
            nonlocal item
            if item is None:
                item = _item(f, units)
            return item

        if f.reported_at >= start:
            sections["new"].append(it())
        if f.state in facts_mod.TERMINAL and f.state != "closed":
            continue
        if f.state != "closed" and f.risk in ("high", "critical"):
            sections["high_risk"].append(it())
        if f.supervision and f.supervision.get("active"):
            sections["supervised"].append({**it(), "supervision": dict(f.supervision)})
        relapses = [at for at in f.reopens if at >= start]
        if relapses:
            sections["relapses"].append({**it(), "reopened": day_of(relapses[-1])})
        if f.state == "following_up" and f.satisfaction in ("satisfied", "basically_satisfied"):
            sections["sign_off"].append(it())
    sections["supervised"].sort(key=lambda r: r["supervision"].get("deadline") or "")
    from disputeflow.workflow.board import overdue

    board = overdue(engine, as_of, unit_id, None)
    overdue = {lvl: [] for lvl in LEVEL_ORDER}
    for r in board:
        overdue.setdefault(r["level"] or "level1", []).append({
            "number": r["number"], "title": r["title"], "village_name": units.name(units.village_of(units.get(r["unit"]).path)),
            "clock": r["clock"], "due": r["due_at"][:16].replace("T", " "), "days": r["overdue_business_days"],
            "lead_official_name": r["lead_official_name"] or "", "mediator_name": r["mediator_name"] or "",
            "state": r["state"], "risk": r["risk"]})
    names = user_names(engine, [x for rows in sections.values() for r in rows for x in (r["mediator"], r["lead_official"])])
    for rows in sections.values():
        for r in rows:
            r["mediator_name"] = names.get(r["mediator"], r["mediator"] or "")
            r["lead_official_name"] = names.get(r["lead_official"], r["lead_official"] or "")
    return {"kind": "agenda", "unit": {"id": unit.id, "name": unit.name, "path": unit.path},
            "date": meeting.isoformat(), "since": last.isoformat(), "as_of": iso(as_of), "generated_at": iso(now),
            "sections": sections, "overdue": overdue}


def _item(f: facts_mod.CaseFacts, units: Units) -> dict:
    return {"number": f.number, "title": f.title, "village_name": units.name(units.village_of(f.unit_path)),
            "category": f.category, "source": f.source, "risk": f.risk, "state": f.state,
            "reported": day_of(f.reported_at), "mediator": f.mediator, "lead_official": f.lead_official,
            "key_person": f.key_person}


def render_agenda(engine, doc: dict, lang: str, fmt: str) -> bytes:
    doc = neutralised(doc)  # titles and names are typed by users; pasted into a spreadsheet they stay text
    return render(engine, f"agenda.{fmt}.j2", lang, doc=doc, s=doc["sections"], overdue=doc["overdue"],
                  levels=LEVEL_ORDER, clock_label=lambda c: engine.definition().clock_label(c, lang, engine.policy)).encode("utf-8")
