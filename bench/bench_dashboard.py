"""The leader's dashboard (领导驾驶舱) at 10k and 100k cases, against the overdue board's page in the same round.

What it shows: the median time of ``reports.dashboard.build`` (every figure of
the page: open cases by stage and risk, this and last month's intake and
resolutions, villages ranked, the category × village table, late cases by
village and late work orders by office) for a town supervisor, in-process (no
HTTP, no rendering), and its ratio to one page of that supervisor's overdue
board (``Engine.overdue_page``, 50 rows) read in the same round, the cheapest
page a supervisor opens. Both are counts or pages done by the database, so the
ratio should stay near one whatever the size; a dashboard that replays every
case grows with the town instead.

Cases are seeded as bench_web seeds them (raw inserts, seven villages, 1% of
the clocks long overdue); rounds interleave the two reads.

Run: .venv/bin/python bench/bench_dashboard.py [--size quick|county|city] [--pg URL]
"""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_web import NOW, seed  # noqa: E402
from bench.common import interleave, median, pg_schema, pg_url, ratio, row  # noqa: E402
from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402

SIZES = {"quick": 10_000, "county": 100_000, "city": 1_000_000}
ROUNDS = 7
TARGET_MS = 100.0


def _ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def measure(url: str, n: int, rounds: int = ROUNDS) -> dict[str, list[float]]:
    """Seed ``n`` cases at ``url``, then time the dashboard and the board's first page, interleaved."""
    from disputeflow.reports.dashboard import build

    eng = Engine(url, clock=FixedClock(NOW))
    try:
        seed(eng, n)
        actor = eng.resolve_actor("s")
        variants = {"board": lambda: _ms(lambda: eng.overdue_page(actor=actor, limit=50)),
                    "dashboard": lambda: _ms(lambda: build(eng, actor, "zh"))}
        for fn in variants.values():  # warm: statements prepared, caches filled
            fn()
        return interleave(variants, rounds)
    finally:
        eng.close()


def _rows(figs: dict[str, list[float]], n: int, db: str) -> list[dict]:
    dash = median(figs["dashboard"])
    return [row(f"dashboard build, {n // 1000}k cases ({db})", round(dash, 1), "ms median",
                ratio=ratio(figs, "dashboard", "board"), baseline="overdue board page (50 rows), same round",
                target=f"< {TARGET_MS:.0f} ms", ok=dash < TARGET_MS, board_ms=round(median(figs["board"]), 1))]


def run(quick: bool = False, pg: str | None = None, size: str = "quick") -> dict:
    n = SIZES["quick" if quick else size]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as d, ExitStack() as stack:
        rows += _rows(measure(f"sqlite:///{Path(d) / 'dash.db'}", n), n, "SQLite")
        url = pg_url(pg)
        if url:
            rows += _rows(measure(stack.enter_context(pg_schema(url, "bench_dash")), n), n, "PostgreSQL")
    return {"title": "leader's dashboard", "rows": rows}


if __name__ == "__main__":
    args = sys.argv[1:]
    result = run(pg=args[args.index("--pg") + 1] if "--pg" in args else None,
                 size=args[args.index("--size") + 1] if "--size" in args else "quick")
    for r in result["rows"]:
        print(f"{r['name']:<48} {r['value']:>8} ms  × board page {r['ratio']:<6} (board {r['board_ms']} ms)"
              f"  ok={r['ok']}")
