"""``disputeflow directory sync``, ``unit move``/``deactivate`` and ``user deactivate``, as real processes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture
def cli(tmp_path):
    url, drop = make_db_url("sqlite", tmp_path)
    run = cli_runner(url, tmp_path)
    run("init")
    yield run
    drop()


def test_sync_twice_then_move_and_deactivate(cli, tmp_path):
    org = tmp_path / "org.json"
    org.write_text(json.dumps({"units": [{"id": "v1", "name": "甲村", "kind": "village", "parent": "t1"},
                                         {"id": "t1", "name": "东镇", "kind": "town"},
                                         {"id": "t2", "name": "西镇", "kind": "town"}]}), encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("id,name,role,unit,phone\ngo,小王,grid_officer,v1,13800000001\nmed,老李,mediator,v1,\n",
                      encoding="utf-8")
    assert "新增 3" in cli("directory", "sync", str(org)).stdout
    assert json.loads(cli("--json", "directory", "sync", str(people)).stdout)["users"]["created"] == 2
    again = json.loads(cli("--json", "directory", "sync", str(org)).stdout)["units"]
    assert again == {"created": 0, "updated": 0, "unchanged": 3, "deactivated": 0}
    assert json.loads(cli("--json", "directory", "sync", str(people)).stdout)["users"]["unchanged"] == 2

    moved = json.loads(cli("--json", "unit", "move", "v1", "--parent", "t2").stdout)
    assert moved["path"] == "/t2/v1/" and moved["moved"]["users"] == 2
    assert "已停用用户 med" in cli("user", "deactivate", "med").stdout
    refused = cli("unit", "deactivate", "t2", ok=False)
    assert refused.returncode != 0 and "下级单位" in refused.stderr
    assert "已停用单位 t2" in cli("unit", "deactivate", "t2", "--force").stdout
    assert "停用" in cli("directory", "--help").stdout + cli("directory", "sync", "--help").stdout
