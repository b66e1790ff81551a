"""The 12345 hotline work order: a second workflow built from data alone.

Driven end to end on the official calendar: an ordinary order dispatched on
Wednesday 2026-09-23 is due seven working days later on Saturday 2026-10-10, a
make-up workday (调休) after the Mid-Autumn Festival and the National Day week;
a complex one is due fifteen working days later. The handling unit returns an
order to the dispatcher (退单) and the dispatcher re-dispatches it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from disputeflow import Engine, InvalidAction, NotPermitted, ValidationError
from disputeflow.workflow.timesource import FixedClock
from disputeflow.workflow.definition import builtin
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timeutil import LOCAL_TZ

CALLER = [{"name": "王女士", "role": "applicant", "phone": "13712345678"}]


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.fixture
def hotline(db_url):
    clock = FixedClock(local(2026, 9, 23, 9, 30))
    eng = Engine(db_url, clock=clock, definitions=[builtin("hotline")])
    eng.init()
    eng.add_unit("bj", "滨江街道", "town")
    eng.add_unit("cf", "春风社区", "community", "bj")
    eng.add_unit("cjb", "街道城建办", "office", "bj")
    eng.add_unit("scjg", "市场监管所", "office", "bj")
    eng.add_user("ct", "话务员小陈", "call_taker", "bj")
    eng.add_user("pd", "派单员老周", "dispatcher", "bj")
    eng.add_user("h-cj", "城建办承办人", "handler", "cjb")
    eng.add_user("h-sc", "市场所承办人", "handler", "scjg")
    eng.add_user("go", "网格员", "grid_officer", "cf")
    yield eng, clock
    eng.close()


def accept(eng, **over) -> str:
    fields = dict(title="小区门口占道经营", category="complaint", unit="cf", parties=CALLER,
                  description="春风社区北门早市占道，影响通行", source="hotline")
    fields.update(over)
    return eng.report("ct", definition="hotline", **fields).number


def running(eng, number: str) -> dict:
    return {d["clock"]: d for d in eng.case(number)["deadlines"] if d["status"] == "running"}


def due_local(deadline: dict) -> datetime:
    return datetime.fromisoformat(deadline["due_at"]).astimezone(LOCAL_TZ)


def test_ordinary_order_end_to_end_with_return(hotline):
    eng, clock = hotline
    number = accept(eng)
    doc = eng.case(number)
    assert doc["state"] == "accepted"
    assert due_local(running(eng, number)["hotline_dispatch"]) == local(2026, 9, 23, 11, 30)

    clock.set(local(2026, 9, 23, 10, 0))
    eng.act(number, "dispatch", "pd", responsible_unit="cjb", handler="h-cj", tier="ordinary")
    clocks = running(eng, number)
    assert set(clocks) == {"hotline_handle"}
    # 7 working days: 9/24, 9/28, 9/29, 9/30, 10/8, 10/9 and Saturday 10/10 (调休).
    assert due_local(clocks["hotline_handle"]) == local(2026, 10, 10, 10, 0)

    # 退单: the housing office says the matter is the market regulator's.
    clock.set(local(2026, 9, 23, 11, 0))
    out = eng.act(number, "return", "h-cj", reason="占道经营属市场监管所职责")
    assert (out.from_state, out.to_state) == ("dispatched", "accepted")
    doc = eng.case(number)
    assert doc["state"] == "accepted"
    assert set(running(eng, number)) == {"hotline_dispatch"}
    with runtime_of(eng).store.read() as tx:
        rows = tx.query("SELECT event, audience FROM outbox WHERE case_number = :n ORDER BY id", {"n": number})
    assert rows[-1][0] == "return"
    assert json.loads(rows[-1][1]) == ["role:dispatcher@/bj/cf/"]

    clock.set(local(2026, 9, 23, 11, 30))
    eng.act(number, "dispatch", "pd", responsible_unit="scjg", handler="h-sc", tier="ordinary")
    assert due_local(running(eng, number)["hotline_handle"]) == local(2026, 10, 10, 11, 30)
    # the unit that returned the order no longer holds it
    with pytest.raises(NotPermitted):
        eng.act(number, "handle", "h-cj")
    eng.act(number, "handle", "h-sc")

    # The ladder runs on the same calendar: the yellow card falls on the make-up Saturday.
    assert [r["step"] for r in eng.sweep(local(2026, 10, 10, 11, 29))] == ["warning"]
    raised = eng.sweep(local(2026, 10, 10, 11, 30))
    assert [(r["clock"], r["step"]) for r in raised] == [("hotline_handle", "level1")]

    clock.set(local(2026, 10, 10, 15, 0))
    eng.act(number, "reply", "h-sc", result="solved", reply="已清理占道摊点，设立临时疏导点")
    assert set(running(eng, number)) == {"hotline_visit"}
    clock.set(local(2026, 10, 12, 9, 0))
    eng.act(number, "visit", "ct", method="phone", satisfaction="satisfied")
    out = eng.act(number, "close", "pd")
    assert out.to_state == "closed"
    doc = eng.case(number)
    assert doc["state"] == "closed" and running(eng, number) == {}
    assert [h["action"] for h in eng.history(number)] == [
        "accept", "dispatch", "return", "dispatch", "handle", "escalate", "escalate", "reply", "visit", "close"]
    assert eng.verify_audit()["problems"] == []


def test_complex_order_gets_fifteen_working_days(hotline):
    eng, clock = hotline
    number = accept(eng, category="report", title="无证经营食品作坊")
    clock.set(local(2026, 9, 23, 10, 0))
    eng.act(number, "dispatch", "pd", responsible_unit="scjg", tier="complex")
    # 9/24, 9/28–9/30, 10/8–10/10, 10/12–10/16, 10/19–10/21 (15 working days).
    assert due_local(running(eng, number)["hotline_handle"]) == local(2026, 10, 21, 10, 0)
    assert eng.case(number)["tier"] == "complex"


def test_extension_once_and_within_the_cap(hotline):
    eng, clock = hotline
    number = accept(eng)
    eng.act(number, "dispatch", "pd", responsible_unit="cjb", tier="ordinary")
    with pytest.raises(NotPermitted):
        eng.act(number, "extend", "h-cj", clock="hotline_handle", until="2026-10-13T09:30+08:00", reason="需现场勘查")
    with pytest.raises(ValidationError) as exc:  # more than one ordinary term (7 working days) later
        eng.act(number, "extend", "pd", clock="hotline_handle", until="2026-10-30T09:30+08:00", reason="需现场勘查")
    assert [e.field for e in exc.value.errors] == ["until"]
    eng.act(number, "extend", "pd", clock="办理时限", until="2026-10-13T09:30+08:00", reason="需现场勘查")
    assert due_local(running(eng, number)["hotline_handle"]) == local(2026, 10, 13, 9, 30)
    with pytest.raises(ValidationError):
        eng.act(number, "extend", "pd", clock="hotline_handle", until="2026-10-14T09:30+08:00", reason="再延")


def test_dissatisfied_visit_blocks_close_and_rework_restarts_the_clock(hotline):
    eng, clock = hotline
    number = accept(eng)
    eng.act(number, "dispatch", "pd", responsible_unit="cjb", handler="h-cj", tier="ordinary")
    eng.act(number, "handle", "h-cj")
    eng.act(number, "reply", "h-cj", result="explained", reply="已解释")
    eng.act(number, "visit", "ct", method="phone", satisfaction="dissatisfied", comment="问题仍在")
    with pytest.raises(ValidationError):
        eng.act(number, "close", "pd")
    clock.set(local(2026, 9, 24, 9, 30))
    eng.act(number, "redo", "pd", reason="来电人不满意，重新办理")
    assert eng.case(number)["state"] == "handling"
    # 9/28, 9/29, 9/30, 10/8, 10/9, 10/10 (调休), 10/12
    assert due_local(running(eng, number)["hotline_handle"]) == local(2026, 10, 12, 9, 30)


def test_roles_permissions_and_masking(hotline):
    eng, _ = hotline
    assert eng.role_label("dispatcher") == "派单员" and eng.role_label("handler", "en") == "handler"
    with pytest.raises(NotPermitted):
        eng.report("pd", definition="hotline", title="x", category="help", unit="cf", parties=CALLER,
                   description="x")
    number = accept(eng)
    with pytest.raises(InvalidAction) as exc:
        eng.act(number, "reply", "h-cj", result="solved", reply="x")
    assert exc.value.allowed == ["note"]
    assert eng.case(number, actor="ct")["parties"][0]["phone"] == "13712345678"
    assert eng.case(number, actor="go")["parties"][0]["phone"] == "137****5678"
    with pytest.raises(ValidationError):
        eng.add_user("x", "某人", "operator", "bj")


def test_hotline_is_opt_in(tmp_path):
    from disputeflow import ConfigError
    from disputeflow.workflow.config import Config

    eng = Engine(f"sqlite:///{tmp_path / 'a.db'}")
    with pytest.raises(ConfigError):
        eng.definition("hotline")
    assert "dispatcher" not in eng.known_roles()
    cfg_file = tmp_path / "disputeflow.toml"
    cfg_file.write_text(f'url = "sqlite:///{tmp_path / "b.db"}"\ndefinitions = ["hotline"]\n', encoding="utf-8")
    eng2 = Engine(Config.load(cfg_file))
    assert eng2.definition("hotline").initial == "accepted"
    assert "dispatcher" in eng2.known_roles()
    eng.close()
    eng2.close()


def test_red_card_lists_the_order_and_blocks_closing_until_delisted(hotline):
    eng, clock = hotline
    number = accept(eng)
    clock.set(local(2026, 9, 23, 10, 0))
    eng.act(number, "dispatch", "pd", responsible_unit="cjb", handler="h-cj", tier="ordinary")
    eng.act(number, "handle", "h-cj")
    # due Saturday 10/10 10:00; red card five working days later: 10/12–10/16 → Friday 10/16 10:00
    raised = eng.sweep(local(2026, 10, 16, 10, 0))
    assert [r["step"] for r in raised if r.get("clock") == "hotline_handle"] == [
        "warning", "level1", "level2", "level3"]
    assert next(r for r in raised if r.get("step") == "level3")["listed"] is True
    assert eng.case(number)["supervision"] is not None
    clock.set(local(2026, 10, 16, 11, 0))
    eng.act(number, "return", "h-cj", reason="需由区级部门办理")  # 退单 from handling
    eng.act(number, "dispatch", "pd", responsible_unit="cjb", handler="h-cj", tier="complex")
    eng.act(number, "handle", "h-cj")
    eng.act(number, "reply", "h-cj", result="solved", reply="已办理")
    eng.act(number, "visit", "ct", method="sms", satisfaction="basically_satisfied")
    with pytest.raises(ValidationError) as exc:
        eng.act(number, "close", "pd")
    assert [e.field for e in exc.value.errors] == ["supervision"]
    eng.act(number, "delist", "pd")
    assert eng.act(number, "close", "pd").to_state == "closed"
    assert len(eng.case(number)["data"]["returns"]) == 1
