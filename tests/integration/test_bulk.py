"""Engine.act_many: the same checks and writes as act, a shared transaction per batch."""

from __future__ import annotations

import pytest

from tests.conftest import report
from workflow.errors import InvalidAction, NotPermitted, ValidationError


def test_bulk_gives_what_one_by_one_gives(engine):
    a, b = report(engine), report(engine)
    items = [(a, "assess", "med1", {"risk": "low"}),
             (b, "assess", "med1", {"risk": "medium", "note": "研判会"}),
             (a, "mediate", "med1", {}),  # sees the assess before it, in the same transaction
             (a, "note", "med1", {"text": "已约双方"})]
    outcomes = engine.act_many(items, batch=3)
    assert [o.to_state for o in outcomes] == ["assessed", "assessed", "mediating", "mediating"]
    assert [o.number for o in outcomes] == [a, b, a, a]
    assert engine.case(a)["state"] == "mediating"
    assert [e["action"] for e in engine.history(a)] == ["report", "assess", "mediate", "note"]
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
