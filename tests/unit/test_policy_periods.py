"""Legal time periods on real dates of the 2026 official calendar, and when a warning may reach a person.

Pure: the shipped policy, the business calendar and the arithmetic, no database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.policy import Duration, Policy, PolicyError, add_duration
from disputeflow.workflow.policy_hours import Window, WorkingHours
from disputeflow.workflow.policy_time import add_months
from disputeflow.workflow.timeutil import LOCAL_TZ, to_local

CAL = BusinessCalendar()
P = Policy.default()


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def law(start, amount, unit):
    return add_duration(start, Duration(amount, unit), CAL, "next_day")


# --------------------------------------------------------------------------- the calendar the tests rely on

def test_the_2026_calendar_has_the_days_these_tests_use():
    assert [d for d, _ in CAL.days_off(2026) if d.month == 10] == [date(2026, 10, k) for k in range(1, 8)]
    makeup = dict(CAL.makeup_workdays(2026))
    assert date(2026, 10, 10) in makeup and date(2026, 10, 10).weekday() == 5  # a make-up Saturday
    assert date(2026, 2, 28) in makeup and date(2026, 2, 28).weekday() == 5


# --------------------------------------------------------------------------- 民法典 arts. 200-204

def test_a_30_day_period_ending_in_the_national_day_holiday_ends_the_day_after_it():
    # event 09-03; counting starts 09-04 (art. 201); day 30 is 10-03, inside 10-01..10-07 (art. 203)
    assert law(local(2026, 9, 3, 10), 30, "calendar_days") == local(2026, 10, 9)  # 24:00 of 10-08
    # the same period ending on an ordinary workday is not moved: 03-02 + 30 = Wed 04-01
    assert law(local(2026, 3, 2, 10), 30, "calendar_days") == local(2026, 4, 2)


def test_a_last_day_on_a_weekend_moves_but_a_make_up_workday_holds():
    # 08-20 + 30 days = Sat 09-19, a day off → the next workday is Sun 09-20, a make-up workday
    assert law(local(2026, 8, 20, 10), 30, "calendar_days") == local(2026, 9, 21)
    # 09-10 + 30 days = Sat 10-10, the make-up Saturday after National Day: a workday, not moved
    assert law(local(2026, 9, 10, 10), 30, "calendar_days") == local(2026, 10, 11)


def test_a_month_from_31_january_ends_on_the_last_day_of_february():
    # art. 202: no 31 February, so the month's last day; 2026-02-28 is a make-up Saturday, so it holds
    assert law(local(2026, 1, 31, 15), 1, "months") == local(2026, 3, 1)
    # 2027-02-28 is an ordinary Sunday: it moves to Monday 03-01 (art. 203)
    assert law(local(2027, 1, 31, 15), 1, "months") == local(2027, 3, 2)
    # a corresponding day exists: 01-15 → 02-15 (2026-02-15 is in the Spring Festival: → 02-24)
    assert law(local(2026, 1, 15, 9), 1, "months") == local(2026, 2, 25)


def test_months_and_years_without_the_law_keep_the_time_of_day():
    assert add_duration(local(2026, 1, 31, 15), Duration(1, "months"), CAL) == local(2026, 2, 28, 15)
    assert add_duration(local(2024, 2, 29, 9), Duration(1, "years"), CAL) == local(2025, 2, 28, 9)
    assert law(local(2024, 2, 29, 9), 1, "years") == local(2025, 3, 1)  # Fri 2025-02-28, 24:00
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)


def test_business_days_across_the_2026_10_10_make_up_saturday():
    # Friday 10-09 15:00 + 1 business day is the make-up Saturday at 15:00, not Monday
    assert add_duration(local(2026, 10, 9, 15), Duration(1, "business_days"), CAL) == local(2026, 10, 10, 15)
    # counted as the law counts: day 1 is Sat 10-10, day 2 Mon 10-12, ending at its 24:00
    assert law(local(2026, 10, 9, 15), 2, "business_days") == local(2026, 10, 13)
    # into the holiday: Wed 09-30 + 2 business days = Thu 10-08, Fri 10-09
    assert add_duration(local(2026, 9, 30, 10), Duration(2, "business_days"), CAL) == local(2026, 10, 9, 10)


def test_hours_run_at_once_even_when_counted_as_the_law_counts():
    assert law(local(2026, 10, 1, 22), 4, "calendar_hours") == local(2026, 10, 2, 2)


def test_the_policy_accepts_months_and_refuses_unknown_units():
    text = ('[clocks.x]\ndefault = { amount = 1, unit = "months" }\ncount_from = "next_day"\nsource = "test"\n'
            '[[ladder]]\nname = "l1"\nkind = "after_due"\nvalue = 0\nrecipients = ["assignee"]\nlabel_zh = "黄牌"\n')
    p = Policy.from_text(text)
    assert p.due_at("x", local(2026, 1, 31, 15), None, None, CAL) == local(2026, 3, 1)
    with pytest.raises(PolicyError, match="months"):
        Policy.from_text(text.replace('"months"', '"fortnights"'))


# --------------------------------------------------------------------------- sources

def test_the_shipped_policy_names_a_source_for_every_limit():
    assert P.unsourced() == []
    assert "第三十三条" in P.rule("resolve").source
    assert P.duration("resolve", "low", "labour") == Duration(15, "calendar_days")


def test_a_policy_without_sources_loads_and_lists_what_it_lacks(tmp_path, caplog):
    f = tmp_path / "old.toml"
    f.write_text('[clocks.assess]\ndefault = { amount = 1, unit = "business_days" }\n'
                 '[[ladder]]\nname = "l1"\nkind = "after_due"\nvalue = 0\nrecipients = ["assignee"]\nlabel_zh = "黄牌"\n',
                 encoding="utf-8")
    p = Policy.load(f)
    assert p.unsourced() == ["clocks.assess", "ladder.l1"]
    assert "no source for clocks.assess" in caplog.text


# --------------------------------------------------------------------------- when a warning may reach a person

def _in_working_hours(at: datetime) -> bool:
    lt = to_local(at)
    return CAL.is_workday(lt.date()) and time(8, 30) <= lt.time() <= time(17, 30)


@pytest.mark.parametrize("start", [
    local(2026, 3, 3, 9), local(2026, 3, 6, 15), local(2026, 3, 7, 10), local(2026, 9, 30, 16, 45),
    local(2026, 10, 9, 23, 50), local(2026, 2, 13, 17, 29), local(2026, 4, 30, 1, 0), local(2026, 12, 31, 12),
])
@pytest.mark.parametrize("clock,tier", [("assess", None), ("hotline_handle", None), ("hotline_handle", "complex"),
                                        ("hotline_visit", None)])
def test_the_warning_of_a_business_day_clock_falls_in_working_hours_on_a_workday(start, clock, tier):
    due = P.due_at(clock, start, "low", None, CAL, tier)
    steps = P.steps(clock, start, due, CAL, "low", None, tier)
    warn = steps[0][1]
    assert _in_working_hours(warn), to_local(warn)
    assert start <= warn <= due
    assert [at for _, at in steps] == sorted(at for _, at in steps)


def test_the_business_warning_is_80_percent_of_the_working_time():
    # Friday 15:00 + 3 business days = Wed 15:00; working time: Fri 2.5 h + Mon 9 h + Tue 9 h + Wed 6.5 h = 27 h;
    # 80 % = 21.6 h: Fri 2.5, Mon 9, Tue 9 → 20.5, then 1.1 h into Wed: 09:36
    start = local(2026, 3, 6, 15)
    due = P.due_at("hotline_visit", start, None, None, CAL)
    assert due == local(2026, 3, 11, 15)
    assert P.steps("hotline_visit", start, due, CAL)[0][1] == local(2026, 3, 11, 9, 36)
    # Fri 10:00 + 1 business day = Mon 10:00: working time Fri 7.5 h + Mon 1.5 h = 9 h, 80 % = Fri 17:12;
    # 80 % of the wall-clock span would be Sunday 19:36
    start = local(2026, 3, 6, 10)
    due = P.due_at("assess", start, "low", None, CAL)
    assert P.steps("assess", start, due, CAL, "low")[0][1] == local(2026, 3, 6, 17, 12)
    assert P.step_times(start, due, CAL)[0][1] == local(2026, 3, 8, 19, 36)


def test_a_business_warning_skips_the_national_day_holiday():
    start = local(2026, 9, 30, 16)  # Wed; + 3 business days = 10-08, 10-09, the make-up Saturday 10-10 16:00
    due = P.due_at("hotline_visit", start, None, None, CAL, None)
    assert due == local(2026, 10, 10, 16)
    # working time 1.5 + 9 + 9 + 7.5 = 27 h; 80 % = 21.6 h → 2.1 h into Saturday 10-10, a workday
    assert P.steps("hotline_visit", start, due, CAL)[0][1] == local(2026, 10, 10, 10, 36)


def test_quiet_hours_hold_a_night_warning_until_morning_but_not_for_a_critical_case():
    start = local(2026, 3, 3, 17)  # control: 24 hours → warning at 80 % = Wed 12:12; resolve-like spans:
    due = local(2026, 3, 4, 5)     # a 12-hour span: 80 % = 02:36, inside 21:00–08:00
    low = P.steps("control", start, due, CAL, "low")[0][1]
    assert low == local(2026, 3, 4, 5)  # 08:00 comes after due: it fires at due, never after
    due = local(2026, 3, 4, 17)    # 24 hours: 80 % = Wed 12:12, outside quiet hours, unchanged
    assert P.steps("control", start, due, CAL, "low")[0][1] == local(2026, 3, 4, 12, 12)
    start, due = local(2026, 3, 3, 12), local(2026, 3, 4, 12)  # 80 % = Wed 07:12 → 08:00
    assert P.steps("control", start, due, CAL, "high")[0][1] == local(2026, 3, 4, 8)
    assert P.steps("control", start, due, CAL, "critical")[0][1] == local(2026, 3, 4, 7, 12)  # alerts at night


def test_quiet_hours_are_policy_per_risk():
    text = ('[clocks.x]\ndefault = { amount = 24, unit = "calendar_hours" }\nsource = "test"\n'
            '[quiet_hours]\nfrom = "22:00"\nto = "07:00"\nhigh = { from = "23:30", to = "06:00" }\ncritical = false\n'
            '[[ladder]]\nname = "w"\nkind = "fraction"\nvalue = 0.8\nrecipients = ["assignee"]\nlabel_zh = "预警"\n')
    p = Policy.from_text(text)
    start, due = local(2026, 3, 3, 4), local(2026, 3, 4, 4)  # 80 % = Tue 23:12
    assert p.steps("x", start, due, CAL, "low")[0][1] == local(2026, 3, 4, 4)  # held to 07:00, capped at due
    assert p.steps("x", start, due, CAL, "high")[0][1] == local(2026, 3, 3, 23, 12)  # before its 23:30
    assert p.quiet_hours.for_risk("critical") is None
    with pytest.raises(PolicyError, match="quiet_hours.high"):
        Policy.from_text(text.replace('high = { from = "23:30", to = "06:00" }', 'high = "night"'))
    with pytest.raises(PolicyError, match="quiet_hours.from"):
        Policy.from_text(text.replace('from = "22:00"', 'from = "25:00"'))


def test_windows_and_working_hours_move_only_later():
    w = Window(time(21), time(8))
    assert w.after(date(2026, 3, 3), time(22)) == (date(2026, 3, 4), time(8))
    assert w.after(date(2026, 3, 3), time(3)) == (date(2026, 3, 3), time(8))
    assert w.after(date(2026, 3, 3), time(12)) == (date(2026, 3, 3), time(12))
    wh = WorkingHours()
    assert wh.settle(date(2026, 10, 1), time(10), CAL) == (date(2026, 10, 8), time(8, 30))
    assert wh.settle(date(2026, 10, 9), time(18), CAL) == (date(2026, 10, 10), time(8, 30))  # make-up Saturday
