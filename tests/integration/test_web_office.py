"""Work orders in the workspace and the API over real HTTP, both databases: the office's desk, the sign-for and
feedback forms, the case page's list of work orders with their clocks, and the board's section by office."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.conftest import PARTIES
from tests.web_support import PASSWORD, csrf_of, live, login, post_form  # noqa: F401


@pytest.fixture
def offices(live):
    eng = live.engine
    eng.add_unit("rss", "人社所", "office", "t1", handles=["labour"])
    eng.add_unit("zrzy", "自然资源所", "office", "t1", handles=["land"])
    eng.add_user("rss1", "人社所小李", "office_staff", "rss")
    eng.add_user("zr1", "自然资源所小赵", "office_staff", "zrzy")
    for uid in ("rss1", "zr1"):
        eng.set_password(uid, PASSWORD)
    return live


def dispatched(eng, risk="medium", to="rss") -> tuple[str, str]:
    n = eng.report("go", title="工地欠薪", category="labour", unit="v1-g1", parties=PARTIES).number
    eng.act(n, "assess", "med1", risk=risk)
    return n, eng.act(n, "dispatch", "med1", to=to, request="核实欠薪金额").data["spawned"]


def test_the_office_signs_for_and_reports_back_from_its_desk(offices):
    eng = offices.engine
    n, w = dispatched(eng)
    c = login(offices, "rss1")
    home = c.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/office"  # the desk is their work
    desk = c.get("/office").text
    assert 'data-nav="office"' in desk and "交办工作台" in desk
    assert f'data-number="{w}"' in desk and 'data-count="pending">1<' in desk and f'href="/cases/{w}"' in desk
    assert "签收时限" in desk and "核实欠薪金额" in desk
    assert f'data-number="{w}"' not in c.get("/office", params={"state": "handling"}).text

    page = c.get(f"/cases/{w}").text
    assert 'id="parent-case"' in page and f'href="/cases/{n}"' in page and "13812348000" not in page
    assert 'data-action="sign"' in page and 'id="paperwork"' not in page
    assert c.post(f"/cases/{w}/act/sign", data={"version": "1"}).status_code == 403  # no CSRF token
    assert eng.case(w)["state"] == "pending"
    r = post_form(c, f"/cases/{w}", f"/cases/{w}/act/sign", {"version": "1"})
    assert r.status_code == 303 and eng.case(w)["state"] == "handling"
    handling = c.get("/office", params={"state": "handling"}).text
    assert f'data-number="{w}"' in handling and "办理时限" in handling
    r = post_form(c, f"/cases/{w}", f"/cases/{w}/act/feedback", {"version": "2", "result": "已督促支付"})
    assert r.status_code == 303 and eng.case(w)["state"] == "reported_back"
    back = c.get("/office", params={"state": "reported_back"}).text
    assert f'data-number="{w}"' in back and "已督促支付" in back and 'data-count="reported_back">1<' in back


def test_another_office_and_a_mediator_do_not_get_the_desk(offices):
    eng = offices.engine
    _n, w = dispatched(eng)
    other = login(offices, "zr1")
    assert w not in other.get("/office").text and 'data-count="pending">0<' in other.get("/office").text
    assert other.get(f"/cases/{w}").status_code == 403
    med = login(offices, "med1")
    assert 'data-nav="office"' not in med.get("/").text
    assert med.get("/office").status_code == 403


def test_the_case_page_lists_its_work_orders_with_clocks_and_overdue_marks(offices, clock):
    eng = offices.engine
    n, w = dispatched(eng, risk="high")  # two hours to sign for: due 11:00 Shanghai
    w2 = eng.act(n, "dispatch", "med1", to="zrzy", request="核查地界").data["spawned"]
    eng.act(w2, "sign", "zr1")
    eng.act(w2, "feedback", "zr1", result="地界清楚")
    eng.act(w2, "return", "med1", reason="请附图")
    c = login(offices, "med1")
    html = c.get(f"/cases/{n}").text
    assert 'id="work-orders"' in html
    assert f'data-order="{w}" data-state="pending"' in html and f'data-order="{w2}" data-state="handling"' in html
    assert "人社所" in html and "自然资源所" in html and "地界清楚" in html and 'data-returns="1"' in html
    assert "2026-03-03 11:00" in html and "已逾期" not in html
    clock.advance(hours=3)
    late = c.get(f"/cases/{n}").text
    row = late.split(f'data-order="{w}"')[1].split("</tr>")[0]
    assert "已逾期" in row and "签收时限" in row and "黄牌" in row

    order_page = c.get(f"/cases/{w2}").text
    assert 'id="order-office">自然资源所<' in order_page and "请附图" in order_page and "核查地界" in order_page
    assert 'id="parties"' not in order_page and 'id="five-ones"' not in order_page  # the parent's, not the order's

    sup = login(offices, "sup")
    board = sup.get("/board").text
    assert "交办逾期（按承办站所）" in board
    section = board.split('id="board-offices"')[1]
    assert 'data-office="rss"' in section and f'data-order="{w}"' in section and w2 not in section
    assert "<th>逾期工作日</th>" in section and "超期小时" not in board


def test_the_api_lists_my_offices_work_orders_by_state(offices):
    eng = offices.engine
    _n, w = dispatched(eng)
    _m, w2 = dispatched(eng)
    eng.act(w2, "sign", "rss1")

    def api(user):
        token = eng.create_token(f"api-{user}", user)["token"]
        return httpx.Client(base_url=offices.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)

    with api("rss1") as rss, api("zr1") as zr, api("med1") as med:
        mine = rss.get("/work-orders").json()
        assert mine["office"] == "rss" and mine["counts"] == {"pending": 1, "handling": 1, "reported_back": 0}
        assert {i["number"] for i in mine["items"]} == {w, w2}
        pending = rss.get("/work-orders", params={"state": "pending"}).json()["items"]
        assert [(i["number"], [k["clock"] for k in i["deadlines"]]) for i in pending] == [(w, ["order_sign"])]
        assert zr.get("/work-orders").json()["items"] == []
        assert med.get("/work-orders").status_code == 403
        assert rss.get("/work-orders", params={"limit": 1}).json()["next_offset"] == 1
