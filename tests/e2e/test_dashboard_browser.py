"""A supervisor reads the leader's dashboard (real Chromium, desktop and phone) and follows a village to the board."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import PARTIES, T0
from tests.e2e.test_web_browser import DESKTOP, PHONE, browser, pytestmark, shots, sign_in, town  # noqa: F401
from tests.web_support import Serve


def test_a_supervisor_reads_the_dashboard(town, browser, shots, tmp_path):
    url, eng = town
    for title, category, unit in (("宅基地边界", "land", "v1-g1"), ("邻里噪音", "neighbour", "v1-g1"),
                                  ("拖欠工资", "labour", "v2"), ("耕地承包", "land", "v2")):
        eng.report("go" if unit.startswith("v1") else "med2", title=title, category=category, unit=unit,
                   parties=PARTIES)
    serve = Serve(url, T0 + timedelta(days=2), tmp_path)  # two days on: every 研判 clock has run out
    try:
        desk = sign_in(browser, serve.url, "sup", DESKTOP)
        desk.click("a[data-nav=dashboard]")
        desk.wait_for_url(serve.url + "/dashboard")
        assert desk.locator("h1").inner_text().startswith("领导驾驶舱")
        assert desk.locator("[data-kpi=open] b").inner_text() == "4"
        assert desk.locator("[data-kpi=overdue] b").inner_text() == "4"
        assert desk.locator("#overdue-villages svg a").count() == 2
        assert desk.locator("#heat td a").count() == 4  # land, neighbour in 甲村; labour, land in 乙村
        desk.screenshot(path=str(shots / "dash-01-supervisor-desktop.png"), full_page=True)
        with desk.expect_navigation():
            desk.locator("#overdue-villages svg a[data-village=v2]").click()
        assert desk.url.endswith("/board?village=v2")
        phone = sign_in(browser, serve.url, "sup", PHONE)
        phone.goto(serve.url + "/dashboard")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
        phone.screenshot(path=str(shots / "dash-02-supervisor-phone.png"), full_page=True)
    finally:
        serve.stop()
