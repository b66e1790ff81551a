"""The county above 双乳镇, and a second, smaller town, so that the county's board has two towns on it.

澄川县 and 青石镇 are fictional (the county's name says so in the data): any
likeness to a real place is chance. 青石镇 numbers its own cases (青石-2026-…),
has two offices, a handful of cases and two work orders, one of them late.
"""

from __future__ import annotations

import random
from datetime import datetime

from disputeflow.demo import cases as demo_cases
from disputeflow.demo import offices, work_orders
from disputeflow.demo.cases import AGREE, CLOSE, MEDIATE, VISIT, assess, high_prep
from disputeflow.demo.common import name, officer, phone

COUNTY = ("chengchuan", "澄川县（虚构）")
COUNTY_SUPERVISORS = (("cc-zhang", "张卫东"), ("cc-he", "何丽萍"))  # 县综治中心

TOWN = ("qingshi", "青石镇")
VILLAGES = (("qs-shangba", "上坝村"), ("qs-xiahe", "下河村"), ("qs-shimen", "石门村"))
GRIDS_PER_UNIT = 2
OFFICERS_PER_GRID = 1
STAFF = (  # id, name, role, unit
    ("qs-zz-tian", "田志刚", "supervisor", "qingshi"),
    ("qs-ld-yuan", "袁建国", "lead_official", "qingshi"),
)
VILLAGE_MEDIATORS = {"qs-shangba": ("qs-tj-shangba", "苏秀兰"), "qs-xiahe": ("qs-tj-xiahe", "魏明"),
                     "qs-shimen": ("qs-tj-shimen", "吕桂英")}
PLACE = demo_cases.Place("qs-zz-tian", {v: uid for v, (uid, _) in VILLAGE_MEDIATORS.items()},
                         GRIDS_PER_UNIT, OFFICERS_PER_GRID, offices.QINGSHI)
MAIL = "qingshi.gov.example"


def add_county(engine) -> str:
    """The county unit and its supervisors (县综治中心, role supervisor at the county). Returns its id."""
    rng = random.Random(20261201)
    engine.add_unit(*COUNTY, "county")
    for uid, person in COUNTY_SUPERVISORS:
        engine.add_user(uid, person, "supervisor", COUNTY[0], phone=phone(rng), email=f"{uid}@chengchuan.gov.example")
    return COUNTY[0]


def scenarios() -> list[tuple]:
    """青石镇's cases, in number order (shorthand as in :mod:`disputeflow.demo.cases`)."""
    return [
        ("qs-shangba", "neighbour", "宅基地界墙纠纷", "grid", [], 2, 21, [assess("low"), MEDIATE, *AGREE, VISIT, CLOSE]),
        ("qs-xiahe", "labour", "砖厂拖欠工资纠纷", "visit", [], 5, 9,
         [assess("high"), *high_prep("qs-ld-yuan"), MEDIATE]),
        ("qs-shimen", "marriage_family", "分家析产纠纷", "visit", [], 3, 12, [assess("medium"), MEDIATE]),
        ("qs-shangba", "contract", "农机租赁费纠纷", "hotline", [], 2, 4, []),
        ("qs-xiahe", "damages", "耕牛走失赔偿纠纷", "grid", [], 2, 6, [assess("low"), MEDIATE, *AGREE]),
    ]


def load_town(engine, county: str, now: datetime) -> None:
    """青石镇 under ``county``: villages, grids, offices and people, then its cases and work orders."""
    rng = random.Random(20261202)
    engine.add_unit(*TOWN, "town", county)
    offices.add(engine, TOWN[0], offices.QINGSHI, rng, MAIL)
    for vid, vname in VILLAGES:
        engine.add_unit(vid, vname, "village", TOWN[0])
        for g in range(1, GRIDS_PER_UNIT + 1):
            engine.add_unit(f"{vid}-g{g:02d}", f"{vname}第{g}网格", "grid", vid)
            for n in range(1, OFFICERS_PER_GRID + 1):
                engine.add_user(officer(vid, g, n), name(rng), "grid_officer", f"{vid}-g{g:02d}", phone=phone(rng))
    for uid, person, role, unit in STAFF:
        engine.add_user(uid, person, role, unit, phone=phone(rng), email=f"{uid}@{MAIL}")
    for vid, (uid, person) in VILLAGE_MEDIATORS.items():
        engine.add_user(uid, person, "mediator", vid, phone=phone(rng))
    numbers = demo_cases.run(engine, rng, now, PLACE, scenarios())
    work_orders.load(engine, work_orders.QINGSHI, numbers, offices.QINGSHI, PLACE.supervisor, now)
