"""Memory: advancing many different cases one after another keeps the process's RSS flat.

Nothing per case may stay in memory (no machine model per case, no identity
map, no growing caches keyed by case). Open cases are seeded with raw inserts
in the engine's schema; then each is acted on once through ``Engine.act`` and
the resident set size is read before and after (after a warm-up tenth, so that
caches, prepared statements and the SQLite page cache are already full).

Run: .venv/bin/python bench/bench_memory.py [--quick]
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_act import T0  # noqa: E402
from bench.common import row  # noqa: E402
from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.runtime import runtime_of  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402

LIMIT = 512  # bytes retained per case


def rss() -> int:
    """Resident set size of this process, in bytes (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def seed(eng: Engine, n: int) -> list[str]:
    eng.init()
    eng.add_unit("t", "基准镇", "town")
    eng.add_unit("v", "基准村", "village", "t")
    eng.add_user("m", "调解员", "mediator", "v")
    eng.add_user("m1", "调解员甲", "mediator", "v")
    d = eng.definition()
    numbers = [f"基准-2026-{i + 1:07d}" for i in range(n)]
    with runtime_of(eng).store.write() as tx:
        now = tx.t(T0)
        tx.cur.executemany(tx.store.translate(
            "INSERT INTO cases (number, definition, definition_version, state, version, title, category, source, "
            "description, unit_id, unit_path, risk, risk_floor, flags, party_count, reporter, data, reported_at, "
            "updated_at, audit_seq, audit_hash) VALUES (:number, :d, :v, 'reported', 1, '基准', 'other', 'grid', "
            "'', 'v', '/t/v/', 'low', 'low', '[]', 1, 'm', '{}', :now, :now, 0, :h)"),
            [{"number": x, "d": d.name, "v": d.version, "now": now, "h": "0" * 64} for x in numbers])
    return numbers


def run(quick: bool = False, pg: str | None = None) -> dict:
    """RSS per case over the second half of the run, and Python heap per case over a traced stretch.

    SQLite keeps a page cache per connection (bounded: ``cache_size`` in
    cases/db.py); while it fills, the pages of the appended audit and outbox rows
    show up in RSS. The first half of the run fills it; the second half is what
    the engine itself keeps, and the traced stretch counts Python objects only.
    """
    import tracemalloc

    n = 20_000 if quick else 100_000
    traced_n = 2_000 if quick else 5_000
    with tempfile.TemporaryDirectory() as d:
        eng = Engine(f"sqlite:///{Path(d) / 'memory.db'}", clock=FixedClock(T0))
        numbers = seed(eng, n)
        half = n // 2
        for number in numbers[:half]:
            eng.act(number, "assign", "m", mediator="m1")
        gc.collect()
        before = rss()
        for number in numbers[half:n - traced_n]:
            eng.act(number, "assign", "m", mediator="m1")
        gc.collect()
        after = rss()
        tracemalloc.start()
        gc.collect()
        heap0 = tracemalloc.get_traced_memory()[0]
        for number in numbers[n - traced_n:]:
            eng.act(number, "assign", "m", mediator="m1")
        gc.collect()
        heap1 = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        eng.close()
    advanced = n - traced_n - half
    per_case = max(0, after - before) / advanced
    heap_per_case = max(0, heap1 - heap0) / traced_n
    return {"title": "Memory while advancing many cases", "rows": [
        row(f"memory: RSS growth per case, cases {half:,}–{n - traced_n:,} of {n:,}", round(per_case, 1),
            "bytes/case", target=f"≤ {LIMIT} bytes/case", ok=per_case <= LIMIT,
            rss_before_mib=round(before / 2**20, 1), rss_after_mib=round(after / 2**20, 1)),
        row(f"memory: Python heap retained per case (tracemalloc, {traced_n:,} cases)", round(heap_per_case, 1),
            "bytes/case", target=f"≤ {LIMIT} bytes/case", ok=heap_per_case <= LIMIT),
    ]}


if __name__ == "__main__":
    from bench.run import main

    main(["--only", "memory", *sys.argv[1:]])
