"""``disputeflow screening …`` and ``disputeflow report filing`` as a user drives them, with ``--json``."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cli(request, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("cli")
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)
    from datetime import datetime, timezone

    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    eng = Engine(url, clock=FixedClock(datetime(2026, 3, 1, 1, tzinfo=timezone.utc)))
    eng.init()
    eng.add_unit("t1", "试点镇", "town")
    eng.add_unit("v1", "甲村", "village", "t1")
    eng.add_unit("v2", "乙村", "village", "t1")
    eng.add_user("go", "小王", "grid_officer", "v1")
    eng.add_user("med1", "老李", "mediator", "v1")
    eng.add_user("sup", "督办员", "supervisor", "t1")
    known = eng.report("go", title="宅基地纠纷", category="neighbour", unit="v1",
                       parties=["张三:applicant:13812348000", "李四:respondent"]).number
    eng.close()
    run.cwd = tmp_path
    run.known = known
    yield run
    drop()


def js(p) -> object:
    return json.loads(p.stdout)


def test_record_list_due_file_and_filing(cli):
    now = "2026-03-10T10:00+08:00"
    got = js(cli("--as", "med1", "--json", "screening", "record", "--unit", "v1", "--date", "2026-03-10",
                 "--participant", "老李", "--participant", "小王", "--coverage", "一组 30 户", "--households", "30",
                 "--case", cli.known, "--new", "排水沟堵塞纠纷:neighbour:王五", now=now))
    assert got["cases"][0] == cli.known and len(got["opened"]) == 1 and got["duties_met"] == 0
    rows = js(cli("--as", "sup", "--json", "screening", "list", "--from", "2026-03-01", now=now))
    assert [len(r["cases"]) for r in rows] == [2] and rows[0]["households"] == 30
    due = js(cli("--as", "sup", "--json", "screening", "due", now=now))
    owed = {(d["unit"], d["round_held"], d["report_filed"]) for d in due}
    assert ("v1", True, False) in owed and ("v2", False, False) in owed
    rep = js(cli("--as", "med1", "--json", "screening", "file", "--unit", "v1", now=now))
    assert (rep["found"], rep["nil"], rep["on_time"]) == (2, False, True)
    p = cli("--as", "med1", "screening", "file", "--unit", "v1", now=now, ok=False)
    assert p.returncode == 4
    p = cli("--as", "sup", "screening", "file", "--unit", "v2", now=now, ok=False)
    assert p.returncode == 2 and "没有排查记录" in p.stderr
    sens = js(cli("--as", "sup", "--json", "screening", "sensitive", "--name", "清明", "--from", "2026-04-04",
                  "--to", "2026-04-06", "--unit", "v2", now=now))
    assert sens["units"] == ["v2"]
    doc = js(cli("--as", "sup", "--json", "report", "filing", "--from", "2026-03-01", "--to", "2026-03-31",
                 now="2026-04-02T10:00+08:00"))
    units = {u["unit"]: u for u in doc["units"]}
    assert (units["v1"]["reports_due"], units["v1"]["reports_on_time"]) == (2, 1)
    assert (units["v2"]["reports_due"], units["v2"]["reports_filed"]) == (2, 0)
    assert doc["total"]["on_time_rate"] == round(1 / 4, 4)  # the town's March report is due 04-04: not yet
