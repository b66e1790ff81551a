"""``disputeflow serve --workers N``: refused without a shared secret; with one, every worker honours a sign-in.

Real processes: the CLI, uvicorn's worker processes, an SQLite file, HTTP on loopback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import build_town, cli_runner
from tests.web_support import PASSWORD, csrf_of, free_port


@pytest.fixture
def town_file(tmp_path, monkeypatch):
    from disputeflow import Engine

    monkeypatch.delenv("DISPUTEFLOW_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    eng = Engine(url)
    eng.init()
    build_town(eng)
    eng.set_password("med1", PASSWORD)
    eng.close()
    return url


@pytest.mark.parametrize("lang, said", [("zh_CN", "同一密钥"), ("en", "same key")])
def test_several_workers_without_a_secret_are_refused(town_file, tmp_path, lang, said):
    run = cli_runner(town_file, tmp_path)
    p = run("--lang", lang, "serve", "--workers", "2", "--port", str(free_port()), ok=False)
    assert p.returncode == 2 and said in p.stderr
    assert "--secret" in p.stderr and "DISPUTEFLOW_SECRET" in p.stderr and "[web] secret" in p.stderr
    assert "Traceback" not in p.stderr


def test_a_bad_secret_in_the_config_file_is_refused(town_file, tmp_path):
    (tmp_path / "df.toml").write_text("[web]\nsecret = 42\n", encoding="utf-8")
    p = cli_runner(town_file, tmp_path)("--config", "df.toml", "serve", "--workers", "2", ok=False)
    assert p.returncode == 2 and "[web] secret" in p.stderr


def _fresh(url: str, cookie: str | None = None) -> httpx.Response:
    """One request on a connection of its own: the kernel may hand it to any worker."""
    with httpx.Client(base_url=url, timeout=30, cookies={"df_session": cookie} if cookie else None) as c:
        return c.get("/")


def test_two_workers_with_the_config_secret_share_sign_ins_and_one_leads(town_file, tmp_path):
    (tmp_path / "df.toml").write_text('[web]\nsecret = "workers-share-this-key"\n', encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DISPUTEFLOW_DB": town_file}
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "disputeflow.cli", "--config", "df.toml", "--now",
                             "2026-03-03T09:00+08:00", "serve", "--workers", "2", "--port", str(port)],
                            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        leaders: set[bool] = set()
        for _ in range(600):  # bounded: until both workers have answered (one leads, the other stands by)
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                with httpx.Client(timeout=5) as h:
                    leaders.add(h.get(url + "/healthz").json()["scheduler"]["leader"])
            except httpx.HTTPError:
                pass
            if leaders == {True, False}:
                break
            time.sleep(0.05)
        assert leaders == {True, False}
        with httpx.Client(base_url=url, timeout=30) as c:
            token = csrf_of(c.get("/login").text)
            assert c.post("/login", data={"csrf": token, "user_id": "med1", "password": PASSWORD}).status_code == 303
            cookie = c.cookies.get("df_session")
        # a cookie one worker signed is good on either: a worker with a key of its own would refuse half
        assert [_fresh(url, cookie).status_code for _ in range(16)] == [200] * 16
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
