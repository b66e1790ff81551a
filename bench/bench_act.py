"""Persisted transitions per second: Engine.act against the raw sqlite3 driver doing the same writes.

Prints medians of interleaved runs and the ratio engine/raw measured in the same run.
Run: .venv/bin/python bench/bench_act.py [N]
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workflow import Engine  # noqa: E402
from workflow.clock import FixedClock  # noqa: E402


def setup_engine(path: Path, cases: int) -> tuple[Engine, list[str]]:
    eng = Engine(f"sqlite:///{path}", clock=FixedClock(datetime(2026, 3, 3, 1, tzinfo=timezone.utc)))
    eng.init()
    eng.add_unit("t", "基准镇", "town")
    eng.add_unit("v", "基准村", "village", "t")
    eng.add_user("g", "网格员", "grid_officer", "v")
    eng.add_user("m", "调解员", "mediator", "v")
    numbers = [eng.report("g", title="基准", category="other", unit="v", parties=["甲"]).number for _ in range(cases)]
    return eng, numbers


def run_engine(eng: Engine, numbers: list[str], n: int) -> float:
    t = time.perf_counter()
    for i in range(n):
        eng.act(numbers[i % len(numbers)], "note", "m", text="记录")
    return n / (time.perf_counter() - t)


def run_raw(path: Path, n: int) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript("CREATE TABLE IF NOT EXISTS c (id INTEGER PRIMARY KEY, state TEXT, version INT, data TEXT);"
                      "CREATE TABLE IF NOT EXISTS a (id INTEGER PRIMARY KEY, case_id INT, seq INT, data TEXT);"
                      "CREATE TABLE IF NOT EXISTS o (id INTEGER PRIMARY KEY, case_id INT, payload TEXT);")
    con.executemany("INSERT OR IGNORE INTO c VALUES (?, 'mediating', 1, '{}')", [(i,) for i in range(1000)])
    t = time.perf_counter()
    for i in range(n):
        cid = i % 1000
        con.execute("BEGIN IMMEDIATE")
        state, version, data = con.execute("SELECT state, version, data FROM c WHERE id = ?", (cid,)).fetchone()
        con.execute("UPDATE c SET version = version + 1, data = ? WHERE id = ? AND version = ?",
                    (json.dumps({"n": i}), cid, version))
        con.execute("INSERT INTO a (case_id, seq, data) VALUES (?, ?, ?)", (cid, version + 1, '{"text":"记录"}'))
        con.execute("INSERT INTO o (case_id, payload) VALUES (?, ?)", (cid, "{}"))
        con.execute("COMMIT")
    con.close()
    return n / (time.perf_counter() - t)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as d:
        eng, numbers = setup_engine(Path(d) / "engine.db", 1000)
        raw, ours = [], []
        for _ in range(5):  # interleaved
            raw.append(run_raw(Path(d) / "raw.db", n))
            ours.append(run_engine(eng, numbers, n))
        r, o = statistics.median(raw), statistics.median(ours)
        print(f"raw sqlite3 (WAL, NORMAL): {r:,.0f} transitions/s (median of 5)")
        print(f"Engine.act 'note'        : {o:,.0f} transitions/s (median of 5)")
        print(f"ratio engine/raw         : {o / r:.2f}")


if __name__ == "__main__":
    main()
