"""The mediation-procedure guards and the guard family with a parameter, as plain functions."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest

from disputeflow.workflow import guards
from disputeflow.workflow.definition import builtin, definition_from_dict
from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.guards import CaseView


def grassroots_doc() -> dict:
    text = (resources.files("disputeflow.workflow") / "definitions" / "grassroots.toml").read_text(encoding="utf-8")
    return copy.deepcopy(tomllib.loads(text))


def test_a_family_guard_takes_its_parameter_and_names_the_action_that_writes_the_record():
    builtin()  # the loaded definition names the actions behind its records
    refusals = guards.check(("has_record:notices",), CaseView(state="assessed"), {})
    assert [(r.field, r.zh) for r in refusals] == [("notices", "须先办理并记录“权利义务告知”")]
    assert guards.check(("has_record:notices",), CaseView(state="assessed", data={"notices": [{}]}), {}) == []


def test_a_definition_naming_an_unknown_guard_or_family_is_refused():
    for name in ("has_recrod:notices", "has_record:", "no_such_guard"):
        doc = grassroots_doc()
        doc["version"] = 99
        next(a for a in doc["actions"] if a["name"] == "mediate")["guards"].append(name)
        with pytest.raises(ConfigError) as e:
            definition_from_dict(doc)
        assert name in e.value.en


@pytest.mark.parametrize("consents, refused", [
    ([], False),
    ([{"party": "李四", "agrees": "no"}], True),
    ([{"party": "李四", "agrees": "no"}, {"party": "李四", "agrees": "yes"}], False),
    ([{"party": "张三", "agrees": "yes"}, {"party": "李四", "agrees": "no"}], True),
])
def test_a_partys_latest_answer_decides(consents, refused):
    got = guards.check(("no_party_refused",), CaseView(state="assessed", data={"consents": consents}), {})
    assert bool(got) is refused


@pytest.mark.parametrize("outcome, visits, reason, ok", [
    ("written_agreement", [{"performance": "full"}], None, True),
    ("written_agreement", [{"performance": "full"}, {"performance": "partly"}], None, False),
    ("written_agreement", [{"performance": "partly"}], "司法确认后可强制执行", True),
    ("agreement", [{}], None, False),  # a visit that did not record performance
    ("no_agreement", [{}], None, True),  # nothing to perform
])
def test_sign_off_needs_full_performance_or_a_reason(outcome, visits, reason, ok):
    view = CaseView(state="following_up", data={"outcome": outcome, "follow_ups": visits})
    data = {"close_reason": reason} if reason else {}
    assert (guards.check(("performed_or_reason",), view, data) == []) is ok


def test_the_confirmation_window_opens_on_a_written_agreement_only():
    cond = guards.CONDITIONS["written_agreement"]
    view = CaseView(state="resolved")
    assert cond(view, {"outcome": "written_agreement"}) and cond(view, {"outcome": "agreement"})
    assert not cond(view, {"outcome": "oral_agreement"}) and not cond(view, {"outcome": "no_agreement"})
