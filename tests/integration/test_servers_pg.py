"""Several servers, one PostgreSQL database: two real ``disputeflow serve`` processes on two ports.

They share a throw-away schema and a session secret. A sign-in on one is good on
the other and a sign-out on either ends it on both. The leader is killed
(SIGKILL) in the middle of a sweep with many cases due, holding a claimed batch
in an open transaction (:mod:`tests.integration.gated_serve`); the other takes
the leader lock and finishes the sweep, and no case gets a step, an audit event
or a notification twice. Waits are bounded polls, never timing assertions.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from disputeflow import Engine
from disputeflow.workflow.runtime import runtime_of
from tests.conftest import PG_URL, build_town, make_db_url, report
from tests.web_support import CHEAP_HASHES, PASSWORD, csrf_of, free_port

pytestmark = pytest.mark.skipif(not PG_URL, reason="DISPUTEFLOW_TEST_PG is not set: the several-servers test "
                                                   "needs PostgreSQL")

GATED = Path(__file__).with_name("gated_serve.py")
NOW = "2026-04-30T09:00+08:00"  # every case reported on 2026-03-03 has four steps due by then
CASES = 60


class Server:
    def __init__(self, url: str, cwd: Path, name: str, **env_extra: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = cwd / f"{name}.log"
        self.log = open(self.log_path, "w")
        env = {**os.environ, "DISPUTEFLOW_DB": url, "DISPUTEFLOW_SECRET": "one-secret-for-every-host",
               "PYTHONPATH": str(Path(__file__).parents[2]), **env_extra}
        env.pop("DISPUTEFLOW_NOW", None)
        self.proc = subprocess.Popen([sys.executable, str(GATED), "--config", "df.toml", "--now", NOW, "serve",
                                      "--port", str(self.port), "--sweep-seconds", "3600"],
                                     env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT)

    def health(self) -> dict | None:
        assert self.proc.poll() is None, self.log_path.read_text()
        try:
            return httpx.get(self.base + "/healthz", timeout=5).json()
        except httpx.HTTPError:
            return None

    def wait(self, leader: bool) -> None:
        for _ in range(600):  # bounded: about a minute
            doc = self.health()
            if doc and doc["scheduler"]["leader"] is leader:
                return
            time.sleep(0.1)
        raise AssertionError(f"{self.base} never reported leader={leader}: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def counts(engine) -> dict:
    with runtime_of(engine).db.connect() as c:
        total, distinct = c.execute(text(
            "SELECT count(*), count(DISTINCT clock_id || '/' || step) FROM escalations")).one()
        audits = c.execute(text("SELECT count(*) FROM audit_events WHERE action = 'escalate'")).scalar()
        sent = c.execute(text("SELECT count(*) FROM outbox WHERE event LIKE 'escalate.%'")).scalar()
        twice = c.execute(text("SELECT count(*) FROM (SELECT case_id, data FROM audit_events WHERE action = "
                               "'escalate' GROUP BY case_id, data HAVING count(*) > 1) d")).scalar()
    return {"total": total, "distinct": distinct, "audits": audits, "sent": sent, "twice": twice}


@pytest.fixture
def town(tmp_path, clock, monkeypatch):
    from disputeflow.signin import credentials as auth

    monkeypatch.setattr(auth, "HASH_PARAMS", CHEAP_HASHES)
    url, drop = make_db_url("postgresql", tmp_path)
    eng = Engine(url, clock=clock)
    eng.init()
    build_town(eng)
    eng.set_password("med1", PASSWORD)
    numbers = [report(eng, title=f"纠纷{i}") for i in range(CASES)]
    (tmp_path / "df.toml").write_text("[scheduler]\nleader_seconds = 0.5\n", encoding="utf-8")
    yield url, eng, numbers
    eng.close()
    drop()


def _sign_in(base: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30)
    token = csrf_of(c.get("/login").text)
    assert c.post("/login", data={"csrf": token, "user_id": "med1", "password": PASSWORD}).status_code == 303
    return c


def test_two_servers_share_sessions_and_the_survivor_finishes_the_sweep_once(town, tmp_path):
    url, eng, numbers = town
    (tmp_path / "gate").mkdir()
    first = Server(url, tmp_path, "first", DF_GATE_DIR=str(tmp_path / "gate"), DF_GATE_BATCH="10")
    second = None
    try:
        first.wait(leader=True)  # alone, it leads; its sweep commits one batch and holds the second
        second = Server(url, tmp_path, "second")
        second.wait(leader=False)

        # a session begun on one server is good on the other; a sign-out on the other ends it on both
        on_first = _sign_in(first.base)
        on_second = httpx.Client(base_url=second.base, timeout=30)
        on_second.cookies.set("df_session", on_first.cookies.get("df_session"))
        assert on_first.get("/").status_code == 200 and on_second.get("/").status_code == 200
        page = on_second.get("/")
        assert on_second.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
        assert on_first.get("/").status_code == 303
        assert eng.live_sessions("med1") == 0

        for _ in range(600):  # bounded: until the leader is mid-sweep, a claimed batch in an open transaction
            if (tmp_path / "gate" / "held").exists():
                break
            time.sleep(0.1)
        assert (tmp_path / "gate" / "held").exists(), first.log_path.read_text()
        before = counts(eng)
        want = len(numbers) * 4
        assert 0 < before["total"] < want  # mid-sweep: one batch in, many cases still due
        assert second.health()["scheduler"]["leader"] is False  # the lock is still the first's

        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
        second.wait(leader=True)  # its connection gone, the lock is free: the second takes it and sweeps
        for _ in range(1200):  # bounded: about two minutes
            if counts(eng)["total"] >= want:
                break
            time.sleep(0.1)
        after = counts(eng)
        assert after == {"total": want, "distinct": want, "audits": want, "sent": want, "twice": 0}
        assert eng.verify_audit()["problems"] == []
    finally:
        first.stop()
        if second is not None:
            second.stop()
