"""A grid officer on a phone (390 × 844, real Chromium) registers a 社区矫正对象 with no case: the form needs
no case number, names the missing unit, and the person's page shows the type, the units and the 包保 officials."""

from __future__ import annotations

from tests.conftest import T0
from tests.e2e.test_web_browser import PHONE, browser, pytestmark, shots, sign_in, town  # noqa: F401
from tests.web_support import Serve


def test_a_grid_officer_registers_a_person_without_a_case_on_a_phone(town, browser, shots, tmp_path):
    url, eng = town
    serve = Serve(url, T0, tmp_path)
    try:
        page = sign_in(browser, serve.url, "go", PHONE)
        page.goto(serve.url + "/persons/new")
        page.fill("input[name=name]", "赵某")
        page.select_option("select[name=person_type]", "community_correction")
        page.select_option("select[name=risk]", "high")
        page.select_option("select[name=lead_official]", "lead")
        page.select_option("select[name=stabilise_unit]", "v1")
        page.select_option("select[name=resolve_unit]", "justice")
        page.fill("input[name=keeper_town]", "lead")
        page.fill("input[name=keeper_village]", "med1")
        page.click("#person-submit")
        # no case and no unit: the unit is named, and what was typed stays
        assert page.locator(".field-error[data-field=unit]").is_visible()
        assert page.locator("input[name=keeper_village]").input_value() == "med1"
        assert page.locator("select[name=person_type]").input_value() == "community_correction"
        page.select_option("select[name=unit]", "v1-g1")
        page.click("#person-submit")
        page.wait_for_url(lambda u: "/persons/" in u and not u.endswith("/new"))
        assert page.locator("#person-type").inner_text() == "社区矫正对象"
        assert page.locator("#person-cases").inner_text().strip() == "—"
        assert page.locator("#person-resolve").inner_text() == "试点司法所"
        assert "调解员甲" in page.locator("#details").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
        page.screenshot(path=str(shots / "person-without-case.png"), full_page=True)
        pid = int(page.url.rsplit("/", 1)[1])
        assert eng.person(pid, "sup")["cases"] == []
    finally:
        serve.stop()


def test_a_supervisor_sees_missed_days_on_the_board_and_follows_the_link_on_a_phone(town, browser, shots, tmp_path):
    from datetime import datetime

    from tests.conftest import report
    from disputeflow.workflow.timeutil import LOCAL_TZ

    url, eng = town
    number = report(eng)
    pid = eng.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go",
                         lead_official="lead")["id"]
    later = datetime(2026, 3, 7, 21, 30, tzinfo=LOCAL_TZ)
    eng.sweep(now=later)
    serve = Serve(url, later, tmp_path)
    try:
        page = sign_in(browser, serve.url, "sup", PHONE)
        page.goto(serve.url + "/board")
        row = page.locator(f"#lapse-board tr[data-person='{pid}']")
        assert row.is_visible() and "王**" in row.inner_text() and "王大锤" not in page.content()
        assert "2026-03-06" in row.inner_text() and page.locator("#lapse-total").inner_text() == "重点人员漏报/漏访 1 人"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the board scrolls sideways"
        page.screenshot(path=str(shots / "board-missed-duties.png"), full_page=True)
        row.locator("a").click()
        page.wait_for_url(serve.url + f"/persons/{pid}")
        page.goto(serve.url + f"/cases/{number}")
        assert page.locator(f"[data-lapse-person='{pid}']").is_visible()
    finally:
        serve.stop()
