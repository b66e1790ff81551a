"""The workspace in a real browser: Debian's chromium driven by Playwright against ``disputeflow serve``.

One dispute's life as three people live it: a grid officer reports it on a
phone, a mediator advances it to resolution, and after the clock has moved
(``serve`` is restarted with a later ``--now``) the supervisor finds it on the
overdue board and signs it off once the follow-up visit is recorded.
Screenshots go to ``DISPUTEFLOW_SCREENSHOTS`` or the test's temporary folder.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import T0, build_town
from tests.web_support import CHEAP_HASHES, PASSWORD, Serve

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (/usr/bin/chromium)")


@pytest.fixture
def town(tmp_path, monkeypatch):
    from disputeflow import Engine
    from disputeflow.signin import credentials as auth
    from disputeflow.workflow.timesource import FixedClock

    monkeypatch.setattr(auth, "HASH_PARAMS", CHEAP_HASHES)
    url = f"sqlite:///{tmp_path / 'town.db'}"
    eng = Engine(url, clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    for uid in ("go", "med1", "sup"):
        eng.set_password(uid, PASSWORD)
    yield url, eng
    eng.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("DISPUTEFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser():
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(browser, base: str, user: str, viewport: dict):
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(base + "/login")
    page.fill("input[name=user_id]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def do_action(page, action: str, selects: dict | None = None, fills: dict | None = None) -> None:
    box = page.locator(f"details[data-action={action}]")
    box.locator("summary").click()
    for name, value in (selects or {}).items():
        box.locator(f"select[name={name}]").select_option(value)
    for name, value in (fills or {}).items():
        box.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    assert page.locator(".flash").count() == 1, page.content()


def test_report_on_a_phone_resolve_and_sign_off_from_the_overdue_board(town, browser, shots, tmp_path):
    url, eng = town
    serve = Serve(url, T0, tmp_path)
    try:
        # A grid officer reports on a phone-sized screen; the first try misses the category.
        phone = sign_in(browser, serve.url, "go", PHONE)
        phone.click("a[data-nav=report]")
        phone.fill("input[name=title]", "鸡鸭进菜园引发争吵")
        names = phone.locator("input[name=party_name]")
        names.nth(0).fill("赵大")
        names.nth(1).fill("钱二")
        phone.locator("input[name=party_phone]").nth(0).fill("1381234")
        phone.click("#report-submit")
        assert phone.locator("#form-errors").is_visible()
        assert phone.locator(".field-error[data-field=category]").inner_text() == "纠纷类型为必填项"
        assert phone.locator(".field-error[data-field=party_0_phone]").count() == 1
        assert phone.locator("input[name=title]").input_value() == "鸡鸭进菜园引发争吵"  # the form came back filled
        phone.screenshot(path=str(shots / "01-phone-report-errors.png"), full_page=True)
        phone.select_option("select[name=category]", "neighbour")
        phone.locator("input[name=party_phone]").nth(0).fill("13812345678")
        phone.fill("textarea[name=description]", "邻居家鸡鸭多次进入菜园，双方争吵")
        phone.click("#report-submit")
        phone.wait_for_url("**/cases/**")
        number = phone.locator("#case-number").inner_text()
        assert phone.locator("#case-state").inner_text() == "已登记"
        parties = phone.locator("#parties").inner_text()
        assert "138****5678" in parties and "13812345678" not in phone.content()  # masked for a grid officer
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1  # nothing runs off a phone screen
        phone.screenshot(path=str(shots / "02-phone-case-reported.png"), full_page=True)

        # The village mediator advances it to resolution.
        desk = sign_in(browser, serve.url, "med1", DESKTOP)
        assert desk.locator(f"#work tr[data-number='{number}']").count() == 1
        desk.screenshot(path=str(shots / "03-mediator-my-work.png"), full_page=True)
        desk.click(f"#work tr[data-number='{number}'] a")
        assert "13812345678" in desk.locator("#parties").inner_text()  # a mediator needs the number
        do_action(desk, "assess", selects={"risk": "low"})
        assert desk.locator("#waiting li[data-waiting=mediate]").count() == 1  # not before 告知
        do_action(desk, "inform", selects={"method": "written"}, fills={"informed_parties": "赵大、钱二"})
        do_action(desk, "mediate")
        do_action(desk, "resolve", selects={"outcome": "written_agreement"},
                  fills={"agreement": "赵大家修缮围栏，钱二不再追究"})
        assert desk.locator("#case-state").inner_text() == "已办结"
        desk.screenshot(path=str(shots / "04-mediator-case-resolved.png"), full_page=True)
    finally:
        serve.stop()

    # Ten days later nobody has visited: the follow-up clock is overdue.
    later = T0 + timedelta(days=10)
    serve = Serve(url, later, tmp_path)
    try:
        sup = sign_in(browser, serve.url, "sup", DESKTOP)
        sup.click("a[data-nav=board]")
        row = sup.locator(f"#board tr[data-number='{number}']")
        assert row.count() == 1 and row.get_attribute("data-clock") == "follow_up"
        assert "lvl-level" in row.inner_html()  # at least a yellow card, drawn in its colour
        sup.select_option("select[name=village]", "v1")
        sup.click("#board-filters button")
        assert sup.locator(f"#board tr[data-number='{number}']").count() == 1
        sup.screenshot(path=str(shots / "05-supervisor-overdue-board.png"), full_page=True)
        sup.click(f"#board tr[data-number='{number}'] a")
        assert sup.locator("details[data-action=close]").count() == 0  # not before a follow-up visit

        med = sign_in(browser, serve.url, "med1", DESKTOP)
        med.goto(f"{serve.url}/cases/{number}")
        do_action(med, "follow_up", selects={"method": "visit", "satisfaction": "satisfied", "performance": "full"})

        sup.reload()
        do_action(sup, "close")
        assert sup.locator("#case-state").inner_text() == "已销号"
        assert sup.locator("#timeline li[data-action=close]").count() == 1
        sup.screenshot(path=str(shots / "06-supervisor-signed-off.png"), full_page=True)
        sup.click("a[data-nav=board]")
        assert sup.locator(f"#board tr[data-number='{number}']").count() == 0

        # The workflow page draws the definition; English is one click away.
        sup.click("a[data-nav=workflow]")
        assert sup.locator("#diagram svg g[data-state]").count() == 11  # the grassroots states, 移交办结 included
        box = sup.locator("#diagram svg").bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
        sup.screenshot(path=str(shots / "07-workflow-diagram.png"), full_page=True)
        sup.click("text=English")
        assert sup.locator("a[data-nav=board]").inner_text() == "Overdue board"
        assert sup.locator("#diagram svg text", has_text="mediating").count() >= 1
    finally:
        serve.stop()
    assert eng.case(number)["state"] == "closed"
    assert [h["action"] for h in eng.history(number)][:5] == ["report", "assess", "inform", "mediate", "resolve"]
    assert len(list(shots.glob("0*.png"))) == 7



def test_key_person_register_on_a_phone(town, browser, shots, tmp_path):
    """The grid officer in charge finds today's contact on a phone, records it and sees it met."""
    url, eng = town
    number = eng.report("go", title="宅基地边界纠纷", category="neighbour", unit="v1-g1", source="grid",
                        parties=[{"name": "张三", "role": "applicant"}]).number
    serve = Serve(url, T0 + timedelta(hours=1), tmp_path)
    try:
        phone = sign_in(browser, serve.url, "go", PHONE)
        phone.click("a[data-nav=persons]")
        # register the person on the phone: a first try without a risk level is refused, the form kept
        phone.click("#new-person")
        phone.fill("#person-form input[name=name]", "王大锤")
        phone.fill("#person-form input[name=cases]", number)
        phone.select_option("#person-form select[name=lead_official]", "lead")
        phone.fill("#person-form textarea[name=threat]", "扬言上访")
        with phone.expect_navigation():
            phone.click("#person-submit")
        assert phone.locator(".field-error[data-field=risk]").inner_text() == "必填，请选择风险等级"
        assert phone.input_value("#person-form input[name=name]") == "王大锤"
        assert phone.input_value("#person-form textarea[name=threat]") == "扬言上访"
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        phone.screenshot(path=str(shots / "kp-00-phone-register-form.png"), full_page=True)
        phone.select_option("#person-form select[name=risk]", "critical")
        with phone.expect_navigation():
            phone.click("#person-submit")
        assert phone.locator(".flash").inner_text().startswith("已登记重点人员 王**")
        pid = int(phone.url.rsplit("/", 1)[1])
        assert phone.locator("#person-name").inner_text() == "王大锤"
        phone.click("text=← 重点人员名册")
        due = phone.locator(f"#due-list tr[data-person='{pid}']")
        assert due.count() >= 1 and due.first.get_attribute("data-status") == "due"
        assert phone.locator(f"#register tr[data-person='{pid}']").inner_text().count("王大锤") == 1
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        phone.screenshot(path=str(shots / "kp-01-phone-register.png"), full_page=True)
        phone.click(f"#register tr[data-person='{pid}'] a")
        phone.select_option("#contact-form select[name=method]", "visit")
        phone.fill("#contact-form textarea[name=state]", "情绪稳定")
        with phone.expect_navigation():
            phone.click("#contact-form button[type=submit]")
        assert phone.locator(".flash").inner_text() == "已记录走访。"
        assert "情绪稳定" in phone.locator("#contacts").inner_text()
        phone.screenshot(path=str(shots / "kp-02-phone-contact-recorded.png"), full_page=True)
    finally:
        serve.stop()
    assert eng.person(pid, "go")["contacts"][0]["state"] == "情绪稳定"
