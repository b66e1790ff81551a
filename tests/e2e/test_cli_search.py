"""``disputeflow case search``, ``board repeats`` and the duplicate warning of ``case open``, as real processes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)
    run("init")
    for args in (["unit", "add", "t1", "--name", "试点镇", "--kind", "town"],
                 ["unit", "add", "v1", "--name", "甲村", "--parent", "t1"],
                 ["user", "add", "go", "--name", "小王", "--role", "grid_officer", "--unit", "v1"],
                 ["user", "add", "sup", "--name", "督办员", "--role", "supervisor"]):
        run(*args)
    yield run
    drop()


def _open(cli, phone, title="宅基地纠纷"):
    p = cli("--as", "go", "--json", "case", "open", "--title", title, "--category", "neighbour", "--unit", "v1",
            "--party", f"张三:applicant:{phone}", "--party", "李四:respondent")
    return json.loads(p.stdout)


def test_search_by_phone_json_and_text_and_the_repeat_list(cli):
    first = _open(cli, "13812348000")
    assert first["similar"] == [] and first["risk"] == "low"
    second = _open(cli, "138-1234-8000", "又来")
    assert [s["number"] for s in second["similar"]] == [first["number"]]
    assert second["repeat_of"] == [first["number"]] and second["risk"] == "medium"
    text = cli("--as", "go", "case", "open", "--title", "三来", "--category", "neighbour", "--unit", "v1",
               "--party", "张三:applicant:138 1234 8000").stdout
    assert "可能重复登记" in text and first["number"] in text and "反复纠纷" in text

    found = json.loads(cli("--as", "sup", "--json", "case", "search", "--phone", "138 1234 8000").stdout)
    assert len(found["items"]) == 3 and found["items"][0]["parties"][0]["phone"] == "13812348000"
    masked = json.loads(cli("--as", "go", "--json", "case", "search", "13812348000").stdout)
    assert masked["items"][0]["parties"][0]["phone"] == "138****8000"
    mine = json.loads(cli("--as", "go", "--json", "case", "search", "--mine").stdout)
    assert len(mine["items"]) == 3
    table = cli("--as", "sup", "case", "search", "--party", "李四").stdout
    assert first["number"] in table and "李四" in table
    bad = cli("--as", "sup", "case", "search", "--phone", "12345", ok=False)
    assert bad.returncode != 0 and "电话号码" in bad.stderr

    repeats = json.loads(cli("--as", "sup", "--json", "board", "repeats").stdout)
    (phone,) = [i for i in repeats["items"] if i["key"] == "phone"]
    assert phone["cases"] == 3 and phone["value"] == "13812348000"
    assert "13812348000" in cli("--as", "sup", "board", "repeats").stdout
