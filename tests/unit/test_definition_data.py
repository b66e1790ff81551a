"""Definition and policy features a second workflow needs, checked as pure data."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.definition import builtin, definition_from_dict
from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.policy import Duration, Policy, PolicyError

POLICY = """
[clocks.handle]
default = { amount = 7, unit = "business_days" }
high = { amount = 2, unit = "business_days" }
tiers.complex = { amount = 15, unit = "business_days" }
[clocks.handle.categories.urgent]
default = { amount = 1, unit = "business_days" }

[[ladder]]
name = "level1"
kind = "after_due"
value = 0
recipients = ["assignee"]
label_zh = "黄牌"
"""


def test_tier_wins_over_risk_and_category_wins_over_tier():
    p = Policy.from_text(POLICY)
    assert p.duration("handle") == Duration(7, "business_days")
    assert p.duration("handle", risk="high") == Duration(2, "business_days")
    assert p.duration("handle", risk="high", tier="complex") == Duration(15, "business_days")
    assert p.duration("handle", tier="complex", category="urgent") == Duration(1, "business_days")
    assert p.duration("handle", tier="unknown") == Duration(7, "business_days")
    assert p.extension_cap("handle", tier="complex") == Duration(15, "business_days")


def test_bad_tier_duration_names_the_line():
    bad = POLICY.replace('tiers.complex = { amount = 15, unit = "business_days" }',
                         'tiers.complex = { amount = 15, unit = "weeks" }')
    with pytest.raises(PolicyError) as exc:
        Policy.from_text(bad, "p.toml")
    assert "tiers.complex.unit" in str(exc.value)


def test_shipped_policy_revision_ignores_clocks_without_tiers():
    # the grassroots clocks carry no tiers: their canonical form has no "tiers" key
    p = Policy.default()
    assert p.clocks["resolve"].by_tier == {}
    assert p.clocks["hotline_handle"].by_tier["complex"] == Duration(15, "business_days")
    assert p.missing_clocks(builtin("hotline").clocks) == []


def test_hotline_due_times_on_the_official_calendar():
    p, cal = Policy.default(), BusinessCalendar.load(None)
    wed = datetime(2026, 9, 23, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
    assert p.due_at("hotline_handle", wed, "low", "complaint", cal) == datetime(2026, 10, 10, 2, 0, tzinfo=timezone.utc)
    assert p.due_at("hotline_handle", wed, "low", "complaint", cal, "complex") == \
        datetime(2026, 10, 21, 2, 0, tzinfo=timezone.utc)


# what an intake needs (the case's title, category, place and parties)
INTAKE_FIELDS = {"title": {"label_zh": "标题"}, "category": {"label_zh": "类别"}, "unit": {"type": "unit", "label_zh": "属地"},
                 "parties": {"type": "parties", "label_zh": "当事人"}}


def _doc(**roles):
    return {"name": "x", "version": 1, "label_zh": "测试", "initial": "a",
            "states": [{"name": "a", "label_zh": "甲"}, {"name": "b", "label_zh": "乙", "terminal": True}],
            "roles": roles,
            "intake": {"name": "open", "label_zh": "登记", "roles": ["clerk"], "fields": INTAKE_FIELDS},
            "actions": [{"name": "go", "label_zh": "走", "sources": ["a"], "dest": "b", "roles": ["clerk"]}]}


def test_definition_declares_its_roles():
    d = definition_from_dict(_doc(clerk={"label_zh": "办事员", "label_en": "clerk"}))
    assert d.roles["clerk"].label.en == "clerk" and not d.roles["clerk"].personal_data
    with pytest.raises(ConfigError, match="clerk"):
        definition_from_dict(_doc())  # a role used but not declared
    with pytest.raises(ConfigError, match="mediator"):
        definition_from_dict(_doc(clerk={"label_zh": "办事员"}, mediator={"label_zh": "重名"}))
