"""The city data set generator (bench/cityset.py): the ``quick`` shape built on a real database.

Checks what the benchmarks that read it rely on: the counts and the role mix, an intact audit
chain, an overdue case on the board that can be acted on, searchable names and phones, the
sample users' password, and that the engine's own upgrade finds nothing to do.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import make_db_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: ``bench`` is not installed

from bench import cityset  # noqa: E402
from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(request, tmp_path_factory):
    url, drop = make_db_url(request.param, tmp_path_factory.mktemp("cityset"))
    try:
        ds = cityset.build(url, cityset.SIZES["quick"])
        engine = Engine(ds.url, clock=FixedClock(ds.now))
        yield ds, engine
        engine.close()
    finally:
        drop()


def test_counts_and_roles(built):
    ds, engine = built
    shape = ds.shape
    c = ds.counts
    assert c["cases"] == shape.cases + c["work_orders"] and c["work_orders"] > 0
    assert c["parties"] == 2 * shape.cases
    assert c["users"] == shape.users
    kinds = Counter(u["kind"] for u in engine.units())
    assert (kinds["county"], kinds["town"], kinds["village"] + kinds["community"], kinds["grid"]) == (
        shape.counties, shape.towns, shape.villages, shape.grids)
    roles = Counter(u["role"] for u in engine.users())
    assert roles["grid_officer"] == shape.grids
    assert all(roles[r] > 0 for r in ("mediator", "supervisor", "lead_official", "office_staff", "admin"))
    for key in ("grid_officer", "mediator", "mediator_village", "mediator_town", "supervisor_town",
                "supervisor_county", "lead", "office_staff"):
        assert len(ds.logins[key]) >= 20, key
    assert ds.logins["admin"]
    # most old cases ended; some are open, some of those late, some escalated and a unit listed for a talk
    assert c["state:closed"] > shape.cases * 0.6
    assert c["open_overdue_clocks"] > 0 and c["escalations"] > 0
    assert cityset.read_marker(ds.url).counts == c  # what ensure() finds next time


def test_chain_board_and_action(built):
    ds, engine = built
    engine.init()  # the schema is the engine's: upgrading again changes nothing
    report = engine.verify_audit()
    assert report["problems"] == [] and report["events"] >= ds.counts["audit_events"]
    county = ds.logins["supervisor_county"][0]
    board = engine.overdue(as_of=ds.now, actor=county)
    assert board
    assert len(engine.town_board(as_of=ds.now, actor=county)["towns"]) == ds.shape.towns
    on_board = {i["number"] for i in board}
    assert set(ds.samples["overdue_numbers"][:20]) <= on_board  # the samples a load test opens as late cases
    late = next(i for i in board if "-交" not in i["number"])
    doc = engine.case(late["number"], actor=county)
    names = [p["name"] for p in doc["parties"]]
    assert len(names) == 2 and len(set(names)) == 2
    actor = doc["mediator"] or county
    out = engine.act(late["number"], "note", actor, text="已电话联系双方，约定本周内再次调解")
    assert out.version == doc["version"] + 1
    assert engine.verify_audit()["problems"] == []


def test_search_and_sign_in(built):
    ds, engine = built
    county = ds.logins["supervisor_county"][0]
    name, phone = ds.samples["names"][0], ds.samples["phones"][0]
    assert ds.samples["numbers"][0] in {c["number"] for c in engine.search_cases(county, q=name)["items"]}
    assert engine.search_cases(county, q=phone)["items"]
    user = ds.logins["mediator"][0]
    assert engine.authenticate(user, ds.password).id == user
