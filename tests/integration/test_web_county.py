"""The county's board on the web page and over the API: one row per town, and 县级挂牌 listed."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.test_county import build_county, report
from tests.web_support import CHEAP_HASHES, PASSWORD, LiveServer, login, sqlite_url  # noqa: F401


@pytest.fixture
def live(sqlite_url, clock, monkeypatch):
    from disputeflow import Engine
    from disputeflow.signin import credentials as auth
    from disputeflow.web.app import create_app

    eng = Engine(sqlite_url, clock=clock)
    eng.init()
    build_county(eng)
    monkeypatch.setattr(auth, "HASH_PARAMS", CHEAP_HASHES)
    for uid in ("sup-sr", "sup-cty", "med-sr"):
        eng.set_password(uid, PASSWORD)
    srv = LiveServer(create_app(eng, secret="test-secret"))
    srv.engine = eng
    yield srv
    srv.stop()
    eng.close()


def test_the_county_board_page_shows_each_town_and_the_county_listing(live, clock):
    eng = live.engine
    a = report(eng, "go-sr", "sr-v1")
    b = report(eng, "go-qs", "qs-v1")
    eng.act(b, "supervise", "sup-cty", level="county", authority="县综治中心", deadline="2026-06-30T17:00+08:00")
    clock.advance(days=30)
    html = login(live, "sup-cty").get("/board").text
    assert a in html and b in html and 'id="town-counts"' in html
    assert 'data-town="sr"' in html and 'data-town="qs"' in html
    qs_row = html.split('data-town="qs"')[1].split("</tr>")[0]
    assert 'data-count="open">1<' in qs_row and 'data-count="county_listed">1<' in qs_row
    listed = html.split('id="county-listed"')[1].split("</table>")[0]
    assert b in listed and a not in listed and "青石镇" in listed
    # the per-village counts still name villages under a county, not the towns
    assert 'data-village="sr-v1"' in html and 'data-village="qs-v1"' in html

    town = login(live, "sup-sr").get("/board").text
    assert a in town and b not in town and 'id="town-counts"' not in town
    assert 'data-village="sr-v1">' in town


def test_the_api_gives_the_board_by_town(live, clock):
    eng = live.engine
    a = report(eng, "go-sr", "sr-v1")
    report(eng, "go-qs", "qs-v1")
    clock.advance(days=30)

    def get(user: str) -> dict:
        token = eng.create_token(f"system-{user}", user, None)["token"]
        r = httpx.get(live.url + "/api/v1/overdue/towns", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    whole = get("sup-cty")
    assert {t["id"] for t in whole["towns"]} == {"sr", "qs"}
    assert all(t["overdue"] > 0 and t["open"] == 1 for t in whole["towns"])
    mine = get("sup-sr")
    assert [t["id"] for t in mine["towns"]] == ["sr"]
    assert mine["towns"][0]["overdue"] == len([r for r in eng.overdue(actor="sup-sr") if r["number"] == a])
