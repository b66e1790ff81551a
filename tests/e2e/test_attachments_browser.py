"""A grid officer on a phone (390 × 844, real Chromium) photographs the scene of a dispute, uploads it to the case
and sees its thumbnail; the full photo opens from the thumbnail, and nothing runs off the screen."""

from __future__ import annotations

import io

from PIL import Image

from tests.conftest import PARTIES, T0
from tests.e2e.test_web_browser import PHONE, browser, pytestmark, shots, sign_in, town  # noqa: F401
from tests.web_support import Serve


def test_a_grid_officer_uploads_a_photo_from_a_phone(town, browser, shots, tmp_path):
    url, eng = town
    n = eng.report("go", title="围墙倒塌压坏邻居菜地", category="neighbour", unit="v1-g1", parties=PARTIES).number
    photo = tmp_path / "IMG_20260302_0915.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (3000, 4000), (40, 140, 60)).save(buf, "JPEG", quality=85)  # a phone's portrait photo
    photo.write_bytes(buf.getvalue())
    serve = Serve(url, T0, tmp_path)
    try:
        phone = sign_in(browser, serve.url, "go", PHONE)
        phone.goto(f"{serve.url}/cases/{n}")
        block = phone.locator("#attachments")
        assert "尚无附件" in block.inner_text()
        camera = block.locator("input[name=photo]")
        assert camera.get_attribute("capture") == "environment" and camera.get_attribute("accept") == "image/*"
        camera.set_input_files(str(photo))
        with phone.expect_navigation():
            block.locator("button[type=submit]").click()
        assert "已上传" in phone.locator(".flash").inner_text()
        thumb = phone.locator("#attachments li.attachment img")
        assert thumb.count() == 1
        thumb.scroll_into_view_if_needed()
        phone.wait_for_function("() => { const i = document.querySelector('#attachments li.attachment img');"
                                " return i && i.complete && i.naturalWidth > 0; }")
        natural = thumb.evaluate("i => [i.naturalWidth, i.naturalHeight]")
        assert natural == [240, 320]  # upright, at most 320 px: a few KB on a phone's data plan
        assert "IMG_20260302_0915.jpg" in phone.locator("#attachments").inner_text()
        assert "上传附件" in phone.locator("#timeline").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
        block.scroll_into_view_if_needed()
        phone.screenshot(path=str(shots / "attach-01-phone-thumbnail.png"), full_page=True)
        href = phone.locator("#attachments li.attachment a.thumb").get_attribute("href")
        full = phone.request.get(serve.url + href)
        assert full.status == 200 and full.body() == photo.read_bytes()
    finally:
        serve.stop()
