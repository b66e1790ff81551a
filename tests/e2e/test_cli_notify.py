"""Notifications on the command line: dispatch, the inbox, the failed list and retry, template preview.

Driven through ``disputeflow.cli.main`` in this process (the same entry point the
console script calls, exit codes included) to keep the suite fast; the
process-level behaviour of the CLI is covered by ``test_cli.py``.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.conftest import T0, build_town, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path, monkeypatch, capsys):
    from disputeflow import Engine
    from disputeflow.cli import main
    from disputeflow.workflow.timesource import FixedClock

    url, drop = make_db_url(request.param, tmp_path)
    eng = Engine(url, clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    eng.close()
    monkeypatch.setenv("DISPUTEFLOW_DB", url)
    monkeypatch.setenv("DISPUTEFLOW_NOW", "2026-03-03T09:00+08:00")
    monkeypatch.delenv("DISPUTEFLOW_USER", raising=False)
    monkeypatch.delenv("DISPUTEFLOW_CONFIG", raising=False)

    def run(*args, ok=True):
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        if ok:
            assert code == 0, err
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    yield run
    drop()


def open_case(cli):
    p = cli("--as", "go", "--json", "case", "open", "--title", "宅基地纠纷", "--category", "neighbour",
            "--unit", "v1-g1", "--party", "张三:applicant:13812348000", "--party", "李四:respondent")
    return json.loads(p.stdout)["number"]


def test_dispatch_then_read_the_inbox(cli):
    n = open_case(cli)
    assert [r["status"] for r in json.loads(cli("--json", "notify", "list").stdout)] == ["queued"]
    assert "分发 1 条通知" in cli("notify", "dispatch").stdout
    doc = json.loads(cli("--as", "med1", "--json", "inbox").stdout)
    assert doc["unread"] == 1 and doc["messages"][0]["case_number"] == n
    first = doc["messages"][0]
    assert first["title"] == f"【新登记】{n} 宅基地纠纷"
    assert "138****8000" in first["body"] and "13812348000" not in first["body"]
    human = cli("--as", "med1", "inbox", "--unread").stdout
    assert "未读 1 条" in human and n in human
    shown = cli("--as", "med1", "inbox", "show", str(first["id"])).stdout
    assert shown.startswith("【新登记】") and "调解员甲，您好" in shown
    assert json.loads(cli("--as", "med1", "--json", "inbox").stdout)["unread"] == 0
    en = json.loads(cli("--as", "med1", "--json", "--lang", "en", "inbox").stdout)
    assert en["messages"][0]["title"].startswith("[New case]")
    assert "标记 0 条" in cli("--as", "med1", "inbox", "read").stdout
    p = cli("inbox", ok=False)
    assert p.returncode == 2 and "--as" in p.stderr
    p = cli("--as", "med1", "inbox", "show", "999", ok=False)
    assert p.returncode == 5 and "不存在" in p.stderr


def test_failed_deliveries_are_listed_and_retried_and_templates_previewed(cli, tmp_path):
    conf = tmp_path / "disputeflow.toml"
    conf.write_text('[notifications]\nmax_attempts = 1\n[notifications.channels.hook]\nkind = "webhook"\n'
                    'url = "http://127.0.0.1:9/down"\ntimeout = 2\n', encoding="utf-8")
    open_case(cli)
    res = json.loads(cli("--config", str(conf), "--json", "notify", "dispatch").stdout)
    assert res["dead"] == 1 and res["sent"] == 1
    failed = json.loads(cli("--config", str(conf), "--json", "notify", "list", "--failed").stdout)
    assert [(r["channel"], r["status"]) for r in failed] == [("hook", "dead")]
    human = cli("--config", str(conf), "notify", "list", "--failed").stdout
    assert "已放弃" in human and "hook" in human
    assert "重新排队" in cli("--config", str(conf), "notify", "retry", str(failed[0]["id"])).stdout
    assert json.loads(cli("--config", str(conf), "--json", "notify", "list", "--failed").stdout) == []
    p = cli("notify", "retry", "424242", ok=False)
    assert p.returncode == 5 and "不存在" in p.stderr
    out = cli("notify", "preview", "escalate.level3", "--kind", "short").stdout
    assert out.startswith("【红牌】") and "138****8000" in out
    out = cli("--lang", "en", "notify", "preview", "digest").stdout
    assert out.startswith("[Daily digest] 3 overdue items")
    assert cli("notify", "preview", "nonsense", ok=False).returncode == 2
