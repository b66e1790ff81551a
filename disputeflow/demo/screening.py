"""Screening rounds and filed reports for the demo county: the last six weeks, one village that files nothing.

Every village, community and town holds a round in each period and files its
report the day after the period ends, except: 北山村 files three days late,
柳湾村 holds its rounds but files no report (it is on the board, carded by the
sweep), and 东岗村's latest finished round found two of its disputes. A
sensitive period (元旦) is set for 双乳镇 around the coming New Year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from disputeflow.workflow.screening_rules import schedule
from disputeflow.workflow.timeutil import at_local, local_date

WEEKS_BACK = 6
NOT_FILING = "liuwan"  # 柳湾村
LATE = {"beishan": 3}  # 北山村: days late
FINDS = "donggang"  # 东岗村
TOWN = "shuangru"


def _recorder(engine, unit: dict) -> str:
    """A mediator of the unit (a supervisor for a town or county), else the administrator."""
    roles = ("mediator",) if unit["kind"] in ("village", "community") else ("supervisor",)
    return next((u["id"] for u in engine.users() if u["unit"] == unit["id"] and u["role"] in roles), "admin")


def load(engine, now: datetime) -> dict:
    """Record the rounds and reports (the engine's clock must be a ``FixedClock``); returns what was written."""
    clock = engine.clock
    today = local_date(now)
    since = today - timedelta(weeks=WEEKS_BACK)
    kinds = tuple(engine.policy.screening.by_kind)
    found_cases = [c["number"] for c in engine.list_cases(None, unit=FINDS, limit=50)
                   if engine.case(c["number"])["parent"] is None][:2]  # disputes, not the work orders they sent
    rounds = reports = 0
    for unit in [u for u in engine.units() if u["kind"] in kinds]:
        who = _recorder(engine, unit)
        periods = schedule(engine.policy.screening, unit["kind"], since, today)
        last_done = max((p for p in periods if p.round_due <= now), key=lambda p: p.last, default=None)
        for p in periods:
            held = min(p.first + timedelta(days=(p.last - p.first).days // 2), today)
            if at_local(held, _hour(10)) > now:
                continue
            clock.set(at_local(held, _hour(10)))
            cases = found_cases if unit["id"] == FINDS and p is last_done else []
            engine.record_round(who, unit=unit["id"], held_on=held, participants=_people(engine, unit, who),
                                coverage="全村各组入户走访" if unit["kind"] != "town" else "各村（社区）、重点行业",
                                households=40 if unit["kind"] != "town" else None, cases=cases,
                                none_found=not cases)
            rounds += 1
            filed_at = at_local(p.last + timedelta(days=1 + LATE.get(unit["id"], 0)), _hour(16))
            if unit["id"] == NOT_FILING or filed_at > now:
                continue
            clock.set(filed_at)
            engine.file_screening_report(who, unit=unit["id"], period=p.first)
            reports += 1
    clock.set(now)
    new_year = date(today.year + 1, 1, 1)
    engine.set_sensitive_period("zz-wang", name="元旦", starts_on=new_year - timedelta(days=2),
                                ends_on=new_year + timedelta(days=1), units=[TOWN])
    return {"rounds": rounds, "reports": reports, "not_filing": NOT_FILING}


def _hour(h: int):
    from datetime import time

    return time(h)


def _people(engine, unit: dict, who: str) -> list[str]:
    names = {u["id"]: u["name"] for u in engine.users()}
    return [names.get(who, who), "网格员", "法律明白人"] if unit["kind"] != "town" else [names.get(who, who), "司法所"]
