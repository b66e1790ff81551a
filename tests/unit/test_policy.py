"""The deadline policy: durations, due times to the minute across real holidays, the ladder, broken files.

Expected times are worked out by hand in the comments from the 2025/2026
official schedules (checked against chinesecalendar in test_calendar.py).
"""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.policy import Duration, LadderStep, Policy, PolicyError, add_duration
from disputeflow.workflow.timeutil import LOCAL_TZ

CAL = BusinessCalendar.load()
P = Policy.default()
POLICY_TEXT = (resources.files("disputeflow.workflow") / "policy.toml").read_text(encoding="utf-8")


def local(y, mo, d, h=0, mi=0):
    """A Beijing wall-clock time as aware UTC, the form the engine passes around."""
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def steps(start, due, policy=P):
    return {s.name: at for s, at in policy.step_times(start, due, CAL)}


def test_pure_core_imports_no_database_scheduler_or_template_code():
    code = ("import sys, disputeflow.workflow.calendar, disputeflow.workflow.policy, disputeflow.workflow.timeutil;"
            "disputeflow.workflow.policy.Policy.default();"
            "bad = [m for m in ('sqlalchemy', 'apscheduler', 'jinja2', 'alembic', 'psycopg') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --------------------------------------------------------------------------- durations

def test_default_durations_follow_the_design():
    assert P.duration("assess", None) == Duration(1, "business_days")
    assert P.duration("assess", "low") == P.duration("assess", "medium") == Duration(1, "business_days")
    assert P.duration("assess", "high") == P.duration("assess", "critical") == Duration(4, "calendar_hours")
    assert P.duration("control", "high") == Duration(24, "calendar_hours")
    assert P.duration("resolve", "low") == P.duration("resolve", "medium") == Duration(30, "calendar_days")
    assert P.duration("resolve", "high") == Duration(15, "calendar_days")
    assert P.duration("resolve", "critical") == Duration(7, "calendar_days")
    assert P.duration("follow_up") == Duration(7, "calendar_days")
    assert P.duration("close") == Duration(30, "calendar_days")
    assert P.count_from == "immediately"


def test_supervision_has_no_policy_duration():
    assert P.duration("supervision", "critical") is None
    assert P.due_at("supervision", local(2026, 3, 3, 9), "high", None, CAL) is None
    assert P.extension_cap("supervision") == Duration(30, "calendar_days")


def test_an_unknown_clock_is_refused_not_run_without_a_deadline():
    with pytest.raises(PolicyError) as e:
        P.duration("inspection")
    assert "inspection" in e.value.zh and "没有时限" in e.value.zh
    assert P.missing_clocks(["assess", "inspection"]) == ["inspection"]


CUSTOM = """
count_from = "immediately"

[clocks.resolve]
default = { amount = 30, unit = "calendar_days" }
critical = { amount = 7, unit = "calendar_days" }
[clocks.resolve.categories.labour]
default = { amount = 15, unit = "calendar_days" }
critical = { amount = 5, unit = "calendar_days" }
[clocks.resolve.categories.land]
default = { amount = 60, unit = "calendar_days" }

[clocks.inspection]
default = { amount = 3, unit = "business_days" }
count_from = "next_day"
extension_cap = { amount = 25, unit = "business_days" }

[[ladder]]
name = "due"
kind = "after_due"
value = 0
recipients = ["assignee"]
label_zh = "到期"
"""


def test_arbitrary_clocks_and_category_rules():
    p = Policy.from_text(CUSTOM, "custom.toml")
    assert p.duration("resolve", "low", "labour") == Duration(15, "calendar_days")
    assert p.duration("resolve", "critical", "labour") == Duration(5, "calendar_days")
    assert p.duration("resolve", "critical", "land") == Duration(60, "calendar_days")   # the category replaces
    assert p.duration("resolve", "critical", "other") == Duration(7, "calendar_days")
    assert p.duration("inspection") == Duration(3, "business_days")
    assert [s.label_en for s in p.ladder] == ["due"]                                  # label_en defaults to name
    # inspection counts from the next day: Tue 03-03 15:00 → Wed, Thu, Fri counted → due Sat 03-07 00:00
    assert p.due_at("inspection", local(2026, 3, 3, 15), None, None, CAL) == local(2026, 3, 7)


def test_duration_labels_and_validation():
    assert Duration(1, "business_days").label() == "1 个工作日"
    assert Duration(4, "calendar_hours").label("en") == "4 hours"
    with pytest.raises(ValueError):
        Duration(1, "weeks")
    with pytest.raises(ValueError):
        Duration(-1, "calendar_days")


# --------------------------------------------------------------------------- due times, to the minute

@pytest.mark.parametrize("clock,risk,start,due", [
    # Fri 2026-05-08 15:00 + 1 business day: Sat 05-09 is a make-up workday (劳动节调休)
    ("assess", "low", (2026, 5, 8, 15, 0), (2026, 5, 9, 15, 0)),
    # Wed 2026-09-30 10:00: 10-01..10-07 国庆节 → Thu 10-08 10:00
    ("assess", "medium", (2026, 9, 30, 10, 0), (2026, 10, 8, 10, 0)),
    # Thu 2026-09-24 16:30: Fri 09-25 中秋节, then the weekend → Mon 09-28 16:30
    ("assess", None, (2026, 9, 24, 16, 30), (2026, 9, 28, 16, 30)),
    # Fri 2025-01-24 17:30: Sat 01-25 is an ordinary Saturday, Sun 01-26 a make-up day → Sun 17:30
    ("assess", "low", (2025, 1, 24, 17, 30), (2025, 1, 26, 17, 30)),
    # Mon 2025-01-27 09:00: 01-28..02-04 春节 → Wed 02-05 09:00
    ("assess", "low", (2025, 1, 27, 9, 0), (2025, 2, 5, 9, 0)),
    # started on a day off (Sat 2026-09-19): counts from 00:00 of the next workday, the make-up Sun 09-20,
    # so one business day is all of Sunday → Mon 09-21 00:00
    ("assess", "low", (2026, 9, 19, 11, 0), (2026, 9, 21, 0, 0)),
    # Fri 2026-02-13 10:00: Sat 02-14 make-up day
    ("assess", "low", (2026, 2, 13, 10, 0), (2026, 2, 14, 10, 0)),
    # high risk: 4 calendar hours, holiday or not
    ("assess", "high", (2026, 2, 14, 22, 0), (2026, 2, 15, 2, 0)),
    ("assess", "critical", (2026, 10, 1, 9, 15), (2026, 10, 1, 13, 15)),
    ("control", "high", (2026, 9, 30, 18, 0), (2026, 10, 1, 18, 0)),
    # calendar days are elapsed time, holidays included
    ("resolve", "critical", (2026, 9, 30, 15, 0), (2026, 10, 7, 15, 0)),
    ("resolve", "high", (2026, 2, 10, 8, 45), (2026, 2, 25, 8, 45)),
    ("resolve", "low", (2026, 12, 20, 9, 0), (2027, 1, 19, 9, 0)),
    ("follow_up", None, (2026, 3, 3, 9, 0), (2026, 3, 10, 9, 0)),
])
def test_due_times_immediately(clock, risk, start, due):
    assert P.due_at(clock, local(*start), risk, None, CAL) == local(*due)


@pytest.mark.parametrize("duration,start,due", [
    # counting starts 00:00 of the next day; a day count ends 24:00 of its last day
    # 10-01..10-07, and 10-07 is in the National Day holiday: 民法典 art. 203 moves the last day to 10-08
    (Duration(7, "calendar_days"), (2026, 9, 30, 15, 0), (2026, 10, 9, 0, 0)),
    (Duration(1, "business_days"), (2026, 3, 3, 15, 0), (2026, 3, 5, 0, 0)),        # Wed 03-04
    (Duration(1, "business_days"), (2026, 9, 30, 15, 0), (2026, 10, 9, 0, 0)),      # next day off → Thu 10-08
    # Fri 02-13: Sat 02-14 (make-up) is day 1, 02-15..23 off, Tue 02-24 day 2, Wed 02-25 day 3
    (Duration(3, "business_days"), (2026, 2, 13, 15, 0), (2026, 2, 26, 0, 0)),
    (Duration(0, "business_days"), (2026, 9, 30, 15, 0), (2026, 10, 8, 0, 0)),
    (Duration(4, "calendar_hours"), (2026, 3, 3, 15, 0), (2026, 3, 3, 19, 0)),      # hours run at once
])
def test_due_times_next_day(duration, start, due):
    assert add_duration(local(*start), duration, CAL, "next_day") == local(*due)


def test_a_next_day_policy_applies_to_every_clock_without_its_own_rule():
    from importlib import resources

    text = (resources.files("disputeflow.workflow") / "policy.toml").read_text(encoding="utf-8")
    p = Policy.from_text(text.replace('count_from = "immediately"', 'count_from = "next_day"', 1), "next.toml")
    assert p.count_from == "next_day"
    # 7 days: last day 10-07, in the National Day holiday → 10-08 (民法典 art. 203), ends at 24:00
    assert p.due_at("resolve", local(2026, 9, 30, 15), "critical", None, CAL) == local(2026, 10, 9)
    assert p.due_at("assess", local(2026, 9, 30, 15), "high", None, CAL) == local(2026, 9, 30, 19)
    assert p.revision != P.revision


def test_due_times_refuse_naive_starts():
    with pytest.raises(ValueError):
        P.due_at("assess", datetime(2026, 3, 3, 9, 0), "low", None, CAL)


def test_due_times_are_aware_utc():
    due = P.due_at("assess", datetime(2026, 5, 8, 15, 0, tzinfo=LOCAL_TZ), "low", None, CAL)
    assert due.tzinfo == timezone.utc and due == datetime(2026, 5, 9, 7, 0, tzinfo=timezone.utc)


# --------------------------------------------------------------------------- the ladder

def test_default_ladder():
    assert [(s.name, s.kind, s.value) for s in P.ladder] == [
        ("warning", "fraction", 0.8), ("level1", "after_due", 0), ("level2", "after_due", 2),
        ("level3", "after_due", 5)]
    assert [s.label_zh for s in P.ladder] == ["预警", "黄牌", "橙牌", "红牌"]
    assert [s.recipients for s in P.ladder] == [
        ("assignee",), ("assignee", "responsible_unit"), ("lead_official",), ("supervisor",)]
    assert [s.list_for_supervision for s in P.ladder] == [False, False, False, True]
    assert isinstance(P.step("level3"), LadderStep) and P.step("level3").label("en").startswith("level 3")


def test_the_confirmation_window_only_warns_and_stays_off_the_board():
    """The parties' 30 days to apply for judicial confirmation (人民调解法 art. 33) are not a staff deadline."""
    start = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
    due = P.due_at("confirmation", start, "medium", "neighbour", CAL)
    assert [s.name for s, _ in P.steps("confirmation", start, due, CAL, "medium", "neighbour")] == ["warning"]
    assert [s.name for s, _ in P.steps("resolve", start, due, CAL, "medium", "neighbour")] == \
        ["warning", "level1", "level2", "level3"]
    assert P.off_board == ("tier", "confirmation")
    assert P.clocks["confirmation"].rungs == ("warning",) and P.clocks["resolve"].rungs is None
    every = Policy.from_text(POLICY_TEXT.replace('ladder = ["warning"]\n', ""))
    assert every.revision != P.revision and every.off_board == ("tier",)


def test_ladder_across_national_day():
    # resolve, critical: Wed 2026-09-23 10:00 + 7 days = Wed 09-30 10:00
    start = local(2026, 9, 23, 10)
    due = P.due_at("resolve", start, "critical", None, CAL)
    assert due == local(2026, 9, 30, 10)
    got = steps(start, due)
    assert got["warning"] == local(2026, 9, 29, 0, 24)    # 80% of 7 days = 5 d 14 h 24 min
    assert got["level1"] == due
    assert got["level2"] == local(2026, 10, 9, 10)        # 10-01..07 off: Thu 10-08, Fri 10-09
    assert got["level3"] == local(2026, 10, 13, 10)       # + Sat 10-10 (make-up), Mon 10-12, Tue 10-13
    assert list(got) == ["warning", "level1", "level2", "level3"]


def test_ladder_across_spring_festival_and_a_make_up_saturday():
    start, due = local(2026, 2, 12, 9), local(2026, 2, 13, 9)
    got = steps(start, due)
    assert got["warning"] == local(2026, 2, 13, 4, 12)    # 80% of 24 h = 19 h 12 min
    assert got["level2"] == local(2026, 2, 24, 9)         # Sat 02-14 (make-up), then Tue 02-24
    assert got["level3"] == local(2026, 2, 27, 9)         # Wed 25, Thu 26, Fri 27


def test_ladder_for_a_make_up_day_due_time():
    start = local(2026, 5, 8, 15)
    due = P.due_at("assess", start, "low", None, CAL)
    got = steps(start, due)
    assert got["warning"] == local(2026, 5, 9, 10, 12)
    assert got["level2"] == local(2026, 5, 12, 15)        # Mon 05-11, Tue 05-12
    assert got["level3"] == local(2026, 5, 15, 15)


def test_a_due_time_in_the_past_fires_the_warning_at_due():
    start, due = local(2026, 3, 5, 9), local(2026, 3, 4, 9)
    got = steps(start, due)
    assert got["warning"] == got["level1"] == due


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)),
       st.sampled_from([("assess", "low"), ("assess", "high"), ("control", None), ("resolve", "critical"),
                        ("resolve", "medium"), ("follow_up", None)]))
def test_ladder_times_never_go_backwards(naive_local, clock_risk):
    start = naive_local.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc)
    due = P.due_at(clock_risk[0], start, clock_risk[1], None, CAL)
    times = [at for _, at in P.step_times(start, due, CAL)]
    assert start <= times[0] <= times[1] == due <= times[2] <= times[3]
    for at in times[2:]:
        assert CAL.is_workday(at.astimezone(LOCAL_TZ).date())


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)), st.integers(0, 25))
def test_business_days_land_on_workdays_and_count_back(naive_local, n):
    start = naive_local.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc)
    due = add_duration(start, Duration(n, "business_days"), CAL)
    start_day, due_local = naive_local.date(), due.astimezone(LOCAL_TZ)
    if CAL.is_workday(start_day):
        assert due_local.time() == naive_local.time()
        assert CAL.workdays_between(start_day, due_local.date()) == n
    else:
        assert due_local.time().hour == 0 and due_local.minute == 0
        assert CAL.workdays_between(start_day, due_local.date()) == n + 1


# --------------------------------------------------------------------------- extension, tier, unit talk

def test_extension_caps():
    assert P.max_extensions_per_clock == 1
    assert P.extension_hard_cap == Duration(30, "calendar_days")
    assert P.extension_cap("assess") == Duration(1, "business_days")       # the clock's own duration again
    assert P.extension_cap("resolve") == Duration(30, "calendar_days")
    assert P.extension_cap("resolve", "critical") == Duration(7, "calendar_days")
    assert P.extension_cap("control") == Duration(24, "calendar_hours")


def test_extension_limit_is_the_earlier_of_cap_and_hard_cap():
    p = Policy.from_text(CUSTOM, "custom.toml")
    due = local(2026, 9, 30, 10)
    # 25 business days from 09-30 run to Tue 11-10 (National Day in between); the hard cap stops at 10-30
    assert p.extension_cap("inspection") == Duration(25, "business_days")
    assert p.extension_limit("inspection", due, CAL) == local(2026, 10, 30, 10)
    assert P.extension_limit("assess", local(2026, 9, 30, 10), CAL) == local(2026, 10, 8, 10)


def test_tier_upgrade_and_unit_talk():
    assert P.tier_upgrade_after == Duration(60, "calendar_days")
    assert P.tier_upgrade_recipients == ("lead_official",)
    assert P.tier_upgrade_at(local(2026, 3, 3, 9), CAL) == local(2026, 5, 2, 9)
    assert P.unit_talk_level3_per_month == 3
    assert not P.needs_unit_talk(2) and P.needs_unit_talk(3)


# --------------------------------------------------------------------------- loading and broken files

def test_load_none_is_the_shipped_default_and_a_copy_loads_the_same(tmp_path):
    from importlib import resources

    assert Policy.load() is Policy.default()
    f = tmp_path / "policy.toml"
    f.write_text((resources.files("disputeflow.workflow") / "policy.toml").read_text(encoding="utf-8"), encoding="utf-8")
    copy = Policy.load(f)
    assert copy == P and copy.revision == P.revision and copy.source == str(f)


GOOD_LADDER = '[[ladder]]\nname = "l1"\nkind = "after_due"\nvalue = 0\nrecipients = ["assignee"]\nlabel_zh = "黄牌"\n'


@pytest.mark.parametrize("text,line,reason", [
    ('count_from = "immediately"\n\n[clocks.assess]\ndefault = { amount = 1, unit = "weeks" }\n', 4, "unit"),
    ('count_from = "immediately"\n[clocks.assess\n', 2, "TOML"),
    ('count_from = "tomorrow"\n', 1, "count_from"),
    ('[clocks.a]\ndefault = { amount = -2, unit = "calendar_days" }\n' + GOOD_LADDER, 2, "amount"),
    ('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\nsevere = { amount = 1, unit = "calendar_days" }\n',
     3, "severe"),
    ('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\n' + GOOD_LADDER
     + GOOD_LADDER.replace('"l1"', '"l2"').replace("value = 0", "value = 1.5"), 12, "value"),
    ('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\n' + GOOD_LADDER
     + GOOD_LADDER.replace('"l1"', '"w"').replace('"after_due"', '"fraction"').replace("value = 0", "value = 0.8"),
     9, "先后"),
    ('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\n' + GOOD_LADDER.replace('label_zh = "黄牌"\n', ""),
     3, "label_zh"),
    ('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\n' + GOOD_LADDER
     + '[extension]\nhard_cap = { amount = 30, unit = "calendar_days" }\n'
     + '[clocks.b]\nextension_cap = { amount = 45, unit = "calendar_days" }\n', 12, "hard_cap"),
    ('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\n' + GOOD_LADDER + '[tier]\nafter_days = 60\n',
     9, "tier"),
    ('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\nladder = ["red"]\n' + GOOD_LADDER, 3, "red"),
])
def test_a_broken_policy_file_names_the_file_the_line_and_the_reason(tmp_path, text, line, reason):
    f = tmp_path / "policy.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        Policy.load(f)
    err = e.value
    assert err.line == line, err.zh
    assert err.path == str(f) and str(f) in err.message_zh
    assert f"第 {line} 行" in err.message_zh and reason in err.message_zh
    assert f"line {line}" in err.message_en and err.message("en") == err.message_en


def test_a_missing_section_has_no_line_but_says_what_is_missing():
    with pytest.raises(PolicyError) as e:
        Policy.from_text('[clocks.a]\ndefault = { amount = 1, unit = "calendar_days" }\n', "p.toml")
    assert e.value.line is None and "[[ladder]]" in e.value.zh and "ladder" in e.value.en


def test_a_missing_policy_file_is_a_policy_error(tmp_path):
    with pytest.raises(PolicyError) as e:
        Policy.load(tmp_path / "nope.toml")
    assert "无法读取" in e.value.zh and e.value.line is None


def test_policy_is_immutable():
    with pytest.raises(AttributeError):
        P.count_from = "next_day"
    with pytest.raises(TypeError):
        P.clocks["assess"] = None


def test_only_key_person_duty_clocks_outlive_their_case():
    # An ended case runs no clock of its own, supervision included; duty occurrences belong to
    # the key person, not to the case they are anchored on (release stops them).
    assert P.outlives_case("kp.p1.contact.20260301") is True
    assert not any(P.outlives_case(c) for c in ("supervision", "assess", "resolve", "close", "tier", "inspection"))
    with pytest.raises(PolicyError) as e:  # no longer a policy key: a clock cannot be told to outlive its case
        Policy.from_text('[clocks.watch]\noutlives_case = true\n[clocks.a]\n'
                         'default = { amount = 1, unit = "calendar_days" }\n' + GOOD_LADDER, "p.toml")
    assert "outlives_case" in e.value.message_en
