"""``disputeflow import`` as an operator runs it: real processes, a real ledger, Chinese reports, a killed run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import make_db_url
from tests.ledgers import write_csv, write_xlsx
from disputeflow.workflow.runtime import runtime_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    env = {**os.environ, "DISPUTEFLOW_DB": url, "DISPUTEFLOW_NOW": "2026-03-03T09:00+08:00",
           "PYTHONPATH": str(ROOT)}
    env.pop("DISPUTEFLOW_USER", None)

    def run(*args, ok=True, script=None):
        cmd = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "disputeflow.cli", *args]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
        if ok:
            assert p.returncode == 0, p.stderr
        return p

    from disputeflow import Engine

    eng = Engine(url)  # the schema and the town are set up in-process; the import runs as a command
    eng.init()
    eng.add_unit("t1", "试点镇", "town")
    eng.add_unit("v1", "甲村", "village", "t1")
    eng.add_unit("v2", "乙村", "village", "t1")
    eng.add_user("med1", "老李", "mediator", "v1")
    eng.add_user("sup", "督办员", "supervisor", "t1")
    eng.add_user("go", "小王", "grid_officer", "v1")
    run.engine = eng
    yield run
    eng.close()
    drop()


ROWS = [
    ["L-1", "2026年1月5日", "甲村", "邻里纠纷", "张三、李四", "13812345678、13912345678", "低", None, "调处中", None, None, None],
    ["L-2", 46024, "乙村", "婚姻家庭", "王五", 13812340000, "中", None, "已销号", "2026/1/20", "2026-02-20", None],
]


def test_a_dry_run_prints_the_problems_in_chinese_and_writes_nothing(cli, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", ROWS + [["L-3", "2026-13-01", "甲村", "打架", "赵六", None, None, None,
                                                      None, None, None, None]])
    p = cli("--as", "sup", "import", str(path), "--dry-run")
    assert any(line.split()[:2] == ["6", "登记日期"] for line in p.stdout.splitlines())
    assert "日期“2026-13-01”不存在" in p.stdout and "纠纷类型“打架”无法识别" in p.stdout
    assert "有效 2 行，有误 1 行" in p.stdout and "将新建 2 件" in p.stdout and "未写入任何数据" in p.stdout
    assert cli.engine.list_cases() == []


def test_a_file_with_errors_is_refused_with_exit_code_2_and_imported_with_skip_bad(cli, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", ROWS + [["L-3", "2026-01-07", "甲村", "打架", "赵六", None, None, None,
                                                      None, None, None, None]])
    p = cli("--as", "sup", "import", str(path), ok=False)
    assert p.returncode == 2 and p.stderr.startswith("错误：台账有 1 行有误，未导入任何数据")
    assert "Traceback" not in p.stderr
    p = cli("--as", "sup", "--json", "import", str(path), "--skip-bad")
    doc = json.loads(p.stdout)
    assert (doc["created"], doc["bad_rows"]) == (2, 1)
    assert Path(doc["error_file"]).name == "台账.errors.csv" and Path(doc["error_file"]).exists()
    again = json.loads(cli("--as", "sup", "--json", "import", str(path), "--skip-bad").stdout)
    assert (again["created"], again["unchanged"]) == (0, 2)


def test_a_grid_officer_may_not_import(cli, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", ROWS)
    p = cli("--as", "go", "import", str(path), ok=False)
    assert p.returncode == 3 and "督办人员或管理员" in p.stderr


KILLER = textwrap.dedent("""
    import os, signal, sys
    from disputeflow.cases.store import Tx
    from disputeflow.cli import main

    real = Tx.insert_rows
    seen = {"audit": 0}

    def insert_rows(self, table, columns, rows, suffix=""):
        # fault injection: die inside the third batch's transaction, after its cases and
        # parties are written and before its audit events are
        if table == "audit_events":
            seen["audit"] += 1
            if seen["audit"] == 3:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(self, table, columns, rows, suffix)

    Tx.insert_rows = insert_rows
    sys.exit(main(sys.argv[1:]))
""")


def test_a_killed_import_leaves_no_half_imported_row_and_a_rerun_completes_it(cli, tmp_path):
    rows = [[f"K-{i:04d}", "2026-01-05", "甲村" if i % 2 else "乙村", "邻里纠纷", f"当事人{i}", None, "低", None,
             "调处中", None, None, None] for i in range(120)]
    path = write_csv(tmp_path / "大台账.csv", ["编号", "登记日期", "村(社区)", "纠纷类型", "当事人", "联系电话", "风险等级",
                                                "包案领导", "化解情况", "办结日期", "销号日期", "备注"], rows)
    p = cli("--as", "sup", "import", str(path), "--batch", "25", script=KILLER, ok=False)
    assert p.returncode == -9

    def check():
        eng = cli.engine
        with runtime_of(eng).store.read() as tx:
            def q(sql):
                return tx.query(sql)[0][0]
            out = {"cases": q("SELECT COUNT(*) FROM cases"), "keys": q("SELECT COUNT(*) FROM import_keys"),
                   "bare": q("SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM audit_events a "
                             "WHERE a.case_id = c.id) OR NOT EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id) "
                             "OR NOT EXISTS (SELECT 1 FROM clocks k WHERE k.case_id = c.id)"),
                   "orphans": q("SELECT COUNT(*) FROM parties p WHERE NOT EXISTS (SELECT 1 FROM import_keys k "
                                "WHERE k.case_id = p.case_id)")}
        out["problems"] = len(eng.verify_audit()["problems"])
        return out

    assert check() == {"cases": 50, "keys": 50, "bare": 0, "orphans": 0, "problems": 0}
    doc = json.loads(cli("--as", "sup", "--json", "import", str(path), "--batch", "25").stdout)
    assert (doc["created"], doc["unchanged"]) == (70, 50)
    assert check() == {"cases": 120, "keys": 120, "bare": 0, "orphans": 0, "problems": 0}


def test_a_progress_bar_is_drawn_on_a_terminal_and_not_in_a_pipe(cli, tmp_path):
    import pty

    if "postgresql" in str(runtime_of(cli.engine).db.url):
        pytest.skip("the terminal output does not depend on the database")
    path = write_xlsx(tmp_path / "台账.xlsx", ROWS)
    master, slave = pty.openpty()
    env = {**os.environ, "DISPUTEFLOW_DB": str(runtime_of(cli.engine).db.url), "DISPUTEFLOW_NOW": "2026-03-03T09:00+08:00",
           "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    p = subprocess.Popen([sys.executable, "-m", "disputeflow.cli", "--as", "sup", "import", str(path)], stdout=subprocess.PIPE,
                         stderr=slave, env=env, cwd=tmp_path)
    out, _ = p.communicate(timeout=120)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert p.returncode == 0
    screen = seen.decode("utf-8", "replace")
    assert "校验" in screen and "写入" in screen and "100%" in screen
    assert "正在读取文件" in screen and screen.index("正在读取文件") < screen.index("校验")  # before the load, not after
    assert "新建 2 件" in out.decode() and "写入" not in out.decode()
    piped = cli("--as", "sup", "import", str(path))
    assert "写入" not in piped.stderr and "无变化 2 件" in piped.stdout


def test_a_dry_run_of_a_ledger_moving_a_row_back_prints_the_reopening_and_the_import_does_it(cli, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", ROWS)
    cli("--as", "sup", "import", str(path))
    rows = [list(r) for r in ROWS]
    rows[1][8:11] = ["调处中", None, None]
    write_xlsx(path, rows)
    p = cli("--as", "sup", "import", str(path), "--dry-run")
    assert "回退：" in p.stdout and "将重新打开" in p.stdout
    assert "更新 1 件（其中重新打开 1 件）" in p.stdout and "未写入任何数据" in p.stdout
    out = json.loads(cli("--as", "sup", "--json", "import", str(path)).stdout)
    assert (out["reopened"], out["updated"]) == (1, 1) and "已重新打开" in out["notices"][0]["message"]
