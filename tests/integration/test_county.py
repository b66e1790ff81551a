"""A county above the towns: each town keeps its own numbers and its own cases, the county sees them all."""

from __future__ import annotations

import pytest

from tests.conftest import PARTIES
from disputeflow import NotPermitted, ValidationError


def build_county(engine) -> None:
    """A fictional county (示范县) with two towns, a village each, and people at every level."""
    engine.add_unit("cty", "示范县", "county")
    engine.add_unit("sr", "双乳镇", "town", "cty")
    engine.add_unit("qs", "青石镇", "town", "cty")
    engine.add_unit("sr-v1", "东港村", "village", "sr")
    engine.add_unit("qs-v1", "石桥村", "village", "qs")
    engine.add_unit("sr-sfs", "双乳司法所", "office", "sr", handles=["labour"])
    engine.add_unit("qs-sfs", "青石司法所", "office", "qs", handles=["labour"])
    engine.add_user("go-sr", "网格员甲", "grid_officer", "sr-v1")
    engine.add_user("go-qs", "网格员乙", "grid_officer", "qs-v1")
    engine.add_user("med-sr", "调解员甲", "mediator", "sr")
    engine.add_user("med-qs", "调解员乙", "mediator", "qs")
    engine.add_user("sup-sr", "镇督办员", "supervisor", "sr")
    engine.add_user("sup-cty", "县督办员", "supervisor", "cty")


@pytest.fixture
def county(db_url, clock):
    from disputeflow import Engine

    eng = Engine(db_url, clock=clock)
    eng.init()
    build_county(eng)
    yield eng
    eng.close()


def report(engine, who: str, unit: str, **over) -> str:
    fields = dict(title="宅基地边界纠纷", category="neighbour", unit=unit, parties=PARTIES, source="grid")
    fields.update(over)
    return engine.report(who, **fields).number


def test_each_town_numbers_its_own_cases(county):
    a = report(county, "go-sr", "sr-v1")
    b = report(county, "go-qs", "qs-v1")
    c = report(county, "go-sr", "sr-v1")
    assert a == "双乳-2026-000001" and c == "双乳-2026-000002"
    assert b == "青石-2026-000001"


def test_a_town_cannot_open_the_other_towns_case_and_the_county_sees_both(county):
    a = report(county, "go-sr", "sr-v1")
    b = report(county, "go-qs", "qs-v1")
    with pytest.raises(NotPermitted):
        county.case(b, "med-sr")
    with pytest.raises(NotPermitted):
        county.case(a, "med-qs")
    with pytest.raises(NotPermitted):
        county.act(b, "assess", "med-sr", risk="low")
    assert {c["number"] for c in county.list_cases("med-sr")} == {a}
    assert {c["number"] for c in county.list_cases("sup-sr")} == {a}
    assert {c["number"] for c in county.list_cases("sup-cty")} == {a, b}
    assert county.case(b, "sup-cty")["number"] == b


def test_work_orders_stay_in_their_town_under_a_county(county):
    n = report(county, "go-qs", "qs-v1", category="labour")
    county.act(n, "assess", "med-qs", risk="low")
    assert [o["id"] for o in county.offices_for(n, "med-qs")] == ["qs-sfs"]
    with pytest.raises(ValidationError) as refused:
        county.act(n, "dispatch", "med-qs", to="sr-sfs", request="核实")
    assert refused.value.errors[0].field == "to"
    w = county.act(n, "dispatch", "med-qs", to="qs-sfs", request="核实").data["spawned"]
    assert w == f"{n}-交1"


def test_the_county_is_the_top_and_towns_sit_under_it(county):
    with pytest.raises(ValidationError):
        county.add_unit("cty2", "另一县", "county", "cty")
    with pytest.raises(ValidationError):
        county.add_unit("t9", "某镇", "town", "sr")
    with pytest.raises(ValidationError):
        county.add_unit("v9", "某村", "village", "cty")
    county.add_unit("cty-office", "县信访局", "office", "cty")
    kinds = {u["id"]: u["kind"] for u in county.units()}
    assert kinds["cty"] == "county" and kinds["sr"] == "town"


def overdue_everywhere(county, clock):
    """A case in each town, assessed, then time moved past every intake clock."""
    a = report(county, "go-sr", "sr-v1")
    b = report(county, "go-qs", "qs-v1")
    c = report(county, "go-qs", "qs-v1", title="水渠纠纷")
    clock.advance(days=60)
    return a, b, c


def test_the_county_board_counts_each_town_and_a_town_sees_only_its_own(county, clock):
    a, b, c = overdue_everywhere(county, clock)
    county.act(b, "supervise", "sup-cty", level="county", authority="县综治中心",
               deadline="2026-06-30T17:00+08:00")
    county.act(a, "supervise", "sup-sr", level="town", authority="镇综治中心", deadline="2026-06-30T17:00+08:00")
    whole = county.overdue(actor="sup-cty")
    assert {r["number"] for r in whole} == {a, b, c}
    got = county.town_board(actor="sup-cty")
    towns = {t["id"]: t for t in got["towns"]}
    assert set(towns) == {"sr", "qs"}
    per_case = {n: sum(1 for r in whole if r["number"] == n) for n in (a, b, c)}
    assert towns["sr"]["overdue"] == per_case[a] > 0
    assert towns["qs"]["overdue"] == per_case[b] + per_case[c]
    assert (towns["sr"]["open"], towns["sr"]["listed"], towns["sr"]["county_listed"]) == (1, 1, 0)
    assert (towns["qs"]["open"], towns["qs"]["listed"], towns["qs"]["county_listed"]) == (2, 1, 1)
    assert towns["qs"]["name"] == "青石镇" and got["towns"][0]["id"] == "qs"  # the worse town first
    (listed,) = got["county_listed"]
    assert (listed["number"], listed["town_name"], listed["authority"]) == (b, "青石镇", "县综治中心")

    mine = county.town_board(actor="sup-sr")
    assert [t["id"] for t in mine["towns"]] == ["sr"] and mine["county_listed"] == []
    assert {r["number"] for r in county.overdue(actor="sup-sr")} == {a}
    assert [t["id"] for t in county.town_board(actor="med-qs")["towns"]] == ["qs"]


def test_a_county_supervisor_lists_any_towns_case_at_county_level_over_a_town_listing(county):
    a = report(county, "go-sr", "sr-v1")
    county.act(a, "supervise", "sup-sr", level="town", authority="镇综治中心", deadline="2026-04-30T17:00+08:00")
    county.act(a, "supervise", "sup-cty", level="county", authority="县综治中心", deadline="2026-04-20T17:00+08:00")
    assert county.case(a, "sup-cty")["supervision"]["level"] == "county"
    assert [c["number"] for c in county.town_board(actor="sup-cty")["county_listed"]] == [a]
    b = report(county, "go-qs", "qs-v1")
    with pytest.raises(NotPermitted):  # a town's supervisor has no say over the neighbouring town
        county.act(b, "supervise", "sup-sr", level="town", authority="镇综治中心", deadline="2026-04-20T17:00+08:00")


def test_a_town_supervisor_cannot_list_at_county_level_where_the_county_is_in_the_directory(county):
    a = report(county, "go-sr", "sr-v1")
    with pytest.raises(NotPermitted) as e:
        county.act(a, "supervise", "sup-sr", level="county", authority="县综治中心", deadline="2026-04-30T17:00+08:00")
    assert "县级挂牌须由县级督办人员决定" in e.value.zh
    assert county.case(a, "sup-sr")["supervision"] is None or not county.case(a, "sup-sr")["supervision"].get("level")
    county.act(a, "supervise", "sup-cty", level="county", authority="县综治中心", deadline="2026-04-30T17:00+08:00")
    assert county.case(a, "sup-cty")["supervision"]["level"] == "county"
    b = report(county, "go-sr", "sr-v1")
    with pytest.raises(NotPermitted):  # the bulk path decides the same way
        county.act_many([(b, "supervise", "sup-sr",
                          {"level": "county", "authority": "县综治中心", "deadline": "2026-04-30T17:00+08:00"})])
