"""Screening over HTTP: the API's rounds, reports and figures, and the phone-sized page that records them."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from tests.conftest import PARTIES
from tests.web_support import csrf_of, live, login, post_form, sqlite_url  # noqa: F401


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def api(live):
    clients = []

    def make(user: str, unit: str | None = None) -> httpx.Client:
        token = live.engine.create_token(f"system-{user}", user, unit)["token"]
        c = httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        clients.append(c)
        return c

    make.live = live
    yield make
    for c in clients:
        c.close()


def test_api_round_report_figures_and_board(api, clock):
    eng = api.live.engine
    known = eng.report("go", title="宅基地边界争执", category="land", unit="v1-g1", parties=PARTIES).number
    med1 = api("med1")
    r = med1.post("/screening/rounds", json={"unit": "v1", "held_on": "2026-03-03", "participants": ["调解员甲"],
                                             "coverage": "一组", "cases": [known],
                                             "new_cases": [{"title": "邻里噪音", "category": "neighbour",
                                                            "parties": [{"name": "赵六", "role": "applicant"}]}]})
    assert r.status_code == 201, r.text
    assert len(r.json()["cases"]) == 2
    assert [len(x["cases"]) for x in med1.get("/screening/rounds").json()["items"]] == [2]
    bad = med1.post("/screening/reports", json={"unit": "v2"})
    assert bad.status_code == 403  # v2 is outside med1's village
    rep = med1.post("/screening/reports", json={"unit": "v1"})
    assert rep.status_code == 201 and rep.json()["found"] == 2
    assert med1.post("/screening/reports", json={"unit": "v1"}).status_code == 409
    clock.set(datetime(2026, 3, 18, 2, 0, tzinfo=timezone.utc))
    sup = api("sup")
    board = {u["unit"] for u in sup.get("/screening/overdue").json()["items"]}
    assert "v2" in board and "v1" not in board
    fig = sup.get("/screening/filing", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    v1 = next(u for u in fig["units"] if u["unit"] == "v1")
    assert (v1["rounds_due"], v1["rounds_on_time"], v1["reports_due"], v1["reports_on_time"]) == (1, 1, 1, 1)
    s = sup.post("/screening/sensitive", json={"name": "国庆", "starts_on": "2026-10-01", "ends_on": "2026-10-07",
                                              "units": ["t1"]})
    assert s.status_code == 201 and s.json()["units"] == ["t1"]
    assert med1.post("/screening/sensitive", json={"name": "x", "starts_on": "2026-10-01", "ends_on": "2026-10-02",
                                                   "units": ["v1"]}).status_code == 403


def test_page_records_a_round_and_files_the_report_and_the_board_shows_the_late_village(live, clock):
    med1 = login(live, "med1")
    page = med1.get("/screening")
    assert page.status_code == 200 and "排查登记与报送" in page.text and 'data-unit="v1"' in page.text
    r = post_form(med1, "/screening", "/screening/round", {"unit": "v1", "held_on": "2026-03-03",
                                                            "participants": "调解员甲，网格员小王", "coverage": "一组",
                                                            "new_title": "邻里排水纠纷", "category": "neighbour",
                                                            "party": "李四"})
    assert r.status_code == 303, r.text
    page = med1.get("/screening")
    assert "已登记排查" in page.text and "调解员甲、网格员小王" in page.text
    r = post_form(med1, "/screening", "/screening/report", {"unit": "v1", "period": ""})
    assert r.status_code == 303
    assert "发现 1 件" in med1.get("/screening").text
    bad = post_form(med1, "/screening", "/screening/round", {"unit": "v1", "participants": ""})
    assert bad.status_code == 400 and 'data-field="participants"' in bad.text
    clock.set(datetime(2026, 3, 18, 2, 0, tzinfo=timezone.utc))
    board = login(live, "sup").get("/board").text
    assert 'id="board-screening"' in board and 'data-unit="v2"' in board and 'data-unit="v1" data-duty' not in board
