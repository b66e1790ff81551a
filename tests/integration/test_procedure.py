"""The mediation procedure of the People's Mediation Law, on a real database (SQLite file and PostgreSQL).

A case taken from a party's application through consent, 告知, investigation,
sessions, a written agreement, performance at follow-up and sign-off; a refusal
ending the case; the guards that keep the order; the judicial-confirmation window.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import report
from disputeflow import ValidationError

SHANGHAI = timezone(timedelta(hours=8))


def deadline(engine, n, clock_name):
    return next(k for k in engine.case(n)["deadlines"] if k["clock"] == clock_name)


def ready(engine, n):
    """Consent of both parties and 告知, so mediation may begin."""
    engine.act(n, "consent", "med1", party="张三", agrees="yes")
    engine.act(n, "consent", "med1", party="李四", agrees="yes")
    engine.act(n, "inform", "med1", informed_parties="张三、李四", method="written")


def test_a_case_by_the_book_from_application_to_sign_off(engine, clock):
    n = report(engine, initiation="application", request="请求确认宅基地东侧界址，拆除越界围墙")
    doc = engine.case(n)
    assert doc["data"]["initiation"] == "application" and doc["data"]["request"].startswith("请求确认")
    engine.act(n, "assess", "med1", risk="low")
    ready(engine, n)
    clock.advance(hours=2)
    engine.act(n, "investigate", "med1", at="2026-03-03T10:30+08:00", place="甲村张三家东墙外",
               participants="调解员甲；张三、李四", content="现场测量，围墙越界约 30 厘米。")
    engine.act(n, "mediate", "med1")
    for day, proposal in ((1, "李四后退围墙 30 厘米"), (3, "李四后退 30 厘米，张三承担一半拆砌费用")):
        clock.advance(days=day)
        engine.act(n, "session", "med1", place="甲村调委会", participants="张三、李四、调解员甲",
                   statements="张三：围墙越界。李四：界址不清。", proposal=proposal, result="双方原则同意")
    engine.act(n, "resolve", "med1", outcome="written_agreement", agreement="李四十日内后退围墙 30 厘米，张三承担一半费用")
    doc = engine.case(n)
    data = doc["data"]
    assert [c["party"] for c in data["consents"]] == ["张三", "李四"]
    assert data["notices"][0]["method"] == "written"
    happened = datetime.fromisoformat(data["investigations"][0]["at"])
    assert happened == datetime(2026, 3, 3, 10, 30, tzinfo=SHANGHAI)  # the time it happened, not when entered
    assert data["investigations"][0]["recorded_at"] != data["investigations"][0]["at"]
    assert len(data["sessions"]) == 2 and data["sessions"][1]["proposal"].startswith("李四后退 30 厘米，张三")
    assert deadline(engine, n, "confirmation")["status"] == "running"

    clock.advance(days=8)
    engine.act(n, "follow_up", "go", method="visit", satisfaction="basically_satisfied", performance="partly",
               performance_note="围墙已后退，费用尚未分担")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "close", "sup")
    assert [f.field for f in e.value.errors] == ["close_reason"]
    close = next(a for a in engine.actions(n, "sup") if a["action"] == "close")
    assert close["available"] and close["reasons"]  # the reason can be given in the form itself
    clock.advance(days=5)
    engine.act(n, "follow_up", "go", method="visit", satisfaction="satisfied", performance="full")
    assert engine.act(n, "close", "sup").to_state == "closed"
    doc = engine.case(n)
    assert all(k["status"] == "stopped" for k in doc["deadlines"])
    assert [h["action"] for h in engine.history(n)] == [
        "report", "assess", "consent", "consent", "inform", "investigate", "mediate", "session", "session",
        "resolve", "follow_up", "follow_up", "close"]
    assert engine.verify_audit()["problems"] == []


def test_a_supervisor_may_close_a_partly_performed_agreement_with_a_reason(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    ready(engine, n)
    engine.act(n, "mediate", "med1")
    engine.act(n, "resolve", "med1", outcome="written_agreement", agreement="分期付款")
    engine.act(n, "follow_up", "med1", method="phone", satisfaction="satisfied", performance="not_yet")
    out = engine.act(n, "close", "sup", close_reason="余款已由法院司法确认，可申请强制执行")
    assert out.to_state == "closed"
    assert engine.case(n)["data"]["close_reason"].startswith("余款")


def test_a_refusal_ends_the_case_as_declined_with_its_clocks_stopped(engine, clock):
    n = report(engine, initiation="initiative")
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "consent", "med1", party="张三", agrees="yes")
    engine.act(n, "consent", "med1", party="李四", agrees="no", remark="坚持起诉")
    engine.act(n, "inform", "med1", informed_parties="张三、李四", method="oral")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "mediate", "med1")
    assert [f.field for f in e.value.errors] == ["consents"] and "第十七条" in e.value.errors[0].zh
    assert deadline(engine, n, "tier")["status"] == "running"
    clock.advance(hours=1)
    out = engine.act(n, "decline", "med1", party="李四", reason="李四明确拒绝调解，坚持向法院起诉")
    assert out.to_state == "declined"
    doc = engine.case(n)
    assert doc["state"] == "declined" and doc["closed_at"]
    assert doc["data"]["decline_reason"].startswith("李四明确拒绝")
    assert doc["deadlines"] and all(k["status"] == "stopped" for k in doc["deadlines"])
    assert engine.sweep(now=datetime(2026, 6, 1, tzinfo=timezone.utc)) == []


def test_a_party_who_changes_their_mind_may_be_mediated(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "consent", "med1", party="李四", agrees="no")
    ready(engine, n)  # 李四 agrees after all
    assert engine.act(n, "mediate", "med1").to_state == "mediating"


def test_mediation_is_refused_before_the_parties_are_informed(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "mediate", "med1")
    assert [f.field for f in e.value.errors] == ["notices"]
    assert "权利义务告知" in e.value.errors[0].zh
    waiting = next(a for a in engine.actions(n, "med1") if a["action"] == "mediate")
    assert not waiting["available"] and "权利义务告知" in waiting["reasons"][0]
    engine.act(n, "inform", "med1", informed_parties="张三、李四", method="oral", at="2026-03-03T08:30+08:00")
    assert engine.act(n, "mediate", "med1").to_state == "mediating"


def test_an_oral_agreement_needs_the_parties_confirmation(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    ready(engine, n)
    engine.act(n, "mediate", "med1")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "resolve", "med1", outcome="oral_agreement", agreement="李四当场赔礼道歉")
    assert [f.field for f in e.value.errors] == ["oral_confirmation"]
    engine.act(n, "resolve", "med1", outcome="oral_agreement", agreement="李四当场赔礼道歉",
               oral_confirmation="双方当事人当场口头确认协议内容")
    doc = engine.case(n)
    assert doc["data"]["oral_confirmation"].startswith("双方")
    assert "confirmation" not in {k["clock"] for k in doc["deadlines"]}  # no window for an oral agreement


def test_no_agreement_names_the_legal_route(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    ready(engine, n)
    engine.act(n, "mediate", "med1")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "resolve", "med1", outcome="no_agreement")
    assert [f.field for f in e.value.errors] == ["legal_channel"]
    assert engine.act(n, "resolve", "med1", outcome="no_agreement", legal_channel="litigation").to_state == "resolved"
    with pytest.raises(ValidationError):
        engine.act(n, "apply_confirmation", "med1", court="县人民法院")


def test_the_confirmation_window_is_on_the_ladder_and_stops_on_application(engine, clock):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    ready(engine, n)
    engine.act(n, "mediate", "med1")
    engine.act(n, "resolve", "med1", outcome="written_agreement", agreement="十日内付清")  # 2026-03-03 09:00
    k = deadline(engine, n, "confirmation")
    # 30 days counted from the next day (2026-03-04): ends at 24:00 of 2026-04-02
    assert datetime.fromisoformat(k["due_at"]).astimezone(SHANGHAI) == datetime(2026, 4, 3, tzinfo=SHANGHAI)
    assert k["warn_at"] and k["level"] is None
    clock.set(datetime.fromisoformat(k["warn_at"]) + timedelta(minutes=1))
    raised = engine.sweep()
    assert [r["step"] for r in raised if r["number"] == n and r["clock"] == "confirmation"] == ["warning"]
    assert deadline(engine, n, "confirmation")["level"] == "warning"
    with pytest.raises(ValidationError):
        engine.act(n, "confirmation_result", "med1", result="confirmed")  # nothing applied for yet
    engine.act(n, "apply_confirmation", "med1", court="县人民法院", applied_at="2026-03-27T10:00+08:00")
    assert deadline(engine, n, "confirmation")["status"] == "stopped"
    engine.act(n, "confirmation_result", "med1", result="confirmed", remark="（2026）调确字第 3 号")
    data = engine.case(n)["data"]
    assert data["confirmation_court"] == "县人民法院" and data["confirmation_result"] == "confirmed"
    assert len(data["confirmations"]) == 1


def test_a_performance_failure_can_go_back_to_mediation_or_on_to_the_court(engine):
    a, b = report(engine), report(engine)
    for n in (a, b):
        engine.act(n, "assess", "med1", risk="low")
        ready(engine, n)
        engine.act(n, "mediate", "med1")
        engine.act(n, "resolve", "med1", outcome="agreement", agreement="旧值：书面协议")  # a stored value still valid
        engine.act(n, "follow_up", "med1", method="visit", satisfaction="dissatisfied", performance="refused")
    assert deadline(engine, a, "confirmation")["status"] == "running"
    assert engine.act(a, "reopen", "med1", reason="一方拒绝履行，重新调解").to_state == "mediating"
    assert deadline(engine, a, "confirmation")["status"] == "stopped"
    assert engine.act(b, "refer", "med1", to="court", detail="县人民法院").to_state == "referred"
