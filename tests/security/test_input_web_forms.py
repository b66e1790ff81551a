"""The workspace's forms refuse control characters and oversized input as the engine does, on the case page."""

from __future__ import annotations

import pytest

from tests.conftest import report
from tests.web_support import live, login, post_form, sqlite_url  # noqa: F401


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.mark.parametrize("text, why", [("走访\u0007记录", "控制字符"), ("记" * 2001, "过长")])
def test_a_note_form_with_a_bell_or_too_long_comes_back_naming_the_field(live, text, why):
    n = report(live.engine)
    c = login(live, "med1")
    r = post_form(c, f"/cases/{n}", f"/cases/{n}/act/note", {"version": "1", "text": text})
    assert r.status_code == 400 and 'data-field="text"' in r.text and why in r.text
    assert [e["action"] for e in live.engine.history(n, "sup")] == ["report"]


def test_a_note_typed_in_a_browser_keeps_its_line_breaks(live):
    n = report(live.engine)
    c = login(live, "med1")
    r = post_form(c, f"/cases/{n}", f"/cases/{n}/act/note", {"version": "1", "text": "第一行\r\n第二行"})
    assert r.status_code == 303, r.text[:300]
    assert live.engine.history(n, "sup")[-1]["data"]["text"] == "第一行\n第二行"
