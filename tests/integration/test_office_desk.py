"""An office's desk (待签收 / 办理中 / 已反馈) and the board's overdue work orders by receiving office, both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import PARTIES, T0
from disputeflow import NotPermitted


@pytest.fixture
def town(engine):
    engine.add_unit("rss", "人社所", "office", "t1", handles=["labour"])
    engine.add_unit("zrzy", "自然资源所", "office", "t1", handles=["land"])
    engine.add_user("rss1", "人社所小李", "office_staff", "rss")
    engine.add_user("zr1", "自然资源所小赵", "office_staff", "zrzy")
    return engine


def dispatched(engine, to="rss", title="工地欠薪", risk="medium") -> tuple[str, str]:
    n = engine.report("go", title=title, category="labour", unit="v1-g1", parties=PARTIES).number
    engine.act(n, "assess", "med1", risk=risk)
    w = engine.act(n, "dispatch", "med1", to=to, request="核实欠薪，联系 13812348000").data["spawned"]
    return n, w


def numbers(desk: dict) -> list[str]:
    return [i["number"] for i in desk["items"]]


def test_the_desk_lists_each_state_of_the_loop_for_the_own_office_only(town):
    eng = town
    n1, w1 = dispatched(eng)
    n2, w2 = dispatched(eng, title="拖欠工资")
    _n3, w3 = dispatched(eng, title="加班费")
    _n4, land = dispatched(eng, to="zrzy", title="地界")
    eng.act(w2, "sign", "rss1")
    eng.act(w3, "sign", "rss1")
    eng.act(w3, "feedback", "rss1", result="已支付")

    everything = eng.office_desk("rss1")
    assert everything["office"] == "rss"
    assert everything["counts"] == {"pending": 1, "handling": 1, "reported_back": 1}
    assert set(numbers(everything)) == {w1, w2, w3}
    assert numbers(eng.office_desk("rss1", "pending")) == [w1]
    assert numbers(eng.office_desk("rss1", "handling")) == [w2]
    (back,) = eng.office_desk("rss1", "reported_back")["items"]
    assert (back["number"], back["result"], back["state_label"]) == (w3, "已支付", "已反馈")

    (row,) = eng.office_desk("rss1", "pending")["items"]
    assert (row["parent"], row["parent_title"], row["category_label"]) == (n1, "工地欠薪", "劳资欠薪")
    assert "13812348000" not in row["request"] and row["request"].startswith("核实欠薪")  # phone masked
    assert [k["clock"] for k in row["deadlines"]] == ["order_sign"] and row["overdue"] is False

    other = eng.office_desk("zr1")
    assert numbers(other) == [land] and other["counts"]["pending"] == 1
    assert w1 not in numbers(eng.office_desk("zr1", "pending"))
    with pytest.raises(NotPermitted):
        eng.office_desk("med1")

    eng.act(w3, "approve", "med1")
    assert eng.office_desk("rss1")["counts"]["reported_back"] == 0
    assert numbers(eng.office_desk("rss1", "done")) == [w3]


def test_a_late_sign_for_is_marked_overdue_with_its_clock(town, clock):
    eng = town
    _n, w = dispatched(eng, risk="high")  # high risk: two hours to sign for
    clock.set(T0 + timedelta(hours=3))
    late = eng.office_desk("rss1", "pending")["items"][0]
    (k,) = late["deadlines"]
    assert k["clock"] == "order_sign" and k["label"] == "签收时限"
    assert k["due_at"] == "2026-03-03T11:00:00+08:00"
    assert late["overdue"] is True and k["level"] == "level1"


def test_the_board_groups_overdue_work_orders_under_the_receiving_office(town):
    eng = town
    _n1, w1 = dispatched(eng, risk="high")
    _n2, w2 = dispatched(eng, to="zrzy", risk="high")
    _n3, w3 = dispatched(eng)  # medium risk: one business day, not yet late
    as_of = T0 + timedelta(hours=3)
    groups = eng.overdue_work_orders(as_of, "sup")
    assert [(g["office"], g["office_name"]) for g in groups] == [("rss", "人社所"), ("zrzy", "自然资源所")]
    assert [(i["number"], i["clock"], i["overdue"]) for i in groups[0]["items"]] == [(w1, "order_sign", True)]
    assert [i["number"] for i in groups[1]["items"]] == [w2]
    assert w3 not in [i["number"] for g in groups for i in g["items"]]
    assert groups[0]["items"][0]["hours_overdue"] == 1.0 and groups[0]["items"][0]["overdue_business_days"] == 0
    # on Saturday 7 March, four calendar days on: w1 (due Tuesday 3 March) is three workdays late (4, 5, 6),
    # w3 (one business day, due Wednesday 4 March) two
    saturday = {i["number"]: i["overdue_business_days"] for i in eng.overdue_work_orders(T0 + timedelta(days=4), "sup")[0]["items"]}
    assert saturday == {w1: 3, w3: 2}
    assert eng.overdue_work_orders(as_of, "med2") == []  # another village's mediator: not in their jurisdiction
    eng.act(w1, "sign", "rss1")
    assert [g["office"] for g in eng.overdue_work_orders(as_of, "sup")] == ["zrzy"]


def test_an_unanswered_referral_to_a_court_is_grouped_under_the_bodies_outside_the_town(town, clock):
    n = town.report("go", title="借款纠纷", category="contract", unit="v1-g1", parties=PARTIES).number
    town.act(n, "assess", "med1", risk="medium")
    r = town.act(n, "refer", "med1", to="court", detail="某县人民法院").data["spawned"]
    groups = town.overdue_work_orders(T0 + timedelta(days=30), "sup")
    (outside,) = [g for g in groups if g["office"] is None]
    assert outside["office_name"] == "外部接收单位（法院、仲裁委等）"
    assert [i["number"] for i in outside["items"]] == [r]
