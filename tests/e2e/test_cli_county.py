"""A county from the command line: `unit add --kind county`, towns under it, and the board by town."""

from __future__ import annotations

import json

from tests.conftest import cli_runner, make_db_url


def test_a_county_with_two_towns_from_the_cli(tmp_path):
    url, drop = make_db_url("sqlite", tmp_path)
    run = cli_runner(url, tmp_path)
    run("init")
    for args in (["unit", "add", "cty", "--name", "示范县", "--kind", "county"],
                 ["unit", "add", "sr", "--name", "双乳镇", "--kind", "town", "--parent", "cty"],
                 ["unit", "add", "qs", "--name", "青石镇", "--kind", "town", "--parent", "cty"],
                 ["unit", "add", "dg", "--name", "东港村", "--kind", "village", "--parent", "sr"],
                 ["unit", "add", "sq", "--name", "石桥村", "--kind", "village", "--parent", "qs"],
                 ["user", "add", "m1", "--name", "调解员甲", "--role", "mediator", "--unit", "dg"],
                 ["user", "add", "m2", "--name", "调解员乙", "--role", "mediator", "--unit", "sq"],
                 ["user", "add", "cs", "--name", "县督办员", "--role", "supervisor", "--unit", "cty"]):
        run(*args)
    refused = run("unit", "add", "x", "--name", "某县", "--kind", "county", "--parent", "cty", ok=False)
    assert refused.returncode != 0 and "县（区）是最高一级单位" in refused.stderr
    numbers = [json.loads(run("--json", "--as", who, "case", "open", "--title", "邻里纠纷", "--category", "neighbour",
                              "--unit", unit, "--party", "张三").stdout)["number"] for who, unit in (("m1", "dg"), ("m2", "sq"))]
    assert numbers == ["双乳-2026-000001", "青石-2026-000001"]
    later = "2026-05-03T09:00+08:00"
    got = json.loads(run("--json", "--as", "cs", "overdue", "--by-town", now=later).stdout)
    assert {t["name"]: t["open"] for t in got["towns"]} == {"双乳镇": 1, "青石镇": 1}
    assert all(t["overdue"] > 0 for t in got["towns"])
    text = run("--as", "cs", "overdue", "--by-town", now=later).stdout
    assert "各镇情况（2 个镇）" in text and "青石镇" in text
    mine = json.loads(run("--json", "--as", "m1", "overdue", "--by-town", now=later).stdout)
    assert [t["name"] for t in mine["towns"]] == ["双乳镇"]
    drop()
