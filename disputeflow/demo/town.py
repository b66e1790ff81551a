"""The demo: 双乳镇, its villages, grids, offices and people, a few dozen cases and work orders.

Loading is idempotent (a town already present is left alone). The cases are
driven through the engine itself with a clock set back in time, so their
histories, deadlines and escalations are exactly what the engine would have
produced; some are overdue today on purpose. The other parts: the offices and
their routing (:mod:`.offices`), the sample cases (:mod:`.scenarios`, driven by
:mod:`.cases`), the work orders (:mod:`.work_orders`), key persons
(:mod:`.persons`), the printed summary (:mod:`.summary`) and the scripted day
(:mod:`.day`).
"""

from __future__ import annotations

import random
from datetime import timedelta

from disputeflow.demo import cases as demo_cases
from disputeflow.demo import county as demo_county
from disputeflow.demo import offices, scenarios
from disputeflow.demo.common import name, officer, phone
from disputeflow.demo.day import run_day
from disputeflow.demo.summary import summarize, summary_text
from disputeflow.workflow.timesource import FixedClock

__all__ = ["load", "officer", "run_day", "summary_text"]

TOWN = ("shuangru", "双乳镇")
VILLAGES = [
    ("donggang", "东岗村", "village"),
    ("xiping", "西坪村", "village"),
    ("nantang", "南塘村", "village"),
    ("beishan", "北山村", "village"),
    ("shiqiao", "石桥村", "village"),
    ("liuwan", "柳湾村", "village"),
    ("shuangru-sq", "双乳社区", "community"),
]
GRIDS_PER_UNIT = 8
OFFICERS_PER_GRID = 4  # 7 units × 8 grids × 4 = 224 grid officers
LAW_SAVVY_RESIDENTS = 71

STAFF = [
    # id, name, role, unit (the offices' own staff are in offices.SHUANGRU)
    ("admin", "系统管理员", "admin", "shuangru"),
    ("zz-wang", "王建国", "supervisor", "shuangru"),
    ("zz-li", "李秀英", "supervisor", "shuangru"),
    ("ld-zhao", "赵德明", "lead_official", "shuangru"),
    ("ld-sun", "孙海燕", "lead_official", "shuangru"),
    ("ld-zhou", "周志强", "lead_official", "shuangru"),
    ("sf-chen", "陈静", "mediator", "sr-justice"),
    ("sf-yang", "杨磊", "mediator", "sr-justice"),
]
VILLAGE_MEDIATORS = {
    "donggang": ("tj-donggang", "郭春梅"), "xiping": ("tj-xiping", "何建华"), "nantang": ("tj-nantang", "林桂芳"),
    "beishan": ("tj-beishan", "罗勇"), "shiqiao": ("tj-shiqiao", "郑玉兰"), "liuwan": ("tj-liuwan", "梁超"),
    "shuangru-sq": ("tj-shequ", "谢丽"),
}
LEGAL_ADVISERS = {
    "donggang": "宋律师", "xiping": "唐律师", "nantang": "许律师", "beishan": "韩律师", "shiqiao": "冯律师",
    "liuwan": "邓律师", "shuangru-sq": "曹律师",
}
PLACE = demo_cases.Place("zz-wang", {v: uid for v, (uid, _) in VILLAGE_MEDIATORS.items()},
                         GRIDS_PER_UNIT, OFFICERS_PER_GRID, offices.SHUANGRU)


def load(engine) -> dict:
    """Load the county, its towns and the sample cases unless 双乳镇 is there already."""
    from disputeflow.demo import persons as demo_persons
    from disputeflow.demo import work_orders

    engine.init()
    existing = {u["id"] for u in engine.units()}
    if TOWN[0] in existing:
        return summarize(engine, loaded=False)
    rng = random.Random(20261128)
    real_clock = engine.clock
    now = real_clock.now()
    engine.clock = FixedClock(now - timedelta(days=70))
    try:
        county = demo_county.add_county(engine)
        _directory(engine, rng, county)
        numbers = demo_cases.run(engine, rng, now, PLACE, scenarios.scenarios(now))
        demo_persons.load(engine, rng, now)
        work_orders.load(engine, work_orders.SHUANGRU, numbers, offices.SHUANGRU, PLACE.supervisor, now)
        work_orders.load(engine, work_orders.REFERRALS, numbers, offices.SHUANGRU, PLACE.supervisor, now, "refer")
        demo_county.load_town(engine, county, now)
        from disputeflow.demo import screening as demo_screening

        demo_screening.load(engine, now)
    finally:
        engine.clock = real_clock
    engine.sweep()
    return summarize(engine, loaded=True)


def _directory(engine, rng: random.Random, county: str) -> None:
    """The town's units and people: villages with their grids, offices, staff, mediators, grid officers."""
    engine.add_unit(TOWN[0], TOWN[1], "town", county)
    offices.add(engine, TOWN[0], offices.SHUANGRU, random.Random(20261129), "shuangru.gov.example")
    for vid, vname, kind in VILLAGES:
        engine.add_unit(vid, vname, kind, TOWN[0])
        for g in range(1, GRIDS_PER_UNIT + 1):
            engine.add_unit(f"{vid}-g{g:02d}", f"{vname}第{g}网格", "grid", vid)
    for uid, person, role, unit in STAFF:
        engine.add_user(uid, person, role, unit, phone=phone(rng), email=f"{uid}@shuangru.gov.example")
    for vid, (uid, person) in VILLAGE_MEDIATORS.items():
        engine.add_user(uid, person, "mediator", vid, phone=phone(rng))
        engine.add_user(f"fg-{vid}", LEGAL_ADVISERS[vid], "mediator", vid, phone=phone(rng))
    for vid, _, _ in VILLAGES:
        for g in range(1, GRIDS_PER_UNIT + 1):
            for n in range(1, OFFICERS_PER_GRID + 1):
                engine.add_user(officer(vid, g, n), name(rng), "grid_officer", f"{vid}-g{g:02d}", phone=phone(rng))
