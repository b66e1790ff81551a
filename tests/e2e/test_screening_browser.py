"""A village mediator on a phone (390 × 844, real Chromium) records a screening round that found a new dispute,
files the half-month's report, and sees nothing left owed — with nothing running off the screen."""

from __future__ import annotations

from tests.conftest import T0
from tests.e2e.test_web_browser import PHONE, browser, pytestmark, shots, town  # noqa: F401
from tests.web_support import PASSWORD, Serve


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"


def test_a_mediator_records_a_round_and_files_the_report_on_a_phone(town, browser, shots, tmp_path):
    url, eng = town
    serve = Serve(url, T0, tmp_path)
    try:
        phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        phone.goto(serve.url + "/login")
        phone.fill("input[name=user_id]", "med1")
        phone.fill("input[name=password]", PASSWORD)
        phone.click("form[action='/login'] button[type=submit]")
        phone.wait_for_load_state()
        phone.goto(serve.url + "/screening")
        owed = phone.locator("#screening-owed li[data-unit=v1]")
        assert owed.count() == 1 and "待排查" in owed.inner_text()
        fits(phone)
        form = phone.locator("#round-form")
        form.locator("input[name=participants]").fill("调解员甲、网格员小王")
        form.locator("input[name=coverage]").fill("一组、二组")
        form.locator("input[name=households]").fill("46")
        form.locator("input[name=new_title]").fill("邻里排水沟堵塞")
        form.locator("select[name=category]").select_option("neighbour")
        form.locator("input[name=party]").fill("王五")
        button = form.locator("button[type=submit]")
        box = button.bounding_box()
        assert box and box["height"] >= 40  # a thumb-sized target
        phone.screenshot(path=str(shots / "screening-01-round-form.png"), full_page=True)
        with phone.expect_navigation():
            button.click()
        assert "已登记排查" in phone.locator(".flash").inner_text()
        assert "调解员甲、网格员小王" in phone.locator("#screening-recent").inner_text()
        with phone.expect_navigation():
            phone.locator("#report-form button[type=submit]").click()
        assert "发现 1 件" in phone.locator(".flash").inner_text()
        assert phone.locator("#screening-owed li[data-unit=v1]").count() == 0
        fits(phone)
        phone.screenshot(path=str(shots / "screening-02-filed.png"), full_page=True)
    finally:
        serve.stop()
    (r,) = eng.screening_rounds("med1", unit="v1")
    assert r["households"] == 46 and [c["opened"] for c in r["cases"]] == [True]
