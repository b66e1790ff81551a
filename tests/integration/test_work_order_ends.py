"""How a work order ends besides approval: cancelled with its parent, and the handling clock a return restarts;
and how a parent reads its work orders' clocks. On both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import T0
from tests.integration.test_work_orders import dispatch, labour_case, running, town  # noqa: F401  (fixture)
from disputeflow.workflow.runtime import runtime_of


def clock_rows(eng, number) -> list[tuple]:
    with runtime_of(eng).db.connect() as c:
        return c.execute(text("SELECT k.name, k.stopped_at FROM clocks k JOIN cases c ON c.id = k.case_id "
                              "WHERE c.number = :n ORDER BY k.id"), {"n": number}).all()


def test_withdrawing_a_parent_cancels_its_open_work_orders_in_the_same_event(town):
    eng = town
    n = labour_case(eng)
    signed, pending = dispatch(eng, n), dispatch(eng, n, to="zrzy")
    eng.act(signed, "sign", "rss1")
    done = dispatch(eng, n)
    eng.act(done, "sign", "rss1")
    eng.act(done, "feedback", "rss1", result="已核实")
    eng.act(done, "approve", "med1")

    out = eng.act(n, "withdraw", "med1", reason="当事人自行和解")
    assert out.data["children_ended"] == [signed, pending]
    for w in (signed, pending):
        c = eng.case(w, "med1")
        assert (c["state"], c["state_label"]) == ("cancelled", "已撤销") and c["closed_at"]
        assert running(eng, w) == {}
        assert all(stopped is not None for _, stopped in clock_rows(eng, w))
        last = eng.history(w)[-1]
        assert (last["action"], last["actor"]) == ("cancel", "system")
        assert last["data"]["parent"] == n and last["data"]["parent_action"] == "withdraw"
        assert last["data"]["parent_state"] == "withdrawn"
    assert eng.case(done)["state"] == "done"  # an order already done stays done
    assert [h["action"] for h in eng.history(done)][-1] == "approve"
    assert eng.verify_audit()["problems"] == []
    eng.dispatch()
    told = [(m["event"], m["case_number"]) for m in eng.inbox("rss1")]
    (msg,) = [m for m in eng.inbox("rss1") if m["event"] == "cancel"]
    assert msg["title"].startswith("【交办撤销】") and f"所属案件 {n} 已撤回" in msg["body"]
    assert ("cancel", signed) in told and ("cancel", done) not in told
    assert ("cancel", pending) in [(m["event"], m["case_number"]) for m in eng.inbox("zr1")]
    assert [a["action"] for a in eng.actions(signed, "rss1")] == ["note"]


def test_a_case_without_work_orders_ends_as_before(town):
    n = labour_case(town)
    out = town.act(n, "withdraw", "med1", reason="撤回")
    assert "children_ended" not in out.data and town.case(n)["state"] == "withdrawn"


def test_the_cancel_is_the_engines_action_only(town):
    from disputeflow import InvalidAction, NotPermitted

    n = labour_case(town)
    w = dispatch(town, n)
    with pytest.raises((NotPermitted, InvalidAction)):
        town.act(w, "cancel", "med1", parent=n, parent_action="withdraw", parent_state="withdrawn")
    assert "cancel" not in [a["action"] for a in town.actions(w, "sup")]
    with pytest.raises(Exception):
        town.add_user("robot", "机器", "system", "t1")


def test_a_batch_that_ends_a_parent_cancels_its_orders(town):
    a, b = labour_case(town), labour_case(town)
    wa, wb = dispatch(town, a), dispatch(town, b)
    out = town.act_many([(wa, "sign", "rss1", {}), (a, "withdraw", "med1", {"reason": "和解"}),
                         (b, "note", "med1", {"text": "仍在办理"})])
    assert len(out) == 3 and out[1].data["children_ended"] == [wa]
    assert town.case(wa)["state"] == "cancelled" and running(town, wa) == {}
    assert [h["action"] for h in town.history(wa)] == ["dispatch", "sign", "cancel"]
    assert town.case(wb)["state"] == "pending"
    assert town.verify_audit()["problems"] == []


def test_a_return_keeps_the_due_the_dispatcher_set(town, clock):
    eng = town
    n = labour_case(eng)
    w = dispatch(eng, n, due="2026-03-06T17:00+08:00")
    eng.act(w, "sign", "rss1")
    eng.act(w, "feedback", "rss1", result="已核实")
    clock.advance(days=2)
    eng.act(w, "return", "med1", reason="未附凭证")
    assert running(eng, w)["order_handle"]["due_at"] == "2026-03-06T17:00:00+08:00"
    eng.act(w, "feedback", "rss1", result="附凭证")
    eng.act(w, "return", "med1", reason="凭证不清", due="2026-03-10T17:00+08:00")  # a new date replaces it
    assert running(eng, w)["order_handle"]["due_at"] == "2026-03-10T17:00:00+08:00"
    assert eng.case(w, "med1")["data"]["due"].startswith("2026-03-10T")


def test_a_return_without_a_set_due_restarts_from_the_policy(town, clock):
    eng = town
    n = labour_case(eng)
    w = dispatch(eng, n)
    eng.act(w, "sign", "rss1")
    first = running(eng, w)["order_handle"]["due_at"]
    eng.act(w, "feedback", "rss1", result="已核实")
    clock.advance(days=3)
    eng.act(w, "return", "med1", reason="未附凭证")
    again = running(eng, w)["order_handle"]
    assert again["due_at"] > first and again["started_at"].startswith("2026-03-06T09:00")
    assert again["due_at"] == "2026-03-13T09:00:00+08:00"  # labour: seven days from the return


def test_a_parent_reads_its_work_orders_clocks_in_one_statement(town, monkeypatch):
    from disputeflow.cases import case_reads, child_reads

    eng = town
    n = labour_case(eng)
    orders = [dispatch(eng, n) for _ in range(4)]
    eng.act(orders[0], "sign", "rss1")
    calls: list[object] = []
    for module, name in ((case_reads, "clock_rows"), (child_reads, "clocks_of")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda conn, arg, real=real: calls.append(arg) or real(conn, arg))
    doc = eng.case(n, "med1")
    assert [len(o["deadlines"]) for o in doc["work_orders"]] == [2, 1, 1, 1]
    assert {k["clock"] for k in doc["work_orders"][0]["deadlines"]} == {"order_sign", "order_handle"}
    assert doc["work_orders"][0]["deadlines"][1]["status"] == "running"
    assert len(calls) == 2 and len(calls[1]) == 4  # the case's own clocks; then all its children's at once
