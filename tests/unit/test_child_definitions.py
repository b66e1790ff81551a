"""Child workflows as data: the keys a definition uses to spawn them, checked when it loads."""

from __future__ import annotations

import pytest

from disputeflow.workflow import guards
from disputeflow.workflow.definition import builtin, definition_from_dict
from disputeflow.workflow.errors import ConfigError

CHILD = {"name": "c", "version": 1, "label_zh": "子", "initial": "open", "child": {"suffix": "交"},
         "states": [{"name": "open", "label_zh": "开"}, {"name": "end", "label_zh": "结", "terminal": True}],
         "intake": {"name": "open_it", "label_zh": "开", "roles": ["mediator"]},
         "actions": [{"name": "finish", "label_zh": "结", "sources": ["open"], "dest": "end", "roles": ["office_staff"]}]}


def test_the_builtin_work_order_is_a_child_that_grassroots_spawns():
    wo = builtin("work_order")
    assert wo.child is not None and wo.child.suffix == "交"
    assert [s.name for s in wo.states] == ["pending", "handling", "reported_back", "done", "cancelled"]
    assert wo.terminal_states == ("done", "cancelled")
    assert wo.child.on_parent_end == "cancel" and wo.action("cancel").roles == ("system",)
    dispatch = builtin("grassroots").action("dispatch")
    assert dispatch.spawns == "work_order" and not dispatch.moves
    assert "no_open_children" in builtin("grassroots").action("resolve").guards
    from disputeflow.workflow.definition_check import spawn_problems

    assert spawn_problems({"grassroots": builtin("grassroots"), "work_order": wo,
                           "referral": builtin("referral")}) == []
    assert spawn_problems({"grassroots": builtin("grassroots"), "work_order": wo})  # the referral is not loaded


def test_the_builtin_referral_is_a_child_that_refer_opens():
    ref = builtin("referral")
    assert ref.child is not None and ref.child.suffix == "移"
    assert ref.terminal_states == ("answered",)
    refer = builtin("grassroots").action("refer")
    assert refer.spawns == "referral" and refer.dest == "referred"
    assert set(builtin("referral").action("feedback").roles) == {"office_staff", "mediator", "supervisor"}
    close = builtin("grassroots").action("close_referral")
    assert (close.sources, close.dest, close.guards) == (("referred",), "referral_closed", ("no_open_children",))


@pytest.mark.parametrize("suffix", ["", "交办单位几", "交-", "a b"])
def test_a_child_suffix_is_short_and_plain(suffix):
    with pytest.raises(ConfigError) as bad:
        definition_from_dict({**CHILD, "child": {"suffix": suffix}})
    assert "suffix" in bad.value.en


def test_on_parent_end_names_a_system_action_that_ends_the_child():
    ending = {"name": "drop", "label_zh": "撤", "sources": ["open"], "dest": "end", "roles": ["system"]}
    ok = definition_from_dict({**CHILD, "child": {"suffix": "交", "on_parent_end": "drop"},
                               "actions": [*CHILD["actions"], ending]})
    assert ok.child.on_parent_end == "drop"
    for child, actions in (({"suffix": "交", "on_parent_end": "finish"}, CHILD["actions"]),  # not the engine's
                           ({"suffix": "交", "on_parent_end": "nothing"}, CHILD["actions"]),
                           ({"suffix": "交", "on_parent_end": "drop"}, [*CHILD["actions"], {**ending, "dest": "open"}])):
        with pytest.raises(ConfigError) as bad:
            definition_from_dict({**CHILD, "child": child, "actions": actions})
        assert "on_parent_end" in bad.value.en
    asks_more = {**ending, "fields": {"why": {"type": "text", "label_zh": "原因", "required": True}}}
    with pytest.raises(ConfigError) as bad:
        definition_from_dict({**CHILD, "child": {"suffix": "交", "on_parent_end": "drop"},
                              "actions": [*CHILD["actions"], asks_more]})
    assert "why" in bad.value.en
    with pytest.raises(ConfigError):
        definition_from_dict({**CHILD, "roles": {"system": {"label_zh": "系统"}}})


def test_spawns_names_a_workflow_and_not_on_the_intake():
    with pytest.raises(ConfigError):
        definition_from_dict({**CHILD, "intake": {**CHILD["intake"], "spawns": "c"}})
    with pytest.raises(ConfigError):
        definition_from_dict({**CHILD, "actions": [{**CHILD["actions"][0], "spawns": "not a name"}]})


def test_the_children_guard_refuses_while_one_is_open_and_says_which():
    view = guards.CaseView(state="mediating", children=(("X-2026-000001-交1", "work_order", "handling"),))
    (refusal,) = guards.check(("no_open_children",), view, {})
    assert "X-2026-000001-交1" in refusal.zh
    view = guards.CaseView(state="referred", children=(("X-2026-000001-移1", "referral", "awaiting"),))
    (refusal,) = guards.check(("no_open_children",), view, {})
    assert "X-2026-000001-移1" in refusal.zh and "反馈" in refusal.zh and "feedback" in refusal.en
    assert guards.check(("no_open_children",), guards.CaseView(state="mediating", children=()), {}) == []
    assert guards.needs_children(("agreement_if_agreed", "no_open_children"))
    assert not guards.needs_children(("agreement_if_agreed",))
