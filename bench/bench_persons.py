"""What key-person duties cost the sweep.

* An idle pass: the sweep with the key-person step (one index probe on
  ``key_persons.next_roll_at`` in a read transaction) against the same sweep
  with that step switched off, measured interleaved in the same run.
* A day's roll: N persons under control at critical risk (two duties each)
  get their next day's occurrences (a row and a clock each) in one pass.

Run: .venv/bin/python bench/bench_persons.py [--quick] [--pg]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402
from bench.common import row  # noqa: E402

T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)  # Tuesday 09:00 in Shanghai
PG_URL = os.environ.get("DISPUTEFLOW_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _seed(eng: Engine, persons: int) -> None:
    eng.init()
    eng.add_unit("t", "基准镇", "town")
    eng.add_unit("v", "基准村", "village", "t")
    eng.add_user("g", "网格员", "grid_officer", "v")
    eng.add_user("l", "包案领导", "lead_official", "t")
    for i in range(persons):
        number = eng.report("g", title="纠纷", category="neighbour", unit="v", parties=[{"name": "甲"}]).number
        eng.add_person("g", name=f"人员{i}", cases=[number], risk="critical", grid_officer="g", lead_official="l")
        eng.record_contact(i + 1, "g", method="visit")


def _median_us(fn, n: int) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e6)
    return statistics.median(out)


def run(quick: bool = False, pg: str | None = None) -> dict:
    persons = 50 if quick else 500
    rounds = 50 if quick else 300
    tmp = tempfile.mkdtemp()
    url = pg or f"sqlite:///{tmp}/bench.db"
    if pg:
        schema = "b_" + uuid.uuid4().hex[:10]
        import psycopg

        with psycopg.connect(pg.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
            c.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{pg}{'&' if '?' in pg else '?'}options=-csearch_path%3D{schema}"
    clock = FixedClock(T0)
    eng = Engine(url, clock=clock)
    _seed(eng, persons)
    clock.set(T0 + timedelta(hours=2))  # nothing due: every clock is within time
    eng.sweep()

    from disputeflow.workflow import duty_sweep

    real = duty_sweep.after_sweep
    with_step, without = [], []
    for _ in range(5):  # interleaved, so machine load hits both alike
        duty_sweep.after_sweep = real
        with_step.append(_median_us(eng.sweep, rounds // 5))
        duty_sweep.after_sweep = lambda *a, **k: False
        without.append(_median_us(eng.sweep, rounds // 5))
    duty_sweep.after_sweep = real
    idle_with, idle_without = statistics.median(with_step), statistics.median(without)

    clock.set(T0 + timedelta(hours=16))  # 01:00 the next local day: every person's next day begins
    t = time.perf_counter()
    eng.sweep()
    roll_s = time.perf_counter() - t
    eng.close()
    backend = "PostgreSQL" if pg else "SQLite"
    details = {"backend": backend.lower(), "persons": persons,
               "idle_sweep_us": round(idle_with, 1), "idle_sweep_without_duties_us": round(idle_without, 1),
               "idle_ratio": round(idle_with / idle_without, 2),
               "roll_one_day_s": round(roll_s, 3), "occurrences_per_s": round(2 * persons / roll_s)}
    return {"title": "key-person duties", "details": details, "rows": [
        row(f"persons: idle sweep without the key-person step, {persons} persons ({backend})",
            details["idle_sweep_without_duties_us"], "µs per pass"),
        row(f"persons: idle sweep with the key-person step, {persons} persons ({backend})", details["idle_sweep_us"],
            "µs per pass", ratio=idle_with / idle_without, baseline="the sweep without the step, interleaved"),
        row(f"persons: roll one day, {persons} persons × 2 duties ({backend}, {roll_s:.2f} s)",
            details["occurrences_per_s"], "occurrences/s"),
    ]}

if __name__ == "__main__":
    quick = "--quick" in sys.argv
    res = run(quick=quick)
    print(res["details"])
    if "--pg" in sys.argv:
        print(run(quick=quick, pg=PG_URL)["details"])
