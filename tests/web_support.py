"""Helpers for the web tests: the app on a real uvicorn server on loopback, and signed-in clients.

Each test gets its own database (the ``engine`` fixture) and its own server on
a free port; clients are ``httpx`` clients that keep cookies like a browser.
"""

from __future__ import annotations

import re
import socket
import threading
import time

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
    from web.app import create_app
    from workflow import auth

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
