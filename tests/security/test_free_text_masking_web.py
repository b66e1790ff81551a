"""Numbers typed into free text, as the web workspace and the HTTP API show them (real server on loopback)."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.security.test_free_text_masking import NOTE, PHONE, PHONE_MASKED, _hidden, _open, _shown
from tests.web_support import live, login, sqlite_url  # noqa: F401


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def test_case_page_shows_typed_numbers_only_to_roles_that_see_phones(live):
    number = _open(live.engine)
    for user, check in (("go", _hidden), ("admin", _hidden), ("med1", _shown)):
        c = login(live, user)
        r = c.get(f"/cases/{number}")
        c.close()
        assert r.status_code == 200
        check(r.text)


def test_api_case_history_and_list(live):
    number = _open(live.engine)
    for user, check in (("go", _hidden), ("med1", _shown)):
        token = live.engine.create_token(f"system-{user}", user, None)["token"]
        with httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"},
                          timeout=30) as c:
            case = c.get(f"/cases/{number}")
            history = c.get(f"/cases/{number}/history")
            listed = c.get("/cases")
            assert case.status_code == history.status_code == listed.status_code == 200
            check(case.text)
            check(history.text)
            titles = {i["title"] for i in listed.json()["items"]}
            assert any((PHONE_MASKED if user == "go" else PHONE) in t for t in titles)
    assert NOTE not in json.dumps(live.engine.history(number, "go"), ensure_ascii=False)
