"""decide() on plain values, with no database: what an action writes, and every way it refuses."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from disputeflow.cases.records import AuditEvent, CaseRecord, ClockExtension, ClockStop, NewClock, NewParty, RunningClock
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.decision import Decision, decide
from disputeflow.workflow.definition import builtin
from disputeflow.workflow.errors import Conflict, InvalidAction, NotPermitted, ValidationError
from disputeflow.workflow.machine import compile_definition
from disputeflow.workflow.policy import Policy

NOW = datetime(2026, 3, 3, 2, 0, tzinfo=timezone.utc)
TOWN = "/t1/"
MED = Actor(id="med1", role="mediator", unit_path=TOWN, unit_id="t1")
SUP = Actor(id="sup1", role="supervisor", unit_path=TOWN, unit_id="t1")
GRID = Actor(id="grid1", role="grid_officer", unit_path=TOWN + "v1/", unit_id="v1")


class Lookups:
    """The caller's answers, from memory; counts what decide asks."""

    def __init__(self, clocks: dict[str, RunningClock] | None = None):
        self.clocks = clocks or {}
        self.asked_clocks = 0

    def user(self, user_id):
        return {"med1": ("mediator", TOWN), "lead1": ("lead_official", TOWN)}.get(user_id)

    def unit(self, unit_id):
        return {"o1": ("office", "/t1/o1/")}.get(unit_id)

    def running_clocks(self, case_id):
        self.asked_clocks += 1
        return self.clocks


def case(**kw) -> CaseRecord:
    base = dict(id=7, number="T-2026-000007", definition="grassroots", definition_version=1, state="reported",
                version=1, category="neighbour", unit_path=TOWN + "v1/", risk="low", risk_floor="low", flags="[]",
                party_count=1, mediator=None, lead_official=None, responsible_unit=None, supervision_level=None,
                data="{}", closed_at=None, audit_seq=1, audit_hash="a" * 64)
    base.update(kw)
    return CaseRecord(**base)


def clock(name: str, due: datetime, extended: int = 0) -> RunningClock:
    return RunningClock(3, name, NOW - timedelta(days=1), due, None, extended, None, "warning", due, "r1")


@pytest.fixture(scope="module")
def env():
    return builtin(), Policy.load(None), BusinessCalendar()


def run(env, c: CaseRecord, who: Actor, action: str, data: dict | None = None, lookups=None, **kw) -> Decision:
    d, policy, calendar = env
    return decide(d, policy, calendar, c, who, action, data or {}, NOW, lookups=lookups or Lookups(), **kw)


def test_happy_path_assign_changes_the_mediator_and_notifies_them(env):
    got = run(env, case(), MED, "assign", {"mediator": "med1"})
    assert got.case.mediator == "med1" and got.case.version == 2 and got.case.audit_seq == 2
    assert got.changed == {"mediator": "med1"}
    assert isinstance(got.audit, AuditEvent)
    assert (got.audit.seq, got.audit.actor, got.audit.action, got.audit.from_state, got.audit.to_state) == (
        2, "med1", "assign", "reported", "reported")
    assert json.loads(got.audit.data) == {"mediator": "med1"}
    assert json.loads(got.audit.fields) == {"mediator": "med1"}
    assert got.notification.audience == ("user:med1",)
    assert json.loads(got.notification.payload) == {"from_state": "reported", "to_state": "reported", "seq": 2}
    assert got.writes == () and got.running is None
    assert (got.outcome.event, got.outcome.version, got.outcome.seq) == ("assign", 2, 2)


def test_the_case_passed_in_is_not_changed_and_the_chain_head_is_left_to_the_writer(env):
    c = case()
    got = run(env, c, MED, "assign", {"mediator": "med1"})
    assert got.base is c and c.mediator is None
    assert got.case.audit_hash == c.audit_hash  # the writer links the event and stores the new head


def test_a_move_asks_the_machine_and_stops_and_starts_clocks(env):
    lk = Lookups({"assess": clock("assess", NOW + timedelta(hours=8))})
    got = run(env, case(), MED, "assess", {"risk": "high", "responsible_unit": "o1"}, lk)
    assert got.case.state == "assessed" and got.case.risk == "high" and got.case.responsible_unit == "o1"
    assert lk.asked_clocks == 1
    assert got.writes[0] == ClockStop("assess")
    started = got.writes[1]
    assert isinstance(started, NewClock) and started.name == "control" and started.started_at == NOW
    assert started.due_at == NOW + timedelta(hours=24)  # 24 calendar hours for high risk
    assert set(got.running) == {"control"}
    audit = json.loads(got.audit.data)
    assert audit["clocks_stopped"] == ["assess"] and audit["clocks_started"] == ["control"]


def test_an_action_that_touches_no_clock_does_not_ask_for_them(env):
    lk = Lookups()
    run(env, case(), MED, "note", {"text": "走访"}, lk)
    assert lk.asked_clocks == 0


def test_a_guard_refusal_names_the_fields_in_both_languages(env):
    c = case(state="assessed", risk="critical")
    with pytest.raises(ValidationError) as e:
        run(env, c, MED, "mediate")
    fields = [f.field for f in e.value.errors]
    assert fields == ["measures", "lead_official", "plan", "notices"]
    assert "稳控" in e.value.errors[0].zh and "control measures" in e.value.errors[0].en


def test_the_guards_are_the_machines_condition_too(env):
    from disputeflow.workflow.guards import CaseView
    from transitions import MachineError

    m = compile_definition(env[0])
    informed = {"notices": [{"method": "oral"}]}
    assert m.fire("mediate", "assessed", CaseView(state="assessed", risk="low", data=informed), {}) == "mediating"
    with pytest.raises(MachineError):
        m.fire("mediate", "assessed", CaseView(state="assessed", risk="low"), {})  # not yet informed
    with pytest.raises(MachineError):
        m.fire("mediate", "assessed", CaseView(state="assessed", risk="critical", data=informed), {})


def test_the_wrong_role_is_refused_in_chinese_and_english(env):
    c = case(state="following_up", data=json.dumps({"follow_ups": [{"satisfaction": "satisfied"}]}))
    with pytest.raises(NotPermitted) as e:
        run(env, c, MED, "close")
    assert e.value.zh == "“销号”须由督办人员执行（您是调解员）"
    assert e.value.en == "close needs role supervisor (you are mediator)"


def test_a_case_outside_the_jurisdiction_is_refused(env):
    other = Actor(id="med9", role="mediator", unit_path="/t9/", unit_id="t9")
    with pytest.raises(NotPermitted) as e:
        run(env, case(), other, "note", {"text": "x"})
    assert "不在您的管辖范围内" in e.value.zh and "outside your jurisdiction" in e.value.en


def test_an_action_not_open_in_the_state_is_the_machines_refusal(env):
    with pytest.raises(InvalidAction) as e:
        run(env, case(), SUP, "close")
    assert e.value.zh.startswith("案件当前状态为“已登记”，不能执行“销号”。可执行：")
    assert "withdraw" in e.value.allowed and "close" not in e.value.allowed
    assert e.value.allowed == [n for n in compile_definition(env[0]).open_actions("reported")
                               if "supervisor" in env[0].action(n).roles]
    with pytest.raises(InvalidAction) as e:
        run(env, case(), SUP, "fly")
    assert e.value.zh.startswith("没有名为“fly”的动作") and e.value.en.startswith("no action named 'fly'")


def test_a_stale_version_is_a_conflict_before_anything_else(env):
    with pytest.raises(Conflict) as e:
        run(env, case(version=5), SUP, "close", expected_version=4)  # close is not even open: the conflict wins
    assert "版本 5" in e.value.zh and "version 5, you saw 4" in e.value.en
    assert run(env, case(version=5), MED, "note", {"text": "x"}, expected_version=5).case.version == 6


def test_fields_are_checked_with_the_callers_lookups(env):
    with pytest.raises(ValidationError) as e:
        run(env, case(), MED, "assign", {"mediator": "nobody"})
    assert [f.field for f in e.value.errors] == ["mediator"]


def test_effect_add_party_writes_the_party_and_raises_the_risk_floor(env):
    got = run(env, case(party_count=4), MED, "add_party", {"party": [{"name": "王五"}]})
    assert got.writes == (NewParty(5, "王五", "applicant", None, None, None),)
    assert got.case.party_count == 5 and got.case.risk_floor == "high" and got.case.risk == "high"
    recorded = json.loads(got.audit.fields)
    assert "party:5" in recorded and recorded["risk_floor"] == "high"


def test_effect_extend_clock_moves_the_due_time_once(env):
    due = NOW + timedelta(days=10)
    lk = Lookups({"resolve": clock("resolve", due)})
    c = case(state="mediating")
    got = run(env, c, SUP, "extend", {"clock": "resolve", "until": due + timedelta(days=3), "reason": "补证"}, lk)
    ext = got.writes[0]
    assert isinstance(ext, ClockExtension) and ext.extended == 1 and ext.due_at == due + timedelta(days=3)
    assert got.running["resolve"].due_at == due + timedelta(days=3)
    lk2 = Lookups({"resolve": clock("resolve", due, extended=1)})
    with pytest.raises(ValidationError) as e:
        run(env, c, SUP, "extend", {"clock": "resolve", "until": due + timedelta(days=3), "reason": "x"}, lk2)
    assert e.value.errors[0].zh == "该时限已延期过一次，不能再次延期"


def test_effect_delist_and_ending_a_case_end_the_listing(env):
    listed = case(state="mediating", supervision_level="town",
                  data=json.dumps({"supervision_authority": "镇综治中心"}))
    got = run(env, listed, SUP, "delist", {}, Lookups({"supervision": clock("supervision", NOW + timedelta(days=3))}))
    assert got.case.supervision_level is None
    assert json.loads(got.case.data)["supervision_history"][0]["authority"] == "镇综治中心"
    ended = run(env, listed, SUP, "withdraw", {"reason": "当事人撤回"})
    assert ended.case.state == "withdrawn" and ended.case.closed_at == NOW and ended.case.supervision_level is None
    assert json.loads(ended.audit.data)["supervision_ended"]["reason"] == "case_withdrawn"


def test_notification_audience_follows_the_actions_notify_list(env):
    c = case(state="following_up", mediator="med1", lead_official="lead1",
             data=json.dumps({"follow_ups": [{"satisfaction": "satisfied"}]}))
    got = run(env, c, SUP, "close")
    assert got.case.state == "closed"
    assert got.notification.audience == ("user:med1", "user:lead1")
    assert run(env, case(), MED, "note", {"text": "x"}).notification is None
