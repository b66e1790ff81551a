"""Search, 我上报的, the report form's parties and the duplicate warning over real HTTP: pages and API, both databases."""

from __future__ import annotations

from urllib.parse import unquote

import httpx
import pytest

from tests.web_support import client, csrf_of, live, login, post_form  # noqa: F401

ZHANG = {"name": "张三", "role": "applicant", "phone": "13812348000", "id_number": "11010519491231002X"}


def _report(engine, actor="go", **over):
    fields = dict(title="宅基地边界纠纷", category="neighbour", unit="v1-g1", parties=[ZHANG])
    fields.update(over)
    return engine.report(actor, **fields).number


@pytest.fixture
def api(live):
    clients = []

    def make(user: str) -> httpx.Client:
        token = live.engine.create_token(f"system-{user}", user, None)["token"]
        c = httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def test_api_search_by_phone_masks_by_role_and_refuses_a_bad_phone(live, api):
    n = _report(live.engine)
    sup = api("sup").get("/cases/search", params={"phone": "138-1234-8000"})
    assert sup.status_code == 200, sup.text
    assert [i["number"] for i in sup.json()["items"]] == [n]
    assert sup.json()["items"][0]["parties"][0]["phone"] == "13812348000"
    go = api("go").get("/cases/search", params={"q": "138 1234 8000"}).json()
    assert go["items"][0]["parties"][0]["phone"] != "13812348000"
    assert [i["number"] for i in api("go").get("/cases/search", params={"mine": "true"}).json()["items"]] == [n]
    bad = api("sup").get("/cases/search", params={"phone": "12345"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert "电话号码" in bad.text


def test_api_report_returns_similar_cases_and_the_board_lists_repeats(live, api):
    first = _report(live.engine)
    body = {"title": "又来", "category": "neighbour", "unit": "v1-g1", "parties": [{"name": "张三", "phone": "138-1234-8000"}],
            "people_involved": 3, "amount_involved": 20000, "place": "甲村村口"}
    r = api("go").post("/cases", json=body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert [s["number"] for s in doc["similar"]] == [first] and doc["repeat_of"] == [first]
    repeats = api("sup").get("/board/repeats").json()
    assert repeats["items"][0]["cases"] == 2 and repeats["items"][0]["value"] == "13812348000"
    assert api("go").get("/board/repeats").json()["items"][0]["value"] != "13812348000"


def test_search_page_nav_box_and_my_reports(live):
    n = _report(live.engine)
    other = _report(live.engine, actor="sup", unit="v2", parties=[{"name": "孙七", "phone": "13700000000"}])
    go = login(live, "go")
    home = go.get("/").text
    assert 'id="nav-search"' in home and 'href="/search?mine=1"' in home
    mine = go.get("/search", params={"mine": "1"})
    assert mine.status_code == 200 and f'data-number="{n}"' in mine.text and other not in mine.text
    assert "138****8000" in mine.text and "13812348000" not in mine.text
    sup = login(live, "sup")
    found = sup.get("/search", params={"q": "138-1234-8000"})
    assert f'data-number="{n}"' in found.text and "13812348000" in found.text
    bad = sup.get("/search", params={"phone": "12345", "reported_from": "2026-02-30"})
    assert bad.status_code == 400 and 'data-field="phone"' in bad.text and 'data-field="reported_from"' in bad.text
    assert sup.get("/search", params={"q": "没有这个人"}).text.count('id="search-empty"') == 1
    assert sup.get("/board/repeats").status_code == 200
    assert go.get("/board/repeats").status_code == 403


def test_report_form_takes_five_parties_and_warns_of_the_same_party(live):
    first = _report(live.engine)
    go = login(live, "go")
    form = go.get("/report").text
    assert 'id="party-add"' in form and 'name="people_involved"' in form and 'name="place"' in form
    names = ["张三", "李四", "王五", "赵六", "钱七"]
    data = {"title": "五户宅基地纠纷", "category": "neighbour", "unit": "v1-g1", "source": "grid",
            "party_name": names, "party_role": ["applicant"] + ["respondent"] * 4,
            "party_phone": ["138-1234-8000", "", "", "", ""], "party_id": [""] * 5,
            "people_involved": "5", "amount_involved": "30000", "place": "甲村三组"}
    r = post_form(go, "/report", "/report", data)
    assert r.status_code == 303, r.text
    page = go.get(r.headers["location"]).text
    assert f'data-similar="{first}"' in page and f'data-repeat="{first}"' in page
    n = unquote(r.headers["location"].rsplit("/", 1)[1])
    case = live.engine.case(n, "med1")
    assert [p["name"] for p in case["parties"]] == names and case["data"]["people_involved"] == 5
    assert 'id="similar-notice"' not in go.get(r.headers["location"]).text  # shown once
    bad = post_form(go, "/report", "/report", {**data, "people_involved": "-2"})
    assert bad.status_code == 400 and 'data-field="people_involved"' in bad.text


def test_case_page_says_how_many_earlier_cases_when_the_list_is_cut(live):
    from disputeflow.workflow.repeats import KEEP

    for _ in range(KEEP + 3):
        _report(live.engine)
    n = _report(live.engine, title="又一次")
    page = login(live, "sup").get(f"/cases/{n}").text
    facts = page.split('id="repeat-of"', 1)[1].split("</dd>", 1)[0]
    assert facts.count("<a href=") == KEEP
    assert f"（共 {KEEP + 3} 件，列出最近 {KEEP} 件）" in facts
