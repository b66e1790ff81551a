"""An embedding system adds an effect of its own and a definition that names it, without editing the engine."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest

from tests.conftest import build_town, report
from disputeflow import ConfigError, Engine, definition_from_dict, register_effect


def _grassroots_doc() -> dict:
    text = (resources.files("disputeflow.workflow") / "definitions" / "grassroots.toml").read_text(encoding="utf-8")
    return copy.deepcopy(tomllib.loads(text))


def _with_hearing(doc: dict, effect: str) -> dict:
    doc["version"] = 9
    doc["actions"].append({
        "name": "hearing", "label_zh": "听证", "label_en": "hearing", "roles": ["mediator"],
        "sources": ["reported", "assessed"], "effects": [effect],
        "fields": {"venue": {"type": "text", "required": True, "label_zh": "地点", "label_en": "venue"}},
    })
    return doc


def test_an_unregistered_effect_is_refused_when_the_definition_loads():
    with pytest.raises(ConfigError) as e:
        definition_from_dict(_with_hearing(_grassroots_doc(), "no_such_effect"))
    assert "动作 hearing 的效果 no_such_effect 未注册" in e.value.zh
    assert "unregistered effect no_such_effect" in e.value.en


def test_an_embedders_effect_runs_through_engine_act(db_url, clock):
    @register_effect("count_hearings")
    def count_hearings(change):
        """Count hearings in the case's document and record the venue in the audit event."""
        change.data["hearings"] = change.data.get("hearings", 0) + 1
        change.audit["hearing_no"] = change.data["hearings"]

    definition = definition_from_dict(_with_hearing(_grassroots_doc(), "count_hearings"))
    engine = Engine(db_url, clock=clock, definitions=[definition])
    try:
        engine.init()
        build_town(engine)
        n = report(engine)
        assert engine.case(n, "med1")["definition_version"] == 9
        first = engine.act(n, "hearing", "med1", venue="村委会")
        second = engine.act(n, "hearing", "med1", venue="司法所")
        assert (first.data["hearing_no"], second.data["hearing_no"]) == (1, 2)
        assert engine.case(n, "med1")["data"]["hearings"] == 2
        assert engine.verify_audit()["problems"] == []
    finally:
        engine.close()
