"""A city-sized data set for benchmarks: ``ensure(kind_or_url, size)`` builds it once and reuses it.

Shapes (:data:`SIZES`): ``city`` (10 counties, 150 towns, 3,000 villages, 40,000 grids, 60,000
users, 1,000,000 cases over five years; PostgreSQL), ``county`` (a one-county slice, 100,000
cases; SQLite and PostgreSQL) and ``quick`` (10,000 cases, for smoke runs and tests).

How it is written (see bench/README.md, "The city data set"): the directory with
``Tx.insert_rows``; the cases through the ledger import's planner and bulk path
(:mod:`bench.cityset_cases`); work orders with ``Engine.act_many`` and escalations with one
``Engine.sweep`` at ``now`` (:mod:`bench.cityset_orders`). Every audit chain is the product's own,
so ``Engine.verify_audit`` passes.

Caching: on PostgreSQL the data set lives in schema ``cityset_<size>_v<VERSION>`` of the server
named; on SQLite in ``bench/.data/cityset-<size>.db``. A table ``cityset_complete`` holds one row
once a build finished (with the :class:`Dataset`'s facts); without it, or with another
``VERSION``, the schema or file is built again. A lock (an advisory lock, a lock file) keeps two
processes from building the same one at once.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

VERSION = 3
DATA_DIR = Path(__file__).resolve().parent / ".data"
MARKER = "cityset_complete"
PASSWORD = "Cityset-2026!"
# A Monday, 10:00 in Shanghai: 2026-11-30T10:00+08:00.
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)
BATCH = 2000


@dataclass(frozen=True)
class Shape:
    """How big a data set is."""

    name: str
    counties: int
    towns: int
    villages: int
    grids: int
    users: int
    cases: int
    years: int = 5
    work_order_share: float = 0.3  # of the open cases that may be dispatched, how many get a work order
    seed: int = 20261130


SIZES: dict[str, Shape] = {
    "city": Shape("city", 10, 150, 3000, 40_000, 60_000, 1_000_000),
    "county": Shape("county", 1, 15, 300, 4_000, 6_000, 100_000),
    "quick": Shape("quick", 1, 3, 30, 300, 600, 10_000),
}


@dataclass(frozen=True)
class Dataset:
    """A built data set: where it is and what is in it (see the module documentation)."""

    url: str
    size: str
    shape: Shape
    now: datetime
    counts: dict[str, int]
    password: str
    logins: dict[str, list[str]]
    towns: list[str]
    counties: list[str]
    samples: dict[str, list] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def ensure(kind_or_url: str, size: str = "quick", *, rebuild: bool = False,
           progress: Callable[[str], None] | None = None) -> Dataset:
    """The data set of ``size`` on SQLite (``"sqlite"``) or the PostgreSQL server of a SQLAlchemy URL, built if
    missing or incomplete (``rebuild``: always; ``progress`` hears a line per build phase)."""
    shape = SIZES[size]
    if kind_or_url == "sqlite":
        DATA_DIR.mkdir(exist_ok=True)
        path = DATA_DIR / f"cityset-{size}.db"
        with _file_lock(DATA_DIR / f"cityset-{size}.lock"):
            url = f"sqlite:///{path}"
            got = None if rebuild else read_marker(url)
            if got is None:
                for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    p.unlink(missing_ok=True)
                got = build(url, shape, progress=progress)
            return got
    schema = f"cityset_{size}_v{VERSION}"
    with _pg_lock(kind_or_url, schema):
        url = schema_url(kind_or_url, schema)
        got = None if rebuild or not _pg_schema_exists(kind_or_url, schema) else read_marker(url)
        if got is None:
            pg_execute(kind_or_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', f'CREATE SCHEMA "{schema}"')
            got = build(url, shape, progress=progress)
        return got


def schema_url(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def build(url: str, shape: Shape, *, keep_rows: Callable[[dict], None] | None = None,
          progress: Callable[[str], None] | None = None) -> Dataset:
    """Build ``shape`` into the empty database at ``url`` and mark it complete.

    ``keep_rows`` is handed each batch's rows per table (the benchmark copies them raw); ``progress``
    hears a line per phase.
    """
    from disputeflow import Engine
    from disputeflow.signin.credentials import _hasher
    from disputeflow.workflow.timesource import FixedClock

    from bench import cityset_places
    from bench.cityset_cases import CaseMaker, report_times
    from bench.cityset_orders import plan_orders, run_orders

    say = progress or (lambda _line: None)
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    t = time.perf_counter()
    engine = Engine(url, clock=FixedClock(NOW))
    engine.init()
    places = cityset_places.build(shape, shape.seed)
    logins = places.logins()
    signed_in = {u for ids in logins.values() for u in ids}
    hashed = _hasher().hash(PASSWORD)  # one hash for every sample user: 60,000 argon2 hashes would take minutes
    k = [0.0]

    def keep_timed(rows: dict) -> None:
        t1 = time.perf_counter()
        keep_rows(rows)
        k[0] += time.perf_counter() - t1

    counts.update(write_directory(engine, places, signed_in, hashed, keep_timed if keep_rows else None))
    timings["directory"] = time.perf_counter() - t - k[0]
    say(f"directory: {counts['units']} units, {counts['users']} users in {timings['directory']:.1f} s")

    t = time.perf_counter()
    maker = CaseMaker(engine, places, NOW, shape.seed + 1)
    times = report_times(maker.rng, shape.cases, NOW, shape.years)
    store = engine._rt.store
    writing = kept = 0.0
    for start in range(0, len(times), BATCH):
        prepared = [maker.prepare(start + i + 1, t0) for i, t0 in enumerate(times[start:start + BATCH])]
        w = time.perf_counter()
        with store.write() as tx:
            rows = maker.write(tx, prepared)
        k = time.perf_counter()
        writing += k - w
        for table, (_cols, got) in rows.items():
            counts[table] = counts.get(table, 0) + len(got)
        if keep_rows is not None:
            keep_rows(rows)
            kept += time.perf_counter() - k
        if start and start % (BATCH * 25) == 0:
            say(f"cases: {start:,} in {time.perf_counter() - t:.0f} s")
    timings["cases"] = time.perf_counter() - t - kept
    timings["cases_write"] = writing  # the transactions alone: ids, numbers, chains, insert_rows, commit
    say(f"cases: {counts['cases']:,} in {timings['cases']:.1f} s")

    t = time.perf_counter()
    timeline = plan_orders(maker.open_cases, places, NOW, shape.work_order_share, shape.seed + 2)
    orders = run_orders(engine, timeline)
    timings["work_orders"] = time.perf_counter() - t
    t = time.perf_counter()
    swept = engine.sweep(NOW, batch=2000)
    timings["sweep"] = time.perf_counter() - t
    say(f"work orders {orders}, sweep {len(swept)} events")
    counts.update({f"act:{k}": v for k, v in orders.items()})
    counts["sweep_events"] = len(swept)
    counts.update(maker.counts)
    counts.update(table_counts(url))
    ds = Dataset(url=url, size=shape.name, shape=shape, now=NOW, counts=counts, password=PASSWORD, logins=logins,
                 towns=list(places.towns), counties=list(places.counties),
                 samples=samples(maker, places), timings=timings)
    engine.close()
    analyze(url)
    write_marker(url, ds)
    return ds


def analyze(url: str) -> None:
    """Fresh planner statistics for every table: a bulk load leaves them empty or stale until autovacuum
    comes round, and a benchmark run then measures whichever plan the stale figures chose."""
    import sqlalchemy as sa

    eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as conn:
            if conn.dialect.name == "postgresql":
                for table in sa.inspect(conn).get_table_names():
                    conn.execute(sa.text(f'ANALYZE "{table}"'))
            else:
                conn.execute(sa.text("ANALYZE"))
    finally:
        eng.dispose()


def write_directory(engine, places, signed_in: set[str], hashed: str, keep_rows=None) -> dict[str, int]:
    """The units and users, in one transaction (parents before children)."""
    from disputeflow.cases.types import to_sqlite

    store = engine._rt.store

    now = to_sqlite(NOW) if store.is_sqlite else NOW
    units = [(u[0], u[1], u[2], u[3], u[4], now, None, u[5], True) for u in places.units]
    users = [(u[0], u[1], u[2], u[3], u[4], u[5], None, "zh_CN", True, now) for u in places.users]
    passwords = [(u[0], hashed, now) for u in places.users if u[0] in signed_in]
    unit_cols = ("id", "name", "kind", "parent_id", "path", "created_at", "short_name", "handles", "active")
    user_cols = ("id", "name", "role", "unit_id", "unit_path", "phone", "email", "lang", "active", "created_at")
    with store.write() as tx:
        tx.insert_rows("units", unit_cols, units)
        tx.insert_rows("users", user_cols, users)
        tx.insert_rows("user_passwords", ("user_id", "password_hash", "updated_at"), passwords)
    if keep_rows is not None:
        keep_rows({"units": (unit_cols, units), "users": (user_cols, users),
                   "user_passwords": (("user_id", "password_hash", "updated_at"), passwords)})
    return {"units": len(units), "users": len(users)}


def samples(maker, places) -> dict[str, list]:
    """What a benchmark searches for: case numbers, party names (whole, surname, given name) and phones."""
    rows = maker.samples
    names = [n for _, _, ps in rows for n, _ in ps]
    return {
        "numbers": [r[0] for r in rows][:500],
        "open_numbers": [c[0] for c in maker.open_cases[::max(1, len(maker.open_cases) // 500)]][:500],
        "overdue_numbers": [c[0] for c in maker.open_cases if c[5]][:500],
        "names": names[:500],
        "surnames": sorted({n[:2] if n.startswith("欧阳") else n[0] for n in names})[:100],
        "given_names": [n[-2:] if len(n) > 2 else n[-1] for n in names][:500],
        "phones": [p for _, _, ps in rows for _, p in ps][:500],
        "phone_tails": [p[-4:] for _, _, ps in rows for _, p in ps][:200],
        "units": {"counties": places.counties, "towns": places.towns[:50], "villages": places.villages[:50],
                  "grids": places.grids[:50]},
    }


# ---------------------------------------------------------------------- the marker, counts, locks


def table_counts(url: str) -> dict[str, int]:
    """Rows per table the data set fills (a count query each)."""
    import sqlalchemy as sa

    from disputeflow.cases.types import to_sqlite

    tables = ("units", "users", "cases", "parties", "audit_events", "clocks", "escalations", "unit_talks", "outbox")
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            out = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
            out["work_orders"] = conn.execute(sa.text("SELECT count(*) FROM cases WHERE parent_id IS NOT NULL")
                                              ).scalar_one()
            out["open_overdue_clocks"] = conn.execute(
                sa.text("SELECT count(*) FROM clocks WHERE stopped_at IS NULL AND due_at < :now"),
                {"now": to_sqlite(NOW) if url.startswith("sqlite") else NOW}).scalar_one()
    finally:
        eng.dispose()
    return out


def write_marker(url: str, ds: Dataset) -> None:
    import sqlalchemy as sa

    doc = asdict(ds)
    doc["now"] = ds.now.isoformat()
    eng = sa.create_engine(url)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text(f"CREATE TABLE {MARKER} (version INTEGER NOT NULL, doc TEXT NOT NULL)"))
            conn.execute(sa.text(f"INSERT INTO {MARKER} (version, doc) VALUES (:v, :doc)"),
                         {"v": VERSION, "doc": json.dumps(doc, ensure_ascii=False)})
    finally:
        eng.dispose()


def read_marker(url: str) -> Dataset | None:
    """The finished data set at ``url``, or None (no marker, or one of another version)."""
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            if not sa.inspect(conn).has_table(MARKER):
                return None
            row = conn.execute(sa.text(f"SELECT version, doc FROM {MARKER}")).first()
    except sa.exc.OperationalError:
        return None
    finally:
        eng.dispose()
    if row is None or row[0] != VERSION:
        return None
    doc: dict[str, Any] = json.loads(row[1])
    doc["shape"] = Shape(**doc["shape"])
    doc["now"] = datetime.fromisoformat(doc["now"])
    doc["url"] = url
    return Dataset(**doc)


def pg_execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        for s in statements:
            conn.execute(s)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _pg_schema_exists(url: str, schema: str) -> bool:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is not None


@contextmanager
def _pg_lock(url: str, schema: str) -> Iterator[None]:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (schema,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (schema,))


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Build (or find) the city data set.")
    ap.add_argument("target", help='"sqlite" or a PostgreSQL SQLAlchemy URL')
    ap.add_argument("size", choices=sorted(SIZES), nargs="?", default="quick")
    ap.add_argument("--rebuild", action="store_true")
    a = ap.parse_args()
    t0 = time.perf_counter()
    got = ensure(a.target, a.size, rebuild=a.rebuild, progress=lambda line: print(line, flush=True))
    print(json.dumps({"url": got.url, "counts": got.counts, "timings": got.timings,
                      "wall": round(time.perf_counter() - t0, 1)}, ensure_ascii=False, indent=1))
    os._exit(0)
