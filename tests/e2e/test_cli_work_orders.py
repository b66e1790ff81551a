"""Work orders from the command line: route by category, dispatch, sign for, report back, read as JSON."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)
    run("init")
    for args in (["unit", "add", "sr", "--name", "双乳镇", "--kind", "town"],
                 ["unit", "add", "cun", "--name", "东村", "--kind", "village", "--parent", "sr"],
                 ["unit", "add", "rss", "--name", "人社所", "--kind", "office", "--parent", "sr", "--handles", "labour"],
                 ["unit", "add", "sfs", "--name", "司法所", "--kind", "office", "--parent", "sr",
                  "--handles", "neighbour,marriage_family"],
                 ["user", "add", "m1", "--name", "调解员", "--role", "mediator", "--unit", "cun"],
                 ["user", "add", "r1", "--name", "人社所小李", "--role", "office_staff", "--unit", "rss"],
                 ["user", "add", "s1", "--name", "司法所小周", "--role", "office_staff", "--unit", "sfs"]):
        run(*args)
    yield run
    drop()


def test_dispatch_from_the_cli_and_read_the_work_order_back(cli):
    p = cli("--json", "--as", "m1", "case", "open", "--title", "工地欠薪", "--category", "labour", "--unit", "cun",
            "--party", "王师傅:applicant:13712345678")
    number = json.loads(p.stdout)["number"]
    assert number == "双乳-2026-000001"
    offices = json.loads(cli("--json", "unit", "list").stdout)
    assert {u["id"]: u["handles"] for u in offices}["sfs"] == ["neighbour", "marriage_family"]
    done = json.loads(cli("--json", "--as", "m1", "case", "do", number, "dispatch", "--set", "to=rss",
                          "--set", "request=核实欠薪金额").stdout)
    order = f"{number}-交1"
    assert done["work_order"] == order
    shown = json.loads(cli("--json", "--as", "m1", "case", "show", number).stdout)
    (w,) = shown["work_orders"]
    assert (w["number"], w["to"], w["state"]) == (order, "rss", "pending")
    assert [(d["clock"], d["due_at"]) for d in w["deadlines"]] == [("order_sign", "2026-03-04T09:00:00+08:00")]
    cli("--as", "r1", "case", "do", order, "sign")
    cli("--as", "r1", "case", "do", order, "feedback", "--set", "result=已督促支付")
    child = json.loads(cli("--json", "--as", "r1", "case", "show", order).stdout)
    assert child["parent"] == number and child["state"] == "reported_back"
    text = cli("--as", "m1", "case", "show", number).stdout
    assert order in text and "人社所" in text and "已反馈" in text
    denied = cli("--as", "s1", "case", "show", order, ok=False)
    assert denied.returncode == 3
    refused = cli("--as", "m1", "case", "do", number, "dispatch", "--set", "to=cun", "--set", "request=x", ok=False)
    assert refused.returncode == 2
    bad = cli("unit", "add", "x", "--name", "某所", "--kind", "office", "--parent", "sr", "--handles", "astrology",
              ok=False)
    assert bad.returncode == 2 and "astrology" in bad.stderr
