"""A grid officer's whole report on a phone (390 × 844, real Chromium): a five-party dispute typed on the
form, a photo of the scene attached to it, then the case found again under 我上报的 with its photo."""

from __future__ import annotations

import io

from PIL import Image

from tests.conftest import T0
from tests.e2e.test_web_browser import PHONE, browser, pytestmark, shots, sign_in, town  # noqa: F401
from tests.web_support import Serve

NAMES = ("钱一", "孙二", "李三", "周四", "吴五")


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, "the page scrolls sideways"


def test_five_parties_and_a_photo_on_a_phone_then_found_under_my_reports(town, browser, shots, tmp_path):
    url, eng = town
    photo = tmp_path / "IMG_20260303_0840.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (3000, 4000), (120, 90, 40)).save(buf, "JPEG", quality=85)
    photo.write_bytes(buf.getvalue())
    serve = Serve(url, T0, tmp_path)
    try:
        phone = sign_in(browser, serve.url, "go", PHONE)
        phone.click("a[data-nav=report]")
        phone.click("#party-add")
        phone.click("#party-add")
        phone.fill("input[name=title]", "五户共用晒场占用纠纷")
        phone.select_option("select[name=category]", "neighbour")
        names = phone.locator("input[name=party_name]")
        assert names.count() == 5
        for i, name in enumerate(NAMES):
            names.nth(i).fill(name)
        phone.locator("input[name=party_phone]").nth(2).fill("137-2222-3333")
        phone.fill("input[name=people_involved]", "5")
        phone.fill("input[name=place]", "甲村二组晒场")
        fits(phone)
        phone.click("#report-submit")
        phone.wait_for_url("**/cases/**")
        number = phone.locator("#case-number").inner_text()
        assert [p["name"] for p in eng.case(number, "sup")["parties"]] == list(NAMES)

        block = phone.locator("#attachments")
        block.locator("input[name=photo]").set_input_files(str(photo))
        with phone.expect_navigation():
            block.locator("button[type=submit]").click()
        assert "已上传" in phone.locator(".flash").inner_text()
        assert phone.locator("#attachments li.attachment img").count() == 1

        phone.goto(f"{serve.url}/search?mine=1")
        rows = phone.locator("#search-results tr[data-number]")
        assert [rows.nth(i).get_attribute("data-number") for i in range(rows.count())] == [number]
        row = rows.nth(0).inner_text()
        assert "五户共用晒场占用纠纷" in row and "137****3333" in row and "13722223333" not in phone.content()
        fits(phone)
        phone.screenshot(path=str(shots / "day-01-phone-my-reports.png"), full_page=True)

        with phone.expect_navigation():
            rows.nth(0).locator(f"a[href='/cases/{number}']").first.click()
        assert phone.locator("#case-number").inner_text() == number
        thumb = phone.locator("#attachments li.attachment img")
        thumb.scroll_into_view_if_needed()
        phone.wait_for_function("() => { const i = document.querySelector('#attachments li.attachment img');"
                                " return i && i.complete && i.naturalWidth > 0; }")
        assert "IMG_20260303_0840.jpg" in phone.locator("#attachments").inner_text()
        parties = phone.locator("#parties").inner_text()
        assert all(n in parties for n in NAMES) and "137****3333" in parties
        fits(phone)
        phone.locator("#attachments").screenshot(path=str(shots / "day-02-phone-case-photo.png"))
    finally:
        serve.stop()
