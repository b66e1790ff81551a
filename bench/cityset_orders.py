"""Work orders and escalations for the city data set, through the engine's own command path.

Work orders are child cases opened by the ``dispatch`` action, so they are made the way a
mediator makes them: ``Engine.act_many`` on a share of the open cases, on days between a case's
last step and now, with the engine's clock set to each day in turn (oldest first). Some are then
signed, reported back and approved by the office on later days. Last, one sweep at ``now``
raises the ladder steps that came due in the last 30 days (earlier ones count as history, as a
ledger import treats them), with its escalations, audit events, notifications and listings.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from disputeflow.workflow.timesource import FixedClock
from disputeflow.workflow.timeutil import LOCAL_TZ

DISPATCH_FROM = {"reported", "assessed", "controlled", "mediating", "resolved", "following_up"}
OFFICE_FOR = {"land": "ZRS", "house_site": "ZRS", "demolition": "ZRS", "damages": "PCS"}
WORK_ORDER_DAYS = 60


def _day_at(day, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def plan_orders(open_cases: list[tuple], places, now: datetime, share: float, seed: int) -> dict[datetime, list]:
    """time -> [(number, action, actor, fields)]: dispatches and the office's later steps, never after ``now``."""
    rng = random.Random(seed)
    timeline: dict[datetime, list] = defaultdict(list)
    local_now = now.astimezone(LOCAL_TZ)
    first_day = (local_now - timedelta(days=WORK_ORDER_DAYS)).date()
    for number, state, updated, mediator, town, _overdue in open_cases:
        if state not in DISPATCH_FROM or rng.random() >= share:
            continue
        start = max(updated.astimezone(LOCAL_TZ).date() + timedelta(days=1), first_day)
        days = (local_now.date() - start).days
        if days < 1:
            continue
        day = start + timedelta(days=rng.randrange(days))
        at = _day_at(day, rng.choice((9, 10, 14, 15, 16)))
        if at >= now:
            continue
        code = OFFICE_FOR.get(rng.choice(("x", "land", "damages")), "SFS")
        office = f"{town}-{code}"
        timeline[at].append((number, "dispatch", mediator, {"to": office, "request": "请协助核实情况并提出处理意见"}))
        child = f"{number}-交1"
        staff = places.by_unit.get((office, "office_staff")) or places.buckets["office_staff"]
        clerk = rng.choice(staff)
        for action, after, actor, fields in (("sign", 1, clerk, {}), ("feedback", 4, clerk, {"result": "已核实，已协调处理"}),
                                             ("approve", 5, mediator, {})):
            if rng.random() < 0.2:
                break
            at = _day_at(day + timedelta(days=after), rng.choice((9, 11, 15)))
            if at >= now:
                break
            timeline[at].append((child, action, actor, fields))
    return dict(timeline)


def run_orders(engine, timeline: dict[datetime, list]) -> dict[str, int]:
    """Apply the timeline oldest first, the engine's clock at each time; returns outcomes per action."""
    done: dict[str, int] = defaultdict(int)
    saved = engine.clock
    try:
        for at in sorted(timeline):
            engine.clock = FixedClock(at)
            for out in engine.act_many(timeline[at]):
                done[out.event] += 1
    finally:
        engine.clock = saved
    return dict(done)
