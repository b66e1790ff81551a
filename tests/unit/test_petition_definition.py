"""The petition definition and its clocks, checked as pure data: it loads, its references hold,
and every period is the one 信访工作条例 (2022) sets, with the article cited beside it."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.definition import builtin, load_definition
from disputeflow.workflow.definition_check import problems
from disputeflow.workflow.machine import compile_definition
from disputeflow.workflow.policy import Duration, Policy
from disputeflow.workflow.timeutil import LOCAL_TZ

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "workflow" / "definitions" / "petition.toml"

# clock → (days, the article of 信访工作条例 that sets it)
PERIODS = {
    "petition_accept": (15, "第二十三条"),
    "petition_handle": (60, "第三十四条"),
    "petition_review_request": (30, "第三十五条"),
    "petition_review": (30, "第三十五条"),
    "petition_recheck_request": (30, "第三十六条"),
    "petition_recheck": (30, "第三十六条"),
}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def test_the_definition_validates_and_ends_in_three_ways():
    d = load_definition(DEFINITION)  # the file as an operator would point to it
    assert problems(d) == []
    assert (d.name, d.version, d.initial) == ("petition", 1, "registered")
    assert {s.name for s in d.states if s.terminal} == {"closed", "not_accepted", "concluded"}
    assert set(d.roles) == {"petition_clerk", "petition_handler", "office_head", "petition_reviewer"}
    assert all(r.personal_data for r in d.roles.values())
    assert set(d.clocks) == {*PERIODS, "supervision"}
    # not accepting needs a reason from the list and the route the petitioner was given
    reject = next(a for a in d.actions if a.name == "reject")
    assert {f.name for f in reject.fields if f.required} == {"reason", "explanation"}
    # only the head of office approves an extension (条例 第三十四条)
    assert next(a for a in d.actions if a.name == "extend").roles == ("office_head",)


def test_every_state_is_reached_and_every_open_state_has_a_way_on():
    d = builtin("petition")
    compiled = compile_definition(d)
    reached = {d.initial} | {a.dest for a in d.actions if a.dest}
    assert reached == {s.name for s in d.states}
    for s in d.states:
        if not s.terminal:
            assert any(a.dest and s.name in a.sources for a in d.actions), s.name
    diagram = compiled.mermaid("zh_CN")
    assert "registered --> not_accepted: 不予受理" in diagram and "rechecking --> concluded" in diagram


def test_the_policy_gives_each_clock_its_period_counted_from_the_next_day():
    p = Policy.default()
    assert p.missing_clocks(builtin("petition").clocks) == []
    for clock, (days, _) in PERIODS.items():
        assert p.duration(clock) == Duration(days, "calendar_days"), clock
        assert p.clocks[clock].count_from == "next_day", clock
    assert p.extension_cap("petition_handle") == Duration(30, "calendar_days")
    assert p.max_extensions_per_clock == 1


def test_due_times_on_real_dates():
    p, cal = Policy.default(), BusinessCalendar.load(None)
    registered = local(2026, 3, 9, 9, 0)  # Monday
    assert p.due_at("petition_accept", registered, "low", "appeal", cal) == local(2026, 3, 25, 0, 0)
    accepted = local(2026, 3, 12, 10, 0)
    due = p.due_at("petition_handle", accepted, "low", "appeal", cal)
    assert due == local(2026, 5, 12, 0, 0)  # 60 days from 03-13: the end of 05-11
    assert p.extension_limit("petition_handle", due, cal) == local(2026, 6, 11, 0, 0)  # + 30 days


def test_every_petition_clock_cites_its_article_in_the_policy_file():
    clocks = Policy.default().clocks
    assert {name for name in clocks if name.startswith("petition_")} == set(PERIODS)
    for clock, (_, article) in PERIODS.items():
        source = clocks[clock].source or ""
        assert source.startswith("《信访工作条例》（2022）") and article in source, clock
    defn = DEFINITION.read_text(encoding="utf-8")
    for clock, (days, article) in PERIODS.items():
        assert re.search(rf"{clock}\s+{days} 日\s+条例 {article}", defn), clock


def test_the_thirty_day_cap_is_the_clocks_own_not_the_hard_cap():
    # an operator who raises the general hard cap still gets the 条例's 30 days for handling
    text = (ROOT / "workflow" / "policy.toml").read_text(encoding="utf-8")
    raised = text.replace('hard_cap = { amount = 30, unit = "calendar_days" }',
                          'hard_cap = { amount = 90, unit = "calendar_days" }')
    assert raised != text
    p, cal = Policy.from_text(raised, "raised.toml"), BusinessCalendar.load(None)
    due = local(2026, 5, 12, 0, 0)
    assert p.extension_limit("petition_handle", due, cal) == local(2026, 6, 11, 0, 0)
    # a re-examination is extended by a hearing's time (条例 第三十六条第二款): at most its own 30 days
    assert p.extension_limit("petition_recheck", due, cal) == local(2026, 6, 11, 0, 0)
