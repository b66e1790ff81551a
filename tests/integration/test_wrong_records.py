"""Records the engine keeps about who did what (issue "Wrong records"), on SQLite and PostgreSQL.

The mediator who does the work is recorded; required choices are refused when missing;
assignment stays within who may take the case; a lead official acts only on the cases
they lead where the definition says so; a supervision deadline is in the future and an
overdue clock can still be extended within its cap.
"""

from __future__ import annotations

import pytest

from tests.conftest import report
from disputeflow import NotPermitted, ValidationError


def test_the_mediator_who_first_acts_becomes_the_case_mediator(engine):
    n = report(engine)
    assert engine.case(n)["mediator"] is None
    engine.act(n, "assess", "med1", risk="low")
    assert engine.case(n)["mediator"] == "med1"
    event = engine.history(n)[-1]
    assert event["action"] == "assess" and event["data"]["mediator_taken"] == "med1"
    engine.act(n, "inform", "med1", informed_parties="双方", method="oral")
    assert "mediator_taken" not in engine.history(n)[-1]["data"]  # recorded once, in the first event


def test_an_assigned_mediator_is_kept_when_another_acts(engine):
    n = report(engine)
    engine.act(n, "assign", "sup", mediator="med1")
    engine.add_user("med1b", "调解员丙", "mediator", "v1")
    engine.act(n, "assess", "med1b", risk="low")
    assert engine.case(n)["mediator"] == "med1"
    assert "mediator_taken" not in engine.history(n)[-1]["data"]


def test_a_supervisor_acting_first_does_not_become_the_mediator(engine):
    n = report(engine)
    engine.act(n, "assess", "sup", risk="low")
    assert engine.case(n)["mediator"] is None


def test_missing_required_choices_are_refused_in_chinese(engine):
    n = report(engine)
    with pytest.raises(ValidationError) as err:
        engine.act(n, "assess", "med1")
    assert "风险等级" in err.value.message("zh_CN")
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方", method="oral")
    engine.act(n, "mediate", "med1")
    engine.act(n, "resolve", "med1", outcome="written_agreement", agreement="张三让出 30 厘米")
    with pytest.raises(ValidationError) as err:
        engine.act(n, "follow_up", "med1")
    msg = err.value.message("zh_CN")
    assert "回访方式" in msg and "满意度" in msg


def test_the_follow_up_note_is_kept_in_the_follow_up_record(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方", method="oral")
    engine.act(n, "mediate", "med1")
    engine.act(n, "resolve", "med1", outcome="written_agreement", agreement="张三让出 30 厘米")
    engine.act(n, "follow_up", "med1", method="phone", satisfaction="satisfied", note="双方已按协议砌好界墙")
    visit = engine.case(n)["data"]["follow_ups"][-1]
    assert visit["note"] == "双方已按协议砌好界墙"


def test_a_mediator_cannot_assign_another_villages_mediator(engine):
    n = report(engine)  # in 甲村
    with pytest.raises(NotPermitted) as err:
        engine.act(n, "assign", "med1", mediator="med2")  # med2 is 乙村's
    assert "督办" in err.value.message("zh_CN")
    assert engine.case(n)["mediator"] is None
    engine.act(n, "assign", "sup", mediator="med2")  # a supervisor may
    assert engine.case(n)["mediator"] == "med2"


def test_a_mediator_may_assign_one_whose_jurisdiction_covers_the_place(engine):
    n = report(engine)
    engine.add_user("med1b", "调解员丙", "mediator", "v1")
    engine.act(n, "assign", "med1", mediator="med1b")
    assert engine.case(n)["mediator"] == "med1b"


def test_a_lead_official_resolves_only_the_cases_they_lead(engine):
    engine.add_user("lead2", "包案领导乙", "lead_official", "t1")
    n = report(engine)
    engine.act(n, "assign_lead", "sup", official="lead2")
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方", method="oral")
    engine.act(n, "mediate", "med1")
    with pytest.raises(NotPermitted) as err:
        engine.act(n, "resolve", "lead", outcome="written_agreement", agreement="协议")
    assert "包案" in err.value.message("zh_CN")
    engine.act(n, "note", "lead", text="已了解情况")  # a note stays open to every lead official
    engine.act(n, "resolve", "lead2", outcome="written_agreement", agreement="协议")
    assert engine.case(n)["state"] == "resolved"


def test_actions_say_why_a_lead_official_may_not_act(engine):
    engine.add_user("lead2", "包案领导乙", "lead_official", "t1")
    n = report(engine)
    engine.act(n, "assign_lead", "sup", official="lead2")
    names = {a["action"] for a in engine.actions(n, "lead") if a["available"]}
    assert "plan" not in names and "note" in names
    assert "plan" in {a["action"] for a in engine.actions(n, "lead2") if a["available"]}


def test_a_supervision_deadline_in_the_past_is_refused(engine, clock):
    n = report(engine)
    with pytest.raises(ValidationError) as err:
        engine.act(n, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-01T17:00+08:00")
    assert "督办期限" in err.value.message("zh_CN")
    assert engine.case(n)["supervision"] is None


def test_an_overdue_clock_can_be_extended_within_the_cap_from_now(engine, clock):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方", method="oral")
    engine.act(n, "mediate", "med1")  # resolve: 30 days
    clock.advance(days=65)  # 35 days overdue: the original due + the 30-day cap is already past
    import datetime as _dt
    later = (clock.now() + _dt.timedelta(days=10)).isoformat()
    engine.act(n, "extend", "sup", clock="resolve", until=later, reason="当事人外出务工")
    due = {k["clock"]: k["due_at"] for k in engine.case(n)["deadlines"] if k["status"] == "running"}
    assert due["resolve"][:10] == later[:10]
    assert engine.history(n)[-1]["data"]["extension"]["cap_from"] == "now"


def test_an_overdue_extension_is_still_capped(engine, clock):
    import datetime as _dt

    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方", method="oral")
    engine.act(n, "mediate", "med1")
    clock.advance(days=65)
    with pytest.raises(ValidationError) as err:
        engine.act(n, "extend", "sup", clock="resolve", until=(clock.now() + _dt.timedelta(days=31)).isoformat(),
                   reason="太久")
    assert "上限" in err.value.message("zh_CN")
