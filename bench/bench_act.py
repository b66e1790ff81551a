"""Persisted transitions per second: Engine.act against the raw driver doing the same writes.

The workload is one command on one case per transaction: a mediator assigns a
case (``assign``: the case row changes, one audit event and one outbox row are
appended). The raw baseline runs on the SAME schema, seeded the same way, with
the driver alone (``sqlite3`` / ``psycopg``): read the case, update it under its
version, insert the audit event, insert the outbox row, commit — one statement
per call, one transaction per transition. Whatever the engine does beyond that
(actor and field checks, guards, the hash chain, JSON) is what the ratio prices.

SQLite runs on a file in WAL mode with ``synchronous=NORMAL`` and ``FULL``;
PostgreSQL in its own schema, dropped afterwards. Variants run in interleaved
rounds; figures are medians, ratios the median of same-round ratios.

Run: .venv/bin/python bench/bench_act.py [--quick] [--pg URL]
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import interleave, median, pg_schema, pg_url, ratio, raw_pg, row  # noqa: E402
from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402
from disputeflow.workflow.config import Config  # noqa: E402
from disputeflow.workflow.runtime import runtime_of  # noqa: E402

T0 = datetime(2026, 3, 3, 1, tzinfo=timezone.utc)
CASES = 1000
MEDIATORS = ("m1", "m2")

# The writes of one transition, as the raw driver does them (``?`` placeholders; PostgreSQL gets ``%s``).
RAW_READ = "SELECT id, state, version, data, audit_seq, audit_hash FROM cases WHERE number = ?"
RAW_UPDATE = (
    "UPDATE cases SET state = ?, version = version + 1, mediator = ?, data = ?, updated_at = ?, "
    "audit_seq = ?, audit_hash = ? WHERE id = ? AND version = ?"
)
RAW_AUDIT = (
    "INSERT INTO audit_events (case_id, seq, at, actor, action, from_state, to_state, data, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
RAW_OUTBOX = (
    "INSERT INTO outbox (created_at, event, case_id, case_number, actor, audience, payload, status, attempts, "
    "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)"
)
HASH = "f" * 64


def seed(url: str, cases: int = CASES, synchronous: str = "NORMAL") -> tuple[Engine, list[str]]:
    """A town, a village, a grid officer, a supervisor, mediators and ``cases`` reported cases."""
    eng = Engine(Config(url=url, sqlite_synchronous=synchronous), clock=FixedClock(T0))
    eng.init()
    eng.add_unit("t", "基准镇", "town")
    eng.add_unit("v", "基准村", "village", "t")
    eng.add_user("g", "网格员", "grid_officer", "v")
    eng.add_user("m", "调解员", "mediator", "v")
    for m in MEDIATORS:
        eng.add_user(m, "调解员" + m, "mediator", "v")
    numbers = [eng.report("g", title="基准纠纷", category="neighbour", unit="v", parties=[f"甲{i}", f"乙{i}"]).number
               for i in range(cases)]
    return eng, numbers


def engine_round(eng: Engine, numbers: list[str], n: int, start: int) -> float:
    t = time.perf_counter()
    for i in range(start, start + n):
        eng.act(numbers[i % len(numbers)], "assign", "m", mediator=MEDIATORS[(i // len(numbers)) % 2])
    return n / (time.perf_counter() - t)


def raw_round(execute, commit, begin, numbers: list[str], n: int, start: int, ph: str) -> float:
    read, update, audit, outbox = (s.replace("?", ph) for s in (RAW_READ, RAW_UPDATE, RAW_AUDIT, RAW_OUTBOX))
    now = "2026-03-03 01:00:00.000000" if ph == "?" else T0
    t = time.perf_counter()
    for i in range(start, start + n):
        number = numbers[i % len(numbers)]
        mediator = MEDIATORS[(i // len(numbers)) % 2]
        begin()
        cid, state, version, data, seq, prev = execute(read, (number,)).fetchone()
        execute(update, (state, mediator, data, now, seq + 1, HASH, cid, version))
        execute(audit, (cid, seq + 1, now, "m", "assign", state, state, '{"mediator":"' + mediator + '"}',
                        prev, HASH))
        execute(outbox, (now, "assign", cid, number, "m", '["user:' + mediator + '"]',
                         '{"from_state":"reported","seq":2,"to_state":"reported"}', now))
        commit()
    return n / (time.perf_counter() - t)


def sqlite_pair(workdir: Path, synchronous: str, n: int, rounds: int) -> dict[str, list[float]]:
    eng, numbers = seed(f"sqlite:///{workdir / f'engine-{synchronous}.db'}", synchronous=synchronous)
    runtime_of(eng).db.dispose()
    raw_path = workdir / f"raw-{synchronous}.db"
    con = sqlite3.connect(workdir / f"engine-{synchronous}.db")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copy(workdir / f"engine-{synchronous}.db", raw_path)
    con = sqlite3.connect(raw_path, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={synchronous}")
    con.execute("PRAGMA foreign_keys=ON")
    pos = {"engine": 0, "raw": 0}

    def ours() -> float:
        r = engine_round(eng, numbers, n, pos["engine"])
        pos["engine"] += n
        return r

    def raw() -> float:
        r = raw_round(con.execute, lambda: con.execute("COMMIT"), lambda: con.execute("BEGIN IMMEDIATE"),
                      numbers, n, pos["raw"], "?")
        pos["raw"] += n
        return r

    ours(), raw()  # warm-up: caches, prepared statements
    try:
        return interleave({"raw": raw, "engine": ours}, rounds)
    finally:
        con.close()
        eng.close()


def pg_pair(url: str, n: int, rounds: int) -> dict[str, list[float]]:
    import psycopg

    with pg_schema(url) as schema_url:
        eng, numbers = seed(schema_url)
        con = psycopg.connect(raw_pg(schema_url))
        pos = {"engine": 0, "raw": 0}

        def ours() -> float:
            r = engine_round(eng, numbers, n, pos["engine"])
            pos["engine"] += n
            return r

        def raw() -> float:
            r = raw_round(con.execute, con.commit, lambda: None, numbers, n, pos["raw"], "%s")
            pos["raw"] += n
            return r

        ours(), raw()
        try:
            return interleave({"raw": raw, "engine": ours}, rounds)
        finally:
            con.close()
            eng.close()


def run(quick: bool = False, pg: str | None = None) -> dict:
    # Short rounds, many of them: on a shared machine the load shifts within seconds,
    # and only a ratio taken within one short round compares like with like.
    n, rounds = (150, 5) if quick else (400, 21)
    rows = []
    targets = {"NORMAL": 0.5, "FULL": 0.6}
    with tempfile.TemporaryDirectory() as d:
        for sync, want in targets.items():
            f = sqlite_pair(Path(d), sync, n, rounds)
            r = ratio(f, "engine", "raw")
            rows.append(row(f"act: raw sqlite3, WAL synchronous={sync}", round(median(f["raw"])), "transitions/s"))
            rows.append(row(f"act: Engine.act, SQLite WAL synchronous={sync}", round(median(f["engine"])),
                            "transitions/s", ratio=r, baseline=f"raw sqlite3 {sync}", target=f"≥ {want} × raw",
                            ok=r >= want))
    url = pg_url(pg)
    if url:
        try:
            f = pg_pair(url, n // 2, rounds)
        except Exception as exc:  # no server: say so, never pretend
            rows.append(row("act: PostgreSQL", None, "transitions/s", skipped=f"PostgreSQL unavailable: {exc}"))
        else:
            r = ratio(f, "engine", "raw")
            rows.append(row("act: raw psycopg, one statement per call", round(median(f["raw"])), "transitions/s"))
            rows.append(row("act: Engine.act, PostgreSQL", round(median(f["engine"])), "transitions/s", ratio=r,
                            baseline="raw psycopg", target="≥ 0.8 × raw", ok=r >= 0.8))
    else:
        rows.append(row("act: PostgreSQL", None, "transitions/s", skipped="no PostgreSQL URL (--pg)"))
    return {"title": "Transitions through Engine.act against the raw driver", "rows": rows,
            "params": {"transitions_per_round": n, "rounds": rounds, "cases": CASES}}


if __name__ == "__main__":
    from bench.run import main

    main(["--only", "act", *sys.argv[1:]])
