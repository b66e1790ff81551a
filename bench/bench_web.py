"""Page response times of the web workspace at 10k and 100k cases, over HTTP on loopback.

What it shows: the median and 95th percentile of "my work" (a village mediator's
open cases by nearest deadline), the supervisor's overdue board (1% of the
clocks overdue, town-wide) and a case page, each against the same server's
``/healthz`` measured in the same run (the cost of the HTTP stack, sessions
and one database round trip), as a ratio; beside each, the same read through
the facade in-process (no HTTP, no rendering), to tell the two costs apart.

The server is ``disputeflow serve --no-scheduler`` in its own process; the load
is a bounded loop of keep-alive clients in threads (a fixed number of requests
per page, a few at a time), so the figures are latencies under light
concurrency, not a saturation test. Cases are seeded with raw inserts in the
engine's own schema (as in bench_sweep), spread over seven villages; the
probed case goes through the engine so its page has a real history.

Run: .venv/bin/python bench/bench_web.py [--quick] [--pg URL]
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.runtime import runtime_of  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Shanghai
VILLAGES = 7
PASSWORD = "bench-password"


def seed(eng: Engine, n: int, due_fraction: float = 0.01, county: str | None = None) -> str:
    """``n`` open cases over seven villages, each with a running assess clock; returns a probed case number.

    With ``county``, the town sits under a county unit of that id (for readers above a town).
    """
    eng.init()
    top = "/"
    if county:
        eng.add_unit(county, "基准县", "county")
        top = f"/{county}/"
    eng.add_unit("t", "基准镇", "town", county)
    for v in range(VILLAGES):
        eng.add_unit(f"v{v}", f"基准{v}村", "village", "t")
    eng.add_user("g", "网格员", "grid_officer", "v0")
    eng.add_user("m", "调解员", "mediator", "v0")
    eng.add_user("s", "督办员", "supervisor", "t")
    d = eng.definition()
    every = round(1 / due_fraction)
    rev = eng.calendar.revision
    batch = 20_000
    with runtime_of(eng).store.write() as tx:
        t = tx.t
        ph = "%s" if not tx.store.is_sqlite else "?"
        for lo in range(0, n, batch):
            cases, clocks, parties = [], [], []
            for i in range(lo, min(n, lo + batch)):
                due = i % every == 0
                # 1% long overdue; the rest due within the next day, at spread-out times.
                started = NOW - timedelta(days=20) if due else NOW - timedelta(minutes=30 + i % 1200)
                due_at = started + timedelta(days=1)
                next_at = started + timedelta(hours=19, minutes=12)
                v = i % VILLAGES
                cases.append((i + 1, f"基准-2026-{i + 1:07d}", d.name, d.version, f"v{v}", f"{top}t/v{v}/",
                              t(started), t(started)))
                clocks.append((i + 1, t(started), t(due_at), t(next_at), rev, t(next_at)))
                parties.append((i + 1, f"当事人{i}", f"139{i % 100000000:08d}"))
            tx.cur.executemany(
                "INSERT INTO cases (id, number, definition, definition_version, state, version, title, category, "
                "source, description, unit_id, unit_path, risk, risk_floor, flags, party_count, reporter, data, "
                f"reported_at, updated_at, audit_seq, audit_hash) VALUES ({ph}, {ph}, {ph}, {ph}, 'reported', 1, "
                f"'基准纠纷', 'other', 'grid', '', {ph}, {ph}, 'low', 'low', '[]', 1, 'g', '{{}}', {ph}, {ph}, 0, '')",
                cases)
            tx.cur.executemany(
                f"INSERT INTO clocks (case_id, name, started_at, due_at, warn_at, calendar_rev, status, extended, "
                f"next_step, next_at) VALUES ({ph}, 'assess', {ph}, {ph}, {ph}, {ph}, 'running', 0, 'warning', {ph})",
                clocks)
            tx.cur.executemany(
                f"INSERT INTO parties (case_id, seq, name, role, phone) VALUES ({ph}, 1, {ph}, 'applicant', {ph})",
                parties)
        if not tx.store.is_sqlite:
            tx.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), :n)", {"n": n})
            tx.execute("ANALYZE")
    eng.clock = FixedClock(NOW - timedelta(hours=2))
    number = eng.report("g", title="基准探测纠纷", category="neighbour", unit="v0",
                        parties=[{"name": "张三", "phone": "13812348000"}]).number
    eng.act(number, "assess", "m", risk="low")
    eng.act(number, "inform", "m", informed_parties="双方当事人", method="oral")
    eng.act(number, "mediate", "m")
    eng.act(number, "note", "m", text="约双方下周再谈")
    eng.clock = FixedClock(NOW)
    for uid in ("m", "s"):
        eng.set_password(uid, PASSWORD)
    if tx.store.is_sqlite:
        import sqlite3

        runtime_of(eng).db.dispose()
        con = sqlite3.connect(runtime_of(eng).db.url.database, isolation_level=None)
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    return number


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workdir: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = _free_port()
    env = {**os.environ, "DISPUTEFLOW_DB": url}
    proc = subprocess.Popen([sys.executable, "-m", "disputeflow.cli", "--now", NOW.isoformat(), "serve", "--port",
                             str(port), "--no-scheduler", "--secret", "bench"], env=env, cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def signed_in(base: str, user: str):
    import re

    import httpx

    c = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"csrf": token, "user_id": user, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    return c


def load(base: str, cookies, path: str, requests: int, concurrency: int) -> list[float]:
    """``requests`` GETs of ``path`` by ``concurrency`` keep-alive clients; latencies in ms (all must be 200)."""
    import httpx

    out: list[float] = []
    lock = threading.Lock()
    left = [requests]
    errors: list[str] = []

    def worker():
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as c:
            c.get(path)  # warm the connection
            while True:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                t0 = time.perf_counter()
                r = c.get(path)
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    out.append(ms)
                    if r.status_code != 200:
                        errors.append(f"{path}: {r.status_code}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise RuntimeError(errors[0])
    return out


def facade_times(url: str, number: str, rounds: int = 15) -> dict:
    """The same reads in-process through the facade (no HTTP, no rendering): medians in ms."""
    eng = Engine(url, clock=FixedClock(NOW))
    calls = {"work": lambda: eng.my_work("m"), "board": lambda: eng.overdue_page(actor="s", limit=50),
             "case": lambda: (eng.case(number, "m"), eng.history(number, "m"), eng.actions(number, "m"))}
    out = {}
    for key, call in calls.items():
        call()
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            call()
            times.append((time.perf_counter() - t0) * 1000)
        out[key] = statistics.median(times)
    eng.close()
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def measure(n: int, workdir: Path, requests: int, concurrency: int, pg: str | None = None) -> list[dict]:
    url = pg or f"sqlite:///{workdir / f'web-{n}.db'}"
    eng = Engine(url, clock=FixedClock(NOW))
    number = seed(eng, n)
    eng.close()
    facade = facade_times(url, number)
    proc, base = start_server(url, workdir)
    try:
        med, sup = signed_in(base, "m"), signed_in(base, "s")
        pages = [("healthz (baseline)", "/healthz", med, None), ("my work (village mediator)", "/", med, "work"),
                 ("overdue board (supervisor)", "/board", sup, "board"), ("case page", f"/cases/{number}", med, "case")]
        rows = []
        base_median = None
        for label, path, client, key in pages:
            lat = load(base, client.cookies, path, requests, concurrency)
            med_ms, p95_ms = statistics.median(lat), p95(lat)
            if base_median is None:
                base_median = med_ms
            rows.append({"name": f"web {label}, {n // 1000}k cases{' (PostgreSQL)' if pg else ''}",
                         "value": round(med_ms, 1), "unit": f"ms median (p95 {p95_ms:.1f} ms)",
                         "median_ms": round(med_ms, 1), "p95_ms": round(p95_ms, 1),
                         "ratio": round(med_ms / base_median, 2) if key else None,
                         "baseline": "/healthz median, same server" if key else None,
                         "requests": len(lat),
                         "facade_ms": round(facade[key], 1) if key else None})
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return rows


def run(quick: bool = False, pg: str | None = None) -> dict:
    sizes = [2_000, 10_000] if quick else [10_000, 100_000]
    requests, concurrency = (40, 2) if quick else (200, 4)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            rows += measure(n, Path(d), requests, concurrency)
    if pg:
        import uuid

        import psycopg

        schema = "bench_web_" + uuid.uuid4().hex[:8]
        admin = pg.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in pg else "?"
        try:
            with tempfile.TemporaryDirectory() as d:
                rows += measure(sizes[-1], Path(d), requests, concurrency,
                                pg=f"{pg}{sep}options=-csearch_path%3D{schema}")
        finally:
            with psycopg.connect(admin, autocommit=True) as con:
                con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return {"rows": rows}


if __name__ == "__main__":
    args = sys.argv[1:]
    pg_url = args[args.index("--pg") + 1] if "--pg" in args else None
    result = run(quick="--quick" in args, pg=pg_url)
    print(f"{'page':<58} {'median ms':>10} {'p95 ms':>9} {'× healthz':>10} {'facade ms':>10}")
    for row in result["rows"]:
        facade = row["facade_ms"] if row["facade_ms"] is not None else "—"
        print(f"{row['name']:<58} {row['median_ms']:>10} {row['p95_ms']:>9} {row['ratio'] if row['ratio'] is not None else '—':>10} {facade:>10}")
