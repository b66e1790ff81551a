"""A host keeps the engine's units and users in step with its own lists, through the public API only."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from disputeflow import Engine, FixedClock, InvalidAction, NotFound, NotPermitted, ValidationError

T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)

UNITS = [  # deliberately children before parents: the host's list comes in any order
    {"id": "v1", "name": "甲村", "kind": "village", "parent": "t1"},
    {"id": "v2", "name": "乙村", "kind": "village", "parent": "t2"},
    {"id": "t1", "name": "东镇", "kind": "town", "parent": "c1"},
    {"id": "t2", "name": "西镇", "kind": "town", "parent": "c1"},
    {"id": "c1", "name": "某县", "kind": "county"},
]
USERS = [
    {"id": "go1", "name": "网格员甲", "role": "grid_officer", "unit": "v1", "phone": "13800000001"},
    {"id": "med1", "name": "调解员甲", "role": "mediator", "unit": "v1"},
    {"id": "med-t1", "name": "东镇调解员", "role": "mediator", "unit": "t1"},
    {"id": "med-t2", "name": "西镇调解员", "role": "mediator", "unit": "t2"},
    {"id": "sup", "name": "督办员", "role": "supervisor", "unit": "c1", "email": "sup@example.org"},
]
PARTIES = [{"name": "张三", "role": "applicant", "phone": "13812348000"}, {"name": "李四", "role": "respondent"}]


@pytest.fixture
def engine(db_url):  # db_url: a fresh SQLite file, and a fresh PostgreSQL schema when configured (conftest)
    eng = Engine(db_url, clock=FixedClock(T0))
    eng.init()
    yield eng
    eng.close()


def _synced(engine):
    assert engine.sync_units(UNITS) == {"created": 5, "updated": 0, "unchanged": 0, "deactivated": 0}
    assert engine.sync_users(USERS) == {"created": 5, "updated": 0, "unchanged": 0, "deactivated": 0}


def _report(engine) -> str:
    return engine.report("go1", title="宅基地边界纠纷", category="neighbour", unit="v1", parties=PARTIES,
                         source="grid").number


def test_second_sync_changes_nothing_and_a_rename_is_one_update(engine):
    _synced(engine)
    assert engine.sync_units(UNITS) == {"created": 0, "updated": 0, "unchanged": 5, "deactivated": 0}
    assert engine.sync_users(USERS) == {"created": 0, "updated": 0, "unchanged": 5, "deactivated": 0}

    renamed = [dict(u, name="甲村（新）") if u["id"] == "v1" else u for u in UNITS]
    assert engine.sync_units(renamed) == {"created": 0, "updated": 1, "unchanged": 4, "deactivated": 0}
    assert {u["id"]: u["name"] for u in engine.units()}["v1"] == "甲村（新）"
    unit, changed = engine.save_unit("v1", "甲村（新）", "village")
    assert not changed and unit["path"] == "/c1/t1/v1/"

    people = [dict(u, name="调解员甲（改）") if u["id"] == "med1" else u for u in USERS]
    assert engine.sync_users(people)["updated"] == 1
    assert {u["id"]: u["name"] for u in engine.users()}["med1"] == "调解员甲（改）"
    user, changed = engine.save_user("med1", "调解员甲（改）", "mediator", "v1")
    assert not changed and user["active"]


def test_deactivate_missing_and_a_bad_row_saves_nothing(engine):
    _synced(engine)
    counts = engine.sync_users([u for u in USERS if u["id"] != "med-t2"], deactivate_missing=True)
    assert counts == {"created": 0, "updated": 0, "unchanged": 4, "deactivated": 1}
    assert {u["id"]: u["active"] for u in engine.users()}["med-t2"] is False
    with pytest.raises(ValidationError) as err:
        engine.sync_users([dict(USERS[0], name="改了"), {"id": "x1", "name": "某人", "role": "wizard", "unit": "v1"}])
    assert "x1.role" in err.value.zh
    assert {u["id"]: u["name"] for u in engine.users()}["go1"] == "网格员甲"  # the good row was not saved either


def test_moved_village_takes_its_cases_to_the_new_town(engine):
    _synced(engine)
    number = _report(engine)
    assert number in [c["number"] for c in engine.list_cases("med-t1")]
    assert number not in [c["number"] for c in engine.list_cases("med-t2")]

    moved = engine.move_unit("v1", "t2")
    assert moved["path"] == "/c1/t2/v1/" and moved["moved"]["cases"] == 1 and moved["moved"]["users"] == 2
    assert number in [c["number"] for c in engine.list_cases("med-t2")]
    assert number not in [c["number"] for c in engine.list_cases("med-t1")]
    assert engine.case(number, "med-t2")["number"] == number
    assert engine.verify_audit()["problems"] == []  # the history records the unit, not its path
    engine.act(number, "assign", "med-t2", mediator="med1")  # the village's own mediator moved along
    assert engine.case(number, "med1")["mediator"] == "med1"
    # the village's next case is numbered by its new town; the old number stays as it was
    second = _report(engine)
    assert second.split("-")[0] != number.split("-")[0]

    with pytest.raises(ValidationError) as err:
        engine.move_unit("t2", "v1")  # under its own subtree
    assert "下级单位" in err.value.zh
    # the sync's parent is authoritative: the host's list still says t1, so the village goes back
    assert engine.sync_units(UNITS)["updated"] == 1
    assert number in [c["number"] for c in engine.list_cases("med-t1")]


def test_deactivated_user_cannot_act_or_be_assigned(engine):
    _synced(engine)
    number = _report(engine)
    engine.act(number, "assign", "sup", mediator="med1")
    out = engine.deactivate_user("med1")
    assert out["changed"] and out["held"] == [number]
    with pytest.raises(NotPermitted):
        engine.act(number, "assess", "med1", risk="low")
    with pytest.raises(ValidationError) as err:
        engine.act(number, "assign", "sup", mediator="med1")
    assert "已停用" in err.value.zh and "med1" in err.value.zh
    assert engine.deactivate_user("med1")["changed"] is False
    assert [h["action"] for h in engine.history(number, "sup")][-1] == "assign"  # history kept
    engine.save_user("med1", "调解员甲", "mediator", "v1")  # saved again: active again
    engine.act(number, "assign", "sup", mediator="med1")


def test_deactivated_unit_takes_no_new_cases_or_users(engine):
    _synced(engine)
    number = _report(engine)
    with pytest.raises(InvalidAction) as err:
        engine.deactivate_unit("v1")
    assert number in err.value.zh and "force" in err.value.zh
    with pytest.raises(InvalidAction):
        engine.deactivate_unit("t1")  # an active child
    with pytest.raises(NotFound):
        engine.deactivate_unit("nowhere")
    assert engine.deactivate_unit("v1", force=True)["changed"]
    with pytest.raises(ValidationError) as err:
        _report(engine)
    assert "已停用" in err.value.zh
    with pytest.raises(ValidationError):
        engine.save_user("new1", "新人", "mediator", "v1")
    assert engine.case(number, "med-t1")["number"] == number  # its cases stay readable
    assert {u["id"]: u["active"] for u in engine.units()}["v1"] is False


@pytest.mark.parametrize("rows", [
    [{"id": ["v9"], "name": "甲", "kind": "village"}],
    [{"id": "v9", "name": "甲", "kind": "village", "parent": ["t1"]}],
    [{"id": "v9", "name": "甲", "kind": "hamlet"}],
    [{"id": "v9", "name": "甲", "kind": "village"}, {"id": "v9", "name": "乙", "kind": "village"}],
    ["v9"],
])
def test_bad_unit_rows_are_refused_with_a_typed_error(engine, rows):
    with pytest.raises(ValidationError):
        engine.sync_units(rows)
    assert engine.units() == []


@pytest.mark.parametrize("row", [{"active": "no"}, {"unit": None}, {"unit": "nowhere"}, {"role": None},
                                 {"lang": "x" * 20}, {"phone": "12"}])
def test_bad_user_rows_are_refused_with_a_typed_error(engine, row):
    _synced(engine)
    with pytest.raises(ValidationError):
        engine.sync_users([{**USERS[0], "id": "new1", **row}])
    assert "new1" not in {u["id"] for u in engine.users()}
