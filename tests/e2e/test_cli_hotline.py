"""12345 work orders from the command line: switched on by the configuration file alone."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    config = tmp_path / "disputeflow.toml"
    config.write_text('definitions = ["hotline"]\n', encoding="utf-8")
    run = cli_runner(url, tmp_path, now="2026-09-23T10:00+08:00", DISPUTEFLOW_CONFIG=str(config))

    run("init")
    for args in (["unit", "add", "bj", "--name", "滨江街道", "--kind", "town"],
                 ["unit", "add", "cf", "--name", "春风社区", "--kind", "community", "--parent", "bj"],
                 ["unit", "add", "cjb", "--name", "街道城建办", "--kind", "office", "--parent", "bj"],
                 ["user", "add", "ct", "--name", "话务员", "--role", "call_taker", "--unit", "bj"],
                 ["user", "add", "pd", "--name", "派单员", "--role", "dispatcher", "--unit", "bj"],
                 ["user", "add", "h1", "--name", "承办人", "--role", "handler", "--unit", "cjb"]):
        run(*args)
    yield run
    drop()


def test_hotline_order_from_the_cli(cli):
    p = cli("--json", "--as", "ct", "case", "open", "--workflow", "hotline", "--title", "路灯不亮",
            "--category", "求助", "--unit", "cf", "--party", "王女士:applicant:13712345678",
            "--description", "春风路3号路灯不亮", "--source", "hotline")
    number = json.loads(p.stdout)["number"]
    assert json.loads(p.stdout)["state"] == "accepted"
    cli("--as", "pd", "case", "do", number, "dispatch", "--set", "responsible_unit=cjb", "--set", "handler=h1",
        "--set", "tier=一般工单")
    doc = json.loads(cli("--json", "--as", "pd", "case", "show", number).stdout)
    handle = next(d for d in doc["deadlines"] if d["clock"] == "hotline_handle")
    assert handle["due_at"] == "2026-10-10T10:00:00+08:00"
    p = cli("--as", "h1", "case", "do", number, "return", "--set", "reason=不属本单位职责")
    assert "已受理" in p.stdout
    denied = cli("--as", "ct", "case", "do", number, "dispatch", "--set", "responsible_unit=cjb",
                 "--set", "tier=ordinary", ok=False)
    assert denied.returncode == 3 and "派单员" in denied.stderr
    shown = json.loads(cli("--json", "workflow", "show", "--name", "hotline").stdout)
    assert [s["name"] for s in shown["states"]] == ["accepted", "dispatched", "handling", "replied", "visited",
                                                    "closed"]
    bad_role = cli("user", "add", "x", "--name", "某人", "--role", "operator", "--unit", "bj", ok=False)
    assert bad_role.returncode == 2 and "dispatcher" in bad_role.stderr
