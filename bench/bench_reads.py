"""The read side on the demo town: case page data, case list, board, a report, notification dispatch.

What it shows: the time of each read through the facade, in-process (no HTTP,
no rendering), on the demo town (``disputeflow demo``'s data, loaded with a
fixed clock): a case page's data (``case`` + ``history`` + ``actions``), the
case list (50 newest), the supervisor's overdue board (one page), the current
month's statistics (rebuilt on every call: a month that has not ended is never
frozen), and a dispatch pass over the demo's notifications with the default
channels (inbox and log), as deliveries per second.

Baseline: another checkout of the project (``--baseline DIR``, with its own
``.venv``), run as a second worker process on its own copy of the same demo
data. The two workers take turns, one round each (current, baseline, current,
...), so both see the same machine; each figure is the median over rounds of a
round's median, and the ratio is the median of the per-round ratios
(baseline time ÷ current time: above 1 means the current tree is faster; for
dispatch, current rate ÷ baseline rate). Each read is timed twice, on the wall
clock and on the worker's own CPU clock (``(CPU)``): on a shared machine the
second is the steadier figure of what the read costs the process. Without
``--baseline`` only the current tree is measured.

Run: .venv/bin/python bench/bench_reads.py [--quick] [--rounds N] [--baseline DIR] [--pg URL]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve()
NOW = datetime(2026, 6, 3, 2, 0, tzinfo=timezone.utc)  # a Wednesday, 10:00 in Shanghai
READS = ("case page", "case list", "board", "report", "dispatch")
FIGURES = READS + tuple(f"{r} (CPU)" for r in READS)


# ---------------------------------------------------------------- worker (runs inside one checkout)

def _setup(url: str):
    from disputeflow import Engine
    from disputeflow.demo import town
    from disputeflow.workflow.timesource import FixedClock

    eng = Engine(url, clock=FixedClock(NOW))
    town.load(eng)
    eng.dispatch(limit=500)
    cases = eng.list_cases("zz-wang", limit=1000)
    # the probed case: the one with the longest history, read by its own mediator
    best = max(cases, key=lambda c: (len(eng.history(c["number"], "zz-wang")), c["number"]))
    return eng, best["number"], best["mediator"] or "zz-wang"


def _reset_outbox(url: str) -> None:
    """Every demo notification pending again, nothing delivered (raw SQL on a connection of its own:
    the same statements in both checkouts)."""
    from sqlalchemy import create_engine

    from disputeflow.cases.db import normalise_url

    sa = create_engine(normalise_url(url))
    with sa.begin() as conn:
        conn.exec_driver_sql("DELETE FROM inbox")
        conn.exec_driver_sql("DELETE FROM notification_deliveries")
        conn.exec_driver_sql("UPDATE outbox SET status = 'pending', attempts = 0, claimed_by = NULL, "
                             "claimed_until = NULL, sent_at = NULL, last_error = NULL")
    sa.dispose()


def _timed(fn, reps: int, clock) -> float:
    times = []
    for _ in range(reps):
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1000)
    return statistics.median(times)


def _dispatch_rate(eng, url: str, clock) -> float:
    _reset_outbox(url)
    t0 = clock()
    sent = eng.dispatch(limit=500)["sent"]  # fans out, then delivers, 500 rows a transaction, until done
    return sent / (clock() - t0)


def worker(url: str, reps: int) -> None:
    out = sys.stdout
    sys.stdout = sys.stderr  # the protocol owns stdout
    eng, number, reader = _setup(url)
    month = NOW.strftime("%Y-%m")
    calls = {
        "case page": lambda: (eng.case(number, reader), eng.history(number, reader), eng.actions(number, reader)),
        "case list": lambda: eng.list_cases("zz-wang", limit=50),
        "board": lambda: eng.overdue_page(actor="zz-wang", limit=50),
        "report": lambda: eng.report_data("stats", actor="zz-wang", month=month),
    }
    for fn in calls.values():
        fn()
    _dispatch_rate(eng, url, time.perf_counter)
    out.write(json.dumps({"ready": number, "reader": reader}) + "\n")
    out.flush()
    for line in sys.stdin:
        if line.strip() != "round":
            break
        fig = {name: _timed(fn, reps, time.perf_counter) for name, fn in calls.items()}
        fig["dispatch"] = _dispatch_rate(eng, url, time.perf_counter)
        # the worker's own CPU time: what the read costs this process, whatever else the machine runs
        fig.update({f"{name} (CPU)": _timed(fn, reps, time.process_time) for name, fn in calls.items()})
        fig["dispatch (CPU)"] = _dispatch_rate(eng, url, time.process_time)
        out.write(json.dumps(fig) + "\n")
        out.flush()
    eng.close()


# ---------------------------------------------------------------- driver

class Worker:
    def __init__(self, root: Path, python: Path, url: str, reps: int):
        env = {**os.environ, "PYTHONPATH": str(root)}
        self.proc = subprocess.Popen([str(python), str(HERE), "--worker", url, str(reps)], cwd=root, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ready = self._answer()

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("worker stopped")
        return json.loads(line)

    def round(self) -> dict:
        self.proc.stdin.write("round\n")
        self.proc.stdin.flush()
        return self._answer()

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(60)


def _pg_pair(pg: str):
    sys.path.insert(0, str(HERE.parents[1]))
    from bench.common import pg_schema

    return pg_schema(pg, "bench_reads"), pg_schema(pg, "bench_reads")


def measure(rounds: int, reps: int, baseline: Path | None, pg: str | None) -> dict:
    current = HERE.parents[1]
    with tempfile.TemporaryDirectory() as d:
        from contextlib import ExitStack

        with ExitStack() as stack:
            if pg:
                a, b = _pg_pair(pg)
                urls = [stack.enter_context(a), stack.enter_context(b)]
            else:
                urls = [f"sqlite:///{d}/current.db", f"sqlite:///{d}/baseline.db"]
            workers = {"current": Worker(current, Path(sys.executable), urls[0], reps)}
            if baseline is not None:
                workers["baseline"] = Worker(baseline, baseline / ".venv" / "bin" / "python", urls[1], reps)
            figs = {name: [] for name in workers}
            try:
                for _ in range(rounds):
                    for name, w in workers.items():
                        figs[name].append(w.round())
            finally:
                for w in workers.values():
                    w.stop()
    return figs


def summary(figs: dict) -> list[dict]:
    rows = []
    for read in FIGURES:
        rate = read.startswith("dispatch")
        row = {"read": read, "unit": "deliveries/s" if rate else "ms"}
        for name, rounds in figs.items():
            row[name] = statistics.median(r[read] for r in rounds)
        if "baseline" in figs:
            pairs = zip(figs["current"], figs["baseline"])
            row["ratio"] = statistics.median((c[read] / b[read]) if rate else (b[read] / c[read])
                                             for c, b in pairs)
        rows.append(row)
    return rows


def run(quick: bool = False, pg: str | None = None) -> dict:
    """For ``bench/run.py``: the current tree alone (a baseline checkout is this script's ``--baseline``)."""
    figs = measure(3 if quick else 7, 5 if quick else 15, None, pg)
    where = " (PostgreSQL)" if pg else ""
    return {"rows": [{"name": f"reads: {r['read']}, demo town{where}", "value": round(r["current"], 2),
                      "unit": r["unit"] + " median"} for r in summary(figs)]}


def main(args: list[str]) -> None:
    if args and args[0] == "--worker":
        worker(args[1], int(args[2]))
        return
    quick = "--quick" in args
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else (3 if quick else 7)
    baseline = Path(args[args.index("--baseline") + 1]).resolve() if "--baseline" in args else None
    pg = args[args.index("--pg") + 1] if "--pg" in args else None
    figs = measure(rounds, 5 if quick else 15, baseline, pg)
    where = "PostgreSQL" if pg else "SQLite"
    print(f"demo town on {where}, {rounds} interleaved rounds; current = {HERE.parents[1]}"
          + (f", baseline = {baseline}" if baseline else ""))
    head = f"{'read':<18} {'unit':<13} {'current':>9}"
    if baseline:
        head += f" {'baseline':>9} {'speed-up':>9}"
    print(head)
    for row in summary(figs):
        line = f"{row['read']:<18} {row['unit']:<13} {row['current']:>9.2f}"
        if baseline:
            line += f" {row['baseline']:>9.2f} {row['ratio']:>8.2f}×"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
