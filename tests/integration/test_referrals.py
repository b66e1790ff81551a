"""Referral that keeps tracking (移交跟踪), court-sent cases and the judicial-confirmation window, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import PARTIES, T0
from disputeflow import NotPermitted, ValidationError
from disputeflow.workflow.runtime import runtime_of


@pytest.fixture
def town(engine):
    """The test town with its police station (派出所), whose one officer records replies."""
    engine.add_unit("pcs", "派出所", "office", "t1", handles=[])
    engine.add_user("pcs1", "派出所民警小王", "office_staff", "pcs")
    return engine


def assessed(engine, risk="medium") -> str:
    n = engine.report("go", title="邻里斗殴后索赔", category="neighbour", unit="v1-g1", parties=PARTIES).number
    engine.act(n, "assess", "med1", risk=risk)
    return n


def running(engine, number) -> dict:
    return {k["clock"]: k for k in engine.case(number)["deadlines"] if k["status"] == "running"}


def on_board(engine, number_prefix: str, as_of) -> list[tuple[str, str]]:
    return [(r["number"], r["clock"]) for r in engine.overdue(as_of=as_of) if r["number"].startswith(number_prefix)]


def test_a_referral_to_the_police_stays_on_the_board_until_feedback_then_closes_with_the_result(town):
    eng = town
    n = assessed(eng)
    out = eng.act(n, "refer", "med1", to="police", unit="pcs", request="涉嫌故意伤害，请依法处理并反馈")
    r = out.data["spawned"]
    assert out.to_state == "referred" and r == f"{n}-移1"
    parent = eng.case(n, "med1")
    assert parent["state"] == "referred" and parent["closed_at"] is None  # not an end: it waits
    assert running(eng, n) == {}  # the case's own clocks stop while the police handle it
    (ref,) = parent["work_orders"]
    assert (ref["number"], ref["workflow"], ref["to"], ref["state"]) == (r, "referral", "pcs", "awaiting")
    assert [k["clock"] for k in ref["deadlines"]] == ["referral_feedback"]
    assert ref["deadlines"][0]["due_at"] == "2026-03-18T09:00:00+08:00"  # 15 days (local practice)
    assert eng.case(r)["parent"] == n and eng.case(r)["data"]["to"] == "police"

    with pytest.raises(ValidationError) as early:
        eng.act(n, "close_referral", "med1", result="已处理")
    assert r in early.value.errors[0].zh and "反馈" in early.value.errors[0].zh
    late = T0 + timedelta(days=16)
    assert on_board(eng, n, late) == [(r, "referral_feedback")]  # overdue, shown on the board
    assert n in [c["number"] for c in eng.list_cases("med1", state="referred")]

    with pytest.raises(NotPermitted):
        eng.act(r, "feedback", "go", result="x")  # a grid officer does not answer for the police
    eng.act(r, "feedback", "pcs1", result="已立案侦查，嫌疑人行政拘留十日")
    assert eng.case(r)["state"] == "answered" and running(eng, r) == {}
    assert on_board(eng, n, late) == []

    done = eng.act(n, "close_referral", "med1", result="公安机关已立案处理，民事赔偿另行调解")
    assert done.to_state == "referral_closed"
    closed = eng.case(n, "med1")
    assert closed["closed_at"] and closed["data"]["referral_result"] == "公安机关已立案处理，民事赔偿另行调解"
    assert closed["work_orders"][0]["result"] == "已立案侦查，嫌疑人行政拘留十日"
    assert [h["action"] for h in eng.history(n)][-2:] == ["refer", "close_referral"]
    stats = eng.report_data("stats", actor="sup", month="2026-03")["overall"]
    assert stats["referred"] == 1  # a closed referral still counts as 移交
    rows = eng.report_data("ledger", actor="sup", month="2026-03")["rows"]
    assert [(x["number"], x["state"], x["referred_to"]) for x in rows if x["number"] == n] == \
        [(n, "referral_closed", "police")]
    eng.dispatch()
    assert ("refer", r) in [(m["event"], m["case_number"]) for m in eng.inbox("pcs1")]
    assert ("feedback", r) in [(m["event"], m["case_number"]) for m in eng.inbox("med1")]


def test_a_body_without_users_answers_through_the_mediator(town):
    eng = town
    n = assessed(eng)
    eng.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
    eng.act(n, "mediate", "med1")
    r = eng.act(n, "refer", "med1", to="court", detail="某县人民法院",
                due="2026-03-10T17:00+08:00").data["spawned"]
    assert running(eng, r)["referral_feedback"]["due_at"] == "2026-03-10T17:00:00+08:00"
    assert eng.case(r)["responsible_unit"] is None
    with pytest.raises(NotPermitted):
        eng.act(r, "feedback", "pcs1", result="x")  # the police station is not the court
    eng.act(r, "feedback", "med1", result="法院已立案", replied_at="2026-03-03T08:30+08:00")
    eng.act(n, "close_referral", "med1", result="法院已立案受理")
    assert eng.case(n)["state"] == "referral_closed"


def test_the_receiving_office_must_be_of_the_case_town(town):
    town.add_unit("t2", "另一镇", "town")
    town.add_unit("t2-pcs", "另一镇派出所", "office", "t2")
    n = assessed(town)
    with pytest.raises(ValidationError):
        town.act(n, "refer", "med1", to="police", unit="t2-pcs")
    with pytest.raises(ValidationError):
        town.act(n, "refer", "med1", to="police", unit="v1")  # a village is not an office
    assert town.case(n)["state"] == "assessed" and town.case(n)["work_orders"] == []


def test_a_missed_feedback_deadline_raises_the_ladder_on_the_referral_once(town):
    eng = town
    n = assessed(eng)
    r = eng.act(n, "refer", "med1", to="police", unit="pcs").data["spawned"]
    due = T0 + timedelta(days=15)
    first = [(x["number"], x["clock"], x["step"]) for x in eng.sweep(now=due + timedelta(minutes=1))
             if x["number"].startswith(n)]
    assert first == [(r, "referral_feedback", "warning"), (r, "referral_feedback", "level1")]
    assert [x for x in eng.sweep(now=due + timedelta(minutes=1)) if x["number"].startswith(n)] == []
    assert [x for x in eng.sweep(now=due + timedelta(hours=1)) if x["number"].startswith(n)] == []
    with runtime_of(eng).db.connect() as c:
        steps = c.execute(text("SELECT e.step FROM escalations e JOIN cases c ON c.id = e.case_id "
                               "WHERE c.number = :n ORDER BY e.id"), {"n": r}).scalars().all()
        on_parent = c.execute(text("SELECT COUNT(*) FROM escalations e JOIN cases c ON c.id = e.case_id "
                                   "WHERE c.number = :n"), {"n": n}).scalar()
    assert steps == ["warning", "level1"] and on_parent == 0
    assert running(eng, r)["referral_feedback"]["level"] == "level1"


def test_a_court_entrusted_case_shows_its_court_and_case_number(engine):
    n = engine.report("med1", title="买卖合同欠款", category="contract", unit="v1", parties=PARTIES, source="court",
                      court_name="某县人民法院", court_case_number="（2026）某0123民诉前调123号").number
    doc = engine.case(n, "med1")
    assert doc["source"] == "court" and doc["source_label"] == "法院委派/委托调解（诉调对接）"
    assert (doc["data"]["court_name"], doc["data"]["court_case_number"]) == ("某县人民法院", "（2026）某0123民诉前调123号")


def test_the_confirmation_window_only_warns(engine):
    """The parties' 30 days to apply for judicial confirmation: a warning to the mediator, no card, no board."""
    eng = engine
    n = assessed(eng)
    eng.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
    eng.act(n, "mediate", "med1")
    eng.act(n, "resolve", "med1", outcome="written_agreement", agreement="赔偿医药费 3000 元")
    win = running(eng, n)["confirmation"]
    assert win["due_at"].startswith("2026-04-03T00:00:00")  # 30 days from the next day, to 24:00 (Civil Code art. 201)
    far = T0 + timedelta(days=60)
    raised = [(x["clock"], x["step"]) for x in eng.sweep(now=far) if x["number"] == n and x["clock"] == "confirmation"]
    assert raised == [("confirmation", "warning")]
    assert [x for x in eng.sweep(now=far + timedelta(days=30)) if x["clock"] == "confirmation"] == []
    assert [r for r in eng.overdue(as_of=far) if r["clock"] == "confirmation"] == []
    assert running(eng, n)["confirmation"]["level"] == "warning"
    with runtime_of(eng).db.connect() as c:
        steps = c.execute(text("SELECT e.step FROM escalations e JOIN clocks k ON k.id = e.clock_id "
                               "JOIN cases c ON c.id = e.case_id WHERE c.number = :n AND k.name = 'confirmation'"),
                          {"n": n}).scalars().all()
    assert steps == ["warning"]  # while the follow-up clock beside it climbs the whole ladder
    assert {x["clock"] for x in eng.overdue(as_of=far) if x["number"] == n} == {"follow_up"}
