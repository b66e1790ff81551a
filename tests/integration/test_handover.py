"""Handing a case up and down the levels (上交、下交), on both databases: the handling level moves, the place does not."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import text

from tests.integration.test_county import build_county, report
from disputeflow import NotPermitted, ValidationError
from disputeflow.workflow.runtime import runtime_of


@pytest.fixture
def county(db_url, clock):
    from disputeflow import Engine

    eng = Engine(db_url, clock=clock)
    eng.init()
    build_county(eng)
    eng.add_user("med-v", "村调解员", "mediator", "sr-v1")
    yield eng
    eng.close()


def mediating(eng) -> str:
    n = report(eng, "go-sr", "sr-v1")
    eng.act(n, "assess", "med-v", risk="low")
    eng.act(n, "inform", "med-v", informed_parties="双方当事人", method="oral")
    eng.act(n, "mediate", "med-v")
    return n


def running(eng, n) -> dict:
    return {k["clock"]: k for k in eng.case(n)["deadlines"] if k["status"] == "running"}


def audiences(eng, n, event) -> list[list[str]]:
    with runtime_of(eng).db.connect() as c:
        rows = c.execute(text("SELECT audience FROM outbox WHERE case_number = :n AND event = :e ORDER BY id"),
                         {"n": n, "e": event}).all()
    return [json.loads(r[0]) for r in rows]


def test_a_village_hands_up_to_the_town_then_the_county_and_the_county_hands_back_down(county, clock):
    eng = county
    n = mediating(eng)
    before = running(eng, n)
    assert eng.case(n)["handling_unit"] == "sr-v1"
    assert {"hand_up"} <= {a["action"] for a in eng.actions(n, "med-v")}
    choices = next(a for a in eng.actions(n, "med-v") if a["action"] == "hand_up")["fields"][0]["choices"]
    assert list(choices) == ["sr", "cty"] and choices["sr"] == "双乳镇"
    clock.advance(days=5)

    eng.act(n, "hand_up", "med-v", to="sr", reason="涉及多村土地，村级无法化解")
    doc = eng.case(n, "sup-cty")
    assert (doc["handling_unit"], doc["handling_unit_name"]) == ("sr", "双乳镇")
    assert (doc["unit"], doc["unit_name"]) == ("sr-v1", "东港村")  # the place does not move
    after = running(eng, n)
    assert datetime.fromisoformat(after["resolve"]["started_at"]) == clock.now()
    assert after["resolve"]["started_at"] != before["resolve"]["started_at"]
    assert after["tier"]["started_at"] == before["tier"]["started_at"]  # only what the policy names restarts
    (event,) = [h for h in eng.history(n) if h["action"] == "hand_up"]
    assert event["data"]["handover"] == {"from": "sr-v1", "to": "sr", "direction": "hand_up"}
    assert event["data"]["clocks_restarted"] == ["resolve"]
    assert ["unit:sr"] == [t for t in audiences(eng, n, "hand_up")[0] if t.startswith("unit:")]

    # the village has handed it on: it can no longer move it, the town can
    assert "hand_up" not in {a["action"] for a in eng.actions(n, "med-v")}
    with pytest.raises(NotPermitted):
        eng.act(n, "hand_up", "med-v", to="cty", reason="再上交")
    with pytest.raises(ValidationError) as refused:
        eng.act(n, "hand_up", "med-sr", to="qs", reason="错投")  # not above: another town
    assert refused.value.errors[0].field == "to"
    with pytest.raises(ValidationError):
        eng.act(n, "hand_up", "med-sr", to="sr-v1", reason="向下")  # a village is not above the town
    eng.act(n, "hand_up", "med-sr", to="cty", reason="重大疑难，报县级")
    assert eng.case(n)["handling_unit"] == "cty"
    assert [t for t in audiences(eng, n, "hand_up")[1] if t.startswith("unit:")] == ["unit:cty"]

    with pytest.raises(ValidationError):
        eng.act(n, "hand_down", "sup-cty", to="cty", reason="")  # not below the handling level
    with pytest.raises(ValidationError):
        eng.act(n, "hand_down", "sup-cty", to="qs-v1", reason="")  # below, but not on the way to the place
    eng.act(n, "hand_down", "sup-cty", to="sr-v1", reason="已明确处理意见，交村落实")
    doc = eng.case(n)
    assert doc["handling_unit"] == "sr-v1" and [h["direction"] for h in doc["data"]["handovers"]] == [
        "hand_up", "hand_up", "hand_down"]
    with pytest.raises(ValidationError):
        eng.act(n, "hand_down", "med-v", to="sr-v1")  # already at the place: nothing below
    assert [a["action"] for a in eng.history(n)][-3:] == ["hand_up", "hand_up", "hand_down"]


def test_the_other_town_cannot_take_or_see_a_handed_up_case(county):
    n = mediating(county)
    county.act(n, "hand_up", "med-v", to="sr", reason="村级无法化解")
    with pytest.raises(NotPermitted):
        county.case(n, "med-qs")
    with pytest.raises(NotPermitted):
        county.act(n, "hand_up", "med-qs", to="cty", reason="x")
    assert county.case(n, "med-sr")["handling_unit"] == "sr"


def test_a_policy_without_restarts_keeps_every_clock(db_url, clock):
    from disputeflow import Engine
    from disputeflow.workflow.policy import Policy

    base = shipped_policy_text()
    policy = Policy.from_text(base.replace('restart = ["resolve"]', "restart = []"), "test")
    assert policy.handover_restart == ()
    eng = Engine(db_url, clock=clock, policy=policy)
    eng.init()
    build_county(eng)
    eng.add_user("med-v", "村调解员", "mediator", "sr-v1")
    n = mediating(eng)
    started = running(eng, n)["resolve"]["started_at"]
    clock.advance(days=2)
    eng.act(n, "hand_up", "med-v", to="sr", reason="村级无法化解")
    assert running(eng, n)["resolve"]["started_at"] == started
    assert "clocks_restarted" not in [h for h in eng.history(n) if h["action"] == "hand_up"][0]["data"]
    eng.close()


def shipped_policy_text() -> str:
    from importlib import resources

    return (resources.files("disputeflow.workflow") / "policy.toml").read_text(encoding="utf-8")
