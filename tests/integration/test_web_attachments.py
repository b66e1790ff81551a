"""Attachments over HTTP (real server, both databases): the case page's upload, thumbnails, the API, access."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image

from tests.conftest import PARTIES
from tests.web_support import csrf_of, live, login  # noqa: F401
from disputeflow.workflow.files import LocalFileStore
from disputeflow.workflow.runtime import runtime_of


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1000, 1500), (10, 120, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def site(live, tmp_path):
    runtime_of(live.engine)._files = LocalFileStore(tmp_path / "files")
    return live


def api(live, user: str) -> httpx.Client:
    token = live.engine.create_token(f"api-{user}", user)["token"]
    return httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_the_case_page_uploads_a_photo_and_shows_its_thumbnail(site):
    n = site.engine.report("go", title="围墙倒塌", category="neighbour", unit="v1-g1", parties=PARTIES).number
    go = login(site, "go")
    page = go.get(f"/cases/{n}").text
    assert 'id="attach-form"' in page and 'capture="environment"' in page and 'accept="image/*' in page
    assert 'data-action="attach"' not in page  # no generic form with hash and size boxes
    r = go.post(f"/cases/{n}/attachments", data={"csrf": csrf_of(page)},
                files={"photo": ("IMG_1.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 303 and r.headers["location"].endswith("#attachments")
    page = go.get(f"/cases/{n}").text
    (aid,) = re.findall(r'data-attachment="(\d+)"', page)
    assert f'src="/cases/{n}/attachments/{aid}/thumb"' in page and "IMG_1.jpg" in page and "网格员小王" in page
    thumb = go.get(f"/cases/{n}/attachments/{aid}/thumb")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (213, 320)
    assert "上传附件" in page and "IMG_1.jpg" in page  # the upload is in the 办理记录
    full = go.get(f"/cases/{n}/attachments/{aid}?download=1")
    assert full.content == jpeg() and full.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in full.headers["content-security-policy"]
    # another village's mediator may not read the case, so not its files either
    other = login(site, "med2")
    assert other.get(f"/cases/{n}/attachments/{aid}/thumb").status_code == 403
    assert other.get(f"/cases/{n}/attachments/{aid}").status_code == 403


def test_a_refused_file_or_missing_token_writes_nothing(site):
    n = site.engine.report("go", title="围墙倒塌", category="neighbour", unit="v1-g1", parties=PARTIES).number
    go = login(site, "go")
    page = go.get(f"/cases/{n}").text
    r = go.post(f"/cases/{n}/attachments", data={"csrf": "wrong"}, files={"file": ("a.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 403
    r = go.post(f"/cases/{n}/attachments", data={"csrf": csrf_of(page)},
                files={"file": ("a.jpg", b"<script>alert(1)</script>", "image/jpeg")})
    assert r.status_code == 400 and "只能上传照片" in r.text
    r = go.post(f"/cases/{n}/attachments", data={"csrf": csrf_of(page)}, files={"file": ("", b"", "")})
    assert r.status_code == 400 and "请先选择文件" in r.text
    assert site.engine.attachments(n, "sup") == []


def test_a_mediator_deletes_an_attachment_on_the_page(site):
    n = site.engine.report("go", title="围墙倒塌", category="neighbour", unit="v1-g1", parties=PARTIES).number
    got = site.engine.attach(n, "go", "scan.pdf", b"%PDF-1.4\n%%EOF\n")
    go, med = login(site, "go"), login(site, "med1")
    assert "/delete" not in go.get(f"/cases/{n}").text  # a grid officer may not delete evidence
    page = med.get(f"/cases/{n}").text
    r = med.post(f"/cases/{n}/attachments/{got['id']}/delete", data={"csrf": csrf_of(page), "reason": "重复"})
    assert r.status_code == 303
    page = med.get(f"/cases/{n}").text
    assert "尚无附件" in page and "删除附件" in page


def test_the_api_uploads_lists_downloads_and_deletes(site):
    n = site.engine.report("go", title="围墙倒塌", category="neighbour", unit="v1-g1", parties=PARTIES).number
    go, med, other = api(site, "go"), api(site, "med1"), api(site, "med2")
    r = go.post(f"/cases/{n}/attachments", files={"file": ("现场.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    assert [a["name"] for a in med.get(f"/cases/{n}/attachments").json()["items"]] == ["现场.jpg"]
    assert med.get(f"/cases/{n}/attachments/{aid}").content == jpeg()
    assert med.get(f"/cases/{n}/attachments/{aid}/thumbnail").headers["content-type"] == "image/jpeg"
    bad = go.post(f"/cases/{n}/attachments", files={"file": ("x.pdf", b"MZ\x90\x00", "application/pdf")})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert other.get(f"/cases/{n}/attachments").status_code == 403
    assert go.delete(f"/cases/{n}/attachments/{aid}").status_code == 403
    assert med.delete(f"/cases/{n}/attachments/{aid}", params={"reason": "重复"}).status_code == 200
    assert med.get(f"/cases/{n}/attachments").json()["items"] == []
    assert med.get(f"/cases/{n}/attachments/{aid}").status_code == 404
