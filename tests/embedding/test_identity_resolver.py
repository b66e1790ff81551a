"""People who live only in the host application act, are assigned and are notified through a resolver."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from disputeflow import Engine, FixedClock, Identity, IdentityResolver, NotPermitted, ValidationError
from disputeflow.notifications.channels import Channel

T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
PARTIES = [{"name": "张三", "role": "applicant", "phone": "13812348000"}, {"name": "李四", "role": "respondent"}]


class HostStaff:
    """The host's own staff list; counts how often the engine asks."""

    def __init__(self):
        self.people = {
            "h-go": Identity("h-go", "宿主网格员", "grid_officer", "v1", phone="13900000001"),
            "h-med": Identity("h-med", "宿主调解员", "mediator", "v1", phone="13900000002", email="med@host.example"),
            "h-lead": Identity("h-lead", "宿主包案领导", "lead_official", "t1"),
            "h-odd": Identity("h-odd", "未知单位的人", "mediator", "nowhere"),
            "sup": Identity("sup", "冒名的督办员", "supervisor", "t1"),
        }
        self.asked: list[str] = []

    def resolve(self, user_id: str) -> Identity | None:
        self.asked.append(user_id)
        return self.people.get(user_id)


class Collect(Channel):
    kind = "collect"
    audience = "person"
    template = "short"

    def __init__(self, settings):
        super().__init__(settings)
        self.got = []

    def send(self, message):
        self.got.append(message)


@pytest.fixture
def host():
    return HostStaff()


@pytest.fixture
def engine(db_url, host):
    eng = Engine(db_url, clock=FixedClock(T0), identities=host)
    eng.init()
    eng.sync_units([{"id": "t1", "name": "东镇", "kind": "town"},
                    {"id": "v1", "name": "甲村", "kind": "village", "parent": "t1"}])
    eng.sync_users([{"id": "sup", "name": "督办员", "role": "supervisor", "unit": "t1"},
                    {"id": "med-off", "name": "停用的调解员", "role": "mediator", "unit": "v1", "active": False}])
    yield eng
    eng.close()


def test_a_host_identity_reports_is_assigned_acts_and_is_notified(engine, host):
    assert isinstance(host, IdentityResolver)
    collect = Collect({})
    engine.add_channel(collect, name="host-app", everyone=True)
    number = engine.report("h-go", title="宅基地边界纠纷", category="neighbour", unit="v1", parties=PARTIES,
                           source="grid").number
    assert engine.case(number, "h-go")["reporter"] == "h-go"
    engine.act(number, "assign", "sup", mediator="h-med")
    engine.act(number, "assign_lead", "sup", official="h-lead")
    case = engine.case(number, "h-med")
    assert case["mediator"] == "h-med" and case["lead_official"] == "h-lead"
    engine.act(number, "assess", "h-med", risk="low")
    assert [c["number"] for c in engine.list_cases("h-med")] == [number]

    engine.dispatch()
    assert "assign" in [m["event"] for m in engine.inbox("h-med")]
    assert "assign_lead" in [m["event"] for m in engine.inbox("h-lead")]
    to_med = {m.event: m for m in collect.got if m.recipient.get("id") == "h-med"}
    assert "assign" in to_med and to_med["assign"].recipient["name"] == "宿主调解员"


def test_the_engines_table_wins_and_bad_identities_are_refused(engine, host):
    number = engine.report("h-go", title="噪音纠纷", category="neighbour", unit="v1", parties=PARTIES,
                           source="grid").number
    # "sup" is in the table: the host's answer for the same id is never used
    assert engine.resolve_actor("sup").unit_id == "t1" and engine.resolve_actor("h-med").name == "宿主调解员"
    with pytest.raises(ValidationError) as err:
        engine.act(number, "assign", "sup", mediator="med-off")  # switched off in the table: not revived
    assert "已停用" in err.value.zh
    with pytest.raises(ValidationError) as err:
        engine.act(number, "assign", "sup", mediator="h-odd")  # the host names a unit the engine lacks
    assert "不存在" in err.value.zh
    with pytest.raises(NotPermitted):
        engine.act(number, "assess", "nobody", risk="low")
    # asked per call: the host removes someone and the next call sees it
    engine.act(number, "assign", "sup", mediator="h-med")
    del host.people["h-med"]
    with pytest.raises(NotPermitted):
        engine.act(number, "assess", "h-med", risk="low")
    assert "sup" not in host.asked


def test_a_host_identity_acts_in_a_batch(engine):
    number = engine.report("h-go", title="噪音纠纷", category="neighbour", unit="v1", parties=PARTIES,
                           source="grid").number
    out = engine.act_many([(number, "assign", "sup", {"mediator": "h-med"}),
                           (number, "assess", "h-med", {"risk": "low"})])
    assert [o.event for o in out] == ["assign", "assess"]
    assert engine.case(number, "h-med")["state"] == "assessed"
