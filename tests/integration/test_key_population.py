"""The key-population register beyond cases, on both databases with an injected clock: a person registered
without a case owes duties through the National Day holidays; missed days make one item per person that
rises once per ladder step; the red card lists for supervision by risk, as the policy says."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from disputeflow import ValidationError
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timeutil import LOCAL_TZ, local_date
from tests.conftest import report


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def q(engine, sql, **params):
    with runtime_of(engine).db.connect() as c:
        return c.execute(text(sql), params).all()


def add(engine, risk="critical", **over):
    fields = dict(name="赵某", risk=risk, grid_officer="go", lead_official="lead", unit="v1-g1",
                  person_type="community_correction")
    fields.update(over)
    return engine.add_person("go", **fields)


def escalations(engine, pid):
    rows = q(engine, "SELECT data FROM key_person_events WHERE person_id = :p AND action = 'duty_escalated' "
                     "ORDER BY seq", p=pid)
    return [json.loads(d) for (d,) in rows]


def test_a_person_without_a_case_owes_duties_every_day_of_the_national_day_holidays(engine, clock):
    clock.set(local(2026, 9, 28, 9))
    out = add(engine, stabilise_unit="v1", resolve_unit="justice",
              keepers={"county": "sup", "town": "lead", "village": "med1"})
    pid = out["id"]
    assert out["cases"] == [] and out["duties"] == {"contact": "every 1 day(s)", "report": "every 1 day(s)"}
    notice = q(engine, "SELECT case_id, case_number, payload FROM outbox WHERE event = 'person.registered'")
    assert notice[0][:2] == (None, None) and json.loads(notice[0][2])["person_type"] == "community_correction"
    t = local(2026, 9, 28, 10)
    while t <= local(2026, 10, 8, 12):  # a visit every afternoon; sweeps every six hours
        clock.set(t)
        engine.sweep()
        if t.astimezone(LOCAL_TZ).hour == 16:
            engine.record_contact(pid, "go", method="visit")
        t += timedelta(hours=6)
    holidays = [date(2026, 10, d) for d in range(1, 8)]
    assert not any(engine.calendar.is_workday(d) for d in holidays)  # 国庆: no workday among them
    for duty in ("contact", "report"):
        rows = q(engine, "SELECT period_start, status FROM key_person_duties WHERE person_id = :p AND duty = :d",
                 p=pid, d=duty)
        from disputeflow.cases.types import from_db

        by_day = {local_date(from_db(s)): st for s, st in rows}
        assert all(by_day.get(d) == "met" for d in holidays), (duty, by_day)
    assert escalations(engine, pid) == []  # every day met: nobody chased
    doc = engine.person(pid, "sup")
    assert doc["cases"] == [] and doc["keepers"] == {"county": "sup", "town": "lead", "village": "med1"}
    assert (doc["stabilise_unit"], doc["resolve_unit"], doc["person_type_label"]) == ("v1", "justice", "社区矫正对象")
    assert engine.verify_person_audit()["problems"] == []


def test_four_missed_days_raise_one_item_once_per_ladder_step(engine, clock):
    clock.set(local(2026, 9, 29, 9))
    pid = add(engine)["id"]
    t = local(2026, 9, 29, 10)
    while t <= local(2026, 10, 14, 12):  # nothing recorded from the 29th to 2 October; sweeps every hour
        if t == local(2026, 10, 3, 10):
            engine.record_contact(pid, "go", method="phone")  # a call meets the report, not the visit
        clock.set(t)
        engine.sweep()
        t += timedelta(hours=1)
    steps = escalations(engine, pid)
    assert [s["step"] for s in steps] == ["level1", "level2", "level3"]  # 23 before: one per missed day and step
    assert len({s["item"] for s in steps}) == 1
    items = engine.person(pid, "go")["missed_items"]
    assert len(items) == 1 and items[0]["closed_at"] is None and items[0]["listed"] is True  # critical: listed
    days = items[0]["days_missed"]
    assert days[:4] == ["2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"]  # named, holidays included
    assert steps[0]["days_missed"][0] == "2026-09-29"
    notices = q(engine, "SELECT event FROM outbox WHERE event LIKE 'person.duty_%' ORDER BY id")
    assert [e for (e,) in notices] == ["person.duty_level1", "person.duty_level2", "person.duty_level3"]
    engine.record_contact(pid, "go", method="visit")  # back under control: the item closes
    assert engine.person(pid, "go")["missed_items"][0]["closed_reason"] == "met"
    clock.set(local(2026, 10, 16, 12))
    engine.sweep()  # the next miss opens a new item
    assert len({s["item"] for s in escalations(engine, pid)}) == 2


def test_a_medium_risk_persons_red_card_notifies_without_listing(engine, clock):
    clock.set(local(2026, 3, 3, 9))
    pid = add(engine, risk="medium", person_type="petitioner")["id"]
    clock.set(local(2026, 3, 20, 12))
    engine.sweep()
    steps = escalations(engine, pid)
    assert [s["step"] for s in steps] == ["level1", "level2", "level3"]
    assert all("listed_for_supervision" not in s for s in steps)
    assert engine.person(pid, "sup")["missed_items"][0]["listed"] is False


def test_registration_without_case_or_unit_names_the_unit_and_bad_keepers(engine):
    with pytest.raises(ValidationError) as e:
        engine.add_person("go", name="赵某", risk="high", grid_officer="go", lead_official="lead",
                          person_type="alien", keepers={"county": "nobody", "street": "sup"}, resolve_unit="nowhere")
    assert {f.field for f in e.value.errors} == {"unit", "person_type", "keepers.county", "keepers", "resolve_unit"}
    assert q(engine, "SELECT count(*) FROM key_persons")[0][0] == 0
    # cases linked later, any number of them, raise each case's risk floor as at registration
    pid = add(engine, risk="high")["id"]
    numbers = [report(engine), report(engine)]
    for number in numbers:
        assert engine.link_person(pid, number, "go")["linked"] is True
    assert all("key_person" in engine.case(n)["flags"] and engine.case(n)["risk"] == "high" for n in numbers)
    assert engine.person(pid, "go")["cases"] == sorted(numbers)


def _resolved(engine, risk):
    number = report(engine)
    engine.act(number, "assess", "med1", risk=risk)
    if risk in ("high", "critical"):
        engine.act(number, "control", "med1", measures="专人盯守")
        engine.act(number, "assign_lead", "sup", official="lead")
    engine.act(number, "plan", "med1", team="调解组", plan="方案")
    engine.act(number, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(number, "mediate", "med1")
    engine.act(number, "resolve", "med1", outcome="agreement", agreement="赔偿")
    return number


def test_a_missed_follow_up_lists_a_high_risk_case_and_not_a_low_risk_one(engine, clock):
    clock.set(local(2026, 3, 3, 9))
    low, high = _resolved(engine, "low"), _resolved(engine, "high")
    assert engine.case(low)["supervision"] is None and engine.case(high)["supervision"] is None
    clock.set(local(2026, 3, 25, 9))  # follow-up due 03-10; red card five workdays later
    raised = engine.sweep()
    red = {r["number"]: r["listed"] for r in raised if r["clock"] == "follow_up" and r["step"] == "level3"}
    assert red == {low: False, high: True}
    assert engine.case(low)["supervision"] is None
    assert engine.case(high)["supervision"]["level"] == "town"
    assert engine.verify_audit()["problems"] == []
