"""The command line as a user drives it: real processes, exit codes, Chinese lines, JSON documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)

    run("init")
    for args in (["unit", "add", "t1", "--name", "试点镇", "--kind", "town"],
                 ["unit", "add", "v1", "--name", "甲村", "--parent", "t1"],
                 ["user", "add", "go", "--name", "小王", "--role", "grid_officer", "--unit", "v1"],
                 ["user", "add", "med1", "--name", "老李", "--role", "mediator", "--unit", "v1"],
                 ["user", "add", "sup", "--name", "督办员", "--role", "supervisor"]):
        run(*args)
    yield run
    drop()


def open_case(cli):
    p = cli("--as", "go", "--json", "case", "open", "--title", "宅基地纠纷", "--category", "neighbour", "--unit", "v1",
            "--party", "张三:applicant:13812348000", "--party", "李四:respondent",
            "--set", "initiation=application", "--set", "request=确认宅基地界址")
    return json.loads(p.stdout)


def test_a_case_goes_from_report_to_closure_on_the_command_line(cli):
    doc = open_case(cli)
    n = doc["number"]
    assert doc["state"] == "reported" and doc["parties"][0]["phone"] == "138****8000"
    assert doc["data"]["initiation"] == "application" and doc["data"]["request"] == "确认宅基地界址"
    assert doc["deadlines"][0] == {**doc["deadlines"][0], "clock": "assess", "due_at": "2026-03-04T09:00:00+08:00",
                                   "status": "running"}
    cli("--as", "med1", "case", "do", n, "assess", "--set", "risk=low")
    cli("--as", "med1", "case", "do", n, "consent", "--set", "party=李四", "--set", "agrees=yes")
    p = cli("--as", "med1", "case", "do", n, "mediate", ok=False)  # not before 告知
    assert p.returncode == 2 and "权利义务告知" in p.stderr
    cli("--as", "med1", "case", "do", n, "inform", "--set", "informed_parties=张三、李四", "--set", "method=oral")
    cli("--as", "med1", "case", "do", n, "mediate", "--note", "双方同意调解")
    cli("--as", "med1", "case", "do", n, "resolve", "--set", "outcome=written_agreement", "--set", "agreement=让出三十厘米")
    cli("--as", "go", "case", "do", n, "follow_up", "--set", "method=visit", "--set", "satisfaction=satisfied",
        "--set", "performance=full")
    out = cli("--as", "sup", "case", "do", n, "close").stdout
    assert "已销号" in out
    shown = json.loads(cli("--as", "sup", "--json", "case", "show", n).stdout)
    for key in ("number", "state", "risk", "unit", "lead_official", "supervision", "deadlines"):
        assert key in shown
    assert shown["state"] == "closed"
    hist = cli("case", "history", n).stdout
    assert "登记" in hist and "销号" in hist
    assert "审计日志完好" in cli("audit", "verify").stdout


def test_exit_codes_and_one_line_errors(cli):
    n = open_case(cli)["number"]
    p = cli("--as", "sup", "case", "do", n, "close", ok=False)
    assert p.returncode == 2 and "可执行" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    p = cli("--as", "go", "case", "do", n, "assess", "--set", "risk=low", ok=False)
    assert p.returncode == 3 and "调解员" in p.stderr
    p = cli("--as", "med1", "case", "do", "试点-2026-999999", "assess", ok=False)
    assert p.returncode == 5
    p = cli("--as", "med1", "case", "do", n, "assess", "--set", "risk=huge", ok=False)
    assert p.returncode == 2 and "risk" in p.stderr and "Traceback" not in p.stderr
    p = cli("--as", "med1", "case", "do", n, "note", "--set", "text=旧版本", "--expect-version", "0", ok=False)
    assert p.returncode == 4
    p = cli("--as", "go", "case", "open", "--title", "x", "--category", "quarrel", "--unit", "v1", ok=False)
    assert p.returncode == 2 and "category" in p.stderr and "parties" in p.stderr
    p = cli("--as", "go", "case", "open", "--title", "x", "--category", "other", "--unit", "v1",
            "--party", "甲::123", ok=False)
    assert p.returncode == 2 and "电话" in p.stderr
    p = cli("--lang", "en", "--as", "go", "case", "do", n, "assess", "--set", "risk=low", ok=False)
    assert p.returncode == 3 and p.stderr.startswith("error:")
    p = cli("--now", "2026-03-03 09:00", "case", "list", ok=False)
    assert p.returncode == 2 and "时区" in p.stderr
    p = cli("user", "add", "x", "--name", "某", "--role", "boss", ok=False)
    assert p.returncode == 2 and "角色" in p.stderr
    p = cli("case", "frobnicate", ok=False)
    assert p.returncode == 2


def test_overdue_board_and_sweep(cli):
    n = open_case(cli)["number"]
    board = json.loads(cli("--json", "overdue", "--as-of", "2026-03-12T12:00+08:00").stdout)
    assert board[0]["number"] == n and board[0]["level"] == "level3"
    raised = json.loads(cli("--json", "--now", "2026-03-12T12:00+08:00", "sweep").stdout)
    assert [r["step"] for r in raised["raised"]] == ["warning", "level1", "level2", "level3"]
    again = json.loads(cli("--json", "--now", "2026-03-12T12:01+08:00", "sweep").stdout)
    assert again["count"] == 0 or all(r["clock"] == "supervision" for r in again["raised"])
    assert "红牌" in cli("overdue", "--as-of", "2026-03-12T12:00+08:00").stdout


def test_workflow_show_and_diagram(cli):
    out = cli("workflow", "show").stdout
    assert "跟踪回访" in out and "挂牌督办" in out
    diagram = cli("workflow", "diagram", "--format", "mermaid").stdout
    assert "\nstateDiagram-v2\n" in diagram and "following_up --> closed: 销号" in diagram
    dot = cli("workflow", "diagram", "--format", "dot").stdout
    assert dot.startswith("digraph") and 'following_up -> closed [label="销号"]' in dot


def test_help_is_in_chinese(cli):
    out = cli("--help").stdout
    assert "矛盾纠纷" in out and "案件" in out


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "disputeflow.cli", *args], capture_output=True, text=True, timeout=120)


def test_a_broken_policy_file_is_refused_at_start_with_its_line(tmp_path):
    policy = tmp_path / "policy.toml"
    text = (Path(__file__).resolve().parents[2] / "workflow" / "policy.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    section = next(i for i, l in enumerate(lines) if l.startswith("[clocks.resolve]"))
    bad = next(i for i, l in enumerate(lines) if i > section and l.startswith("default ="))  # after its source
    lines[bad] = 'default = { amount = 30, unit = "weeks" }'
    policy.write_text("\n".join(lines), encoding="utf-8")
    cfg = tmp_path / "disputeflow.toml"
    cfg.write_text(f'policy = "{policy}"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert _cli("--db", db, "init").returncode == 0  # only init creates the database
    r = _cli("--db", db, "--config", str(cfg), "sweep")
    assert r.returncode == 2, r.stderr
    assert f"第 {bad + 1} 行" in r.stderr and "weeks" in r.stderr and "Traceback" not in r.stderr
    lines[bad] = 'default = { amount = 30, unit = "calendar_days" }'
    policy.write_text("\n".join(l for l in lines if not l.startswith("[clocks.control]") and "24, unit" not in l
                                and "24 小时内落实稳控" not in l),  # the section, its duration and its source
                      encoding="utf-8")
    r = _cli("--db", db, "--config", str(cfg), "sweep")
    assert r.returncode == 2 and "control" in r.stderr, r.stderr
