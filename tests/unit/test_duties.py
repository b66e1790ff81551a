"""Key-person control plans: the ``[key_persons]`` policy section and the pure duty periods."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.duties import clock_name, next_period, parse_clock_name, period_on, periods
from disputeflow.workflow.policy import Policy, PolicyError, Recurrence
from disputeflow.workflow.timeutil import LOCAL_TZ, local_date

CAL = BusinessCalendar.load()
P = Policy.default()


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def test_the_duty_schedule_imports_no_database_code():
    code = ("import sys, disputeflow.workflow.duties;"
            "bad = [m for m in ('sqlalchemy', 'apscheduler', 'jinja2', 'alembic', 'psycopg') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_shipped_plan_daily_contact_for_critical_weekly_for_high_daily_reports_holidays_included():
    kp = P.key_persons
    assert kp.plan("critical") == {"contact": Recurrence(1, "calendar_days"), "report": Recurrence(1, "calendar_days")}
    assert kp.plan("high") == {"contact": Recurrence(1, "weeks"), "report": Recurrence(1, "calendar_days")}
    assert kp.plan("medium") == {"report": Recurrence(1, "calendar_days")}
    assert kp.plan("low") == {}
    assert kp.duties["contact"].satisfied_by == ("visit",)
    assert kp.alarm_recipients == ("lead_official",)
    assert kp.duties["contact"].label() == "见面稳控" and kp.duties["contact"].label("en") == "face-to-face contact"


def test_a_duty_clock_has_no_policy_duration_so_recomputing_the_calendar_leaves_it_alone():
    assert P.duration("kp.12.contact.202603030900") is None
    with pytest.raises(PolicyError):
        P.duration("contact")


BASE = open(__import__("disputeflow.workflow.policy", fromlist=["x"]).__file__.replace("policy.py", "policy.toml"),
            encoding="utf-8").read().split("[key_persons]")[0]


@pytest.mark.parametrize("section, line, reason", [
    ('[key_persons]\nalarm_recipients = []\n', 2, "角色列表"),
    ('[key_persons]\ncolour = "red"\n', 2, "未知配置项"),
    ('[key_persons.duties.contact]\nlabel_zh = "见面"\nsatisfied_by = ["visit"]\n'
     'critical = { every = 0, unit = "calendar_days" }\n', 4, "正整数"),
    ('[key_persons.duties.contact]\nlabel_zh = "见面"\nsatisfied_by = ["visit"]\n'
     'critical = { every = 1, unit = "months" }\n', 4, "business_days"),
    ('[key_persons.duties.contact]\nlabel_zh = "见面"\nsatisfied_by = ["smoke_signal"]\n'
     'critical = { every = 1, unit = "weeks" }\n', 3, "visit"),
    ('[key_persons.duties.contact]\nsatisfied_by = ["visit"]\ncritical = { every = 1, unit = "weeks" }\n', 1,
     "label_zh"),
    ('[key_persons.duties.Contact]\nlabel_zh = "见面"\nsatisfied_by = ["visit"]\n'
     'critical = { every = 1, unit = "weeks" }\n', 1, "小写字母"),
    ('[key_persons.duties.contact]\nlabel_zh = "见面"\nsatisfied_by = ["visit"]\n', 1, "风险等级"),
    ('[key_persons.duties.contact]\nlabel_zh = "见面"\nsatisfied_by = ["visit"]\nsevere = { every = 1, unit = "weeks" }\n',
     4, "未知配置项"),
])
def test_a_broken_key_persons_section_is_refused_with_its_line_and_reason(tmp_path, section, line, reason):
    f = tmp_path / "policy.toml"
    f.write_text(BASE + section, encoding="utf-8")
    offset = BASE.count("\n")
    with pytest.raises(PolicyError) as e:
        Policy.load(f)
    assert e.value.line == offset + line, e.value.zh
    assert reason in e.value.zh and f"line {offset + line}" in e.value.message_en


def test_a_custom_plan_changes_the_revision():
    custom = Policy.from_text(BASE + '[key_persons.duties.visit]\nlabel_zh = "走访"\nsatisfied_by = ["visit", "phone"]\n'
                                     'medium = { every = 2, unit = "weeks" }\n')
    assert custom.key_persons.plan("medium") == {"visit": Recurrence(2, "weeks")}
    assert custom.revision != P.revision
    assert Policy.from_text(BASE).key_persons.duties == {}


# --------------------------------------------------------------------------- periods

def test_daily_periods_run_to_local_midnight_the_first_from_the_start():
    rec = Recurrence(1, "calendar_days")
    got = list(periods(rec, local(2026, 3, 3, 16), local(2026, 3, 5, 0), CAL))
    assert got == [(local(2026, 3, 3, 16), local(2026, 3, 4)), (local(2026, 3, 4), local(2026, 3, 5)),
                   (local(2026, 3, 5), local(2026, 3, 6))]


def test_every_two_days_counts_from_the_start_day():
    rec = Recurrence(2, "calendar_days")
    got = list(periods(rec, local(2026, 3, 3, 9), local(2026, 3, 8), CAL))
    assert [e for _, e in got] == [local(2026, 3, 5), local(2026, 3, 7), local(2026, 3, 9)]


def test_business_day_periods_skip_weekends_and_holidays_and_follow_make_up_days():
    rec = Recurrence(1, "business_days")
    start, end = local(2026, 9, 20, 10), local(2026, 10, 16)
    days = [local_date(s) for s, _ in periods(rec, start, end, CAL)]
    every = [date(2026, 9, 20) + timedelta(days=i) for i in range(27)]
    assert days == [d for d in every if CAL.is_workday(d)]
    assert date(2026, 10, 1) not in days  # National Day
    # a period starting on a day off begins at 00:00 of the next workday
    s, e = next_period(rec, local(2026, 3, 7, 10), CAL)
    assert (s, e) == (local(2026, 3, 9), local(2026, 3, 10))


def test_weekly_periods_end_on_monday_midnight():
    rec = Recurrence(1, "weeks")
    assert next_period(rec, local(2026, 3, 4, 15), CAL) == (local(2026, 3, 4, 15), local(2026, 3, 9))
    assert next_period(rec, local(2026, 3, 9), CAL) == (local(2026, 3, 9), local(2026, 3, 16))
    assert next_period(Recurrence(2, "weeks"), local(2026, 3, 9), CAL)[1] == local(2026, 3, 23)


def test_the_period_on_a_day_is_projected_from_the_start():
    assert period_on(Recurrence(1, "business_days"), date(2026, 3, 7), local(2026, 3, 3, 9), CAL) is None
    assert period_on(Recurrence(1, "weeks"), date(2026, 3, 11), local(2026, 3, 3, 9), CAL) == (
        local(2026, 3, 9), local(2026, 3, 16))
    assert period_on(Recurrence(1, "calendar_days"), date(2026, 3, 2), local(2026, 3, 3, 9), CAL) is None


def test_clock_names_fit_the_column_and_parse_back():
    name = clock_name(123456789, "contact", local(2026, 3, 3, 9))
    assert name == "kp.123456789.contact.202603030900" and len(name) <= 40
    assert parse_clock_name(name) == (123456789, "contact")
    assert parse_clock_name("resolve") is None


def test_duty_clocks_read_well_on_the_board_and_the_case_page():
    from disputeflow.workflow.definition import builtin

    d = builtin("grassroots")
    assert d.clock_label("kp.7.contact.202603040000") == "重点人员 7 见面稳控（03-04 00:00 起）"
    assert d.clock_label("kp.7.report.202603040000", "en") == "key person 7: daily report (zero report) (from 03-04 00:00)"
    assert d.clock_label("assess") != "assess"
    assert d.action_label("key_person_linked") == "关联重点人员"
