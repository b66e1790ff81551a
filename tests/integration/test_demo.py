"""The demo as a county would see it: two towns with their own numbers, offices routed by category, and
work orders in every state, on both databases.

The demo is loaded once per database (it takes a second or two) at a fixed
clock, and each test reads it; none writes.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.conftest import BACKENDS, T0, make_db_url
from disputeflow import NotPermitted
from disputeflow.workflow.timesource import FixedClock

# The routing table as the demo promises it (office id → categories handled).
HANDLES = {
    "sr-justice": ["neighbour", "marriage_family", "damages", "other"],
    "sr-police": ["neighbour", "damages"],
    "sr-market": ["consumer", "property"],
    "sr-rss": ["labour"],
    "sr-zrzy": ["land", "demolition"],
    "sr-njz": ["contract", "land"],
    "sr-wsy": ["medical"],
    "sr-xfb": [],
    "qs-justice": ["neighbour", "marriage_family", "damages", "contract", "other"],
    "qs-rss": ["labour"],
}


TOP = re.compile(r"^[^-]+-\d{4}-\d{6}$")  # a case's own number; a child's adds -交1, -移1 …


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory):
    from disputeflow import Engine
    from disputeflow.demo import town

    url, drop = make_db_url(request.param, tmp_path_factory.mktemp("demo"))
    eng = Engine(url, clock=FixedClock(T0))
    summary = town.load(eng)
    yield eng, summary
    eng.close()
    drop()


def _orders(eng) -> list[dict]:
    """Every work order, as its parent lists it (not its other children, such as referrals)."""
    return [o for c in eng.list_cases(limit=1000) if TOP.match(c["number"])
            for o in eng.case(c["number"])["work_orders"] if o["workflow"] == "work_order"]


def test_the_county_has_two_towns_each_numbering_its_own_cases(demo):
    eng, summary = demo
    units = {u["id"]: u for u in eng.units()}
    (county,) = [u for u in units.values() if u["kind"] == "county"]
    assert "虚构" in county["name"] and county["parent"] is None
    towns = {u["id"] for u in units.values() if u["kind"] == "town"}
    assert towns == {"shuangru", "qingshi"} and all(units[t]["parent"] == county["id"] for t in towns)
    prefixes: dict[str, set[str]] = {"shuangru": set(), "qingshi": set()}
    for c in eng.list_cases(limit=1000):
        town = next(t for t in towns if f"/{t}/" in units[c["unit"]]["path"])
        prefixes[town].add(c["number"].split("-")[0])
    assert prefixes == {"shuangru": {"双乳"}, "qingshi": {"青石"}}
    assert len([c for c in eng.list_cases(limit=1000) if c["number"].startswith("双乳-") and TOP.match(c["number"])]) == 36
    assert summary["county"] == county["name"] and [t["name"] for t in summary["towns"]] == ["双乳镇", "青石镇"]
    assert [t["prefix"] for t in summary["towns"]] == ["双乳", "青石"]
    assert (summary["villages"], summary["communities"], summary["grids"], summary["grid_officers"]) == (6, 1, 56, 224)
    supervisors = {u["id"] for u in eng.users(role="supervisor") if u["unit"] == county["id"]}
    assert supervisors == {"cc-zhang", "cc-he"}


def test_every_office_lists_what_it_handles_and_has_its_own_staff(demo):
    eng, _ = demo
    offices = {u["id"]: u["handles"] for u in eng.units() if u["kind"] == "office"}
    assert offices == HANDLES
    staff = {u["unit"] for u in eng.users(role="office_staff")}
    assert staff == set(HANDLES)


def test_cases_are_routed_by_category_not_all_to_the_justice_office(demo):
    eng, _ = demo
    routed = {}
    for c in eng.list_cases(limit=1000):
        if c["number"].startswith("双乳-") and TOP.match(c["number"]):
            unit = eng.case(c["number"])["responsible_unit"]
            if unit:
                routed.setdefault(c["category"], set()).add(unit)
    assert routed["labour"] == {"sr-rss"} and routed["medical"] == {"sr-wsy"}
    assert routed["land"] <= {"sr-zrzy", "sr-njz"} and routed["demolition"] == {"sr-zrzy"}
    assert routed["consumer"] == {"sr-market"}
    labour = next(c["number"] for c in eng.list_cases(limit=1000) if c["title"] == "季节工工资纠纷" and TOP.match(c["number"]))
    assert [o["id"] for o in eng.offices_for(labour) if o["proposed"]] == ["sr-rss"]


def test_work_orders_stand_in_every_state(demo):
    eng, summary = demo
    orders = _orders(eng)
    by_state: dict[str, list[dict]] = {}
    for o in orders:
        by_state.setdefault(o["state"], []).append(o)
    assert set(by_state) == {"pending", "handling", "reported_back", "done"}
    now = T0

    def late(o, clock):
        return any(k["clock"] == clock and k["status"] == "running" and datetime.fromisoformat(k["due_at"]) < now
                   for k in o["deadlines"])

    assert any(late(o, "order_sign") for o in by_state["pending"])  # one overdue on purpose
    assert any(not late(o, "order_sign") for o in by_state["pending"])
    assert [o["returns"] for o in by_state["handling"]].count(1) == 1  # returned once, handled again
    assert all(o["result"] for o in by_state["reported_back"] + by_state["done"])
    assert {o["to"] for o in orders} >= {"sr-rss", "sr-wsy", "sr-zrzy", "sr-market", "sr-police", "qs-rss"}
    assert sum(summary["work_orders_by_state"].values()) == len(orders) == 10
    (returned,) = [o for o in by_state["handling"] if o["returns"]]
    actions = [h["action"] for h in eng.history(returned["number"]) if h["action"] != "escalate"]
    assert actions == ["dispatch", "sign", "feedback", "return"]


def test_the_county_sees_both_towns_and_a_town_sees_only_its_own(demo):
    eng, _ = demo
    board = eng.overdue(actor="cc-zhang")
    assert {r["number"].split("-")[0] for r in board} == {"双乳", "青石"}
    late_orders = {r["number"] for r in board if "-交" in r["number"]}
    assert any(n.startswith("双乳-") for n in late_orders) and any(n.startswith("青石-") for n in late_orders)
    assert {r["number"].split("-")[0] for r in eng.overdue(actor="zz-wang")} == {"双乳"}
    towns = {r["name"]: r for r in eng.town_board(actor="cc-zhang")["towns"]}
    assert set(towns) == {"双乳镇", "青石镇"} and all(r["overdue"] > 0 for r in towns.values())
    assert [r["name"] for r in eng.town_board(actor="qs-zz-tian")["towns"]] == ["青石镇"]
    with pytest.raises(NotPermitted):
        eng.case("双乳-2026-000001", "qs-tj-xiahe")
    pending = next(o for o in _orders(eng) if o["to"] == "sr-rss")
    eng.case(pending["number"], "rs-tang")
    with pytest.raises(NotPermitted):
        eng.case(pending["number"], "wsy-ma")  # another office's staff


def test_loading_again_leaves_the_demo_as_it_is(demo):
    from disputeflow.demo import town

    eng, first = demo
    again = town.load(eng)
    assert again["loaded"] is False and first["loaded"] is True
    assert {k: v for k, v in again.items() if k != "loaded"} == {k: v for k, v in first.items() if k != "loaded"}
    text = town.summary_text(again)
    assert "澄川县（虚构）" in text and "交办单状态" in text and "双乳人力资源和社会保障所" in text


def test_a_referral_to_the_police_waits_for_feedback_and_keeps_its_case_on_the_board(demo):
    eng, _ = demo
    (parent,) = [c for c in eng.list_cases(limit=1000) if c["title"] == "离婚后子女抚养探视纠纷" and TOP.match(c["number"])]
    doc = eng.case(parent["number"])
    assert doc["state"] == "referred"
    (referral,) = [o for o in doc["work_orders"] if o["workflow"] == "referral" and o["to"] == "sr-police"]
    assert referral["state"] == "awaiting" and referral["number"].startswith(parent["number"] + "-移")
    assert [d["clock"] for d in referral["deadlines"] if d.get("stopped_at") is None] == ["referral_feedback"]
    staff = eng.case(referral["number"], actor="pcs-liu")
    assert staff["parent"] == parent["number"]


def test_screening_rounds_and_reports_with_one_village_that_files_nothing(demo):
    from datetime import timedelta

    from disputeflow.workflow.timeutil import local_date

    eng, _summary = demo
    today = local_date(eng.clock.now())
    board = {u["unit"]: u for u in eng.screening_overdue(actor="zz-wang")}
    # 柳湾村 files nothing; 北山村 files three days late, so it may be late on the day the demo is shown
    assert "liuwan" in board and set(board) <= {"liuwan", "beishan"}
    assert {m["duty"] for m in board["liuwan"]["missing"]} == {"report"}
    figures = {u["unit"]: u for u in eng.screening_filing(today - timedelta(days=30), today, "shuangru")["units"]}
    assert figures["liuwan"]["reports_filed"] == 0 and figures["liuwan"]["rounds_held"] >= 1
    assert figures["beishan"]["reports_filed"] >= 1 and figures["beishan"]["reports_on_time"] == 0
    assert figures["donggang"]["on_time_rate"] == 1.0
    found = [r for r in eng.screening_rounds("zz-wang", unit="donggang", since=today - timedelta(days=60)) if r["cases"]]
    assert len(found) == 1 and len(found[0]["cases"]) == 2
    assert any(e["unit"] == "liuwan" and e["step"] == "level1" for e in eng.screening_escalations())
