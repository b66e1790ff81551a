"""A grid officer on a phone (390 × 844, real Chromium) reports a five-party dispute, is warned of the same
party's earlier case, and finds the new case under 我上报的; a supervisor finds it by a party's phone."""

from __future__ import annotations

from tests.conftest import T0
from tests.e2e.test_web_browser import PHONE, browser, pytestmark, shots, sign_in, town  # noqa: F401
from tests.web_support import Serve

DESK = {"width": 1280, "height": 900}


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, "the page scrolls sideways"


def test_five_parties_on_a_phone_then_my_reports_and_a_search_by_phone(town, browser, shots, tmp_path):
    url, eng = town
    earlier = eng.report("go", title="孙家鸡鸭纠纷", category="neighbour", unit="v1-g1",
                         parties=[{"name": "孙大", "phone": "13655556666"}]).number
    serve = Serve(url, T0, tmp_path)
    try:
        phone = sign_in(browser, serve.url, "go", PHONE)
        assert phone.locator("#nav-search").is_visible()
        fits(phone)
        phone.click("a[data-nav=report]")
        assert phone.locator("#report-form .party").count() == 3
        phone.click("#party-add")
        phone.click("#party-add")
        assert phone.locator("#report-form .party").count() == 5
        phone.fill("input[name=title]", "五户排水沟堵塞纠纷")
        phone.select_option("select[name=category]", "neighbour")
        names = phone.locator("input[name=party_name]")
        for i, name in enumerate(("孙大", "周二", "吴三", "郑四", "王五")):
            names.nth(i).fill(name)
        phones = phone.locator("input[name=party_phone]")
        phones.nth(0).fill("136-5555-6666")  # the same person as the earlier case, typed another way
        phones.nth(4).fill("139 0000 1111")
        phone.fill("input[name=people_involved]", "5")
        phone.fill("input[name=amount_involved]", "3000")
        phone.fill("input[name=place]", "甲村三组排水沟")
        phone.fill("input[name=occurred_at]", "2026-03-02T18:30")
        fits(phone)
        phone.screenshot(path=str(shots / "search-01-phone-five-parties.png"), full_page=True)
        phone.click("#report-submit")
        phone.wait_for_url("**/cases/**")
        number = phone.locator("#case-number").inner_text()
        notice = phone.locator("#similar-notice")
        assert notice.is_visible() and notice.locator(f"a[data-similar='{earlier}']").count() == 1
        assert "反复纠纷" in notice.inner_text()  # the earlier case is still open (five parties: high risk anyway)
        case = eng.case(number, "med1")
        assert len(case["parties"]) == 5 and case["risk"] == "high" and case["data"]["repeat_of"] == [earlier]
        assert "13900001111" not in phone.content()  # masked for a grid officer
        assert phone.locator("#occurred-at").inner_text() == "2026-03-02 18:30"
        assert phone.locator("#people-involved").inner_text() == "5 人"
        assert phone.locator("#amount-involved").inner_text() == "3,000 元"
        assert phone.locator(f"#repeat-of a[href='/cases/{earlier}']").count() == 1
        fits(phone)
        phone.screenshot(path=str(shots / "search-02-phone-reported-with-warning.png"), full_page=True)

        phone.click("a[data-nav=mine]")
        rows = phone.locator("#search-results tr[data-number]")
        assert [rows.nth(i).get_attribute("data-number") for i in range(rows.count())] == [number, earlier]
        assert "139****1111" in rows.nth(0).inner_text()
        fits(phone)
        phone.screenshot(path=str(shots / "search-03-phone-my-reports.png"), full_page=True)

        sup = sign_in(browser, serve.url, "sup", DESK)
        sup.fill("#nav-search input[name=q]", "139-0000-1111")
        with sup.expect_navigation():
            sup.press("#nav-search input[name=q]", "Enter")
        rows = sup.locator("#search-results tr[data-number]")
        assert rows.count() == 1 and rows.nth(0).get_attribute("data-number") == number
        assert "王五（13900001111）" in rows.nth(0).inner_text()  # in full for a supervisor
        sup.screenshot(path=str(shots / "search-04-supervisor-by-phone.png"), full_page=True)
    finally:
        serve.stop()
