"""The sweep writes its common payloads without the JSON encoder: the text must be exactly what dumps() gives."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from disputeflow.workflow.commands import dumps
from disputeflow.workflow.policy import LadderStep
from disputeflow.workflow.sweep import _BatchTexts, _escalation_json, _json_strings
from disputeflow.workflow.timeutil import iso


def test_escalation_payload_is_the_canonical_json():
    step = LadderStep("level1", "after_due", 0, ("assignee", "responsible_unit"), False, "黄牌", "yellow card")
    got = _escalation_json("assess", step, "2026-03-04T09:00:00+08:00", "2026-03-04T09:00:00.250000+08:00")
    want = dumps({"clock": "assess", "step": "level1", "step_at": "2026-03-04T09:00:00+08:00",
                  "due_at": "2026-03-04T09:00:00.250000+08:00", "recipients": ["assignee", "responsible_unit"]})
    assert got == want


def test_string_lists_match_dumps_with_quotes_and_chinese():
    values = ["user:调解员甲", 'role:"x"@/t/v/', "back\\slash", "tab\t"]
    assert _json_strings(values) == dumps(values)
    assert _json_strings([]) == dumps([])


def test_dumps_is_canonical_json():
    import json

    doc = {"b": [1, 2.5, None, True], "a": "调解 \"引号\"", "c": {"z": 1, "y": {}}, "when": object}
    want = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    assert dumps(doc) == want
    assert dumps("text") == '"text"' and dumps([]) == "[]"


AWKWARD = ["", "调解员甲", "张三\"李四\"", "back\\slash", "tab\there", "line\nbreak\r", "\x00\x01\x1f\x7f",
           "\u2028\u2029", "emoji 😀", "\ud800", "</script>", "'single'", "a\\\"b", "\b\f"]


def test_escalation_payload_matches_dumps_over_awkward_values():
    for text in AWKWARD:
        for recipients in ((), (text,), ("assignee", text, "")):
            step = LadderStep(text or "level1", "after_due", 0, recipients, False, "红牌", "red card")
            got = _escalation_json(text, step, text, text)
            want = dumps({"clock": text, "step": step.name, "step_at": text, "due_at": text,
                          "recipients": list(recipients)})
            assert got == want, (text, recipients)


@settings(max_examples=300, deadline=None)
@given(clock=st.text(), name=st.text(), at=st.text(), due=st.text(), recipients=st.lists(st.text(), max_size=4))
def test_escalation_payload_matches_dumps_for_any_text(clock, name, at, due, recipients):
    step = LadderStep(name, "fraction", 0.8, tuple(recipients), False, "预警", "warning")
    want = dumps({"clock": clock, "step": name, "step_at": at, "due_at": due, "recipients": recipients})
    assert _escalation_json(clock, step, at, due) == want
    assert _json_strings(recipients) == dumps(recipients)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=-5)), ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin")])))
def test_batch_iso_texts_are_timeutil_iso(dt):
    assert _BatchTexts(None, None, None).iso(dt) == iso(dt)
