"""The automatic listing at a red card is policy: parsed, checked, shown, with today's behaviour as default."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.policy import AutoListing, Policy, PolicyError

SHIPPED = open(__import__("disputeflow.workflow.policy", fromlist=["x"]).__file__.replace("policy.py", "policy.toml"),
               encoding="utf-8").read()
# The shipped text without its [auto_listing] table: each test appends its own.
BASE = re.sub(r"\n\[auto_listing\]\n(?:[^\[\n].*\n|\n)*", "\n", SHIPPED)


def with_section(section: str) -> Policy:
    return Policy.from_text(BASE + "\n[auto_listing]\n" + section, "p.toml")


def test_the_shipped_default_is_what_the_sweep_did_before_it_was_policy():
    a = Policy.default().auto_listing
    assert a == AutoListing()
    assert (a.enabled, a.level, a.by_zh, a.deadline_workdays, a.risks, a.categories) == \
        (True, "town", "系统自动挂牌（红牌预警）", 5, (), ())
    assert "[auto_listing]" not in BASE and Policy.from_text(BASE).auto_listing == a
    assert "local practice" in SHIPPED.split("[auto_listing]")[0].rsplit("[[ladder]]", 1)[1]


def test_a_policy_may_list_only_high_risk_cases_of_some_categories():
    a = with_section('risks = ["high", "critical"]\ncategories = ["labour", "land"]\n').auto_listing
    assert a.applies("critical", "labour") and a.applies("high", "land")
    assert not a.applies("low", "labour") and not a.applies("high", "neighbour")
    only_risk = with_section('risks = ["critical"]\n').auto_listing
    assert only_risk.applies("critical", "anything") and not only_risk.applies("high", "labour")


def test_a_disabled_listing_applies_to_no_case():
    a = with_section("enabled = false\n").auto_listing
    assert not a.applies("critical", "labour")


def test_a_different_deadline_level_and_name():
    p = with_section('level = "county"\nby_zh = "县矛调中心"\nby_en = "county centre"\ndeadline_workdays = 2\n')
    a = p.auto_listing
    assert (a.level, a.by("zh_CN"), a.by("en"), a.deadline_workdays) == ("county", "县矛调中心", "county centre", 2)
    friday = datetime(2026, 3, 6, 7, 30, tzinfo=timezone.utc)  # Friday 15:30 in Shanghai
    assert p.listing_deadline(friday, BusinessCalendar()) == datetime(2026, 3, 10, 7, 30, tzinfo=timezone.utc)
    assert Policy.default().listing_deadline(friday, BusinessCalendar()) == \
        datetime(2026, 3, 13, 7, 30, tzinfo=timezone.utc)


def test_only_a_changed_listing_changes_the_revision():
    shipped = Policy.default().revision
    assert Policy.from_text(BASE).revision == shipped
    assert with_section("deadline_workdays = 5\n").revision == shipped
    assert with_section("deadline_workdays = 3\n").revision != shipped
    assert with_section("enabled = false\n").revision != shipped


@pytest.mark.parametrize("section, line, reason", [
    ('risks = ["severe"]\n', 1, "应为非空列表，取值 low、medium、high、critical"),
    ("risks = []\n", 1, "非空列表"),
    ('categories = "labour"\n', 1, "非空列表"),
    ("deadline_workdays = 0\n", 1, "不小于 1 的整数"),
    ('deadline_workdays = "five"\n', 1, "整数"),
    ('enabled = "yes"\n', 1, "true 或 false"),
    ('level = "镇级"\n', 1, "挂牌级别应为小写英文代码"),
    ('by_zh = "  "\n', 1, "非空文字"),
    ("colour = 1\n", 1, "未知配置项"),
    ("deadline_workdays = 3\nlevel = 4\n", 2, "挂牌级别"),
])
def test_a_bad_section_is_refused_in_chinese_with_its_line(section, line, reason):
    offset = (BASE + "\n[auto_listing]\n").count("\n")
    with pytest.raises(PolicyError) as e:
        with_section(section)
    assert e.value.line == offset + line, e.value.zh
    assert e.value.zh.startswith(f"政策文件 p.toml 第 {offset + line} 行：auto_listing."), e.value.zh
    assert reason in e.value.zh
    assert f"line {offset + line}: auto_listing." in e.value.en


def test_a_listing_table_of_the_wrong_type_is_refused():
    with pytest.raises(PolicyError) as e:
        Policy.from_text('auto_listing = "yes"\n' + BASE, "p.toml")
    assert "auto_listing：应为表" in e.value.zh
