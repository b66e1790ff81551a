"""Screening rounds (排查) and filed reports (零报告) on the ladder and in the figures, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.conftest import PARTIES, T0
from disputeflow import Conflict, ValidationError
from disputeflow.workflow.runtime import runtime_of


def test_a_village_with_no_round_in_its_half_month_is_warned_and_carded_once(engine, clock):
    # T0 = 2026-03-03 09:00 local; the villages' half-month runs 03-01..03-15, due 03-16 00:00 local.
    engine.sweep(T0)
    assert engine.screening_escalations("v1") == []
    engine.record_round("med2", unit="v2", held_on="2026-03-03", participants="调解员乙", none_found=True)
    warn = datetime(2026, 3, 13, 8, 0, tzinfo=timezone.utc)  # past 80% of the half-month
    engine.sweep(warn)
    engine.sweep(warn + timedelta(minutes=1))
    # the round is due 03-16 00:00 (warned from 03-13 04:48 local); the report a day later (not yet warned)
    assert [(e["duty"], e["step"]) for e in engine.screening_escalations("v1")] == [("round", "warning")]
    yellow = datetime(2026, 3, 16, 1, 0, tzinfo=timezone.utc)  # 03-16 09:00 local: past due
    for _ in range(3):
        engine.sweep(yellow)
    assert [e["step"] for e in engine.screening_escalations("v1") if e["duty"] == "round"] == ["warning", "level1"]
    # the village that held its round owes no round step
    assert [e for e in engine.screening_escalations("v2") if e["duty"] == "round"] == []
    assert [e["step"] for e in engine.screening_escalations("v1") if e["duty"] == "report"] == ["warning"]
    with runtime_of(engine).store.read() as tx:
        events = [r[0] for r in tx.query("SELECT event FROM outbox WHERE event LIKE 'screening.%' ORDER BY id")]
    assert events.count("screening.level1") == 1 and events.count("screening.warning") == 3  # v1 round and report, v2 report


def test_a_round_held_meets_the_duty_and_links_the_two_disputes_it_found(engine, clock):
    engine.sweep(T0)
    known = engine.report("go", title="宅基地边界争执", category="land", unit="v1-g1", parties=PARTIES).number
    got = engine.record_round("med1", unit="v1", held_on="2026-03-03", participants="调解员甲、网格员小王",
                              coverage="一组、二组 46 户", households=46, cases=[known],
                              new_cases=[{"title": "邻里排水纠纷", "category": "neighbour",
                                          "parties": [{"name": "李四", "role": "applicant"}]}])
    assert len(got["cases"]) == 2 and got["cases"][0] == known and len(got["opened"]) == 1
    assert got["none_found"] is False and got["duties_met"] == 1
    (r,) = engine.screening_rounds("med1", unit="v1")
    assert {c["number"] for c in r["cases"]} == set(got["cases"])
    assert [c["opened"] for c in r["cases"] if c["number"] == got["opened"][0]] == [True]
    assert r["households"] == 46 and r["participants"] == ["调解员甲", "网格员小王"]
    engine.sweep(datetime(2026, 3, 16, 1, 0, tzinfo=timezone.utc))
    assert [e["step"] for e in engine.screening_escalations("v1") if e["duty"] == "round"] == []
    with pytest.raises(ValidationError):
        engine.record_round("med1", unit="v1", held_on="2026-03-03", participants="甲", none_found=True, cases=[known])


def test_filed_report_counts_the_found_disputes_and_a_nil_report_the_none(engine, clock):
    with pytest.raises(ValidationError):  # no round on record: nothing to report "经排查" of
        engine.file_screening_report("med1", unit="v1")
    engine.record_round("med1", unit="v1", held_on="2026-03-02", participants="调解员甲", coverage="全村",
                        none_found=True)
    rep = engine.file_screening_report("med1", unit="v1")
    assert (rep["cadence"], rep["period_start"], rep["period_end"]) == ("half_month", "2026-03-01", "2026-03-15")
    assert rep["nil"] is True and rep["found"] == 0 and rep["on_time"] is True
    with pytest.raises(Conflict):
        engine.file_screening_report("med1", unit="v1")


def test_a_sensitive_period_makes_the_village_report_daily_and_counts_in_the_rate(engine, clock):
    engine.set_sensitive_period("sup", name="清明", starts_on="2026-04-04", ends_on="2026-04-06", units=["v1"])
    due = engine.screening_due("sup", unit="v1", as_of=datetime(2026, 4, 5, 2, 0, tzinfo=timezone.utc))
    cadences = {(d["cadence"], d["period_start"]) for d in due}
    assert ("day", "2026-04-04") in cadences and ("day", "2026-04-05") in cadences
    assert ("half_month", "2026-04-01") in cadences
    assert not [d for d in engine.screening_due("sup", unit="v2", as_of=datetime(2026, 4, 5, 2, 0, tzinfo=timezone.utc))
                if d["cadence"] == "day"]
    clock.set(datetime(2026, 4, 4, 3, 0, tzinfo=timezone.utc))
    engine.record_round("med1", unit="v1", held_on="2026-04-04", participants="调解员甲", none_found=True)
    day = engine.file_screening_report("med1", unit="v1")  # 04-04 is a sensitive day: the daily report
    assert (day["cadence"], day["period_start"], day["on_time"]) == ("day", "2026-04-04", True)
    clock.set(datetime(2026, 4, 8, 3, 0, tzinfo=timezone.utc))
    figures = engine.screening_filing(date(2026, 4, 1), date(2026, 4, 7), unit="v1")
    (v1,) = figures["units"]
    # three sensitive days are due by 04-08; one report of them was filed on time
    assert (v1["reports_due"], v1["reports_filed"], v1["reports_on_time"]) == (3, 1, 1)
    assert (v1["rounds_due"], v1["rounds_held"]) == (3, 1)
    assert v1["on_time_rate"] == round(1 / 3, 4)


def test_a_unit_that_files_nothing_is_on_the_board(engine, clock):
    clock.set(datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc))
    engine.record_round("med2", unit="v2", held_on="2026-03-10", participants="调解员乙", none_found=True)
    engine.file_screening_report("med2", unit="v2")
    engine.record_round("med1", unit="v1", held_on="2026-03-10", participants="调解员甲", none_found=True)
    late = datetime(2026, 3, 18, 3, 0, tzinfo=timezone.utc)
    board = {u["unit"]: u for u in engine.screening_overdue(late, actor="sup")}
    assert "v1" in board and "v2" not in board
    assert [m["duty"] for m in board["v1"]["missing"]] == ["report"]
    assert "t1" not in board  # the town's month has not ended


def test_dates_out_of_range_are_refused_not_scanned(engine, clock):
    for bad in ("0001-01-01", "9999-12-31", "2026-02-30"):
        with pytest.raises(ValidationError):
            engine.record_round("med1", unit="v1", held_on=bad, participants="甲")
        with pytest.raises(ValidationError):
            engine.file_screening_report("med1", unit="v1", period=bad)
    with pytest.raises(ValidationError):
        engine.screening_filing(date(2000, 1, 1), date(2199, 1, 1))
    with pytest.raises(ValidationError):
        engine.screening_filing(date(2026, 3, 31), date(2026, 3, 1))
    with pytest.raises(ValidationError):  # a round cannot be held tomorrow
        engine.record_round("med1", unit="v1", held_on="2026-03-04", participants="甲")


def test_a_village_round_cannot_link_another_villages_case(engine, clock):
    other = engine.report("med2", title="乙村的纠纷", category="neighbour", unit="v2",
                          parties=[{"name": "周七", "role": "applicant"}]).number
    with pytest.raises(ValidationError) as exc:
        engine.record_round("sup", unit="v1", participants="督办员", cases=[other])
    assert exc.value.errors[0].field == "cases"
    town = engine.record_round("sup", unit="t1", participants="督办员", cases=[other])  # the town's round may
    assert town["cases"] == [other]


def test_a_missed_round_reaches_the_villages_mediator_in_their_inbox(engine, clock):
    engine.sweep(T0)
    clock.set(datetime(2026, 3, 16, 1, 0, tzinfo=timezone.utc))
    engine.sweep()
    engine.dispatch()
    with runtime_of(engine).store.read() as tx:
        states = {r[0] for r in tx.query("SELECT status FROM outbox WHERE event LIKE 'screening.%'")}
    assert states == {"routed"}  # every notice found its people and was delivered
    subjects = [m["title"] for m in engine.inbox("med1")]
    assert any("甲村" in s and "排查" in s and "黄牌" in s for s in subjects), subjects


def test_the_monthly_statistics_count_the_rounds_and_the_disputes_they_found(engine, clock):
    known = engine.report("go", title="宅基地边界争执", category="land", unit="v1-g1", parties=PARTIES).number
    engine.record_round("med1", unit="v1", held_on="2026-03-03", participants="调解员甲", cases=[known])
    engine.file_screening_report("med1", unit="v1")
    clock.set(datetime(2026, 4, 2, 1, 0, tzinfo=timezone.utc))  # March's periods are all due
    doc = engine.report_data("stats", actor="sup", unit="t1", month="2026-03")
    v1 = next(r for r in doc["by_village"] if r["key"] == "v1")
    # v1 owed two half-month rounds and two reports: held and filed on time in the first half only
    assert v1["screening"]["rounds_due"] == 2 and v1["screening"]["rounds_held"] == 1
    assert v1["screening"]["rounds_on_time"] == 1 and v1["screening"]["found_by_screening"] == 1
    assert (v1["screening"]["filings_due"], v1["screening"]["filings_on_time"]) == (2, 1)
    assert v1["screening"]["filing_on_time_rate"] == 0.5
    assert doc["screening"]["rounds_held"] == 1 and doc["screening"]["rounds_due"] > 2  # the other villages owed theirs
