"""Engine.act_many: the same checks and writes as act, a shared transaction per batch."""

from __future__ import annotations

import pytest

from tests.conftest import report
from disputeflow.workflow.errors import InvalidAction, NotPermitted, ValidationError
from disputeflow.workflow.runtime import runtime_of


def test_bulk_gives_what_one_by_one_gives(engine):
    a, b = report(engine), report(engine)
    items = [(a, "assess", "med1", {"risk": "low"}),
             (b, "assess", "med1", {"risk": "medium", "note": "研判会"}),
             (a, "inform", "med1", {"informed_parties": "张三、李四", "method": "oral"}),
             (a, "mediate", "med1", {}),  # sees the assess and the 告知 before it, in the same transaction
             (a, "note", "med1", {"text": "已约双方"})]
    outcomes = engine.act_many(items, batch=3)
    assert [o.to_state for o in outcomes] == ["assessed", "assessed", "assessed", "mediating", "mediating"]
    assert [o.number for o in outcomes] == [a, b, a, a, a]
    assert engine.case(a)["state"] == "mediating"
    assert [e["action"] for e in engine.history(a)] == ["report", "assess", "inform", "mediate", "note"]
    assert engine.history(b)[-1]["data"]["note"] == "研判会"
    clocks = {d["clock"]: d["status"] for d in engine.case(a)["deadlines"]}
    assert "resolve" in clocks
    assert engine.verify_audit()["problems"] == []


def test_a_failing_item_rolls_back_its_batch_only(engine):
    numbers = [report(engine) for _ in range(5)]
    items = [(n, "assess", "med1", {"risk": "low"}) for n in numbers]
    items[3] = (numbers[3], "close", "med1", {})  # not allowed from reported
    with pytest.raises(InvalidAction) as info:
        engine.act_many(items, batch=2)
    assert info.value.index == 3
    assert info.value.number == numbers[3]
    assert info.value.committed == 2
    states = [engine.case(n)["state"] for n in numbers]
    assert states == ["assessed", "assessed", "reported", "reported", "reported"]
    assert len(engine.history(numbers[2])) == 1  # its batch-mate was rolled back with it
    assert engine.verify_audit()["problems"] == []


def test_permission_is_checked_per_item(engine):
    n = report(engine)
    with pytest.raises(NotPermitted) as info:
        engine.act_many([(n, "note", "med1", {"text": "甲"}), (n, "assess", "go", {"risk": "low"})])
    assert info.value.index == 1 and info.value.committed == 0
    assert len(engine.history(n)) == 1


def test_bad_items_are_refused_before_anything_is_written(engine):
    n = report(engine)
    with pytest.raises(ValidationError):
        engine.act_many([(n, "note")])
    with pytest.raises(ValidationError):
        engine.act_many([(n, "note", "med1", {"text": "甲"})], batch=0)
    assert len(engine.history(n)) == 1


def test_listeners_hear_each_item_after_its_batch_commits(engine):
    heard = []
    engine.on("note", lambda o: heard.append((o.number, len(engine.history(o.number)))))
    n = report(engine)
    engine.act_many([(n, "note", "med1", {"text": str(i)}) for i in range(3)], batch=2)
    assert [h[0] for h in heard] == [n, n, n]
    assert all(h[1] >= 3 for h in heard)  # the batch was already stored when the listener ran


def _clocks(engine, number):
    with runtime_of(engine).store.read() as tx:
        return tx.query("SELECT k.name, k.status, k.started_at, k.due_at, k.warn_at, k.extended, k.level, "
                        "k.next_step, k.next_at, k.stopped_at FROM clocks k JOIN cases c ON c.id = k.case_id "
                        "WHERE c.number = :n ORDER BY k.id", {"n": number})


def test_clocks_started_extended_and_stopped_within_one_batch_match_one_by_one(engine):
    # Within a batch a clock may be started, extended and stopped before it was ever
    # written: the batch keeps each case's running clocks as its items leave them.
    steps = [("assess", "med1", {"risk": "low"}),
             ("inform", "med1", {"informed_parties": "张三、李四", "method": "oral"}),
             ("mediate", "med1", {}),
             ("supervise", "sup", {"level": "town", "authority": "镇综治中心", "deadline": "2026-03-20T17:00+08:00"}),
             ("extend", "sup", {"clock": "supervision", "until": "2026-03-27T17:00+08:00", "reason": "需要协调"}),
             ("extend", "sup", {"clock": "resolve", "until": "2026-04-10T17:00+08:00", "reason": "鉴定"}),
             ("supervise", "sup", {"level": "county", "authority": "县综治中心", "deadline": "2026-03-25T17:00+08:00"}),
             ("refer", "med1", {"to": "court"})]
    # different people, so that the second is not a repeat of the first dispute (which would raise its risk floor)
    one = report(engine)
    many = report(engine, parties=[{"name": "王五", "role": "applicant", "phone": "13700001111"},
                                   {"name": "赵六", "role": "respondent"}])
    for action, who, fields in steps:
        engine.act(one, action, who, **fields)
    outcomes = engine.act_many([(many, action, who, fields) for action, who, fields in steps])
    assert [o.to_state for o in outcomes][-1] == "referred"
    assert _clocks(engine, many) == _clocks(engine, one)
    # the referral each opened is numbered after its own parent
    same = lambda e: (e["action"], {**e["data"], "spawned": e["data"]["spawned"].replace(one, many)}  # noqa: E731
                      if "spawned" in e["data"] else e["data"])
    # after the report itself (its parties differ), event by event the same
    assert [(e["action"], e["data"]) for e in engine.history(many)][1:] == [same(e) for e in engine.history(one)][1:]
    assert [o.data for o in outcomes] == [e["data"] for e in engine.history(many)[1:]]
    assert engine.verify_audit()["problems"] == []
