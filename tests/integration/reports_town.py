"""A hand-built set of cases for the report tests, with every answer worked out by hand.

All times are Beijing time in 2026. ``build(engine, clock)`` drives the cases
through the engine with the clock moved by hand and leaves the clock on
1 April 2026 09:00 (March has ended).

| case | unit | category / source | story |
|------|------|-------------------|-------|
| G | v1 | contract / grid   | reported 10 Jan, resolved 15 Jan, closed 25 Jan, reopened 15 Mar (relapse after closure) |
| H | v1 | other / visit     | reported 2 Feb, withdrawn 3 Feb (struck off before March: not in March) |
| F | v2 | damages / police  | reported 20 Feb 10:00, mediating from 21 Feb 10:00 (due 23 Mar 10:00), level 1 raised 24 Mar, agreement 25 Mar 10:00 (late, 33 days) |
| A | v1 | neighbour / grid  | reported 2 Mar 10:00, agreement 10 Mar 10:00 (8 days), satisfied 12 Mar, closed 13 Mar; reopened 5 Apr |
| B | v1 | land / hotline    | reported 5 Mar 10:00, no agreement 20 Mar 10:00 (15 days) |
| C | v2 | labour / visit    | reported 6 Mar, referred to court 8 Mar |
| D | v2 | neighbour / grid  | reported 7 Mar 10:00, withdrawn 7 Mar 15:00 |
| E | v1 | contract / grid   | key person (risk high), reported 10 Mar, controlled 10 Mar, still controlled at the end of March |
"""

from __future__ import annotations

from datetime import datetime

from disputeflow.workflow.timeutil import LOCAL_TZ

PARTIES = [{"name": "张三", "role": "applicant", "phone": "13812348000", "id_number": "11010519491231002X",
            "address": "甲村3组"},
           {"name": "李四", "role": "respondent", "phone": "13912345678"}]


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


def _report(engine, actor, unit, category, source, title, flags=()):
    return engine.report(actor, title=title, category=category, unit=unit, parties=PARTIES, source=source,
                         flags=list(flags), description=f"{title}的简要情况").number


def _resolve_path(engine, clock, n, med, assess_at, mediate_at):
    clock.set(assess_at)
    engine.act(n, "assess", med, risk="low", responsible_unit="justice")
    engine.act(n, "assign", "sup", mediator=med)
    clock.set(mediate_at)
    engine.act(n, "inform", med, informed_parties="双方当事人", method="oral")
    engine.act(n, "mediate", med)


def build(engine, clock) -> dict[str, str]:
    cases: dict[str, str] = {}
    # G: January, closed, reopened in March.
    clock.set(at(1, 10))
    g = cases["G"] = _report(engine, "go", "v1-g1", "contract", "grid", "借款纠纷")
    _resolve_path(engine, clock, g, "med1", at(1, 10, 11), at(1, 10, 12))
    clock.set(at(1, 15))
    engine.act(g, "resolve", "med1", outcome="agreement", agreement="分期还款")
    clock.set(at(1, 20))
    engine.act(g, "follow_up", "med1", method="phone", satisfaction="satisfied", performance="full")
    clock.set(at(1, 25))
    engine.act(g, "close", "sup")
    # H: withdrawn in February.
    clock.set(at(2, 2))
    h = cases["H"] = _report(engine, "go", "v1-g1", "other", "visit", "琐事纠纷")
    clock.set(at(2, 3))
    engine.act(h, "withdraw", "med1", reason="当事人自行和解")
    # F: February case resolved late in March.
    clock.set(at(2, 20))
    f = cases["F"] = _report(engine, "sup", "v2", "damages", "police", "交通事故赔偿纠纷")
    _resolve_path(engine, clock, f, "med2", at(2, 20, 11), at(2, 21))
    # March.
    clock.set(at(3, 2))
    a = cases["A"] = _report(engine, "go", "v1-g1", "neighbour", "grid", "宅基地边界纠纷")
    _resolve_path(engine, clock, a, "med1", at(3, 3, 9), at(3, 3, 11))
    clock.set(at(3, 5))
    b = cases["B"] = _report(engine, "go", "v1-g1", "land", "hotline", "承包地界址纠纷")
    _resolve_path(engine, clock, b, "med1", at(3, 5, 11), at(3, 5, 12))
    clock.set(at(3, 6))
    c = cases["C"] = _report(engine, "sup", "v2", "labour", "visit", "工资拖欠纠纷")
    _resolve_path(engine, clock, c, "med2", at(3, 6, 11), at(3, 6, 12))
    clock.set(at(3, 8))
    engine.act(c, "refer", "med2", to="court")
    clock.set(at(3, 7))
    d = cases["D"] = _report(engine, "sup", "v2", "neighbour", "grid", "噪音扰民纠纷")
    clock.set(at(3, 7, 15))
    engine.act(d, "withdraw", "med2", reason="当事人撤回")
    clock.set(at(3, 10))
    engine.act(a, "resolve", "med1", outcome="agreement", agreement="甲方拆除越界围墙，乙方补偿500元")
    clock.set(at(3, 10, 10, 30))
    e = cases["E"] = _report(engine, "go", "v1-g1", "contract", "grid", "重点人员债务纠纷", flags=["key_person"])
    clock.set(at(3, 10, 11))
    engine.act(e, "assess", "med1", risk="high")
    clock.set(at(3, 10, 12))
    engine.act(e, "control", "med1", measures="专人每日联系")
    clock.set(at(3, 12))
    engine.act(a, "follow_up", "med1", method="visit", satisfaction="satisfied", performance="full")
    clock.set(at(3, 13))
    engine.act(a, "close", "sup")
    clock.set(at(3, 15))
    engine.act(g, "reopen", "med1", reason="对方未按期还款")
    clock.set(at(3, 20))
    engine.act(b, "resolve", "med1", outcome="no_agreement", legal_channel="litigation")
    clock.set(at(3, 24, 12))
    engine.sweep()
    clock.set(at(3, 25))
    engine.act(f, "resolve", "med2", outcome="oral_agreement", agreement="赔偿医疗费3000元",
               oral_confirmation="双方当场确认")  # statistics count written and oral agreements alike
    clock.set(at(4, 1, 9))
    return cases


def april(engine, clock, cases) -> None:
    """April: A relapses after its closure; nobody reports anything new."""
    clock.set(at(4, 5))
    engine.act(cases["A"], "reopen", "sup", reason="围墙又被砌回")
    clock.set(at(5, 2, 9))


def town_engine(backend: str, tmp_path_factory, *then):
    """A generator for module-scoped fixtures: an engine on ``backend`` with the town built (and ``then`` applied).

    Yields ``(engine, clock, cases)``; the database is dropped afterwards.
    """
    from tests.conftest import T0, build_town, make_db_url
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    url, drop = make_db_url(backend, tmp_path_factory.mktemp("town"))
    clock = FixedClock(T0)
    eng = Engine(url, clock=clock)
    eng.init()
    build_town(eng)
    cases = build(eng, clock)
    for step in then:
        step(eng, clock, cases)
    try:
        yield eng, clock, cases
    finally:
        eng.close()
        drop()
