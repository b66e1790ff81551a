"""What screening shows: rounds on record, what each unit owes, units overdue, and the on-time figures.

The figures are counted from the schedule (:func:`screening_rules.schedule`)
against the rounds and reports on record, not from the duty rows the sweep
keeps for its ladder, so a period counts whether or not a sweep ran.

Definitions (for the statistics):

* **rounds due**: periods of the unit's duty (ordinary cadence, and each
  sensitive day) ending in the range, counted from the unit's creation;
* **rounds held**: those periods with at least one round held inside them;
  **on time**: one such round recorded by the period's end (24:00 of its last day);
* **reports due / filed**: the same periods, and those with a report filed;
  **on time**: filed by the report day (``report_days`` after the period's end).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from disputeflow.cases import screening_store
from disputeflow.workflow.commands import load_actor
from disputeflow.workflow.screening_rules import CADENCE_LABELS, schedule
from disputeflow.workflow.screening_sweep import sensitive_ranges
from disputeflow.workflow.timeutil import iso, local_date


def _scope(engine, tx, actor, unit: str | None) -> str:
    """The unit path the reader asked for, within their jurisdiction ("/" for the system)."""
    who = load_actor(tx, actor) if actor is not None else None
    path = who.unit_path if who else "/"
    if unit:
        row = screening_store.unit(tx, unit)
        if row is None:
            from disputeflow.workflow.errors import NotFound

            raise NotFound(f"没有单位“{unit}”", f"no unit {unit}")
        if who and who.role not in ("admin", "system") and not who.covers(row[3]):
            from disputeflow.workflow.errors import NotPermitted

            raise NotPermitted(f"“{row[1]}”不在您的管辖范围内", f"{unit} is outside your jurisdiction")
        path = row[3]
    return path


def _periods(engine, tx, path: str, first: date, last: date):
    """``(unit row, [periods ending first..last])`` of every screening unit under ``path``."""
    units = screening_store.units_of_kinds(tx, list(engine.policy.screening.by_kind), path)
    sens = screening_store.sensitive(tx, last.isoformat(), (first - timedelta(days=92)).isoformat())
    for u in units:
        begun = local_date(tx.time(u[4]))
        ps = [p for p in schedule(engine.policy.screening, u[2], max(begun, first - timedelta(days=92)), last,
                                  sensitive_ranges(sens, u[3])) if first <= p.last <= last]
        yield u, ps


def filing(engine, first: date, last: date, unit: str | None = None, actor=None, now: datetime | None = None) -> dict:
    """Per unit, the rounds and reports due in periods ending ``first``..``last``, held/filed, and on time.

    Returns ``{"units": [{unit, name, kind, rounds_due, rounds_held, rounds_on_time, reports_due, reports_filed,
    reports_on_time, missing: [...]}], "total": {... , "on_time_rate"}}``; only periods already due by ``now``
    count as due (a half-month still running owes nothing yet).
    """
    now = now or engine.clock.now()
    _check_range(first, last)
    out, total = [], dict.fromkeys(("rounds_due", "rounds_held", "rounds_on_time", "reports_due", "reports_filed",
                                     "reports_on_time"), 0)
    with engine.store.read() as tx:
        path = _scope(engine, tx, actor, unit)
        rows = list(_periods(engine, tx, path, first, last))
        ids = [u[0] for u, _ in rows]
        early = (first - timedelta(days=92)).isoformat()
        held: dict[str, list] = {}
        for uid, day, at in screening_store.round_days(tx, ids, early, last.isoformat()):
            held.setdefault(uid, []).append((day, tx.time(at)))
        filed = {(r[0], r[1], r[2]): tx.time(r[3]) for r in screening_store.filed(tx, ids, first.isoformat(),
                                                                                     last.isoformat())}
    for u, ps in rows:
        c = dict.fromkeys(total, 0)
        missing = []
        for p in ps:
            lo, hi = p.first.isoformat(), p.last.isoformat()
            rounds = [at for day, at in held.get(u[0], ()) if lo <= day <= hi]
            if p.round_due <= now:
                c["rounds_due"] += 1
                c["rounds_held"] += bool(rounds)
                c["rounds_on_time"] += any(at <= p.round_due for at in rounds)
                if not rounds:
                    missing.append({"duty": "round", "cadence": p.cadence, "period": p.label(), "due_at": iso(p.round_due)})
            if p.report_due <= now or (u[0], p.cadence, lo) in filed:
                at = filed.get((u[0], p.cadence, lo))
                c["reports_due"] += 1
                c["reports_filed"] += at is not None
                c["reports_on_time"] += at is not None and at <= p.report_due
                if at is None:
                    missing.append({"duty": "report", "cadence": p.cadence, "period": p.label(),
                                    "due_at": iso(p.report_due)})
        for k in total:
            total[k] += c[k]
        out.append({"unit": u[0], "name": u[1], "kind": u[2], **c, "on_time_rate": _rate(c), "missing": missing})
    return {"first": first.isoformat(), "last": last.isoformat(), "units": out,
            "total": {**total, "on_time_rate": _rate(total)}}


MAX_RANGE = timedelta(days=400)


def _check_range(first: date, last: date) -> None:
    """A range of at most a year and a bit, within years the calendar knows (a wider one is refused, not scanned)."""
    from disputeflow.workflow.errors import ValidationError

    if last < first or last - first > MAX_RANGE or first.year < 2000 or last.year > 2200:
        raise ValidationError.one("to", "日期范围应在 2000–2200 年之间、不超过一年且截止不早于起始",
                                  "the range must be within 2000-2200, at most a year, and end on or after its start")


def _rate(c: dict) -> float | None:
    """Reports filed on time over reports due (None when nothing was due)."""
    return round(c["reports_on_time"] / c["reports_due"], 4) if c["reports_due"] else None


def overdue(engine, as_of: datetime | None = None, unit: str | None = None, actor=None, days: int = 31) -> list[dict]:
    """Units with a report (or round) past due and not on record in the last ``days``: the board's section."""
    now = as_of or engine.clock.now()
    today = local_date(now)
    doc = filing(engine, today - timedelta(days=days), today, unit, actor, now)
    return [{"unit": u["unit"], "name": u["name"], "kind": u["kind"], "missing": u["missing"]}
            for u in doc["units"] if u["missing"]]


def rounds(engine, actor, unit: str | None = None, since: date | None = None, until: date | None = None) -> list[dict]:
    """Rounds on record in the reader's jurisdiction, newest first, with the cases each found."""
    until = until or local_date(engine.clock.now())
    since = since or until - timedelta(days=31)
    _check_range(since, until)
    with engine.store.read() as tx:
        path = _scope(engine, tx, actor, unit)
        rows = screening_store.rounds(tx, path, since.isoformat(), until.isoformat())
        found: dict[int, list] = {}
        for rid, number, title, state, opened in screening_store.round_cases(tx, [r[0] for r in rows]):
            found.setdefault(rid, []).append({"number": number, "title": title, "state": state, "opened": bool(opened)})
        names = {u[0]: u[1] for u in screening_store.units_of_kinds(tx, list(engine.policy.screening.by_kind), path)}
        return [{"id": r[0], "unit": r[1], "unit_name": names.get(r[1], r[1]), "held_on": r[2],
                 "participants": json.loads(r[3]), "coverage": r[4], "households": r[5], "none_found": bool(r[6]),
                 "note": r[7], "recorded_at": iso(tx.time(r[8])), "recorded_by": r[9], "cases": found.get(r[0], [])}
                for r in rows]


def due(engine, actor, unit: str | None = None, as_of: datetime | None = None, lang: str = "zh_CN") -> list[dict]:
    """What each unit in the reader's jurisdiction owes for the periods running ``as_of`` or just ended and unmet."""
    now = as_of or engine.clock.now()
    today = local_date(now)
    out = []
    with engine.store.read() as tx:
        path = _scope(engine, tx, actor, unit)
        rows = list(_periods(engine, tx, path, today - timedelta(days=31), today + timedelta(days=92)))
        ids = [u[0] for u, _ in rows]
        days = {}
        for uid, day, _at in screening_store.round_days(tx, ids, (today - timedelta(days=123)).isoformat(),
                                                         today.isoformat()):
            days.setdefault(uid, []).append(day)
        filed = {(r[0], r[1], r[2]) for r in screening_store.filed(tx, ids, (today - timedelta(days=31)).isoformat(),
                                                                    (today + timedelta(days=92)).isoformat())}
    for u, ps in rows:
        for p in ps:
            if p.first > today:
                continue
            lo, hi = p.first.isoformat(), p.last.isoformat()
            held = any(lo <= d <= hi for d in days.get(u[0], ()))
            reported = (u[0], p.cadence, lo) in filed
            if held and reported:
                continue
            out.append({"unit": u[0], "name": u[1], "cadence": p.cadence,
                        "cadence_label": CADENCE_LABELS[p.cadence][1 if lang.startswith("en") else 0],
                        "period_start": lo, "period_end": hi, "round_held": held, "round_due_at": iso(p.round_due),
                        "report_filed": reported, "report_due_at": iso(p.report_due),
                        "overdue": (not held and p.round_due <= now) or (not reported and p.report_due <= now)})
    return sorted(out, key=lambda d: (d["report_due_at"], d["unit"]))


def filed_reports(engine, first: date, last: date, unit: str | None = None, actor=None) -> list[dict]:
    """The reports filed for periods ending ``first``..``last`` by units under ``unit``, by period end."""
    _check_range(first, last)
    with engine.store.read() as tx:
        path = _scope(engine, tx, actor, unit)
        rows = screening_store.reports(tx, path, first.isoformat(), last.isoformat())
        return [{"id": r[0], "unit": r[1], "cadence": r[2], "period_start": r[3], "period_end": r[4],
                 "due_at": iso(tx.time(r[5])), "found": r[6], "nil": bool(r[7]), "rounds": r[8], "note": r[9],
                 "filed_at": iso(tx.time(r[10])), "filed_by": r[11], "on_time": tx.time(r[10]) <= tx.time(r[5])}
                for r in reversed(rows)]
