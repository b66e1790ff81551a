"""``disputeflow import --dry-run`` on the ledgers townships keep: the summary an operator reads, and its exit code."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url
from tests.standard_ledgers import build_shuangru, register_rows, write_register, write_screening


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    from disputeflow import Engine

    eng = Engine(url)
    eng.init()
    build_shuangru(eng)
    eng.add_user("dg-med", "调解员甲", "mediator", "dg")
    eng.add_user("sr-lead", "包案领导", "lead_official", "sr")
    yield cli_runner(url, tmp_path)
    eng.close()
    drop()


def test_a_dry_run_of_the_register_and_the_screening_ledger_accepts_every_row(cli, tmp_path):
    for path, open_rows, overdue in ((write_register(tmp_path / "人民调解登记台账.xlsx"), 1, 1),
                                     (write_screening(tmp_path / "排查稳控台账.xlsx"), 5, 1)):
        p = cli("--as", "sr-sup", "import", str(path), "--dry-run")
        print(p.stdout)
        assert "有效 5 行，有误 0 行" in p.stdout and "将新建 5 件" in p.stdout and "拒收 0 行" in p.stdout
        assert f"在办案件 {open_rows} 件按台账日期计时，其中导入前已超期 {overdue} 件" in p.stdout
        assert "未写入任何数据" in p.stdout
    p = cli("--as", "sr-sup", "--json", "import", str(tmp_path / "排查稳控台账.xlsx"), "--dry-run", "--as-of-today")
    assert json.loads(p.stdout)["tracking"] == {"mode": "live", "open": 5, "overdue": 0}


def test_a_dry_run_that_accepts_no_row_exits_non_zero_and_says_why(cli, tmp_path):
    rows = register_rows()
    for row in rows:
        row[2] = "西山村人民调解委员会"  # a committee of a village the system does not have
    rows[0][8] = "打架"
    path = write_register(tmp_path / "台账.xlsx", rows)
    p = cli("--as", "sr-sup", "import", str(path), "--dry-run", ok=False)
    assert p.returncode == 2, p.stderr
    assert "拒收 5 行（按原因：承办单位 5 行、纠纷类型 1 行）" in p.stdout
    assert "没有一行可以导入" in p.stderr
