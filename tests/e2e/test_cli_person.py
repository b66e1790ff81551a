"""``disputeflow person`` as users drive it: real processes, exit codes, masking by role, audited reads."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)

    from tests.conftest import build_town
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    # the town is set up through the facade (the CLI for it is tested elsewhere); the key-person commands below
    # run as real processes
    eng = Engine(url, clock=FixedClock(datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)))
    eng.init()
    build_town(eng)
    eng.add_user("go2", "网格员小赵", "grid_officer", "v1-g1")
    run.number = eng.report("go", title="宅基地纠纷", category="neighbour", unit="v1-g1",
                            parties=[{"name": "张三", "role": "applicant"}]).number
    run.engine = eng
    yield run
    eng.close()
    drop()


def test_register_read_by_role_contact_and_release_on_the_command_line(cli):
    number = cli.number
    out = json.loads(cli("--as", "go", "--json", "person", "add", "--name", "王大锤", "--case", number, "--risk",
                         "critical", "--grid-officer", "go", "--lead", "lead", "--threat", "扬言报复",
                         "--phone", "13700001111").stdout)
    pid = str(out["id"])
    assert cli.engine.case(number)["risk"] == "high"

    # who sees what: the officer and the supervisor in full, others in the jurisdiction masked, outsiders refused
    for who in ("go", "sup"):
        doc = json.loads(cli("--as", who, "--json", "person", "show", pid).stdout)
        assert doc["name"] == "王大锤" and doc["reasons"]["threat"] == "扬言报复"
    doc = json.loads(cli("--as", "med1", "--json", "person", "show", pid).stdout)
    assert doc["name"] == "王**" and "reasons" not in doc and "phone" not in doc
    human = cli("--as", "go2", "person", "show", pid).stdout
    assert "王大锤" not in human and "13700001111" not in human and "详细信息已隐藏" in human
    p = cli("--as", "med2", "person", "show", pid, ok=False)
    assert p.returncode == 3 and "管辖范围" in p.stderr
    assert cli("--as", "sup", "person", "show", "999", ok=False).returncode == 5
    assert "王**" in cli("--as", "med1", "person", "list").stdout
    assert "王大锤" in cli("--as", "go", "person", "list").stdout

    # the officer's day: two duties due, a visit meets both
    due = json.loads(cli("--as", "go", "--json", "person", "due").stdout)
    assert {(d["duty"], d["status"]) for d in due} == {("contact", "due"), ("report", "due")}
    assert cli("--as", "go2", "person", "contact", pid, "--method", "visit", ok=False).returncode == 3
    assert cli("--as", "go", "person", "contact", pid, "--method", "walk", ok=False).returncode == 2
    msg = cli("--as", "go", "person", "contact", pid, "--method", "visit", "--state", "情绪激动", "--alarming",
              now="2026-03-03T15:00+08:00").stdout
    assert "见面稳控" in msg and "包案领导" in msg
    assert {d["status"] for d in cli.engine.contacts_due("go")} == {"met"}

    # release: supervisor only, with a reason, once the case is resolved
    assert cli("--as", "lead", "person", "release", pid, "--reason", "已化解", ok=False).returncode == 3
    p = cli("--as", "sup", "person", "release", pid, "--reason", "已化解", ok=False)
    assert p.returncode == 2 and number in p.stderr
    cli.engine.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc))
    cli.engine.act(number, "withdraw", "med1", reason="双方和解")
    cli("--as", "sup", "person", "release", pid, "--reason", "双方和解，情绪稳定", now="2026-03-03T17:30+08:00")
    assert cli.engine.person(int(pid), "sup")["status"] == "released"

    rate = json.loads(cli("--as", "sup", "--json", "person", "rate", "--unit", "t1", "--start", "2026-03-01",
                          "--end", "2026-04-01", now="2026-03-10T09:00+08:00").stdout)
    assert rate["under_control"] == 1 and rate["rate"] == 1.0
    verify = json.loads(cli("--json", "person", "verify").stdout)
    assert verify["problems"] == [] and verify["events"] >= 12  # every read above is on the chain


def test_a_person_registered_without_a_case_on_the_command_line(cli):
    p = cli("--as", "go", "--json", "person", "add", "--name", "赵某", "--type", "community_correction", "--risk",
            "high", "--grid-officer", "go", "--lead", "lead", ok=False)
    assert p.returncode == 2 and "须填写所在村（社区）或网格" in p.stderr  # no case and no unit: refused
    out = json.loads(cli("--as", "go", "--json", "person", "add", "--name", "赵某", "--type", "community_correction",
                         "--risk", "high", "--grid-officer", "go", "--lead", "lead", "--unit", "v1-g1",
                         "--stabilise-unit", "v1", "--resolve-unit", "justice", "--keeper-county", "sup",
                         "--keeper-town", "lead", "--keeper-village", "med1").stdout)
    assert out["cases"] == [] and out["person_type"] == "community_correction"
    assert out["keepers"] == {"county": "sup", "town": "lead", "village": "med1"}
    assert (out["stabilise_unit"], out["resolve_unit"]) == ("v1", "justice")
    doc = json.loads(cli("--as", "go", "--json", "person", "show", str(out["id"])).stdout)
    assert doc["cases"] == [] and doc["person_type_label"] == "社区矫正对象"
    human = cli("--as", "go", "person", "show", str(out["id"])).stdout
    assert "社区矫正对象" in human and "化解责任单位：justice" in human and "村级 med1" in human
    due = json.loads(cli("--as", "go", "--json", "person", "due").stdout)
    assert {d["duty"] for d in due if d["person_id"] == out["id"]} == {"contact", "report"}
    p = cli("--as", "go", "person", "add", "--name", "赵某", "--type", "alien", "--risk", "high", "--grid-officer",
            "go", "--lead", "lead", "--unit", "v1", ok=False)
    assert p.returncode == 2


def test_missed_days_show_on_the_board_after_the_cases_and_alone(cli):
    pid = cli.engine.add_person("go", name="王大锤", cases=[cli.number], risk="critical", grid_officer="go",
                                lead_official="lead")["id"]
    later = "2026-03-07T21:30+08:00"
    cli("sweep", now=later)
    got = json.loads(cli("--as", "sup", "--json", "overdue", "--key-persons", now=later).stdout)
    assert got["label"] == "重点人员漏报/漏访" and got["total"] == 1
    row = got["items"][0]
    assert row["person_id"] == pid and row["person"] == "王**" and len(row["days_missed"]) == 4
    text = cli("--as", "sup", "overdue", now=later).stdout
    assert "重点人员漏报/漏访：1 人" in text and "王**" in text and "王大锤" not in text
    assert "03-03、03-04、03-05、03-06" in text
    cli.engine.add_unit("t2", "邻镇", "town")
    cli.engine.add_user("sup-t2", "邻镇督办员", "supervisor", "t2")
    assert json.loads(cli("--as", "sup-t2", "--json", "overdue", "--key-persons", now=later).stdout)["total"] == 0
