"""The command line's sharp edges, as a user meets them: real processes, a real SQLite file and PostgreSQL.

Each test here failed before its fix: intervals that never swept, control
characters reaching the terminal, a mistyped --db leaving an empty file behind,
an empty --now ignored, --limit -1 meaning "all", a stale --expect-version
answered as an invalid action, and a report frozen before its --out was found
to be unusable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import cli_runner, make_db_url

NOW = "2026-03-03T09:00+08:00"


def _town(backend: str, tmp_path):
    """A town set up through the facade (its CLI is tested elsewhere); the commands under test run as processes."""
    from tests.conftest import T0
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    url, drop = make_db_url(backend, tmp_path)
    eng = Engine(url, clock=FixedClock(T0))
    eng.init()
    eng.add_unit("t1", "试点镇", "town")
    eng.add_unit("v1", "甲村", "village", "t1")
    eng.add_user("go", "小王", "grid_officer", "v1")
    eng.add_user("med1", "老李", "mediator", "v1")
    eng.add_user("sup", "督办员", "supervisor", "t1")
    eng.close()
    run = cli_runner(url, tmp_path)
    run.url = url
    return run, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def town(request, tmp_path):
    run, drop = _town(request.param, tmp_path)
    yield run
    drop()


@pytest.fixture
def sqlite_town(tmp_path):
    run, drop = _town("sqlite", tmp_path)
    yield run
    drop()


def open_case(run, now: str | None = None) -> str:
    p = run("--as", "go", "--json", "case", "open", "--title", "宅基地纠纷", "--category", "neighbour", "--unit", "v1",
            "--party", "张三:applicant", now=now)
    return json.loads(p.stdout)["number"]


def one_chinese_line(p, code: int) -> str:
    assert p.returncode == code, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in p.stderr and "意外错误" not in p.stderr, p.stderr
    return lines[0]


# --------------------------------------------------------------------------- intervals and times of day


@pytest.mark.parametrize("args,option", [
    (["scheduler", "run", "--every", "-5"], "--every"),
    (["scheduler", "run", "--every", "0"], "--every"),
    (["scheduler", "run", "--digest-at", "25:99"], "--digest-at"),
    (["scheduler", "run", "--digest-at", "8.30"], "--digest-at"),
    (["serve", "--sweep-seconds", "-5"], "--sweep-seconds"),
    (["serve", "--sweep-seconds", "0"], "--sweep-seconds"),
    (["serve", "--port", "0"], "--port"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--host", ""], "--host"),
])
def test_a_long_running_command_refuses_a_bad_interval_before_it_starts(args, option, tmp_path):
    """Before, ``--every -5`` started a scheduler that never swept, spun a core and ignored SIGTERM."""
    db = f"sqlite:///{tmp_path / 'd.db'}"
    cli_runner(db, tmp_path)("init")
    env = {**os.environ, "DISPUTEFLOW_DB": db, "DISPUTEFLOW_NOW": NOW}
    try:
        p = subprocess.run([sys.executable, "-m", "disputeflow.cli", *args], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=30)
    except subprocess.TimeoutExpired:  # the old behaviour: it ran on
        pytest.fail(f"{' '.join(args)} kept running instead of refusing")
    line = one_chinese_line(p, 2)
    assert option in line and "输入有误" in line


def test_the_digest_time_is_kept_as_written(tmp_path):
    from disputeflow.cli.params import CLOCK_TIME

    assert CLOCK_TIME.convert("8:05", None, None) == "08:05"
    assert CLOCK_TIME.convert("23:59", None, None) == "23:59"


# --------------------------------------------------------------------------- what reaches the terminal


def test_control_characters_in_a_stored_title_never_reach_the_terminal(town):
    from sqlalchemy import text

    from disputeflow.cases.db import make_engine

    n = open_case(town)
    forged = "宅基地\a纠纷\r已销号\x1b[2K\u202e反向"
    db = make_engine(town.url)
    with db.begin() as conn:
        conn.execute(text("UPDATE cases SET title = :t WHERE number = :n"), {"t": forged, "n": n})
    db.dispose()
    for args in (["case", "list"], ["case", "show", n]):
        out = town(*args).stdout
        assert not any(ch in out for ch in "\a\r\x1b\u202e"), (args, out)
    assert "宅基地纠纷已销号[2K反向" in town("case", "list").stdout
    doc = json.loads(town("--json", "case", "show", n).stdout)
    assert doc["title"] == forged  # JSON stays exact: it escapes what it carries


def test_control_characters_in_an_error_line_are_dropped(sqlite_town):
    p = sqlite_town("case", "show", "伪造\r\a编号", ok=False)
    line = one_chinese_line(p, 5)
    assert "\a" not in p.stderr and "\r" not in p.stderr and "伪造编号" in line


# --------------------------------------------------------------------------- the database file


def test_a_mistyped_db_path_is_refused_and_leaves_nothing_behind(tmp_path):
    typo = tmp_path / "typo" / "disputeflow.db"
    run = cli_runner(str(typo), tmp_path)
    for args in (["case", "list"], ["--as", "sup", "inbox"], ["audit", "verify"], ["sweep"]):
        line = one_chinese_line(run(*args, ok=False), 2)
        assert "不存在" in line and "disputeflow init" in line
    assert not typo.parent.exists()
    run("init")
    assert typo.exists()
    run("case", "list")


def test_an_empty_database_file_points_to_init(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    line = one_chinese_line(cli_runner(str(empty), tmp_path)("case", "list", ok=False), 2)
    assert "disputeflow init" in line


# --------------------------------------------------------------------------- --now, --limit


@pytest.mark.parametrize("value", ["", "   ", "下周二", "2026-03-03T09:00"])
def test_an_empty_or_invalid_now_is_refused(sqlite_town, value):
    line = one_chinese_line(sqlite_town("--now", value, "case", "list", ok=False), 2)
    assert "--now" in line


def test_an_empty_disputeflow_now_is_refused(tmp_path):
    run = cli_runner(f"sqlite:///{tmp_path / 'd.db'}", tmp_path)
    run("init")
    env = {**os.environ, "DISPUTEFLOW_DB": f"sqlite:///{tmp_path / 'd.db'}", "DISPUTEFLOW_NOW": ""}
    p = subprocess.run([sys.executable, "-m", "disputeflow.cli", "case", "list"], capture_output=True, text=True,
                       env=env, cwd=tmp_path, timeout=120)
    assert "DISPUTEFLOW_NOW" in one_chinese_line(p, 2)


@pytest.mark.parametrize("args", [["case", "list", "--limit", "-1"], ["notify", "list", "--limit", "-1"],
                                  ["--as", "sup", "person", "list", "--limit", "-1"],
                                  ["--as", "sup", "inbox", "--limit", "-1"]])
def test_a_negative_limit_is_refused(sqlite_town, args):
    assert "--limit" in one_chinese_line(sqlite_town(*args, ok=False), 2)


# --------------------------------------------------------------------------- --expect-version


def test_a_stale_version_on_a_case_that_moved_on_is_a_conflict(town):
    n = open_case(town)
    town("--as", "med1", "case", "do", n, "assess", "--set", "risk=low", "--expect-version", "1")
    p = town("--as", "med1", "case", "do", n, "assess", "--set", "risk=low", "--expect-version", "1", ok=False)
    line = one_chinese_line(p, 4)
    assert "已被他人修改" in line
    shown = json.loads(town("--json", "case", "show", n).stdout)
    assert shown["state"] == "assessed" and shown["version"] == 2


def test_a_stale_version_tells_nothing_to_someone_outside_the_case(sqlite_town):
    town = sqlite_town
    town("unit", "add", "v2", "--name", "乙村", "--parent", "t1")
    town("user", "add", "med2", "--name", "外村调解员", "--role", "mediator", "--unit", "v2")
    n = open_case(town)
    p = town("--as", "med2", "case", "do", n, "note", "--set", "text=x", "--expect-version", "7", ok=False)
    assert one_chinese_line(p, 3) and "版本" not in p.stderr


# --------------------------------------------------------------------------- report --out


def test_a_report_to_a_missing_folder_is_refused_before_it_is_frozen(sqlite_town, tmp_path):
    town = sqlite_town
    open_case(town, now="2026-02-10T09:00+08:00")
    p = town("--as", "sup", "report", "ledger", "--month", "2026-02", "--out", str(tmp_path / "nope" / "l.xlsx"),
             ok=False)
    assert "--out" in one_chinese_line(p, 2)
    doc = json.loads(town("--as", "sup", "--json", "report", "verify", "ledger", "--month", "2026-02").stdout)
    assert doc["frozen"] is False
    town("--as", "sup", "report", "ledger", "--month", "2026-02", "--out", str(tmp_path))
    assert json.loads(town("--as", "sup", "--json", "report", "verify", "ledger", "--month", "2026-02").stdout)["frozen"]
