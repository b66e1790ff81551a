"""The web's command line: ``user passwd``, ``token create|list|revoke`` and ``serve`` as real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import time

import httpx
import pytest

from tests.conftest import T0, build_town
from tests.web_support import Serve
from disputeflow.workflow.runtime import runtime_of


@pytest.fixture
def town(tmp_path):
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    url = f"sqlite:///{tmp_path / 'town.db'}"
    eng = Engine(url, clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    yield url, eng
    eng.close()


def run(url, tmp_path, *args, stdin: str | None = None):
    env = {**os.environ, "DISPUTEFLOW_DB": url}
    return subprocess.run([sys.executable, "-m", "disputeflow.cli", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, input=stdin, timeout=120)


def test_user_passwd_sets_an_argon2_hash(town, tmp_path):
    url, eng = town
    p = run(url, tmp_path, "user", "passwd", "med1", "--password-stdin", stdin="a-long-password\n")
    assert p.returncode == 0, p.stderr
    assert "已设置 med1 的密码" in p.stdout
    with runtime_of(eng).store.read() as tx:
        stored = tx.query("SELECT password_hash FROM user_passwords WHERE user_id = 'med1'")[0][0]
    assert stored.startswith("$argon2") and "a-long-password" not in stored
    assert eng.authenticate("med1", "a-long-password").id == "med1"
    short = run(url, tmp_path, "user", "passwd", "med1", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "密码至少 8 个字符" in short.stderr
    missing = run(url, tmp_path, "user", "passwd", "nobody", "--password-stdin", stdin="a-long-password\n")
    assert missing.returncode == 5


def test_token_create_list_revoke(town, tmp_path):
    url, eng = town
    p = run(url, tmp_path, "--json", "token", "create", "12345热线", "--user", "sup", "--unit", "v2")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["token"].startswith("dfk_") and doc["unit"] == "v2"
    assert eng.token_actor(doc["token"]).unit_path == "/t1/v2/"
    listed = run(url, tmp_path, "token", "list")
    assert "12345热线" in listed.stdout and doc["token"] not in listed.stdout and doc["prefix"] in listed.stdout
    assert run(url, tmp_path, "token", "revoke", str(doc["id"])).returncode == 0
    assert run(url, tmp_path, "token", "revoke", str(doc["id"])).returncode == 5
    bad = run(url, tmp_path, "token", "create", "越权", "--user", "med2", "--unit", "v1")
    assert bad.returncode == 2 and "管辖范围" in bad.stderr


def test_serve_answers_on_loopback_with_the_scheduler_alive(town, tmp_path):
    url, eng = town
    srv = Serve(url, T0, tmp_path)
    try:
        for _ in range(100):  # bounded: the first leader try runs as the scheduler starts
            health = httpx.get(srv.url + "/healthz").json()
            if health["scheduler"]["leader"]:
                break
            time.sleep(0.1)
        # alone on its database, it leads (it is the one that sweeps)
        assert health["ok"] and health["scheduler"] == {"enabled": True, "alive": True, "leader": True}
        login = httpx.get(srv.url + "/login")
        assert login.status_code == 200 and "登录" in login.text
        assert httpx.get(srv.url + "/api/v1/openapi.json").json()["info"]["title"] == "disputeflow API"
    finally:
        srv.stop()
    # SIGTERM ends it cleanly: uvicorn finishes the lifespan (stopping the scheduler), then
    # re-raises the signal so the exit status says what ended it.
    assert srv.proc.returncode in (0, -signal.SIGTERM)
    log = (tmp_path / f"serve-{srv.port}.log").read_text()
    assert "Traceback" not in log and "工作台地址" in log


def test_serve_without_scheduler_reports_it_disabled(town, tmp_path):
    url, _ = town
    srv = Serve(url, T0, tmp_path, "--no-scheduler")
    try:
        health = httpx.get(srv.url + "/api/v1/health").json()
        assert health["scheduler"] == {"enabled": False, "alive": False, "leader": False} and health["ok"]
    finally:
        srv.stop()
