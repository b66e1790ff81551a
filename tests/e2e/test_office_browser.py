"""An office worker on a phone (390 × 844, real Chromium): opens 待签收, signs for a work order that is already
late, reports back with a result, and finds it under 已反馈 — with nothing running off the screen."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

from tests.conftest import PARTIES, T0
from tests.e2e.test_web_browser import PHONE, browser, pytestmark, shots, sign_in, town  # noqa: F401
from tests.web_support import PASSWORD, Serve


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"


def test_an_office_worker_signs_for_and_reports_back_on_a_phone(town, browser, shots, tmp_path):
    url, eng = town
    eng.add_unit("rss", "人社所", "office", "t1", handles=["labour"])
    eng.add_user("rss1", "人社所小李", "office_staff", "rss")
    eng.set_password("rss1", PASSWORD)
    orders = []
    for title, risk in (("工地欠薪 12 人", "high"), ("拖欠加班费", "medium")):
        n = eng.report("go", title=title, category="labour", unit="v1-g1", parties=PARTIES).number
        eng.act(n, "assess", "med1", risk=risk)
        orders.append(eng.act(n, "dispatch", "med1", to="rss", request="核实欠薪金额，督促用工单位支付").data["spawned"])
    late, on_time = orders  # high risk: two hours to sign for, so three hours on it is late
    serve = Serve(url, T0 + timedelta(hours=3), tmp_path)
    try:
        phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        phone.goto(serve.url + "/login")
        phone.fill("input[name=user_id]", "rss1")
        phone.fill("input[name=password]", PASSWORD)
        phone.click("form[action='/login'] button[type=submit]")
        phone.wait_for_url(serve.url + "/office")  # an office worker lands on the desk
        assert phone.locator("a[data-tab=pending].on").count() == 1
        assert phone.locator("[data-count=pending]").inner_text() == "2"
        rows = phone.locator("#orders li.order")
        assert [rows.nth(i).get_attribute("data-number") for i in range(rows.count())] == [late, on_time]
        first = phone.locator(f"li.order[data-number='{late}']")
        assert first.locator(".late-tag").is_visible() and first.locator(".overdue-mark").count() == 1
        assert "签收时限" in first.inner_text()
        assert phone.locator(f"li.order[data-number='{on_time}'] .overdue-mark").count() == 0
        fits(phone)
        desk_shot = shots / "office-01-desk-pending.png"
        phone.screenshot(path=str(desk_shot), full_page=True)

        first.locator("a.order-open").click()
        phone.wait_for_url(lambda u: unquote(u).endswith(f"/cases/{late}"))
        assert phone.locator("#parent-case").is_visible() and "工地欠薪" in phone.locator("#parent-case").inner_text()
        assert "13812348000" not in phone.content()  # the parent's parties, masked for the office
        sign = phone.locator("details[data-action=sign]")
        button = sign.locator("button[type=submit]")
        assert button.is_visible()  # open already: no hunting for the form on a small screen
        box = button.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= PHONE["width"] * 0.7  # a thumb-sized target
        fits(phone)
        sign_shot = shots / "office-02-work-order-to-sign.png"
        phone.screenshot(path=str(sign_shot), full_page=True)
        with phone.expect_navigation():
            button.click()
        assert phone.locator(".flash").count() == 1
        assert phone.locator("#case-state").inner_text() == "办理中"

        feedback = phone.locator("details[data-action=feedback]")
        feedback.locator("textarea[name=result]").fill("已约谈用工单位，欠薪 3.6 万元已于今日支付")
        with phone.expect_navigation():
            feedback.locator("button[type=submit]").click()
        assert phone.locator("#case-state").inner_text() == "已反馈"
        assert "3.6 万元" in phone.locator("#order-result").inner_text()
        fits(phone)
        order_shot = shots / "office-03-work-order-reported-back.png"
        phone.screenshot(path=str(order_shot), full_page=True)

        phone.click("a[data-nav=office]")
        phone.click("a[data-tab=reported_back]")
        assert phone.locator(f"#orders li.order[data-number='{late}'] .order-result").count() == 1
        assert phone.locator("[data-count=pending]").inner_text() == "1"
        fits(phone)
        back_shot = shots / "office-04-desk-reported-back.png"
        phone.screenshot(path=str(back_shot), full_page=True)
    finally:
        serve.stop()
    assert eng.case(late)["state"] == "reported_back" and eng.case(late)["data"]["result"].startswith("已约谈")
    assert eng.case(on_time)["state"] == "pending"
    assert [h["action"] for h in eng.history(late) if h["action"] != "escalate"] == ["dispatch", "sign", "feedback"]
    for shot in (desk_shot, sign_shot, order_shot, back_shot):
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")


def test_the_mediator_sees_the_work_orders_and_the_supervisor_the_late_office(town, browser, shots, tmp_path):
    """On a desk-sized screen: the case page lists its work orders with clocks; the board names the late office."""
    from tests.e2e.test_web_browser import DESKTOP

    url, eng = town
    eng.add_unit("rss", "人社所", "office", "t1", handles=["labour"])
    eng.add_unit("zrzy", "自然资源所", "office", "t1", handles=["land"])
    eng.add_user("zr1", "自然资源所小赵", "office_staff", "zrzy")
    n = eng.report("go", title="工地欠薪 12 人", category="labour", unit="v1-g1", parties=PARTIES).number
    eng.act(n, "assess", "med1", risk="high")
    late = eng.act(n, "dispatch", "med1", to="rss", request="核实欠薪金额").data["spawned"]
    signed = eng.act(n, "dispatch", "med1", to="zrzy", request="核实工地用地手续").data["spawned"]
    eng.act(signed, "sign", "zr1")
    serve = Serve(url, T0 + timedelta(hours=3), tmp_path)
    try:
        med = sign_in(browser, serve.url, "med1", DESKTOP)
        med.goto(f"{serve.url}/cases/{n}")
        rows = med.locator("#work-orders tr[data-order]")
        assert [rows.nth(i).get_attribute("data-order") for i in range(rows.count())] == [late, signed]
        first = med.locator(f"#work-orders tr[data-order='{late}']")
        assert "人社所" in first.inner_text() and "2026-03-03 11:00" in first.inner_text()
        assert first.locator(".overdue-mark").is_visible()
        assert med.locator(f"#work-orders tr[data-order='{signed}'] .overdue-mark").count() == 0
        assert med.locator(f"#timeline a[data-spawned='{late}']").count() == 1  # the dispatch names its order
        case_shot = shots / "office-05-case-work-orders.png"
        med.screenshot(path=str(case_shot), full_page=True)

        sup = sign_in(browser, serve.url, "sup", DESKTOP)
        sup.click("a[data-nav=board]")
        group = sup.locator("#board-offices .office-group[data-office=rss]")
        assert "人社所" in group.locator("h3").inner_text()
        assert group.locator(f"tr[data-order='{late}'][data-clock=order_sign]").count() == 1
        assert sup.locator("#board-offices .office-group[data-office=zrzy]").count() == 0
        board_shot = shots / "office-06-board-by-office.png"
        sup.locator("#board-offices").screenshot(path=str(board_shot))
    finally:
        serve.stop()
    for shot in (case_shot, board_shot):
        print(f"screenshot: {shot}")
