"""The way back a corrected ledger may take: the definition's own reopen arcs, or a clear refusal."""

from __future__ import annotations

from disputeflow.workflow.definition import builtin
from disputeflow.ledger_import.route import back_route, fill_fields, moved_back


def grassroots():
    return builtin("grassroots")


def test_only_a_ledger_state_that_went_backwards_counts_as_moved_back():
    assert moved_back("closed", "mediating") and moved_back("resolved", "reported")
    assert not moved_back("mediating", "mediating") and not moved_back("mediating", "closed")
    assert not moved_back("referred", "mediating") and not moved_back(None, "reported")


def test_closed_following_up_and_resolved_go_back_to_mediating_by_reopen():
    d = grassroots()
    for start in ("closed", "following_up", "resolved"):
        r = back_route(d, start, "mediating", "supervisor")
        assert r.ok and r.actions == ("reopen",)


def test_no_way_back_is_said_in_chinese_with_the_states_involved():
    d = grassroots()
    r = back_route(d, "resolved", "reported", "supervisor")
    assert not r.ok and r.zh == "流程中从“已办结”只能退回到“调处中”，无法按台账改为“已登记”，请在系统中处理"
    r = back_route(d, "mediating", "assessed", "supervisor")
    assert not r.ok and r.zh.startswith("流程中没有从“调处中”退回的动作")
    r = back_route(d, "referred", "mediating", "supervisor")
    assert not r.ok and "已移交" in r.zh


def test_the_reopen_arc_is_only_for_the_roles_the_definition_names():
    r = back_route(grassroots(), "closed", "mediating", "admin")
    assert not r.ok and "reopen" in r.en


def test_required_text_fields_take_the_ledgers_reason():
    a = grassroots().action("reopen")
    assert fill_fields(a, "台账更正") == ({"reason": "台账更正"}, None)


def test_a_required_field_the_ledger_cannot_give_is_named():
    from types import SimpleNamespace

    label = SimpleNamespace(zh="反弹类型")
    action = SimpleNamespace(fields=(SimpleNamespace(name="reason", type="text", required=True, label=label),
                                     SimpleNamespace(name="kind", type="choice", required=True, label=label)))
    assert fill_fields(action, "台账更正") == ({"reason": "台账更正"}, "反弹类型")


def test_a_reopen_that_lands_before_the_rows_state_goes_on_by_the_main_line():
    r = back_route(grassroots(), "closed", "resolved", "supervisor")
    assert r.actions == ("reopen", "resolve")
