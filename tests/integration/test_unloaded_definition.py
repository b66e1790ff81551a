"""A case whose definition this engine does not load breaks only its own operations.

Cases are opened under a custom definition by one engine; an engine that does
not load that definition then opens the same database. The case's own calls
raise DefinitionNotLoaded naming the workflow and version; the board, the lists
and the sweep go on, showing it marked or leaving its clocks alone, and log why.
"""

from __future__ import annotations

import copy
import logging
import tomllib
from datetime import timedelta
from importlib import resources

import pytest

from disputeflow import ConfigError, DefinitionNotLoaded, Engine, definition_from_dict
from tests.conftest import T0, build_town, report


def _county_definition():
    text = (resources.files("disputeflow.workflow") / "definitions" / "grassroots.toml").read_text(encoding="utf-8")
    doc = copy.deepcopy(tomllib.loads(text))
    doc["name"], doc["version"] = "county_x", 3
    return definition_from_dict(doc)


@pytest.fixture
def two_cases(db_url, clock):
    """The database after an engine that loads ``county_x`` v3 opened one case under it and one grassroots case."""
    a = Engine(db_url, clock=clock, definitions=[_county_definition()])
    try:
        a.init()
        build_town(a)
        plain = report(a)
        custom = report(a, definition="county_x", title="县里的案件")
    finally:
        a.close()
    return db_url, plain, custom


def test_only_the_unloaded_cases_own_calls_fail(two_cases, clock):
    url, plain, custom = two_cases
    b = Engine(url, clock=clock)
    try:
        for call in (lambda: b.case(custom, "sup"), lambda: b.history(custom, "sup"),
                     lambda: b.actions(custom, "med1"), lambda: b.act(custom, "assess", "med1", risk="low")):
            with pytest.raises(DefinitionNotLoaded) as e:
                call()
            err = e.value
            assert isinstance(err, ConfigError) and (err.name, err.version) == ("county_x", 3)
            assert "county_x" in err.zh and "版本 3" in err.zh and "未加载" in err.zh
            assert "county_x version 3 is not loaded" in err.en and "register_definition" in err.en
        assert b.case(plain, "sup")["number"] == plain
        b.act(plain, "assess", "med1", risk="low")
    finally:
        b.close()


def test_lists_and_the_board_show_it_marked(two_cases, clock, caplog):
    url, plain, custom = two_cases
    later = T0 + timedelta(days=30)
    b = Engine(url, clock=clock)
    try:
        with caplog.at_level(logging.WARNING):
            listed = {c["number"]: c for c in b.list_cases("sup")}
            board = {r["number"]: r for r in b.overdue(later, actor="sup")}
            work = {r["number"]: r for r in b.my_work("med1")["items"]}
        for rows in (listed, board, work):
            assert plain in rows and custom in rows
            assert "未加载" in rows[custom]["state_label"] and "county_x" in rows[custom]["state_label"]
            assert "未加载" not in rows[plain]["state_label"]
        assert any("county_x" in r.getMessage() and "not loaded" in r.getMessage() for r in caplog.records)
        en = {c["number"]: c for c in b.list_cases("sup", lang="en")}
        assert "workflow county_x version 3 not loaded" in en[custom]["state_label"]
    finally:
        b.close()


def test_the_sweep_leaves_its_clocks_to_an_engine_that_loads_it(two_cases, clock, caplog):
    url, plain, custom = two_cases
    later = T0 + timedelta(days=30)
    b = Engine(url, clock=clock)
    try:
        with caplog.at_level(logging.WARNING):
            raised = b.sweep(later)
        numbers = {r["number"] for r in raised}
        assert plain in numbers and custom not in numbers
        assert any("county_x" in r.getMessage() and "sweep" in r.getMessage() for r in caplog.records)
    finally:
        b.close()
    a = Engine(url, clock=clock, definitions=[_county_definition()])
    try:
        assert {r["number"] for r in a.sweep(later)} == {custom}  # raised once, by an engine that loads it
        assert a.case(custom, "sup")["definition"] == "county_x"
    finally:
        a.close()
