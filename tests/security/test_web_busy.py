"""A write held up by another writer's lock never freezes the server, and is refused as busy in time.

The server runs on a real uvicorn on loopback over a real SQLite file; another
connection holds the database's write lock (``BEGIN IMMEDIATE``) the way a long
import or a stuck process would. Meanwhile ``/healthz`` and the pages must
answer at once, and the blocked write must come back after the configured
budget as "系统繁忙，请稍后重试" (HTTP 503 with ``Retry-After``), not after the
driver's old 30 seconds. The same translation is checked on PostgreSQL (a row
lock past ``lock_timeout``) and on the command line (exit 1, one line).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager

import httpx
import pytest

from tests.conftest import build_town, cli_runner, make_db_url, report
from tests.web_support import CHEAP_HASHES, PASSWORD, LiveServer, csrf_of, login

BUSY_ZH = "系统繁忙，请稍后重试"
BUDGET = 3.0  # seconds: the configured wait for a lock in these tests


@contextmanager
def write_lock(path):
    """Another connection holding SQLite's write lock until the block ends."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def busy_live(tmp_path, clock, monkeypatch):
    from disputeflow.web.app import create_app
    from disputeflow import Engine
    from disputeflow.signin import credentials as auth
    from disputeflow.workflow.config import Config

    monkeypatch.setattr(auth, "HASH_PARAMS", CHEAP_HASHES)
    path = tmp_path / "cases.db"
    eng = Engine(Config(url=f"sqlite:///{path}", busy_timeout=BUDGET), clock=clock)
    eng.init()
    build_town(eng)
    for uid in ("med1", "sup"):
        eng.set_password(uid, PASSWORD)
    srv = LiveServer(create_app(eng, secret="test-secret"))
    srv.engine, srv.path = eng, path
    yield srv
    srv.stop()
    eng.close()


def timed(fn):
    start = time.monotonic()
    result = fn()
    return result, time.monotonic() - start


def answers_within_a_second(fetch, writer: threading.Thread):
    """``fetch`` answers in under a second while ``writer`` still waits for the lock.

    One second try on a slow answer (the machine may be busy): it too must come
    before the blocked write gives up, so a server frozen until then never passes.
    """
    for _ in range(2):
        assert writer.is_alive(), "the blocked write ended first: the server was frozen until it did"
        r, seconds = timed(fetch)
        if seconds < 1.0:
            return r
    raise AssertionError(f"{r.request.url} took {seconds:.2f} s while a write waited for the lock")


def test_a_blocked_form_post_leaves_health_and_pages_answering_and_ends_busy(busy_live):
    eng = busy_live.engine
    n = report(eng)
    med = login(busy_live, "med1")
    token = csrf_of(med.get(f"/cases/{n}").text)
    other = login(busy_live, "sup")
    api = httpx.Client(base_url=busy_live.url, timeout=30,
                       headers={"Authorization": "Bearer " + eng.create_token("t", "sup")["token"]})
    outcome = {}

    def blocked_post():
        outcome["response"], outcome["seconds"] = timed(
            lambda: med.post(f"/cases/{n}/act/note", data={"csrf": token, "text": "电话回访当事人"}))

    with write_lock(busy_live.path):
        writer = threading.Thread(target=blocked_post)
        writer.start()
        time.sleep(0.3)  # the post is now waiting for the lock
        assert writer.is_alive()
        for fetch in (lambda: httpx.get(busy_live.url + "/healthz", timeout=10),
                      lambda: other.get(f"/cases/{n}", timeout=10),
                      lambda: other.get("/", timeout=10),
                      lambda: api.get(f"/api/v1/cases/{n}", timeout=10)):
            r = answers_within_a_second(fetch, writer)
            assert r.status_code == 200, (r.request.url, r.status_code)
        writer.join(timeout=20)
        # while the lock is still held: the API's write is refused the same way
        r, seconds = timed(lambda: api.post(f"/api/v1/cases/{n}/actions/note", json={"data": {"text": "x"}}))
    assert not writer.is_alive()
    page, seconds_page = outcome["response"], outcome["seconds"]
    assert page.status_code == 503 and page.headers["retry-after"].isdigit()
    assert BUSY_ZH in page.text and page.headers["content-type"].startswith("text/html")
    assert BUDGET * 0.8 < seconds_page < BUDGET + 3
    assert r.status_code == 503 and r.headers["retry-after"].isdigit() and BUDGET * 0.8 < seconds < BUDGET + 3
    assert r.headers["content-type"].startswith("application/problem+json")
    doc = r.json()
    assert doc["status"] == 503 and doc["type"].endswith(":busy") and doc["detail"] == BUSY_ZH
    assert [e["action"] for e in eng.history(n)].count("note") == 0  # nothing half-written
    # the lock gone, the same form goes through
    r = med.post(f"/cases/{n}/act/note", data={"csrf": token, "text": "电话回访当事人"})
    assert r.status_code == 303 and [e["action"] for e in eng.history(n)].count("note") == 1


def test_sign_in_waiting_for_the_lock_does_not_hold_up_other_requests(busy_live):
    c = httpx.Client(base_url=busy_live.url, timeout=30)
    token = csrf_of(c.get("/login").text)
    outcome = {}

    def sign_in():  # a wrong password is written down (lock-out counter): a write
        outcome["r"] = c.post("/login", data={"csrf": token, "user_id": "med1", "password": "wrong-wrong"})

    with write_lock(busy_live.path):
        t = threading.Thread(target=sign_in)
        t.start()
        time.sleep(0.3)
        r = answers_within_a_second(lambda: httpx.get(busy_live.url + "/login", timeout=10), t)
        assert r.status_code == 200
        t.join(timeout=20)
    assert outcome["r"].status_code == 503 and BUSY_ZH in outcome["r"].text


def test_engine_raises_busy_after_the_budget_on_sqlite(tmp_path, clock):
    from disputeflow import Engine
    from disputeflow.workflow.config import Config
    from disputeflow.workflow.errors import Busy, DisputeflowError

    path = tmp_path / "cases.db"
    eng = Engine(Config(url=f"sqlite:///{path}", busy_timeout=0.5), clock=clock)
    eng.init()
    build_town(eng)
    n = report(eng)
    with write_lock(path):
        with pytest.raises(Busy) as caught:
            _, seconds = timed(lambda: eng.act(n, "note", "med1", text="x"))
        assert eng.case(n)["state"] == "reported"  # reads go on meanwhile
    assert isinstance(caught.value, DisputeflowError) and caught.value.exit_code == 1
    assert caught.value.message() == BUSY_ZH and caught.value.http_status == 503
    eng.act(n, "note", "med1", text="x")
    eng.close()


def test_engine_raises_busy_on_a_postgresql_row_lock(tmp_path, clock):
    import psycopg

    from disputeflow import Engine
    from disputeflow.workflow.config import Config
    from disputeflow.workflow.errors import Busy

    url, drop = make_db_url("postgresql", tmp_path)
    eng = Engine(Config(url=url, busy_timeout=0.5), clock=clock)
    try:
        eng.init()
        build_town(eng)
        n = report(eng)
        schema = url.rsplit("%3D", 1)[1]
        raw = url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]
        with psycopg.connect(raw, options=f"-csearch_path={schema}") as other:
            other.execute("SELECT id FROM cases WHERE number = %s FOR UPDATE", (n,))
            start = time.monotonic()
            with pytest.raises(Busy):
                eng.act(n, "note", "med1", text="x")
            assert time.monotonic() - start < 5
            other.rollback()
        eng.act(n, "note", "med1", text="x")
    finally:
        eng.close()
        drop()


def test_cli_reports_busy_in_one_line_with_exit_1(tmp_path, clock):
    from disputeflow import Engine

    path = tmp_path / "cases.db"
    eng = Engine(f"sqlite:///{path}", clock=clock)
    eng.init()
    build_town(eng)
    n = report(eng)
    eng.close()
    config = tmp_path / "disputeflow.toml"
    config.write_text("busy_timeout = 0.5\n", encoding="utf-8")
    run = cli_runner(f"sqlite:///{path}", tmp_path, DISPUTEFLOW_CONFIG=str(config))
    with write_lock(path):
        p, seconds = timed(lambda: run("--as", "med1", "case", "do", n, "note", "--set", "text=x", ok=False))
    assert p.returncode == 1 and p.stderr.strip() == "错误：" + BUSY_ZH, p.stderr
    assert seconds < 25 and "Traceback" not in p.stderr  # not the driver's old 30 s (start-up is slow on a busy host)
    run("--as", "med1", "case", "do", n, "note", "--set", "text=x")


def test_busy_timeout_is_checked_when_the_config_loads(tmp_path):
    from disputeflow.workflow.config import Config
    from disputeflow.workflow.errors import ConfigError

    config = tmp_path / "disputeflow.toml"
    for bad in ('"soon"', "0", "-1", "100000"):
        config.write_text(f"busy_timeout = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="busy_timeout"):
            Config.load(config)
    config.write_text("busy_timeout = 2\n", encoding="utf-8")
    assert Config.load(config).busy_timeout == 2
