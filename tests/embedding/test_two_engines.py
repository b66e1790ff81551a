"""Two engines in one process, each with its own workflows, rules and masking: neither changes the other.

Written as an embedding application would be, against the public API only.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from disputeflow import (
    ConfigError,
    Engine,
    FixedClock,
    ValidationError,
    builtin_definition,
    definition_from_dict,
    register_guard,
)

CALLER_PHONE = "13812348000"
PARTIES = [{"name": "张三", "role": "applicant", "phone": CALLER_PHONE}]
NOW = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)


def desk_definition(name: str = "county_desk", *, guards: tuple[str, ...] = (), effects: tuple[str, ...] = ()) -> dict:
    """A small workflow of the host's own: a ``handler`` role that does NOT see personal data."""
    return {
        "name": name, "version": 1, "label_zh": "县级办件", "label_en": "county desk", "initial": "open",
        "roles": {"handler": {"label_zh": "承办人", "label_en": "handler", "personal_data": False}},
        "vocab": {"category": {"complaint": ["投诉", "complaint"]},
                  "party_role": {"applicant": ["申请人", "applicant"]}},
        "states": [{"name": "open", "label_zh": "办理中", "label_en": "open"},
                   {"name": "done", "label_zh": "已办结", "label_en": "done", "terminal": True}],
        "intake": {"name": "open_item", "label_zh": "登记", "label_en": "register", "roles": ["handler"],
                   "fields": {"title": {"type": "text", "label_zh": "标题", "required": True},
                              "category": {"type": "choice", "label_zh": "类别", "vocab": "category",
                                           "required": True},
                              "unit": {"type": "unit", "label_zh": "属地", "required": True},
                              "parties": {"type": "parties", "label_zh": "当事人", "required": True}}},
        "actions": [{"name": "finish", "label_zh": "办结", "label_en": "finish", "sources": ["open"], "dest": "done",
                     "roles": ["handler"], "guards": list(guards), "effects": list(effects)},
                    {"name": "remark", "label_zh": "备注", "label_en": "remark", "sources": ["open"],
                     "roles": ["handler"], "effects": list(effects)}],
    }


def town(engine: Engine, *, handler: str = "h1") -> None:
    engine.init()
    engine.add_unit("t1", "试点镇", "town")
    engine.add_unit("v1", "甲村", "village", "t1")
    engine.add_user("go", "网格员", "grid_officer", "v1")
    engine.add_user(handler, "承办人", "handler", "t1")


@pytest.fixture
def two_files(tmp_path):
    return f"sqlite:///{tmp_path / 'grassroots.db'}", f"sqlite:///{tmp_path / 'hotline.db'}"


def test_a_role_the_hotline_unmasks_stays_masked_in_a_grassroots_engine(two_files):
    url_a, url_b = two_files
    grassroots = Engine(url_a, clock=FixedClock(NOW), definitions=[definition_from_dict(desk_definition())])
    town(grassroots)
    number = grassroots.report("go", title=f"邻里纠纷，电话 {CALLER_PHONE}", category="neighbour", unit="v1",
                               parties=PARTIES, source="grid").number
    masked_before = grassroots.case(number, "h1")["parties"][0]["phone"]
    # a second engine in the same process, whose hotline workflow lets its ``handler`` see contacts
    hotline = Engine(url_b, clock=FixedClock(NOW), definitions=[builtin_definition("hotline")])
    try:
        hotline.init()
        hotline.add_unit("bj", "滨江街道", "town")
        hotline.add_unit("cf", "春风社区", "community", "bj")
        hotline.add_user("ct", "话务员", "call_taker", "bj")
        hotline.add_user("h2", "承办人", "handler", "bj")
        order = hotline.report("ct", definition="hotline", title="占道经营", category="complaint", unit="cf",
                               parties=PARTIES, description="北门早市占道", source="hotline").number
        assert hotline.case(order, "h2")["parties"][0]["phone"] == CALLER_PHONE  # unmasked where it is declared
        seen = grassroots.case(number, "h1")
        assert masked_before != CALLER_PHONE and "*" in masked_before
        assert seen["parties"][0]["phone"] == masked_before  # still masked after the hotline engine loaded
        assert CALLER_PHONE not in seen["title"]
        assert CALLER_PHONE not in grassroots.list_cases("h1")[0]["title"]
        assert grassroots.case(number, "go")["parties"][0]["phone"] != CALLER_PHONE
    finally:
        hotline.close()
        grassroots.close()


def _refuse_without_reason(case, data):
    from disputeflow import Refusal

    if not case.data.get("reason_given"):
        return Refusal("reason", "须先说明理由", "give a reason first")
    return None


def test_a_guard_registered_on_one_engine_is_unknown_to_another(two_files):
    url_a, url_b = two_files
    a = Engine(url_a, clock=FixedClock(NOW))
    b = Engine(url_b, clock=FixedClock(NOW))
    try:
        a.register_guard("reason_given_ng", _refuse_without_reason)
        assert "reason_given_ng" in a.rule_names().guards
        assert "reason_given_ng" not in b.rule_names().guards
        doc = desk_definition(guards=("reason_given_ng",))
        with pytest.raises(ConfigError) as e:
            definition_from_dict(doc)  # the process default does not know it
        assert "reason_given_ng" in e.value.zh and "reason_given_ng" in e.value.en
        definition = definition_from_dict(doc, known=a.rule_names())
        a.register_definition(definition)
        town(a)
        number = a.report("h1", definition="county_desk", title="办件", category="complaint", unit="v1",
                             parties=PARTIES).number
        with pytest.raises(ValidationError) as refused:
            a.act(number, "finish", "h1")
        assert refused.value.errors[0].field == "reason"
        with pytest.raises(ConfigError) as e:
            b.register_definition(definition)  # B's definition naming it is refused at load
        assert "reason_given_ng" in e.value.zh and "unregistered guard reason_given_ng" in e.value.en
        with pytest.raises(ConfigError):
            Engine(url_b, definitions=[definition])
    finally:
        a.close()
        b.close()


def test_an_effect_registered_on_one_engine_does_not_run_in_another(two_files):
    url_a, url_b = two_files
    ran: list[str] = []
    a = Engine(url_a, clock=FixedClock(NOW))
    b = Engine(url_b, clock=FixedClock(NOW))
    try:

        @a.register_effect("stamp_ng")
        def stamp_a(change):
            """Engine A's stamp."""
            ran.append("a")
            change.audit["stamped_by"] = "a"

        def stamp_b(change):
            """Engine B's stamp, under the same name."""
            ran.append("b")
            change.audit["stamped_by"] = "b"

        b.register_effect("stamp_ng", stamp_b)
        for engine in (a, b):
            engine.register_definition(definition_from_dict(desk_definition(effects=("stamp_ng",)),
                                                            known=engine.rule_names()))
            town(engine)
        na = a.report("h1", definition="county_desk", title="办件", category="complaint", unit="v1",
                             parties=PARTIES).number
        nb = b.report("h1", definition="county_desk", title="办件", category="complaint", unit="v1",
                             parties=PARTIES).number
        assert b.act(nb, "remark", "h1").data["stamped_by"] == "b"
        assert ran == ["b"]  # A's effect did not run in B
        assert a.act(na, "remark", "h1").data["stamped_by"] == "a"
        assert ran == ["b", "a"]
        c = Engine(url_b, clock=FixedClock(NOW))  # a third engine never saw either registration
        try:
            assert "stamp_ng" not in c.rule_names().effects
            with pytest.raises(ConfigError):
                c.register_definition(definition_from_dict(desk_definition(effects=("stamp_ng",)),
                                                           known=a.rule_names()))
        finally:
            c.close()
    finally:
        a.close()
        b.close()


def test_module_level_registration_still_reaches_engines_built_afterwards(two_files):
    url_a, _ = two_files
    before = Engine(url_a, clock=FixedClock(NOW))
    try:
        register_guard("process_wide_ng")(_refuse_without_reason)
        after = Engine(url_a, clock=FixedClock(NOW))
        try:
            assert "process_wide_ng" in after.rule_names().guards
            assert "process_wide_ng" not in before.rule_names().guards  # each engine copies at construction
            after.register_definition(definition_from_dict(desk_definition("other_desk",
                                                                           guards=("process_wide_ng",))))
        finally:
            after.close()
    finally:
        before.close()
