"""Every command of the command line, fed hostile values: each answer is one Chinese line and the right exit code.

Empty strings, huge numbers, the years 1 and 9999, negative numbers and unknown
ids must never reach the terminal as a traceback or as "意外错误" (exit 1 means a
genuine unexpected failure only). The walk calls the console script's own
``main`` in this process against a real SQLite file holding the demo town, which
keeps well over a hundred invocations quick; the inputs that reach the database
with a number run on PostgreSQL too. Commands that would block (``serve``,
``scheduler run``) are driven as real processes in ``test_cli_sharp_edges.py``.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import T0, build_town, make_db_url
from disputeflow.cli import main

BIG = str(10**30)
N = "双乳-2026-000022"  # a case of the demo town, reported, in 西坪村
SUP = ("--as", "zz-wang")
MED = ("--as", "tj-donggang")
PERSON = ("person", "add", "--name", "某", "--case", N, "--risk", "low", "--grid-officer", "go", "--lead", "ld-zhao")
OPEN = ("case", "open", "--title", "t", "--category", "other", "--unit", "donggang")

# (arguments, exit code). 2 usage or validation, 3 not permitted, 4 conflict, 5 not found.
HOSTILE: list[tuple[tuple[str, ...], int]] = [
    # the global options
    (("--now", "", "case", "list"), 2),
    (("--now", "garbage", "case", "list"), 2),
    (("--now", "0001-01-01T00:00+08:00", "case", "list"), 2),
    (("--now", "9999-12-31T23:59+08:00", "sweep"), 2),
    (("--now", "2026-03-03T09:00", "case", "list"), 2),
    (("--lang", "xx", "case", "list"), 2),
    (("--lang", "", "case", "list"), 2),
    (("--config", "/nonexistent/disputeflow.toml", "case", "list"), 2),
    (("--json",), 2),
    (("nosuch",), 2),
    (("case", "list", "--nosuch"), 2),
    (("case", "list", "extra", "args"), 2),
    # units and users
    (("unit", "add", "", "--name", "x"), 2),
    (("unit", "add", "u9", "--name", ""), 2),
    (("unit", "add", "u9", "--name", "x", "--parent", "nosuch"), 2),
    (("unit", "add", "u9", "--name", "x", "--kind", ""), 2),
    (("user", "add", "", "--name", "x", "--role", "mediator"), 2),
    (("user", "add", "x9", "--name", "x", "--role", ""), 2),
    (("user", "add", "x9", "--name", "x", "--role", "mediator", "--unit", "nosuch"), 2),
    (("user", "list", "--unit", "nosuch"), 5),
    (("user", "list", "--unit", ""), 2),
    (("user", "list", "--role", ""), 2),
    (("user", "passwd", "nosuch", "--password-stdin"), 2),
    # cases
    ((*SUP, *OPEN[:2], "--title", "", "--category", "other", "--unit", "donggang", "--party", "甲"), 2),
    ((*SUP, "case", "open", "--title", "t", "--category", "", "--unit", "donggang", "--party", "甲"), 2),
    ((*SUP, "case", "open", "--title", "t", "--category", "other", "--unit", "nosuch", "--party", "甲"), 2),
    ((*SUP, *OPEN, "--party", ""), 2),
    ((*SUP, *OPEN, "--party", "甲", "--workflow", ""), 2),
    ((*SUP, *OPEN, "--party", "甲", "--workflow", "nosuch"), 2),
    ((*SUP, *OPEN, "--party", "甲", "--source", ""), 2),
    (("case", "show", ""), 5),
    (("case", "show", "nosuch"), 5),
    (("case", "show", "x" * 5000), 5),
    (("case", "show", "双乳-2026-" + BIG), 5),
    (("case", "list", "--limit", "-1"), 2),
    (("case", "list", "--limit", "0"), 2),
    (("case", "list", "--limit", BIG), 2),
    (("case", "list", "--limit", ""), 2),
    (("case", "list", "--state", ""), 2),
    (("case", "list", "--unit", ""), 2),
    (("case", "list", "--unit", "nosuch"), 5),
    ((*SUP, "case", "actions", ""), 5),
    ((*SUP, "case", "actions", "nosuch"), 5),
    (("case", "history", ""), 5),
    (("case", "history", "nosuch"), 5),
    ((*MED, "case", "do", N, "note", "--set", "text=x", "--expect-version", "-1"), 2),
    ((*MED, "case", "do", N, "note", "--set", "text=x", "--expect-version", BIG), 2),
    ((*MED, "case", "do", N, "note", "--set", "text=x", "--expect-version", ""), 2),
    ((*SUP, "case", "do", N, "note", "--set", "text=x", "--expect-version", "0"), 4),
    ((*MED, "case", "do", "nosuch", "note", "--set", "text=x"), 5),
    ((*SUP, "case", "do", N, ""), 2),
    ((*SUP, "case", "do", N, "nosuch"), 2),
    ((*SUP, "case", "do", N, "note", "--set", ""), 2),
    ((*SUP, "case", "do", N, "note", "--set", "text="), 2),
    (("case", "do", N, "note", "--set", "text=x"), 2),  # nobody named with --as
    (("--as", "nosuch", "case", "do", N, "note", "--set", "text=x"), 3),
    (("--as", "go", "case", "do", N, "assess", "--set", "risk=low"), 3),
    ((*SUP, "case", "do", N, "supervise", "--set", "level=town", "--set", "authority=x", "--set", "deadline=9999-12-31"), 2),
    ((*SUP, "case", "do", N, "supervise", "--set", "level=town", "--set", "authority=x", "--set", "deadline=0001-01-01"), 2),
    ((*SUP, "case", "do", N, "supervise", "--set", "level=town", "--set", "authority=x", "--set", "deadline="), 2),
    ((*SUP, "case", "do", N, "extend", "--set", "clock=assess", "--set", "until=9999-12-31T00:00+08:00",
      "--set", "reason=x"), 2),
    # the board, talks, sweep, calendar
    ((*SUP, "overdue", "--as-of", ""), 2),
    ((*SUP, "overdue", "--as-of", "0001-01-01"), 2),
    ((*SUP, "overdue", "--as-of", "9999-12-31"), 2),
    ((*SUP, "overdue", "--as-of", "-5"), 2),
    ((*SUP, "overdue", "--unit", ""), 2),
    ((*SUP, "overdue", "--unit", "nosuch"), 5),
    (("talks", "--month", ""), 2),
    (("talks", "--month", "2026-13"), 2),
    (("talks", "--month", "0001-01"), 2),
    (("talks", "--month", "9999-12"), 2),
    (("talks", "--month", "-5"), 2),
    (("calendar", "show", ""), 2),
    (("calendar", "show", "0"), 2),
    (("calendar", "show", "1"), 2),
    (("calendar", "show", "9999"), 2),
    (("calendar", "show", BIG), 2),
    (("calendar", "show", "二〇二六"), 2),
    # notifications
    (("notify", "list", "--limit", "-1"), 2),
    (("notify", "list", "--limit", BIG), 2),
    (("notify", "retry", "0"), 2),
    (("notify", "retry", BIG), 2),
    (("notify", "retry", ""), 2),
    (("notify", "retry", "99999"), 5),
    (("notify", "preview", ""), 2),
    (("notify", "preview", "report", "--kind", ""), 2),
    # workflow definitions
    (("workflow", "show", "--name", ""), 2),
    (("workflow", "show", "--name", "nosuch"), 2),
    (("workflow", "diagram", "--name", "nosuch"), 2),
    (("workflow", "diagram", "--format", ""), 2),
    # key persons
    ((*SUP, *PERSON, "--group-size", "-5"), 2),
    ((*SUP, *PERSON, "--group-size", BIG), 2),
    ((*SUP, *PERSON[:4], "nosuch", *PERSON[5:]), 2),
    ((*SUP, "person", "show", "0"), 2),
    ((*SUP, "person", "show", "-1"), 2),
    ((*SUP, "person", "show", BIG), 2),
    ((*SUP, "person", "show", "99999"), 5),
    ((*SUP, "person", "list", "--limit", "-1"), 2),
    ((*SUP, "person", "list", "--limit", BIG), 2),
    ((*SUP, "person", "list", "--unit", "nosuch"), 5),
    ((*SUP, "person", "contact", "99999", "--method", "visit"), 5),
    ((*SUP, "person", "contact", "1", "--method", "visit", "--at", ""), 2),
    ((*SUP, "person", "contact", "1", "--method", "visit", "--at", "0001-01-01"), 2),
    ((*SUP, "person", "contact", "1", "--method", "visit", "--at", "9999-12-31"), 2),
    ((*SUP, "person", "link", "99999", N), 5),
    ((*SUP, "person", "link", "1", "nosuch"), 5),
    ((*SUP, "person", "release", "99999", "--reason", "x"), 5),
    ((*SUP, "person", "due", "--day", ""), 2),
    ((*SUP, "person", "due", "--day", "0001-01-01"), 2),
    ((*SUP, "person", "due", "--day", "9999-12-31"), 2),
    ((*SUP, "person", "due", "--day", "2026-02-30"), 2),
    ((*SUP, "person", "rate", "--unit", "shuangru", "--start", "", "--end", "2026-04-01"), 2),
    ((*SUP, "person", "rate", "--unit", "shuangru", "--start", "0001-01-01", "--end", "9999-12-31"), 2),
    ((*SUP, "person", "rate", "--unit", "shuangru", "--start", "2026-04-01", "--end", "2026-03-01"), 2),
    ((*SUP, "person", "rate", "--unit", "nosuch", "--start", "2026-03-01", "--end", "2026-04-01"), 5),
    # the inbox
    ((*SUP, "inbox", "--limit", "-1"), 2),
    ((*SUP, "inbox", "list", "--offset", "-1"), 2),
    ((*SUP, "inbox", "list", "--limit", BIG), 2),
    ((*SUP, "inbox", "list", "--offset", BIG), 2),
    ((*SUP, "inbox", "show", "0"), 2),
    ((*SUP, "inbox", "show", BIG), 2),
    ((*SUP, "inbox", "show", "99999"), 5),
    ((*SUP, "inbox", "read", BIG), 2),
    # ledger import
    ((*SUP, "import", ""), 2),
    ((*SUP, "import", "/nonexistent/台账.xlsx"), 5),
    ((*SUP, "import", "ledger.csv", "--batch", "0"), 2),
    ((*SUP, "import", "ledger.csv", "--batch", BIG), 2),
    ((*SUP, "import", "ledger.csv", "--skip-bad", "--errors", "/nonexistent/dir/errors.csv"), 2),
    # API tokens
    (("token", "create", "", "--user", "zz-wang"), 2),
    (("token", "create", "t", "--user", "zz-wang", "--unit", "nosuch"), 2),
    (("token", "revoke", "0"), 2),
    (("token", "revoke", BIG), 2),
    (("token", "revoke", "99999"), 5),
    # reports
    ((*SUP, "report", "ledger", "--month", ""), 2),
    ((*SUP, "report", "ledger", "--month", "2026-13"), 2),
    ((*SUP, "report", "ledger", "--month", "0001-01"), 2),
    ((*SUP, "report", "ledger", "--month", "9999-12"), 2),
    ((*SUP, "report", "ledger", "--month", "2026-02", "--out", "/nonexistent/dir/ledger.xlsx"), 2),
    ((*SUP, "report", "ledger", "--month", "2026-02", "--out", "-"), 2),
    ((*SUP, "report", "ledger", "--month", "2026-02", "--unit", "nosuch"), 5),
    ((*SUP, "report", "stats", "--year", "-5"), 2),
    ((*SUP, "report", "stats", "--year", "1"), 2),
    ((*SUP, "report", "stats", "--year", "9999"), 2),
    ((*SUP, "report", "stats", "--year", ""), 2),
    ((*SUP, "report", "stats", "--from", "9999-12-31", "--to", "0001-01-01"), 2),
    ((*SUP, "report", "stats", "--from", "2026-03-01", "--to", "2026-01-01"), 2),
    ((*SUP, "report", "nil", "--month", "9999-12"), 2),
    ((*SUP, "report", "agenda", "--date", ""), 2),
    ((*SUP, "report", "agenda", "--date", "0001-01-01"), 2),
    ((*SUP, "report", "agenda", "--date", "9999-12-31"), 2),
    ((*SUP, "report", "agenda", "--date", "2026-03-03", "--since", "9999-01-01"), 2),
    ((*SUP, "report", "paper", "agreement", "nosuch"), 5),
    ((*SUP, "report", "paper", "nosuch", N), 2),
    ((*SUP, "report", "verify", "ledger", "--month", ""), 2),
    ((*SUP, "report", "verify", "ledger", "--month", "0001-01"), 2),
]

# Numbers and names that reach the database: also tried on PostgreSQL, where ids are 32-bit.
ON_POSTGRES: list[tuple[tuple[str, ...], int]] = [
    (("--as", "sup", "person", "show", "2147483648"), 2),
    (("--as", "sup", "person", "show", "2147483647"), 5),
    (("--as", "sup", "inbox", "show", "2147483647"), 5),
    (("--as", "sup", "inbox", "read", "2147483648"), 2),
    (("--as", "sup", "inbox", "list", "--offset", "2147483647"), 0),
    (("notify", "retry", "2147483647"), 5),
    (("token", "revoke", "2147483647"), 5),
    (("case", "list", "--limit", "1000000"), 0),
    (("case", "show", "试点-2026-" + BIG), 5),
    (("--as", "sup", "overdue", "--as-of", "2100-12-31"), 0),
    (("--as", "sup", "overdue", "--as-of", "2101-01-01"), 2),
]

CJK = re.compile("[\u4e00-\u9fff]")


def _prepare(backend: str, tmp_path) -> tuple[str, callable]:
    from disputeflow import Engine
    from disputeflow.demo import town as demo
    from disputeflow.workflow.timesource import FixedClock

    url, drop = make_db_url(backend, tmp_path)
    eng = Engine(url, clock=FixedClock(T0))
    eng.init()
    if backend == "sqlite":
        demo.load(eng)
    else:
        build_town(eng)
    eng.close()
    (tmp_path / "ledger.csv").write_text("编号,名称\n1,甲\n", encoding="utf-8")
    return url, drop


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    url, drop = _prepare("sqlite", tmp_path_factory.mktemp("hostile"))
    yield url
    drop()


@pytest.fixture(scope="module")
def pg_db(tmp_path_factory):
    url, drop = _prepare("postgresql", tmp_path_factory.mktemp("hostile-pg"))
    yield url
    drop()


def run(url: str, args, monkeypatch, capsys, tmp_path) -> tuple[int, str]:
    monkeypatch.setenv("DISPUTEFLOW_DB", url)
    monkeypatch.setenv("DISPUTEFLOW_NOW", "2026-03-03T09:00+08:00")
    for name in ("DISPUTEFLOW_USER", "DISPUTEFLOW_LANG", "DISPUTEFLOW_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    (tmp_path / "ledger.csv").write_text("编号,名称\n1,甲\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


def check(code: int, err: str, expected: int) -> None:
    assert "Traceback" not in err and "意外错误" not in err, err
    assert code == expected, err
    if expected:
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert CJK.search(lines[0]), err


@pytest.mark.parametrize("args,expected", HOSTILE, ids=[" ".join(a)[:80] for a, _ in HOSTILE])
def test_a_hostile_value_gets_one_chinese_line_and_its_exit_code(demo_db, args, expected, monkeypatch, capsys,
                                                                   tmp_path):
    code, err = run(demo_db, args, monkeypatch, capsys, tmp_path)
    check(code, err, expected)


@pytest.mark.parametrize("args,expected", ON_POSTGRES, ids=[" ".join(a)[:80] for a, _ in ON_POSTGRES])
def test_hostile_numbers_on_postgresql(pg_db, args, expected, monkeypatch, capsys, tmp_path):
    code, err = run(pg_db, args, monkeypatch, capsys, tmp_path)
    check(code, err, expected)

