"""The sweep writes its common payloads without the JSON encoder: the text must be exactly what dumps() gives."""

from __future__ import annotations

from workflow.commands import dumps
from workflow.policy import LadderStep
from workflow.sweep import _escalation_json, _json_strings


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
