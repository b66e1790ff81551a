"""Helpers for the web tests: the app on a real uvicorn server on loopback, and signed-in clients.

Each test gets its own database (the ``engine`` fixture) and its own server on
a free port; clients are ``httpx`` clients that keep cookies like a browser.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

PASSWORD = "correct-horse-9"


@pytest.fixture
def sqlite_url(tmp_path):
    """The web layer's own tests run on SQLite; the engine tests cover both databases,
    and a few web tests (test_web_pg.py) repeat the essentials on PostgreSQL."""
    return f"sqlite:///{tmp_path / 'cases.db'}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving ``app`` in a thread, stopped by :meth:`stop`."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        for _ in range(500):  # bounded wait for the socket to listen
            if self.server.started:
                return
            time.sleep(0.01)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


CHEAP_HASHES = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture
def live(engine, monkeypatch):
    """The app over the test engine on a live server; every test user has PASSWORD.

    argon2 runs with cheap parameters here: the tests check the sign-in logic, not its cost.
    """
    from disputeflow.web.app import create_app
    from disputeflow.signin import credentials as auth

    monkeypatch.setattr(auth, "HASH_PARAMS", CHEAP_HASHES)
    for uid in ("go", "med1", "med2", "med-j", "lead", "sup", "admin"):
        engine.set_password(uid, PASSWORD)
    srv = LiveServer(create_app(engine, secret="test-secret"))
    srv.engine = engine
    yield srv
    srv.stop()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def client(live: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live.url, follow_redirects=False, timeout=30)


def login(live: LiveServer, user: str, password: str = PASSWORD) -> httpx.Client:
    c = client(live)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "user_id": user, "password": password, "next": "/"})
    assert r.status_code == 303, r.text
    return c


def post_form(c: httpx.Client, page: str, action: str, data: dict, csrf: str | None = None) -> httpx.Response:
    """Post a form the way a browser would after loading ``page`` (its CSRF token included)."""
    token = csrf if csrf is not None else csrf_of(c.get(page).text)
    return c.post(action, data={"csrf": token, **data})


class Serve:
    """``disputeflow serve`` as a separate process on loopback, with a fixed clock."""

    def __init__(self, db: str, now, cwd: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DISPUTEFLOW_DB": db}
        env.pop("DISPUTEFLOW_NOW", None)
        self.log = open(cwd / f"serve-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "disputeflow.cli", "--now", now.isoformat(), "serve", "--port", str(self.port),
             "--secret", "e2e-secret", "--sweep-seconds", "3600", *extra],
            env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT)
        import httpx

        for _ in range(300):  # bounded wait: at most about 30 s
            if self.proc.poll() is not None:
                raise RuntimeError((cwd / f"serve-{self.port}.log").read_text())
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("serve did not answer")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
