"""Attachments (证据材料): photos and documents on a case, on both databases.

An upload and a deletion are events on the case's chain, written with the
attachment row in one transaction; the type is judged by the bytes; only
readers of the case may list or open the files; images get a thumbnail.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from tests.conftest import PARTIES, build_town
from disputeflow import InvalidAction, NotFound, NotPermitted, ValidationError
from disputeflow.workflow.config import Config
from disputeflow.workflow.runtime import runtime_of


def jpeg(w=1200, h=900, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (w, h), color).save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def eng(db_url, clock, tmp_path):
    from disputeflow import Engine

    e = Engine(Config(url=db_url, attachments={"dir": str(tmp_path / "files"), "max_mb": 1}), clock=clock)
    e.init()
    build_town(e)
    yield e
    e.close()


def case(eng) -> str:
    return eng.report("go", title="邻里漏水", category="neighbour", unit="v1-g1", parties=PARTIES).number


def test_a_photo_is_stored_thumbnailed_and_on_the_chain(eng, tmp_path):
    n = case(eng)
    photo = jpeg()
    got = eng.attach(n, "go", "IMG_0001.JPG", photo)
    assert got["content_type"] == "image/jpeg" and got["thumbnail"] and got["size"] == len(photo)
    (listed,) = eng.attachments(n, "med1")
    assert listed["name"] == "IMG_0001.JPG" and listed["uploaded_by_name"] == "网格员小王"
    name, data, ctype = eng.attachment_file(n, got["id"], "med1")
    assert (name, data, ctype) == ("IMG_0001.JPG", photo, "image/jpeg")
    _, thumb, ttype = eng.attachment_file(n, got["id"], "med1", thumbnail=True)
    with Image.open(io.BytesIO(thumb)) as img:
        assert ttype == "image/jpeg" and max(img.size) == 320
    assert (tmp_path / "files" / got["sha256"][:2] / got["sha256"]).read_bytes() == photo
    (event,) = [h for h in eng.history(n) if h["action"] == "attach"]
    assert event["data"]["sha256"] == hashlib.sha256(photo).hexdigest() and event["data"]["file"] == "IMG_0001.JPG"
    with runtime_of(eng).store.read() as tx:
        from disputeflow.cases.audit_verify import verify_cases

        assert verify_cases(tx, runtime_of(eng).store.signer)["problems"] == []


def test_type_comes_from_the_bytes_not_the_name(eng):
    n = case(eng)
    for name, data in [("photo.jpg", b"<html><script>alert(1)</script></html>"), ("scan.pdf", jpeg()),
                       ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), ("empty.jpg", b"")]:
        with pytest.raises(ValidationError) as refused:
            eng.attach(n, "go", name, data)
        assert refused.value.errors[0].field == "file"
    with pytest.raises(ValidationError) as big:
        eng.attach(n, "go", "big.pdf", PDF + b"0" * 1_100_000)
    assert "上限 1 MB" in big.value.errors[0].zh
    assert eng.attachments(n, "sup") == []
    assert [h["action"] for h in eng.history(n)] == ["report"]
    got = eng.attach(n, "go", "../../etc/协议书", PDF)
    assert got["name"] == "协议书.pdf" and got["content_type"] == "application/pdf" and not got["thumbnail"]


def test_only_readers_of_the_case_see_its_files(eng):
    n = case(eng)
    got = eng.attach(n, "med1", "a.png", _png())
    for outsider in ("med2",):
        with pytest.raises(NotPermitted):
            eng.attachments(n, outsider)
        with pytest.raises(NotPermitted):
            eng.attachment_file(n, got["id"], outsider)
        with pytest.raises(NotPermitted):
            eng.attach(n, outsider, "b.png", _png())
    assert len(eng.attachments(n, "med1")) == 1  # the refused upload left no row


def test_deletion_is_audited_and_hides_the_file(eng):
    n = case(eng)
    got = eng.attach(n, "go", "a.pdf", PDF)
    with pytest.raises(NotPermitted):
        eng.detach(n, got["id"], "go")  # the grid officer's role may not delete evidence
    eng.detach(n, got["id"], "med1", reason="传错了")
    assert eng.attachments(n, "med1") == []
    assert eng.attachments(n, "med1", with_deleted=True)[0]["deleted_at"]
    with pytest.raises(NotFound):
        eng.attachment_file(n, got["id"], "med1")
    with pytest.raises(NotFound):
        eng.detach(n, got["id"], "med1")
    last = eng.history(n)[-1]
    assert last["action"] == "detach" and last["data"]["reason"] == "传错了" and last["actor"] == "med1"


def test_an_unknown_case_or_file(eng):
    with pytest.raises(NotFound):
        eng.attach("无此案", "go", "a.pdf", PDF)
    n = case(eng)
    with pytest.raises(NotFound):
        eng.attachment_file(n, 99, "med1")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def test_the_case_file_index_lists_the_attachments(eng):
    from disputeflow.reports import paper_docx

    n = case(eng)
    name, body, _ = eng.report_file("file", fmt="docx", actor="med1", number=n)
    before = paper_docx.text_of(body)
    assert "证据材料及附件清单" not in before
    eng.attach(n, "go", "现场照片.jpg", jpeg())
    eng.attach(n, "med1", "调解协议扫描件.pdf", PDF)
    gone = eng.attach(n, "med1", "传错的.pdf", PDF)
    eng.detach(n, gone["id"], "med1")
    text = paper_docx.text_of(eng.report_file("file", fmt="docx", actor="med1", number=n)[1])
    assert "证据材料及附件清单" in text and "现场照片.jpg" in text and "调解协议扫描件.pdf" in text
    assert "网格员小王" in text and "照片" in text and "PDF 扫描件" in text and "传错的.pdf" not in text
    html = eng.report_file("file", fmt="html", actor="med1", number=n)[1].decode()
    assert "现场照片.jpg" in html
