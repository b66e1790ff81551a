"""One pass over the facts that builds the datasets reports are rendered from.

A dataset is plain JSON (codes, resolved names, local dates as text), so it can
be frozen as a snapshot and rendered later in any format and language. Party
names in a dataset are already masked: ledgers travel upward.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import datetime, timedelta

from disputeflow.workflow.masking import mask_name
from disputeflow.reports import control, facts as facts_mod, offices, screening_figures
from disputeflow.reports.period import Period, day_of
from disputeflow.reports.stats import MonthTally, Tally, add_trend
from disputeflow.reports.units import Units, user_names
from disputeflow.workflow.timeutil import iso

TREND_MONTHS = 12
_NO_DUE: dict = {}


class MonthKeys:
    """Which local month an instant falls in, by bisecting the months' UTC bounds (no time zone maths per event)."""

    def __init__(self, months: list[Period]):
        self.starts = [m.start for m in months]
        self.keys = [m.first.strftime("%Y-%m") for m in months]

    def __call__(self, at: datetime) -> str | None:
        i = bisect_right(self.starts, at) - 1
        return self.keys[i] if i >= 0 else None


def trend_window(period: Period) -> Period:
    """The months the trend shows: the period's own, or the twelve ending with a shorter period."""
    months = period.months()
    if len(months) >= TREND_MONTHS:
        return period
    first = period.first.replace(day=1)
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, period.after)


def header(units: Units, unit_id: str, period: Period, now: datetime) -> dict:
    u = units.get(unit_id)
    return {"unit": {"id": u.id, "name": u.name, "path": u.path},
            "period": {"first": period.first.isoformat(), "last": period.last.isoformat(),
                       "label_zh": period.label("zh_CN"), "label_en": period.label("en"), "is_month": period.is_month},
            "generated_at": iso(now)}


def build(engine, unit_id: str, period: Period, *, ledger: bool = False, trend: bool | None = None) -> dict:
    """Scan once and return the statistics dataset, with the ledger rows when ``ledger`` is set.

    The month-by-month trend (twelve months back for a short period) is drawn for
    statistics; a ledger leaves it out unless asked, so it reads only its own month.

    Raises:
        NotFound: the unit does not exist.
    """
    now = engine.clock.now()
    trend = (not ledger) if trend is None else trend
    units = Units.load(engine)
    unit = units.get(unit_id)
    start, end = period.start, period.end  # each computes local midnight: once, not per case
    window = trend_window(period) if trend else period
    window_start = window.start
    overall = Tally()
    groups = {"village": defaultdict(Tally), "category": defaultdict(Tally), "source": defaultdict(Tally)}
    by_village, by_category, by_source = groups["village"], groups["category"], groups["source"]
    months = {m.first.strftime("%Y-%m"): MonthTally() for m in window.months()} if trend else {}
    month_of = MonthKeys(window.months())
    rows: list[dict] = []
    payloads = None if ledger else facts_mod.STATS_PAYLOADS
    for f in facts_mod.scan(engine, unit.path, window.start, end, period_start=start, resolve_due=True,
                            **({"payloads": payloads} if payloads else {})):
        village = units.village_of(f.unit_path)
        if not f.terminal_before_start():
            share = Tally()  # the case's counts, worked out once and added to each of its four groups
            share.add(f, start, end, f.due or _NO_DUE)
            share.spread((overall, by_village[village], by_category[f.category], by_source[f.source]))
            if ledger:
                rows.append(_ledger_row(f, village, start, end))
        if trend:
            add_trend(months, f, window_start, end, month_of)
    doc = header(units, unit_id, period, now)
    doc["kind"] = "ledger" if ledger else "stats"
    doc["as_of"] = iso(min(end, now))
    figures = overall.figures()
    # 稳控率: one definition (the register's) for the total and every village row.
    figures["control"] = control.control_rate(engine, unit_id, start, end)
    figures["control_rate"] = figures["control"]["rate"]
    doc["overall"] = figures
    village_rows = []
    seen = set()
    for v in units.villages_under(unit.path):
        t = groups["village"].get(v.id) or Tally()
        village_rows.append({"key": v.id, "name": v.name, **t.figures()})
        seen.add(v.id)
    for key, t in groups["village"].items():
        if key not in seen:
            village_rows.append({"key": key, "name": units.name(key), **t.figures()})
    # a row of cases kept at the town itself has no part of the register of its own (the town's is the total)
    rates = control.row_rates(engine, sorted(seen), start, end, any_under_control=bool(figures["control"]["total"]))
    for r in village_rows:
        r["control"] = rates.get(r["key"]) or control.nobody()
        r["control_rate"] = r["control"]["rate"]
    doc["by_village"] = village_rows
    doc["by_category"] = [{"key": k, **t.figures()} for k, t in sorted(groups["category"].items()) if t.active()]
    doc["by_source"] = [{"key": k, **t.figures()} for k, t in sorted(groups["source"].items()) if t.active()]
    doc["trend"] = [{"month": k, **m.as_dict()} for k, m in months.items()]
    doc["nil_units"] = [r["key"] for r in village_rows if r["reported"] == 0]
    doc["screening"], by_row = screening_figures.screening_figures(
        engine, unit_id, [r["key"] for r in village_rows], {k: u.path for k, u in units.by_id.items()},
        start, end, min(end, now))
    for r in village_rows:
        r["screening"] = by_row.get(r["key"])
    if not ledger:
        doc["by_office"] = offices.by_office(engine, units, unit.path, start, end, min(end, now))
    if ledger:
        late = facts_mod.overdue_business_days(engine, [r.pop("_id") for r in rows], min(end, now))
        names = user_names(engine, [x for r in rows for x in (r["mediator"], r["lead_official"])])
        for r in rows:
            r["overdue_business_days"] = late.get(r.pop("_case_id"), 0)
            r["village_name"] = units.name(r["village"])
            r["responsible_unit_name"] = units.name(r["responsible_unit"]) if r["responsible_unit"] else ""
            r["mediator_name"] = names.get(r["mediator"], r["mediator"] or "")
            r["lead_official_name"] = names.get(r["lead_official"], r["lead_official"] or "")
        rows.sort(key=lambda r: (r["reported"], r["number"]))
        doc["rows"] = rows
    return doc


def _ledger_row(f: facts_mod.CaseFacts, village: str, start: datetime, end: datetime) -> dict:
    done = f.state in facts_mod.DONE
    sup = f.supervision
    return {
        "_id": f.id, "_case_id": f.id, "number": f.number, "title": f.title, "new": f.reported_at >= start,
        "reported": day_of(f.reported_at), "assessed": day_of(f.assessed_at),
        "resolved": day_of(f.resolved_at) if done else "",
        "closed": day_of(f.closed_at) if f.state == "closed"
        else day_of(f.ended_at) if f.state in (*facts_mod.REFERRED, "withdrawn") else "",
        "village": village, "category": f.category, "source": f.source,
        "parties": [[mask_name(n), r] for n, r in f.parties], "risk": f.risk,
        "responsible_unit": f.responsible_unit, "mediator": f.mediator, "lead_official": f.lead_official,
        "supervision": dict(sup) if sup else None, "state": f.state,
        "outcome": f.outcome if done else None, "referred_to": f.referred_to, "satisfaction": f.satisfaction,
        "relapses": len(f.reopens), "key_person": f.key_person,
    }


def offices_report(engine, unit_id: str, period: Period) -> dict:
    """The work orders by receiving office alone (the statistics report's table, for the office heads)."""
    now = engine.clock.now()
    units = Units.load(engine)
    unit = units.get(unit_id)
    doc = header(units, unit_id, period, now)
    doc["kind"] = "offices"
    doc["as_of"] = iso(min(period.end, now))
    doc["by_office"] = offices.by_office(engine, units, unit.path, period.start, period.end, min(period.end, now))
    return doc


def nil_report(engine, unit_id: str, period: Period) -> dict:
    """The nil report (零报告), printed from the reports the units filed, not inferred from the case count.

    Each screening unit under ``unit_id`` (and the unit itself) with the reports it filed for periods
    ending in ``period``, the disputes they found, and the reports due by now that it has not filed.
    The paper is a nil report when reports were filed, none is missing, and none found a dispute.
    """
    now = engine.clock.now()
    units = Units.load(engine)
    units.get(unit_id)  # NotFound for an unknown unit
    last = period.last
    from disputeflow.workflow import screening_reads

    filed = screening_reads.filed_reports(engine, period.first, last, unit_id)
    owed = screening_reads.filing(engine, period.first, last, unit_id)
    by_unit: dict[str, list] = defaultdict(list)
    for r in filed:
        by_unit[r["unit"]].append(r)
    rows = []
    for u in owed["units"]:
        mine = by_unit.get(u["unit"], [])
        unfiled = [m["period"] for m in u["missing"] if m["duty"] == "report"]
        rows.append({"key": u["unit"], "name": u["name"], "reported": sum(r["found"] for r in mine),
                     "filed": len(mine), "due": u["reports_due"], "unfiled": unfiled,
                     "reports": [{"period": r["period_start"] if r["period_start"] == r["period_end"]
                                  else f"{r['period_start']}～{r['period_end']}", "found": r["found"], "nil": r["nil"],
                                  "rounds": r["rounds"], "filed_at": r["filed_at"], "filed_by": r["filed_by"],
                                  "on_time": r["on_time"]} for r in mine]})
    doc = header(units, unit_id, period, now)
    doc["kind"] = "nil"
    doc["total"] = sum(r["reported"] for r in rows)
    doc["filed"] = sum(r["filed"] for r in rows)
    doc["unfiled"] = [r["name"] for r in rows if r["unfiled"]]
    doc["nil"] = doc["filed"] > 0 and doc["total"] == 0 and not doc["unfiled"]
    doc["units"] = rows
    return doc
