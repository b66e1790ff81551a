"""Server-side web sessions: the cookie holds a signed random id, the database says whether it still holds.

Sign-out on one device revokes that session everywhere (a copied cookie dies with
it), a deactivated user's sessions end, an idle session lapses on the engine's
clock, and the cookie never carries the user id.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.web_support import client, csrf_of, live, login, sqlite_url  # noqa: F401


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def _copy(live, c):
    other = client(live)
    other.cookies.set("df_session", c.cookies.get("df_session"))
    return other


def test_signing_out_on_one_device_ends_a_copied_cookie_but_not_the_other_devices(live):
    phone = login(live, "med1")
    desk = login(live, "med1")
    copied = _copy(live, phone)
    assert copied.get("/").status_code == 200
    assert live.engine.live_sessions("med1") == 2
    assert phone.post("/logout", data={"csrf": csrf_of(phone.get("/").text)}).status_code == 303
    assert copied.get("/").status_code == 303  # the copy of the signed-out cookie is no session any more
    assert phone.get("/").status_code == 303
    assert desk.get("/").status_code == 200  # the person's other device stays signed in
    assert live.engine.live_sessions("med1") == 1


def test_deactivating_a_user_ends_their_sessions(live):
    c = login(live, "med2")
    assert c.get("/").status_code == 200
    live.engine.deactivate_user("med2")
    assert live.engine.live_sessions("med2") == 0
    assert c.get("/").status_code == 303


def test_an_idle_session_lapses_and_a_used_one_does_not(live, clock, monkeypatch):
    from disputeflow.signin import web_sessions
    from disputeflow.workflow.timesource import FixedClock

    real = FixedClock(clock.now())  # sessions count real time; this stands in for it
    monkeypatch.setattr(web_sessions, "CLOCK", real)
    idle = login(live, "med1")
    busy = login(live, "sup")
    clock.advance(days=40)  # the engine's clock (a rehearsal jumping ahead) does not end sessions
    assert idle.get("/").status_code == 200
    for _ in range(5):  # used every three hours: its expiry moves on
        real.advance(hours=3)
        assert busy.get("/").status_code == 200
    assert idle.get("/").status_code == 303  # 15 hours without use


def test_the_cookie_carries_a_session_id_and_no_user_id(live):
    c = login(live, "med1")
    value = c.cookies.get("df_session")
    payload = value.split(".")[0]
    doc = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(doc) >= {"sid", "csrf"} and "user" not in doc
    assert "med1" not in json.dumps(doc)
    assert live.engine.session_user(doc["sid"]) == "med1"
    assert live.engine.session_user(doc["sid"][:-2] + "xx") is None
