"""Attachments from the command line, on both databases: attach, list, fetch back, delete."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)
    run("init")
    for args in (["unit", "add", "sr", "--name", "双乳镇", "--kind", "town"],
                 ["unit", "add", "cun", "--name", "东村", "--kind", "village", "--parent", "sr"],
                 ["unit", "add", "xc", "--name", "西村", "--kind", "village", "--parent", "sr"],
                 ["user", "add", "m1", "--name", "调解员老陈", "--role", "mediator", "--unit", "cun"],
                 ["user", "add", "m2", "--name", "西村调解员", "--role", "mediator", "--unit", "xc"]):
        run(*args)
    yield run
    drop()


def test_attach_list_fetch_and_delete(cli, tmp_path):
    number = json.loads(cli("--json", "--as", "m1", "case", "open", "--title", "宅基地纠纷", "--category", "land",
                            "--unit", "cun", "--party", "王五:applicant:13712345678").stdout)["number"]
    photo = tmp_path / "现场照片.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 90, 200)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())
    scan = tmp_path / "协议.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    out = cli("--as", "m1", "case", "attach", number, str(photo), str(scan)).stdout
    assert "已上传附件" in out and "现场照片.jpg" in out and "协议.pdf" in out
    listed = cli("--as", "m1", "case", "attachments", number).stdout
    assert "现场照片.jpg" in listed and "调解员老陈" in listed and "image/jpeg" in listed
    rows = json.loads(cli("--json", "--as", "m1", "case", "attachments", number).stdout)
    assert [r["name"] for r in rows] == ["现场照片.jpg", "协议.pdf"] and rows[0]["thumbnail"]
    back = tmp_path / "back.jpg"
    cli("--as", "m1", "case", "attachment", number, str(rows[0]["id"]), "--out", str(back))
    assert back.read_bytes() == photo.read_bytes()
    fake = tmp_path / "notes.pdf"
    fake.write_text("just text")
    refused = cli("--as", "m1", "case", "attach", number, str(fake), ok=False)
    assert refused.returncode != 0 and "只能上传照片" in refused.stderr
    other = cli("--as", "m2", "case", "attachments", number, ok=False)
    assert other.returncode != 0
    cli("--as", "m1", "case", "detach", number, str(rows[1]["id"]), "--reason", "重复上传")
    assert [r["name"] for r in json.loads(cli("--json", "--as", "m1", "case", "attachments", number).stdout)] \
        == ["现场照片.jpg"]
    history = cli("--as", "m1", "case", "history", number).stdout
    assert "上传附件" in history and "删除附件" in history
