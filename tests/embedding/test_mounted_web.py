"""The web workspace mounted under ``/mediation`` inside a host's own application.

A host application (FastAPI, on a real uvicorn server on loopback) mounts
``create_app(engine)`` beside its own routes. Signing in, then following every
link, form action and static file of the home page, the board and a case page:
each address stays under ``/mediation`` and answers; so do the redirects after
signing in, after an action, and to the sign-in page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from disputeflow import Engine, create_app
from tests.conftest import build_town, report
from tests.web_support import CHEAP_HASHES, PASSWORD, LiveServer, csrf_of

PREFIX = "/mediation"
ADDRESS = re.compile(r'\s(href|action|src)="([^"]*)"')


@pytest.fixture
def host(tmp_path, clock, monkeypatch):
    from disputeflow.signin import credentials as auth

    monkeypatch.setattr(auth, "HASH_PARAMS", CHEAP_HASHES)
    engine = Engine(f"sqlite:///{tmp_path / 'cases.db'}", clock=clock)
    engine.init()
    build_town(engine)
    for uid in ("go", "med1", "sup"):
        engine.set_password(uid, PASSWORD)
    app = FastAPI()

    @app.get("/")
    def host_home() -> PlainTextResponse:
        return PlainTextResponse("the host's own page")

    app.mount(PREFIX, create_app(engine, secret="host-secret"))
    server = LiveServer(app)
    server.engine = engine
    yield server
    server.stop()
    engine.close()


def sign_in(server: LiveServer, user: str) -> httpx.Client:
    c = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
    page = c.get(f"{PREFIX}/login")
    assert page.status_code == 200
    assert_addresses_under_prefix(page.text, f"{PREFIX}/login")
    r = c.post(f"{PREFIX}/login", data={"csrf": csrf_of(page.text), "user_id": user, "password": PASSWORD,
                                         "next": "/"})
    assert r.status_code == 303 and r.headers["location"] == f"{PREFIX}/", r.headers
    return c


def addresses(html: str) -> list[tuple[str, str]]:
    """(attribute, address) of every link, form action and static file of a page; fragments dropped."""
    return [(kind, value) for kind, value in ADDRESS.findall(html)
            if not value.startswith("#") and value not in ("", ".")]


def assert_addresses_under_prefix(html: str, where: str) -> list[tuple[str, str]]:
    found = addresses(html)
    assert found, f"no addresses on {where}"
    for kind, value in found:
        parts = urlsplit(value)
        assert not parts.netloc, f"{where}: {kind}={value} leaves the host"
        if parts.path:  # "?page=2" stays on the page it is on
            assert parts.path == PREFIX or parts.path.startswith(PREFIX + "/"), f"{where}: {kind}={value}"
    return found


def follow_links(c: httpx.Client, html: str, where: str) -> int:
    """GET every link and static file of a page; each answers under the prefix (redirects too)."""
    seen = 0
    for kind, value in assert_addresses_under_prefix(html, where):
        if kind == "action" or "/logout" in value or "download=1" in value:
            continue
        r = c.get(value if urlsplit(value).path else where + value)
        assert r.status_code in (200, 303, 307), f"{where}: {kind}={value} → {r.status_code}"
        if r.is_redirect:
            assert r.headers["location"].startswith(PREFIX + "/"), f"{value} → {r.headers['location']}"
        seen += 1
    return seen


def test_every_address_stays_under_the_prefix(host):
    assert httpx.get(host.url + "/").text == "the host's own page"
    number = report(host.engine)

    go = sign_in(host, "go")
    home = go.get(f"{PREFIX}/")
    assert home.status_code == 200 and number in home.text
    assert f'href="{PREFIX}/static/' in home.text  # the stylesheet
    assert follow_links(go, home.text, f"{PREFIX}/") >= 5

    sup = sign_in(host, "sup")
    host.engine.clock.advance(days=40)  # something late, so the board has rows and forms
    board = sup.get(f"{PREFIX}/board")
    assert board.status_code == 200 and number in board.text
    assert follow_links(sup, board.text, f"{PREFIX}/board") >= 5

    med = sign_in(host, "med1")
    case = med.get(f"{PREFIX}/cases/{number}")
    assert case.status_code == 200
    found = assert_addresses_under_prefix(case.text, f"{PREFIX}/cases/{number}")
    assert ("action", f"{PREFIX}/cases/{number}/act/note") in found
    follow_links(med, case.text, f"{PREFIX}/cases/{number}")

    # a form posted under the prefix redirects back under it
    version = re.search(r'name="version" value="(\d+)"', case.text)
    assert version
    r = med.post(f"{PREFIX}/cases/{number}/act/note",
                 data={"csrf": csrf_of(case.text), "version": version[1], "text": "电话回访当事人"})
    assert r.status_code == 303 and unquote(r.headers["location"]).startswith(f"{PREFIX}/cases/{number}"), r.headers
    assert "电话回访当事人" in med.get(r.headers["location"]).text


def test_sign_in_redirects_stay_under_the_prefix(host):
    anonymous = httpx.Client(base_url=host.url, follow_redirects=False, timeout=30)
    r = anonymous.get(f"{PREFIX}/board?level=level1")
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith(f"{PREFIX}/login?next=")
    assert unquote(location.split("next=", 1)[1]) == "/board?level=level1"  # an app path: the prefix is added once
    login = anonymous.get(location)
    token = csrf_of(login.text)
    assert 'name="next" value="/board?level=level1"' in login.text
    r = anonymous.post(f"{PREFIX}/login", data={"csrf": token, "user_id": "sup", "password": PASSWORD,
                                                "next": "/board?level=level1"})
    assert r.status_code == 303 and r.headers["location"] == f"{PREFIX}/board?level=level1"
    assert anonymous.get(r.headers["location"]).status_code == 200


def test_importing_disputeflow_loads_no_web_dependency():
    code = ("import sys, disputeflow; assert callable(disputeflow.Engine); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
