"""Property-based: random action sequences by random actors keep the engine's invariants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.conftest import report
from disputeflow import DisputeflowError
from disputeflow.workflow.definition import builtin

DEFN = builtin()
ACTORS = ["go", "med1", "med2", "lead", "sup"]
SAMPLE_DATA = {
    "assess": [{"risk": "low"}, {"risk": "high"}, {"risk": "critical"}],
    "control": [{"measures": "每日见面"}],
    "mediate": [{}],
    "resolve": [{"outcome": "agreement", "agreement": "协议"}, {"outcome": "agreement"},
                {"outcome": "no_agreement", "legal_channel": "litigation"},
                {"outcome": "written_agreement", "agreement": "协议"},
                {"outcome": "oral_agreement", "agreement": "协议", "oral_confirmation": "双方确认"}],
    "follow_up": [{"method": "visit", "satisfaction": "satisfied", "performance": "full"},
                  {"method": "phone", "satisfaction": "dissatisfied", "performance": "refused"},
                  {"method": "visit", "satisfaction": "satisfied"}],
    "close": [{}, {"close_reason": "已申请司法确认"}],
    "consent": [{"party": "张三", "agrees": "yes"}, {"party": "李四", "agrees": "no"}],
    "inform": [{"informed_parties": "张三、李四", "method": "oral"}],
    "investigate": [{"content": "现场查看"}],
    "session": [{"statements": "双方陈述", "proposal": "各让一步"}],
    "decline": [{"reason": "一方拒绝调解"}],
    "apply_confirmation": [{"court": "县人民法院"}],
    "confirmation_result": [{"result": "confirmed"}, {"result": "rejected"}],
    "reopen": [{"reason": "反弹"}],
    "refer": [{"to": "court"}],
    "withdraw": [{"reason": "和解"}],
    "assign": [{"mediator": "med1"}, {"mediator": "go"}],
    "assign_lead": [{"official": "lead"}],
    "plan": [{"team": "专班", "plan": "方案"}],
    "supervise": [{"level": "town", "authority": "镇", "deadline": "2026-04-01T09:00+08:00"},
                  {"level": "county", "authority": "县"}],
    "delist": [{}],
    "extend": [{"clock": "resolve", "until": "2026-04-20T09:00+08:00", "reason": "鉴定"}],
    "note": [{"text": "记录"}],
    "add_party": [{"party": "王五:other"}],
}

step = st.tuples(st.sampled_from(sorted(SAMPLE_DATA)), st.sampled_from(ACTORS), st.integers(0, 2),
                 st.integers(0, 30))


def allowed_by_definition(action, state, role):
    a = DEFN.action(action)
    return a is not None and state in a.sources and role in a.roles


ROLES = {"go": "grid_officer", "med1": "mediator", "med2": "mediator", "lead": "lead_official", "sup": "supervisor"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_random_sequences_keep_the_invariants(engine, clock, steps):
    n = report(engine)
    state = "reported"
    changes = 1
    for action, actor, k, hours in steps:
        clock.advance(hours=hours)
        data = SAMPLE_DATA[action][k % len(SAMPLE_DATA[action])]
        try:
            out = engine.act(n, action, actor, **data)
        except DisputeflowError:
            assert engine.case(n)["state"] == state  # a refused action changes nothing
            continue
        assert allowed_by_definition(action, state, ROLES[actor]), (action, state, actor)
        changes += 1
        state = out.to_state
        assert state in {s.name for s in DEFN.states}
        if (state == "closed") and out.event == "close":
            assert engine.case(n)["supervision"] is None
    assert engine.case(n)["state"] == state
    history = engine.history(n)
    assert len(history) == changes
    assert [h["seq"] for h in history] == list(range(1, changes + 1))
    assert engine.verify_audit()["problems"] == []
