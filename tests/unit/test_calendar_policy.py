"""The business calendar (official schedules, make-up days, later years) and the deadline policy."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.calendar import BusinessCalendar, CalendarFileError
from workflow.policy import Duration, Policy, PolicyError, add_duration
from workflow.timeutil import LOCAL_TZ, parse_time

CAL = BusinessCalendar.load()


@pytest.mark.parametrize("day,workday", [
    ("2025-01-26", True),   # Sunday, make-up for Spring Festival
    ("2025-01-28", False), ("2025-02-04", False), ("2025-02-08", True),
    ("2025-04-27", True), ("2025-05-05", False), ("2025-09-28", True), ("2025-10-08", False),
    ("2025-10-11", True),
    ("2026-01-04", True), ("2026-02-14", True), ("2026-02-16", False), ("2026-02-23", False),
    ("2026-02-28", True), ("2026-05-09", True), ("2026-09-20", True), ("2026-09-25", False),
    ("2026-10-07", False), ("2026-10-08", True), ("2026-10-10", True),
    ("2026-03-03", True), ("2026-03-07", False),
])
def test_official_schedule(day, workday):
    assert CAL.is_workday(date.fromisoformat(day)) is workday


def test_a_year_beyond_the_published_schedules_warns_and_keeps_statutory_days(tmp_path):
    assert CAL.warnings(2026) == []
    assert CAL.warnings(2027) and "调休" in CAL.warnings(2027)[0]
    assert CAL.is_workday(date(2027, 2, 8)) is False      # Spring Festival by statute
    assert CAL.is_workday(date(2027, 2, 20)) is False     # a Saturday; make-up days not yet known
    f = tmp_path / "calendar.toml"
    f.write_text('[[day]]\ndate = 2027-02-20\nkind = "workday"\nname = "春节调休"\n', encoding="utf-8")
    cal = BusinessCalendar.load(f)
    assert cal.is_workday(date(2027, 2, 20)) is True
    assert cal.revision != CAL.revision
    assert cal.warnings(2027) == []
    assert (date(2027, 2, 20), "春节调休") in cal.makeup_workdays(2027)


def test_a_broken_override_file_names_the_line(tmp_path):
    f = tmp_path / "calendar.toml"
    f.write_text('[[day]]\ndate = 2027-02-20\nkind = "workday"\n\n[[day]]\ndate = 2027-02-21\nkind = "holiday"\n',
                 encoding="utf-8")
    with pytest.raises(CalendarFileError) as e:
        BusinessCalendar.load(f)
    assert "第 5 行" in e.value.zh and "kind" in e.value.zh


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)), st.integers(min_value=0, max_value=40))
def test_add_workdays_lands_on_a_workday_and_counts_back(d, n):
    got = CAL.add_workdays(d, n)
    assert CAL.is_workday(got)
    if CAL.is_workday(d):
        assert CAL.workdays_between(d, got) == n


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def test_default_policy_durations():
    p = Policy.default()
    assert p.duration("assess", "low") == Duration(1, "business_days")
    assert p.duration("assess", "critical") == Duration(4, "calendar_hours")
    assert p.duration("resolve", "medium") == Duration(30, "calendar_days")
    assert p.duration("resolve", "high") == Duration(15, "calendar_days")
    assert p.duration("resolve", "critical") == Duration(7, "calendar_days")
    assert p.duration("supervision") is None
    assert [s.name for s in p.ladder] == ["warning", "level1", "level2", "level3"]


def test_business_day_due_times_keep_the_time_of_day_and_use_make_up_days():
    p = Policy.default()
    # Friday 2026-05-08 15:00 + 1 business day = Saturday 2026-05-09 15:00, a make-up workday.
    assert p.due_at("assess", local(2026, 5, 8, 15), "low", None, CAL) == local(2026, 5, 9, 15)
    # Friday 2026-02-13 10:00: Saturday 02-14 is a make-up day, then Spring Festival to 02-23.
    assert p.due_at("assess", local(2026, 2, 13, 10), "low", None, CAL) == local(2026, 2, 14, 10)
    assert p.due_at("assess", local(2026, 2, 14, 10), "low", None, CAL) == local(2026, 2, 24, 10)
    assert p.due_at("assess", local(2026, 2, 14, 10), "high", None, CAL) == local(2026, 2, 14, 14)


def test_next_day_counting_ends_at_midnight_of_the_last_day():
    d = Duration(1, "business_days")
    assert add_duration(local(2026, 3, 3, 15), d, CAL, "next_day") == local(2026, 3, 5, 0)
    assert add_duration(local(2026, 3, 3, 15), Duration(7, "calendar_days"), CAL, "next_day") == local(2026, 3, 11, 0)


def test_ladder_times():
    p = Policy.default()
    start, due = local(2026, 3, 2, 9), local(2026, 3, 3, 9)
    steps = {s.name: at for s, at in p.step_times(start, due, CAL)}
    assert steps["warning"] == local(2026, 3, 3, 4, 12)
    assert steps["level1"] == due
    assert steps["level2"] == local(2026, 3, 5, 9)
    assert steps["level3"] == local(2026, 3, 10, 9)


def test_a_broken_policy_file_names_the_line_and_reason(tmp_path):
    f = tmp_path / "policy.toml"
    f.write_text('count_from = "immediately"\n\n[clocks.assess]\ndefault = { amount = 1, unit = "weeks" }\n',
                 encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        Policy.load(f)
    assert "第 4 行" in e.value.zh and "unit" in e.value.zh
    f.write_text('count_from = "immediately"\n[clocks.assess\n', encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        Policy.load(f)
    assert "line 2" in e.value.zh


def test_times_without_a_zone_are_refused():
    assert parse_time("2026-03-05T14:30+08:00") == local(2026, 3, 5, 14, 30)
    assert parse_time("2026-03-05") == local(2026, 3, 5)
    with pytest.raises(ValueError) as e:
        parse_time("2026-03-05 14:30")
    assert "时区" in e.value.zh
