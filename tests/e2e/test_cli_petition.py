"""Petitions (信访事项) from the command line: switched on by the configuration file alone."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    config = tmp_path / "disputeflow.toml"
    config.write_text('definitions = ["petition"]\n', encoding="utf-8")
    run = cli_runner(url, tmp_path, now="2026-03-09T09:00+08:00", DISPUTEFLOW_CONFIG=str(config))

    run("init")
    for args in (["unit", "add", "qx", "--name", "青溪镇", "--kind", "town"],
                 ["unit", "add", "hs", "--name", "河山村", "--kind", "village", "--parent", "qx"],
                 ["unit", "add", "zr", "--name", "镇自然资源所", "--kind", "office", "--parent", "qx"],
                 ["user", "add", "xf", "--name", "信访登记员", "--role", "petition_clerk", "--unit", "qx"],
                 ["user", "add", "cb", "--name", "承办人", "--role", "petition_handler", "--unit", "zr"],
                 ["user", "add", "fz", "--name", "所长", "--role", "office_head", "--unit", "zr"]):
        run(*args)
    yield run
    drop()


def test_petition_from_the_cli(cli):
    p = cli("--json", "--as", "xf", "case", "open", "--workflow", "petition", "--title", "宅基地确权争议",
            "--category", "申诉求决类", "--unit", "hs", "--party", "赵大爷:applicant:13812345678",
            "--description", "宅基地被邻户占用", "--source", "visit")
    number = json.loads(p.stdout)["number"]
    assert json.loads(p.stdout)["state"] == "registered"
    cli("--as", "xf", "case", "do", number, "assign", "--set", "responsible_unit=zr", "--set", "handler=cb")
    cli("--as", "cb", "case", "do", number, "accept", "--set", "notice=已受理", now="2026-03-12T10:00+08:00")
    doc = json.loads(cli("--json", "--as", "cb", "case", "show", number).stdout)
    handle = next(d for d in doc["deadlines"] if d["clock"] == "petition_handle")
    assert handle["due_at"] == "2026-05-12T00:00:00+08:00"
    denied = cli("--as", "cb", "case", "do", number, "extend", "--set", "clock=petition_handle",
                 "--set", "until=2026-06-01T00:00+08:00", "--set", "reason=情况复杂", ok=False)
    assert denied.returncode == 3 and "机关负责人" in denied.stderr
    too_far = cli("--as", "fz", "case", "do", number, "extend", "--set", "clock=办理时限",
                  "--set", "until=2026-06-12T00:00+08:00", "--set", "reason=情况复杂", ok=False)
    assert too_far.returncode == 2 and "延期超出政策上限" in too_far.stderr
    cli("--as", "fz", "case", "do", number, "extend", "--set", "clock=办理时限",
        "--set", "until=2026-06-10T17:00+08:00", "--set", "reason=情况复杂，需现场测量")
    again = cli("--as", "fz", "case", "do", number, "extend", "--set", "clock=办理时限",
                "--set", "until=2026-06-10T18:00+08:00", "--set", "reason=再延", ok=False)
    assert again.returncode == 2 and "已延期过一次" in again.stderr


def test_workflow_show_and_diagram(cli):
    shown = json.loads(cli("--json", "workflow", "show", "--name", "petition").stdout)
    assert [s["name"] for s in shown["states"]] == ["registered", "handling", "replied", "reviewing", "reviewed",
                                                    "rechecking", "closed", "not_accepted", "concluded"]
    assert [s["name"] for s in shown["states"] if s["terminal"]] == ["closed", "not_accepted", "concluded"]
    text = cli("workflow", "show", "--name", "petition").stdout
    assert "信访事项" in text and "机关负责人" in text
    diagram = cli("workflow", "diagram", "--name", "petition").stdout
    assert "registered --> handling: 受理" in diagram and "rechecking --> concluded: 复核答复（终结）" in diagram
