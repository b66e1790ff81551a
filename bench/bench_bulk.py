"""The bulk path: Engine.act_many against the raw driver batching the same writes.

Importing a backlog of paper cases, or a batch of the sweep, is many commands
in a row. ``act_many`` runs each through the full command path (checks, guards,
hash chain, outbox) and commits every 100; the raw baseline does the same four
statements per item (read, update, audit, outbox) on the same schema with the
same 100 per transaction. Interleaved rounds; medians; same-round ratios.

Run: .venv/bin/python bench/bench_bulk.py [--quick] [--pg URL]
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_act import MEDIATORS, RAW_AUDIT, RAW_OUTBOX, RAW_READ, RAW_UPDATE, HASH, T0, seed  # noqa: E402
from bench.common import interleave, median, pg_schema, pg_url, ratio, raw_pg, row  # noqa: E402

BATCH = 100


def engine_round(eng, numbers: list[str], n: int, start: int) -> float:
    items = [(numbers[i % len(numbers)], "assign", "m", {"mediator": MEDIATORS[(i // len(numbers)) % 2]})
             for i in range(start, start + n)]
    t = time.perf_counter()
    eng.act_many(items, batch=BATCH)
    return n / (time.perf_counter() - t)


def raw_round(execute, commit, begin, numbers: list[str], n: int, start: int, ph: str) -> float:
    read, update, audit, outbox = (s.replace("?", ph) for s in (RAW_READ, RAW_UPDATE, RAW_AUDIT, RAW_OUTBOX))
    now = "2026-03-03 01:00:00.000000" if ph == "?" else T0
    t = time.perf_counter()
    for lo in range(start, start + n, BATCH):
        begin()
        for i in range(lo, min(lo + BATCH, start + n)):
            number = numbers[i % len(numbers)]
            mediator = MEDIATORS[(i // len(numbers)) % 2]
            cid, state, version, data, seq, prev = execute(read, (number,)).fetchone()
            execute(update, (state, mediator, data, now, seq + 1, HASH, cid, version))
            execute(audit, (cid, seq + 1, now, "m", "assign", state, state, '{"mediator":"' + mediator + '"}',
                            prev, HASH))
            execute(outbox, (now, "assign", cid, number, "m", '["user:' + mediator + '"]',
                             '{"from_state":"reported","seq":2,"to_state":"reported"}', now))
        commit()
    return n / (time.perf_counter() - t)


def _pair(eng, numbers, raw_fn, n: int, rounds: int) -> dict[str, list[float]]:
    pos = {"engine": 0, "raw": 0}

    def ours() -> float:
        r = engine_round(eng, numbers, n, pos["engine"])
        pos["engine"] += n
        return r

    def raw() -> float:
        r = raw_fn(pos["raw"])
        pos["raw"] += n
        return r

    ours(), raw()  # warm-up
    return interleave({"raw": raw, "engine": ours}, rounds)


def sqlite_pair(workdir: Path, n: int, rounds: int) -> dict[str, list[float]]:
    path = workdir / "bulk.db"
    eng, numbers = seed(f"sqlite:///{path}")
    eng.close()  # the engine reconnects on its next command
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copy(path, workdir / "bulk-raw.db")
    con = sqlite3.connect(workdir / "bulk-raw.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    try:
        return _pair(eng, numbers, lambda start: raw_round(con.execute, lambda: con.execute("COMMIT"),
                                                           lambda: con.execute("BEGIN IMMEDIATE"),
                                                           numbers, n, start, "?"), n, rounds)
    finally:
        con.close()
        eng.close()


def pg_pair(url: str, n: int, rounds: int) -> dict[str, list[float]]:
    import psycopg

    with pg_schema(url) as schema_url:
        eng, numbers = seed(schema_url)
        con = psycopg.connect(raw_pg(schema_url))
        try:
            return _pair(eng, numbers, lambda start: raw_round(con.execute, con.commit, lambda: None,
                                                               numbers, n, start, "%s"), n, rounds)
        finally:
            con.close()
            eng.close()


def run(quick: bool = False, pg: str | None = None) -> dict:
    n, rounds = (300, 3) if quick else (1000, 11)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        f = sqlite_pair(Path(d), n, rounds)
    r = ratio(f, "engine", "raw")
    rows.append(row(f"bulk: raw sqlite3, {BATCH} per transaction", round(median(f["raw"])), "transitions/s"))
    rows.append(row(f"bulk: Engine.act_many, SQLite, {BATCH} per transaction", round(median(f["engine"])),
                    "transitions/s", ratio=r, baseline="raw sqlite3 batched", target="≥ 0.5 × raw batched",
                    ok=r >= 0.5))
    url = pg_url(pg)
    if url:
        try:
            f = pg_pair(url, n // 2, rounds)
        except Exception as exc:  # no server: say so, never pretend
            rows.append(row("bulk: PostgreSQL", None, "transitions/s", skipped=f"PostgreSQL unavailable: {exc}"))
        else:
            r = ratio(f, "engine", "raw")
            rows.append(row(f"bulk: raw psycopg, {BATCH} per transaction", round(median(f["raw"])), "transitions/s"))
            rows.append(row(f"bulk: Engine.act_many, PostgreSQL, {BATCH} per transaction", round(median(f["engine"])),
                            "transitions/s", ratio=r, baseline="raw psycopg batched", target="≥ 0.5 × raw batched",
                            ok=r >= 0.5))
    return {"title": "Bulk path against raw batched writes", "rows": rows,
            "params": {"transitions_per_round": n, "rounds": rounds, "batch": BATCH}}


if __name__ == "__main__":
    from bench.run import main

    main(["--only", "bulk", *sys.argv[1:]])
