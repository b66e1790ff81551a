"""The leader's dashboard (领导驾驶舱): the jurisdiction at a glance, each figure a way into its list.

Grouped counts from the database (:mod:`disputeflow.cases.dashboard_reads`, the
cases the statistics would read, counted without replaying them) give the open
cases by stage and risk, this month's intake and resolution against last
month's, the villages ranked and the category × village table; the overdue
board's count per unit gives the late cases by village, and the office board
the late work orders by office.
Everything is counted in cases, not deadlines: a case late on two clocks is one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone

from disputeflow.cases import dashboard_reads, transactions
from disputeflow.reports.units import Units
from disputeflow.workflow.timeutil import LOCAL_TZ

RISKS = ("critical", "high", "medium", "low")


def _month_starts(now: datetime) -> tuple[datetime, datetime]:
    """The first instants (UTC) of this local month and of the one before."""
    local = now.astimezone(LOCAL_TZ)
    this = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last = (this.replace(year=this.year - 1, month=12) if this.month == 1 else this.replace(month=this.month - 1))
    return this.astimezone(timezone.utc), last.astimezone(timezone.utc)


def build(engine, actor, lang: str) -> dict:
    """The dashboard's figures for ``actor``'s jurisdiction (their unit and everything under it)."""
    from disputeflow.workflow.runtime import runtime_of

    rt = runtime_of(engine)  # the counts read through the runtime; the boards through the facade
    now = engine.clock.now()
    units = Units.load(rt, within=None if actor.role == "admin" else actor.unit_path)
    unit = units.get(actor.unit_id) if actor.unit_id in units.by_id else None
    path = unit.path if unit else actor.unit_path
    this_month, last_month = _month_starts(now)
    d = engine.definition()
    terminal = sorted({s.name for s in d.states if s.terminal})
    risks = list(reversed(list(d.vocab.get("risk", {})))) or list(RISKS)  # the gravest first
    stages: dict[str, Counter] = defaultdict(Counter)
    intake, resolved = Counter(), Counter()
    by_village: dict[str, Counter] = defaultdict(Counter)
    heat: dict[tuple[str, str], int] = Counter()
    with transactions.snapshot(rt.store) as conn:
        open_rows = dashboard_reads.open_cases(conn, path, last_month, now, terminal, _maybe_ended(rt))
        intake_this, intake["last"] = dashboard_reads.intake(conn, path, last_month, this_month, now)
        resolved_rows = dashboard_reads.resolved(conn, path, last_month, this_month, now)
    village_of = _villages(units)
    for unit_id, state, risk, category, n in open_rows:
        village = village_of(unit_id)
        stages[_stage(d, state)][risk] += n
        by_village[village]["open"] += n
        heat[(category, village)] += n
    for unit_id, n in intake_this.items():
        intake["this"] += n
        by_village[village_of(unit_id)]["intake"] += n
    for unit_id, this, n in resolved_rows:
        if this:
            resolved["this"] += n
            by_village[village_of(unit_id)]["resolved"] += n
        else:
            resolved["last"] += n
    overdue = _overdue_by_village(engine, actor, units, now)
    for village, n in overdue.items():
        by_village[village]["overdue"] = n
    villages = [{"id": v.id, "name": v.name, **_village_row(by_village.get(v.id, Counter()))}
                for v in units.villages_under(path)]
    villages.sort(key=lambda r: (-r["overdue"], -r["open"], -r["intake"], r["name"]))
    categories = sorted({c for c, _ in heat}, key=lambda c: -sum(n for (k, _), n in heat.items() if k == c))
    heat_villages = [v for v in villages if v["open"]]
    return {
        "as_of": now.isoformat(), "unit": unit.id if unit else None, "unit_name": unit.name if unit else "",
        "this_month": this_month.astimezone(LOCAL_TZ).strftime("%Y-%m"),
        "last_month": last_month.astimezone(LOCAL_TZ).strftime("%Y-%m"),
        "stages": [{"stage": s, "label": _stage_label(d, s, lang), "total": sum(stages[s].values()),
                    "risks": {r: stages[s].get(r, 0) for r in risks}} for s in _stage_order(d) if stages.get(s)],
        "risk_labels": {r: d.vocab_label("risk", r, lang) for r in risks},
        "open_total": sum(sum(c.values()) for c in stages.values()),
        "intake": {"this": intake["this"], "last": intake["last"]},
        "resolved": {"this": resolved["this"], "last": resolved["last"]},
        "overdue_total": sum(overdue.values()),
        "villages": villages,
        "offices": _overdue_by_office(engine, actor, lang),
        "heat": {"categories": [{"key": c, "label": d.vocab_label("category", c, lang)} for c in categories],
                 "villages": [{"id": v["id"], "name": v["name"]} for v in heat_villages],
                 "cells": {f"{c}|{v['id']}": heat.get((c, v["id"]), 0) for c in categories for v in heat_villages},
                 "max": max(heat.values(), default=0)},
    }


def _maybe_ended(rt) -> list[str]:
    """The states a case may be in after it was referred or withdrawn (which the statistics count as ended,
    whatever follows): where an ending action leads, or leaves it, and every state reachable from there."""
    actions = [a for d in rt.definitions() for a in d.actions]
    found = {s for a in actions if a.name in dashboard_reads.ENDING for s in ((a.dest,) if a.dest else a.sources)}
    grew = True
    while grew:
        more = {a.dest for a in actions if a.dest and a.dest not in found and found.intersection(a.sources)}
        found |= more
        grew = bool(more)
    return sorted(found)


def _village_row(c: Counter) -> dict:
    return {"open": c.get("open", 0), "intake": c.get("intake", 0), "resolved": c.get("resolved", 0),
            "overdue": c.get("overdue", 0)}


def _stage(d, state: str) -> str:
    try:
        return d.state(state).stage or state
    except KeyError:
        return state


STAGE_LABELS = {"detect": ("排查研判", "detect and assess"), "control": ("稳控", "control"),
                "resolve": ("调处化解", "mediation"), "follow_up": ("回访", "follow-up"), "closure": ("销号", "closing"),
                "refer": ("移交", "referred")}


def _stage_order(d) -> list[str]:
    out: list[str] = []
    for s in d.states:
        stage = s.stage or s.name
        if stage not in out:
            out.append(stage)
    return out


def _stage_label(d, stage: str, lang: str) -> str:
    if stage in STAGE_LABELS:
        return STAGE_LABELS[stage][1 if lang.startswith("en") else 0]
    return d.state_label(stage, lang)


def _villages(units: Units):
    """A unit id's village (as :meth:`Units.village_of` its path), the unit id itself for a unit not known."""
    def village_of(unit_id: str) -> str:
        u = units.by_id.get(unit_id)
        return units.village_of(u.path) if u else unit_id
    return village_of


def _overdue_by_village(engine, actor, units: Units, now: datetime) -> Counter:
    """Late cases (not clocks) per village: the board's count of cases per unit, summed by village."""
    out: Counter = Counter()
    village_of = _villages(units)
    for unit_id, n in engine.overdue_counts(now, None, actor).items():
        out[village_of(unit_id)] += n
    return out


def _overdue_by_office(engine, actor, lang: str) -> list[dict]:
    """Late work orders per receiving office, most first."""
    rows = [{"id": g["office"], "name": g["office_name"], "late": len({o["number"] for o in g["items"]})}
            for g in engine.overdue_work_orders(engine.clock.now(), actor, lang=lang)]
    rows.sort(key=lambda r: -r["late"])
    return rows
