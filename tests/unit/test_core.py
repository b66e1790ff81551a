"""The pure core: definitions, guards, risk rules, field validation, the compiled machine."""

from __future__ import annotations

import subprocess
import sys

import pytest
from transitions import MachineError

from disputeflow.workflow import guards, risk
from disputeflow.workflow.definition import builtin, definition_from_dict
from disputeflow.workflow.errors import ConfigError, ValidationError
from disputeflow.workflow.fields import valid_id_number, valid_phone, validate
from disputeflow.workflow.machine import compile_definition
from disputeflow.workflow.masking import mask_id, mask_phone


def test_pure_core_does_not_load_database_or_scheduler_code():
    code = ("import sys, disputeflow.workflow.definition, disputeflow.workflow.guards, disputeflow.workflow.risk, disputeflow.workflow.fields, disputeflow.workflow.masking, "
            "disputeflow.workflow.policy, disputeflow.workflow.calendar, disputeflow.workflow.timeutil, disputeflow.workflow.machine, "
            "disputeflow.workflow.decision, disputeflow.workflow.effects, disputeflow.cases.records;"
            "bad = [m for m in ('sqlalchemy', 'apscheduler', 'jinja2', 'psycopg') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_grassroots_definition_is_complete():
    d = builtin()
    assert {s.name for s in d.states} == {"reported", "assessed", "controlled", "mediating", "resolved",
                                           "following_up", "closed", "referred", "referral_closed", "withdrawn",
                                           "declined"}
    # a referred case waits for the receiving body's reply: only its closing ends it
    assert set(d.terminal_states) == {"closed", "referral_closed", "withdrawn", "declined"}
    moving = {a.name for a in d.actions if a.moves}
    still = {a.name for a in d.actions if not a.moves}
    assert moving == {"assess", "control", "mediate", "resolve", "follow_up", "close", "reopen", "refer", "withdraw",
                      "decline", "close_referral"}
    assert still == {"assign", "assign_lead", "plan", "supervise", "delist", "extend", "note", "add_party",
                     "consent", "inform", "investigate", "session", "apply_confirmation", "confirmation_result",
                     "dispatch", "hand_up", "hand_down", "attach", "detach"}
    assert d.action("close").roles == ("supervisor",)
    assert d.action("extend").roles == ("supervisor",)
    assert set(d.intake.roles) == {"grid_officer", "mediator", "supervisor"}
    assert len(d.vocab["category"]) == 13


def test_machine_is_shared_and_fires_only_allowed_transitions():
    d = builtin()
    m = compile_definition(d)
    assert m is compile_definition(d)
    assert m.fire("assess", "reported") == "assessed"
    assert m.fire("reopen", "closed") == "mediating"
    assert m.fire("note", "mediating") == "mediating"
    with pytest.raises(MachineError):
        m.fire("close", "reported")
    assert not m.machine.models  # nothing kept per case
    assert not hasattr(m.machine, "to_closed")


def test_mermaid_diagram_names_every_state_in_chinese():
    d = builtin()
    text = compile_definition(d).mermaid()  # drawn by transitions' own diagram support
    assert "\nstateDiagram-v2\n" in text and text.startswith("---\n基层矛盾纠纷排查调处\n---\n")
    assert "reported --> assessed: 研判" in text and 'state "已销号" as closed' in text
    for s in d.states:
        assert f'state "{s.label.zh}" as {s.name}' in text
    assert "Grassroots" in compile_definition(d).mermaid("en")


def test_a_definition_with_a_typo_is_refused_with_the_reason():
    doc = {"name": "x", "version": 1, "label_zh": "测试", "initial": "a",
           "states": [{"name": "a", "label_zh": "甲"}],
           "intake": {"roles": ["mediator"], "label_zh": "登记"},
           "actions": [{"name": "go", "label_zh": "去", "sources": ["a"], "dest": "b", "roles": ["mediator"],
                        "guards": ["no_such_guard"]}]}
    with pytest.raises(ConfigError) as e:
        definition_from_dict(doc)
    assert "未定义的状态 b" in e.value.zh and "no_such_guard" in e.value.zh


@pytest.mark.parametrize("parties,flags,expect", [
    (1, [], "low"), (4, [], "low"), (5, [], "high"), (2, ["civil_to_criminal"], "high"),
    (2, ["key_person"], "high"), (2, ["violence"], "critical"), (9, ["violence"], "critical"),
])
def test_risk_floor(parties, flags, expect):
    assert risk.floor(parties, flags) == expect


def test_guards_report_every_refusal():
    view = guards.CaseView(state="assessed", risk="critical")
    names = ("controlled_if_high_risk", "lead_official_if_high_risk", "plan_if_high_risk")
    assert [r.field for r in guards.check(names, view, {})] == ["measures", "lead_official", "plan"]
    ok = guards.CaseView(state="controlled", risk="critical", lead_official="l",
                         data={"measures": "m", "team": "t", "plan": "p"})
    assert guards.check(names, ok, {}) == []
    assert guards.check(names, guards.CaseView(state="assessed", risk="low"), {}) == []


def test_phone_and_id_checks():
    assert valid_phone("13812348000") and valid_phone("0851-86812345") and not valid_phone("12812348000")
    assert valid_id_number("11010519491231002X") and not valid_id_number("110105194912310021")
    assert mask_phone("13812348000") == "138****8000"
    assert mask_id("11010519491231002X") == "**************002X"


class NoLookups:
    def user(self, uid):
        return ("mediator", "/t/") if uid == "m1" else None

    def unit(self, uid):
        return ("office", "/t/o/") if uid == "o1" else None


def test_validation_collects_all_errors():
    d = builtin()
    with pytest.raises(ValidationError) as e:
        validate(d, d.action("assess"), {"risk": "extreme", "responsible_unit": "nowhere", "x": 1}, NoLookups())
    assert {f.field for f in e.value.errors} == {"risk", "responsible_unit", "x"}
    clean = validate(d, d.action("assess"), {"risk": "高", "responsible_unit": "o1"}, NoLookups())
    assert clean == {"risk": "high", "responsible_unit": "o1"}


@pytest.mark.parametrize("flags", [5, 2.5, True, {"violence": 1}])
def test_a_choices_field_of_the_wrong_type_is_a_validation_error(flags):
    """flags=5 from an embedding system raised a bare TypeError (list(5)) instead of naming the field."""
    d = builtin()
    data = {"title": "t", "category": "neighbour", "unit": "o1", "parties": ["王五"], "flags": flags}
    with pytest.raises(ValidationError) as e:
        validate(d, d.intake, data, NoLookups())
    assert "flags" in {f.field for f in e.value.errors}
    assert "选项列表" in e.value.zh and "list of choices" in e.value.en


def test_every_field_type_has_its_coercion():
    """A type the definition accepts but validation cannot coerce would fail only when a form is sent."""
    from disputeflow.workflow import fields
    from disputeflow.workflow.definition import FIELD_TYPES

    assert set(fields._KINDS) == FIELD_TYPES
