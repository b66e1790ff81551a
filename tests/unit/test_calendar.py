"""The business calendar: official 2025/2026 schedules, a year past them, the override file.

Every 2025/2026 date below was checked against chinesecalendar 1.11.0 (and the
State Council notices it encodes) before being asserted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disputeflow.workflow import calendar as calmod
from disputeflow.workflow.calendar import BusinessCalendar, CalendarFileError

CAL = BusinessCalendar.load()

MAKEUP_2025 = ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
MAKEUP_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


def days(first: str, last: str) -> list[str]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [(a + timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


OFF = (days("2025-01-28", "2025-02-04") + days("2025-05-01", "2025-05-05") + days("2025-10-01", "2025-10-08")
       + days("2026-02-15", "2026-02-23") + days("2026-10-01", "2026-10-07") + ["2026-09-25", "2026-01-02"])


@pytest.mark.parametrize("day", MAKEUP_2025 + MAKEUP_2026)
def test_make_up_workdays_are_workdays(day):
    d = date.fromisoformat(day)
    assert d.weekday() >= 5 and chinese_calendar.is_workday(d)
    assert CAL.is_workday(d)


@pytest.mark.parametrize("day", OFF)
def test_official_days_off(day):
    d = date.fromisoformat(day)
    assert not chinese_calendar.is_workday(d)
    assert not CAL.is_workday(d)


@pytest.mark.parametrize("day,workday", [
    ("2026-03-03", True), ("2026-03-07", False), ("2026-02-24", True), ("2026-10-08", True), ("2026-10-11", False),
    ("2025-02-05", True), ("2025-01-25", False), ("2026-09-19", False),
])
def test_ordinary_days(day, workday):
    assert CAL.is_workday(date.fromisoformat(day)) is workday


def test_make_up_lists_match_the_official_schedule_with_chinese_names():
    assert [d.isoformat() for d, _ in CAL.makeup_workdays(2025)] == MAKEUP_2025
    assert [d.isoformat() for d, _ in CAL.makeup_workdays(2026)] == MAKEUP_2026
    assert dict(CAL.makeup_workdays(2026))[date(2026, 2, 14)] == "春节调休上班"
    off = dict(CAL.days_off(2026))
    assert [off[date(2026, 2, d)] for d in range(15, 24)] == ["春节"] * 9
    assert off[date(2026, 9, 25)] == "中秋节" and off[date(2026, 10, 1)] == "国庆节"
    assert CAL.makeup_known(2025) and CAL.makeup_known(2026)
    assert CAL.warnings(2025) == [] and CAL.warnings(2026) == []
    assert CAL.data_source(2026) == "chinesecalendar"


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_agrees_with_chinesecalendar(year):
    d = date(year, 1, 1)
    while d.year == year:
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_a_year_past_the_published_schedules_keeps_statutory_days_and_says_make_up_days_are_unknown():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 2, 8))      # the package's own limit
    assert CAL.is_workday(date(2027, 2, 8)) is False       # 春节初三, a Monday, by statute
    assert CAL.is_workday(date(2027, 2, 20)) is False      # a Saturday: make-up days not known yet
    assert CAL.is_workday(date(2027, 3, 2)) is True
    assert dict(CAL.days_off(2027))[date(2027, 2, 8)] == "春节"
    assert CAL.makeup_known(2027) is False and CAL.makeup_workdays(2027) == []
    (zh,) = CAL.warnings(2027)
    assert "2027" in zh and "调休上班日未知" in zh and "节假日调整文件" in zh
    assert "make-up workdays are unknown" in CAL.warnings(2027, "en")[0]
    assert CAL.data_source(2027) == "holidays"


def test_a_year_without_any_data_warns_and_counts_weekends_only():
    assert CAL.data_source(1900) == "none"
    assert CAL.is_workday(date(1900, 1, 1)) is True and CAL.is_workday(date(1900, 1, 6)) is False
    assert "没有节假日数据" in CAL.warnings(1900)[0]


def test_holidays_package_is_used_with_its_make_up_days_when_chinesecalendar_lacks_a_year(monkeypatch):
    monkeypatch.setattr(calmod, "_chinesecalendar_knows", lambda year: False)
    calmod._official_year.cache_clear()
    try:
        cal = BusinessCalendar.load()
        assert cal.data_source(2026) == "holidays"
        assert cal.makeup_known(2026) and cal.warnings(2026) == []
        assert [d.isoformat() for d, _ in cal.makeup_workdays(2026)] == MAKEUP_2026
        assert cal.is_workday(date(2026, 2, 14)) and not cal.is_workday(date(2026, 2, 23))
    finally:
        calmod._official_year.cache_clear()


def write(tmp_path, text: str):
    f = tmp_path / "calendar.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_override_file_adds_the_announced_make_up_day(tmp_path):
    f = write(tmp_path, '# 2027 年春节安排\n[[day]]\ndate = 2027-02-20\nkind = "workday"\nname = "春节调休"\n')
    cal = BusinessCalendar.load(f)
    assert cal.is_workday(date(2027, 2, 20)) is True
    assert cal.revision != CAL.revision and cal.revision.startswith(CAL.revision + "+override-")
    assert cal.makeup_known(2027) and cal.warnings(2027) == []
    assert (date(2027, 2, 20), "春节调休") in cal.makeup_workdays(2027)
    assert cal.data_source(2027) == "holidays+override"
    # the same data with other comments is the same revision; other data is another one
    same = BusinessCalendar.load(write(tmp_path, '[[day]]  # 调休\ndate = 2027-02-20\nname = "春节调休"\nkind = "workday"\n'))
    assert same.revision == cal.revision
    other = BusinessCalendar.from_text('[[day]]\ndate = 2027-02-21\nkind = "workday"\n')
    assert other.revision != cal.revision


def test_override_days_off_and_cancelled_holidays():
    cal = BusinessCalendar.from_text(
        '[[day]]\ndate = 2026-03-03\nkind = "off"\nname = "县庆"\n'
        '[[day]]\ndate = "2027-02-09"\nkind = "workday"\n', "inline")
    assert cal.is_workday(date(2026, 3, 3)) is False
    assert (date(2026, 3, 3), "县庆") in cal.days_off(2026)
    assert cal.add_workdays(date(2026, 3, 2), 1) == date(2026, 3, 4)
    assert cal.is_workday(date(2027, 2, 9)) is True                    # a predicted 补假 day cancelled
    assert date(2027, 2, 9) not in dict(cal.days_off(2027))
    assert not cal.makeup_known(2027)                                  # a weekday is no make-up day
    assert BusinessCalendar.from_text("complete_years = [2027]\n").warnings(2027) == []


@pytest.mark.parametrize("text,line,reason", [
    ('[[day]]\ndate = 2027-02-20\nkind = "workday"\n\n[[day]]\ndate = 2027-02-21\nkind = "holiday"\n', 7, "kind"),
    ('[[day]]\ndate = 2027-02-30\nkind = "workday"\n', 2, "TOML"),
    ('[[day]]\ndate = "next friday"\nkind = "off"\n', 2, "date"),
    ('[[day]]\ndate = 2027-02-20T09:00:00\nkind = "off"\n', 2, "date"),
    ('[[day]]\ndate = 2027-02-20\nkind = "off"\n[[day]]\ndate = 2027-02-20\nkind = "workday"\n', 5, "重复"),
    ('[[day]]\ndate = 2027-02-20\nkind = "off"\nnote = "x"\n', 4, "note"),
    ('[days]\nx = 1\n', 1, "days"),
    ('[[day]]\nkind = "off"\n', 1, "date"),
])
def test_a_broken_override_file_names_the_file_the_line_and_the_reason(tmp_path, text, line, reason):
    f = write(tmp_path, text)
    with pytest.raises(CalendarFileError) as e:
        BusinessCalendar.load(f)
    err = e.value
    assert err.line == line and err.path == str(f)
    assert f"第 {line} 行" in err.message_zh and str(f) in err.message_zh and reason in err.message_zh
    assert f"line {line}" in err.message_en and err.message("en") == err.message_en


def test_an_unreadable_override_file_is_a_calendar_file_error(tmp_path):
    with pytest.raises(CalendarFileError) as e:
        BusinessCalendar.load(tmp_path / "missing.toml")
    assert "无法读取" in e.value.zh and "missing.toml" in e.value.en


def test_add_workdays_and_workdays_between_across_holidays_and_years():
    assert CAL.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CAL.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)       # a make-up Saturday
    assert CAL.add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert CAL.add_workdays(date(2026, 2, 15), 0) == date(2026, 2, 24)       # a day off: the next workday
    assert CAL.add_workdays(date(2026, 2, 24), 0) == date(2026, 2, 24)
    assert CAL.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)       # 2027-01-01 元旦, then a weekend
    assert CAL.workdays_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert CAL.workdays_between(date(2026, 10, 8), date(2026, 9, 30)) == -1
    assert CAL.workdays_between(date(2026, 3, 3), date(2026, 3, 3)) == 0
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 3, 3), -1)
    with pytest.raises(TypeError):
        CAL.is_workday(datetime(2026, 3, 3, 20, 0))


def test_year_totals_match_a_day_by_day_count():
    for year in (2025, 2026, 2027):
        count = sum(CAL.is_workday(date(year, 1, 1) + timedelta(days=i)) for i in range(366)
                    if (date(year, 1, 1) + timedelta(days=i)).year == year)
        assert CAL.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == count
    for year in (2025, 2026):      # 248 workdays each, per chinesecalendar
        official = len(chinese_calendar.get_workdays(date(year, 1, 1), date(year, 12, 31)))
        assert CAL.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == official == 248


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2028, 12, 31)), st.integers(min_value=0, max_value=60))
def test_add_workdays_lands_on_a_workday_and_counts_back(d, n):
    got = CAL.add_workdays(d, n)
    assert CAL.is_workday(got)
    assert got >= d and (got > d or n == 0)
    if CAL.is_workday(d):
        assert CAL.workdays_between(d, got) == n
        assert CAL.workdays_between(got, d) == -n


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2024, 6, 1), max_value=date(2027, 6, 30)), st.integers(min_value=-90, max_value=90))
def test_workdays_between_counts_the_half_open_interval(a, delta):
    b = a + timedelta(days=delta)
    lo, hi = min(a, b), max(a, b)
    brute = sum(CAL.is_workday(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert CAL.workdays_between(a, b) == (brute if b >= a else -brute)
