"""``disputeflow audit`` as an operator drives it: real processes, the key from the environment, exit codes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import cli_runner, make_db_url


@pytest.fixture
def key(tmp_path):
    run = cli_runner(f"sqlite:///{tmp_path / 'k.db'}", tmp_path)
    out = run("audit", "keygen").stdout.strip()
    assert len(out) == 64 and int(out, 16) >= 0
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def town(request, tmp_path, key):
    url, drop = make_db_url(request.param, tmp_path)
    signed = cli_runner(url, tmp_path, DISPUTEFLOW_AUDIT_KEY=key)
    signed("init")
    for args in (["unit", "add", "t1", "--name", "试点镇", "--kind", "town"],
                 ["unit", "add", "v1", "--name", "甲村", "--parent", "t1"],
                 ["user", "add", "go", "--name", "小王", "--role", "grid_officer", "--unit", "v1"],
                 ["user", "add", "med1", "--name", "老李", "--role", "mediator", "--unit", "v1"],
                 ["user", "add", "admin", "--name", "管理员", "--role", "admin"]):
        signed(*args)
    doc = json.loads(signed("--as", "go", "--json", "case", "open", "--title", "宅基地纠纷", "--category", "neighbour",
                            "--unit", "v1", "--party", "张三:applicant:13812348000").stdout)
    signed("--as", "med1", "case", "do", doc["number"], "assess", "--set", "risk=low")
    yield url, signed, cli_runner(url, tmp_path), doc["number"]
    drop()


def test_verify_exit_codes_intact_no_key_and_tampered(town):
    url, signed, bare, number = town
    ok = signed("--json", "audit", "verify")
    assert json.loads(ok.stdout)["status"] == "ok" and "签名均已校验" in signed("audit", "verify").stdout
    missing = bare("audit", "verify", ok=False)
    assert missing.returncode == 6 and "未配置审计密钥" in missing.stdout and "未发现问题" in missing.stdout
    db = create_engine(url)
    with db.begin() as c:
        c.execute(text("UPDATE cases SET risk = 'critical' WHERE number = :n"), {"n": number})
    db.dispose()
    tampered = signed("--lang", "en", "audit", "verify", ok=False)
    assert tampered.returncode == 1 and number in tampered.stdout and "risk" in tampered.stdout
    assert "Traceback" not in tampered.stderr


def test_resign_is_for_administrators_and_needs_the_key(town):
    url, signed, bare, number = town
    refused = signed("--as", "med1", "audit", "resign", ok=False)
    assert refused.returncode == 3 and "管理员" in refused.stderr
    no_key = bare("--as", "admin", "audit", "resign", ok=False)
    assert no_key.returncode != 0 and "DISPUTEFLOW_AUDIT_KEY" in no_key.stderr
    done = json.loads(signed("--as", "admin", "--json", "audit", "resign").stdout)
    assert done["refused"] == [] and done["chains"] == 0  # everything was signed already
