"""``own_cases_only``: a role's rights limited to the cases that name it, as definition data."""

from __future__ import annotations

import pytest

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.case_roles import own_case_refusal
from disputeflow.workflow.definition import builtin, definition_from_dict
from disputeflow.workflow.errors import ConfigError

BASE = {"name": "w", "version": 1, "label_zh": "流", "initial": "open",
        "states": [{"name": "open", "label_zh": "开"}, {"name": "end", "label_zh": "结", "terminal": True}],
        "intake": {"name": "report", "label_zh": "登记", "roles": ["mediator"],
                   "fields": {"title": {"label_zh": "标题"}, "category": {"label_zh": "类别"},
                              "unit": {"type": "unit", "label_zh": "属地"},
                              "parties": {"type": "parties", "label_zh": "当事人"}}}}


def _with(action: dict):
    return definition_from_dict({**BASE, "actions": [{"name": "finish", "label_zh": "结", "sources": ["open"],
                                                      "dest": "end", **action}]})


def test_the_shipped_workflow_limits_a_lead_officials_work_to_the_cases_they_lead():
    g = builtin("grassroots")
    limited = {a.name for a in g.actions if "lead_official" in a.own_cases_only}
    assert limited == {"control", "resolve", "plan", "session"}
    assert g.action("note").own_cases_only == ()


@pytest.mark.parametrize("roles, own", [(["mediator"], ["lead_official"]),  # not one of the action's roles
                                        (["supervisor"], ["supervisor"])])  # no case column names a supervisor
def test_own_cases_only_names_roles_of_the_action_that_a_case_names(roles, own):
    with pytest.raises(ConfigError) as bad:
        _with({"roles": roles, "own_cases_only": own})
    assert "own_cases_only" in bad.value.en


def test_the_refusal_names_the_lead_official_in_chinese():
    a = _with({"roles": ["mediator", "lead_official"], "own_cases_only": ["lead_official"]}).action("finish")
    lead = Actor(id="l1", role="lead_official", unit_path="/t/")
    assert own_case_refusal(a, lead, None, "l1") is None
    zh, _en = own_case_refusal(a, lead, None, "l2")
    assert "包案领导" in zh
    assert own_case_refusal(a, Actor(id="m", role="mediator", unit_path="/t/"), None, "l2") is None
