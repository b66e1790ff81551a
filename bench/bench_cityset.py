"""The city data set generator (bench/cityset.py) against loading the same rows raw.

A round builds the data set of a size into a fresh database through the product's paths (the
import's planner and bulk writer, the chain writer, ``act_many``, the sweep) and, batch by batch
as they are written, loads the very same rows (units, users, passwords, cases, parties, audit
events, clocks, outbox) into a second fresh database with the engine's schema: PostgreSQL with
``COPY ... FROM STDIN`` (psycopg ``cursor.copy``), SQLite with ``executemany`` in one
transaction per batch. The raw load's time is kept out of the generator's.

Figures, per backend: the generator's rows per second end to end (drawing, planning and
writing the directory and the cases) and its write transactions alone, each against the raw
load of the same rows in the same round; and the whole build's wall time (with the work orders,
the sweep and the counts). Rounds interleave the two; the ``quick`` size runs two rounds (one
with ``--quick``), larger sizes one.

Run: .venv/bin/python bench/bench_cityset.py [--quick] [--pg URL] [--size quick|county|city]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import cityset  # noqa: E402
from bench.common import median, pg_schema, pg_url, raw_pg, row  # noqa: E402

TABLES = ("units", "users", "user_passwords", "cases", "parties", "audit_events", "clocks", "outbox")


class RawSQLite:
    """Loads rows into a SQLite file with the engine's schema: ``executemany`` per table, a transaction a batch."""

    def __init__(self, path: Path):
        from disputeflow import Engine

        Engine(f"sqlite:///{path}").init()
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.seconds = 0.0
        self.rows = 0

    def __call__(self, rows: dict) -> None:
        t = time.perf_counter()
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            if table in rows and rows[table][1]:
                cols, got = rows[table]
                cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", got)
                self.rows += len(got)
        cur.execute("COMMIT")
        self.seconds += time.perf_counter() - t

    def close(self) -> None:
        self.conn.close()


class RawCopy:
    """Loads rows into a PostgreSQL schema with the engine's schema: ``COPY`` per table, one transaction a batch."""

    def __init__(self, url: str):
        import psycopg
        from disputeflow import Engine

        eng = Engine(url)
        eng.init()
        eng.close()
        self.conn = psycopg.connect(raw_pg(url))
        self.seconds = 0.0
        self.rows = 0

    def __call__(self, rows: dict) -> None:
        t = time.perf_counter()
        with self.conn.cursor() as cur:
            for table in TABLES:
                if table in rows and rows[table][1]:
                    cols, got = rows[table]
                    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                        for r in got:
                            cp.write_row(r)
                    self.rows += len(got)
        self.conn.commit()
        self.seconds += time.perf_counter() - t

    def close(self) -> None:
        self.conn.close()


def one_round(url: str, raw, shape) -> dict:
    """Build ``shape`` at ``url`` while ``raw`` loads the same rows; the figures of the round."""
    t = time.perf_counter()
    ds = cityset.build(url, shape, keep_rows=raw)
    wall = time.perf_counter() - t - raw.seconds
    rows = raw.rows
    gen = ds.timings["directory"] + ds.timings["cases"]
    return {"generator": rows / gen, "writes": rows / ds.timings["cases_write"], "raw": rows / raw.seconds,
            "wall": wall, "rows": rows, "cases": ds.counts["cases"], "events": ds.counts["audit_events"]}


def sqlite_round(shape) -> dict:
    with tempfile.TemporaryDirectory() as d:
        raw = RawSQLite(Path(d) / "raw.db")
        try:
            return one_round(f"sqlite:///{Path(d) / 'gen.db'}", raw, shape)
        finally:
            raw.close()


def pg_round(url: str, shape) -> dict:
    with pg_schema(url, "cityset_bench") as gen_url, pg_schema(url, "cityset_raw") as raw_url:
        raw = RawCopy(raw_url)
        try:
            return one_round(gen_url, raw, shape)
        finally:
            raw.close()


def figures(label: str, baseline: str, rounds: list[dict], size: str) -> list[dict]:
    """The result rows of one backend: medians, and ratios taken within each round."""
    first = rounds[0]
    what = f"cityset {size} ({first['cases']:,} cases, {first['rows']:,} rows), {label}"
    gen_ratio = median([r["generator"] / r["raw"] for r in rounds])
    write_ratio = median([r["writes"] / r["raw"] for r in rounds])
    return [
        row(f"{what}: {baseline}", round(median([r["raw"] for r in rounds])), "rows/s"),
        row(f"{what}: generator end to end (draw, plan, write)", round(median([r["generator"] for r in rounds])),
            "rows/s", ratio=gen_ratio, baseline=baseline),
        row(f"{what}: generator's write transactions alone", round(median([r["writes"] for r in rounds])), "rows/s",
            ratio=write_ratio, baseline=baseline),
        row(f"{what}: whole build (with work orders, sweep, counts)", round(median([r["wall"] for r in rounds]), 1),
            "s"),
    ]


def run(quick: bool = False, pg: str | None = None, size: str = "quick") -> dict:
    shape = cityset.SIZES[size]
    n_rounds = (1 if quick else 2) if size == "quick" else 1
    rows: list[dict] = []
    url = pg_url(pg)
    sq, pgr = [], []
    for _ in range(n_rounds):
        if size != "city":  # the city shape is for PostgreSQL only
            sq.append(sqlite_round(shape))
        if url:
            try:
                pgr.append(pg_round(url, shape))
            except Exception as exc:  # no server: say so, never pretend
                rows.append(row("cityset: PostgreSQL", None, "rows/s", skipped=f"PostgreSQL unavailable: {exc}"))
                url = None
    if sq:
        rows += figures("SQLite", "raw sqlite3 executemany", sq, size)
    if pgr:
        rows += figures("PostgreSQL", "raw psycopg COPY", pgr, size)
    return {"title": "City data set generator against raw loads of the same rows", "rows": rows,
            "params": {"size": size, "rounds": n_rounds, "batch": cityset.BATCH, "shape": shape.__dict__}}


if __name__ == "__main__":
    import argparse
    import json

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pg", default=None)
    ap.add_argument("--size", choices=sorted(cityset.SIZES), default="quick")
    a = ap.parse_args()
    out = run(a.quick, a.pg, a.size)
    for r in out["rows"]:
        extra = f"  ({r['ratio']} × {r['baseline']})" if "ratio" in r else ""
        print(f"{r['name']}: {r['value']} {r['unit']}{extra}")
    print(json.dumps(out, ensure_ascii=False, default=str))
