"""Several sweeper processes on one PostgreSQL database: no deadlock, every step raised once.

Four ``disputeflow sweep`` processes start together, three times (warnings and
yellow cards, orange cards, red cards with their automatic listing and the
units' talks), over ~3,000 overdue cases spread at random over forty grids, so
that every batch meets the units in its own order.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from tests.conftest import PARTIES, make_db_url
from disputeflow import Engine
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timesource import FixedClock

from tests.conftest import T0, build_town

N_CASES = 3000
N_GRIDS = 40
SWEEPERS = 4
RUNS = ("2026-03-04T09:30+08:00", "2026-03-06T10:00+08:00", "2026-03-12T10:00+08:00")


@pytest.fixture
def pg_url(tmp_path):
    url, drop = make_db_url("postgresql", tmp_path)
    yield url
    drop()


def _sweepers(url: str, now: str) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "DISPUTEFLOW_DB": url, "DISPUTEFLOW_NOW": now}
    procs = [subprocess.Popen([sys.executable, "-m", "disputeflow.cli", "--json", "sweep"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(SWEEPERS)]
    return [(p, *p.communicate(timeout=600)) for p in procs]


def test_four_sweeper_processes_three_runs_no_deadlock_no_duplicate(pg_url):
    engine = Engine(pg_url, clock=FixedClock(T0))
    try:
        engine.init()
        build_town(engine)
        grids = [f"v1-g{i}" for i in range(2, N_GRIDS + 2)]
        for g in grids:
            engine.add_unit(g, f"甲村第{g[4:]}网格", "grid", "v1")
        rnd = random.Random(7)
        for i in range(N_CASES):
            engine.report("med1", title=f"纠纷{i}", category="neighbour", unit=rnd.choice(grids), parties=PARTIES,
                          source="grid")
        figures = []
        for now in RUNS:
            started = time.monotonic()
            results = _sweepers(pg_url, now)
            figures.append((now, round(time.monotonic() - started, 1), [p.returncode for p, _, _ in results]))
            for p, _out, err in results:
                assert p.returncode == 0, err
                assert "deadlock" not in err  # not even a retried victim: sweepers take talk rows in one order
        print("sweeper runs (now, seconds, exit codes):", figures)
        with runtime_of(engine).db.connect() as c:
            total, distinct = c.execute(text(
                "SELECT count(*), count(DISTINCT clock_id || '/' || step) FROM escalations")).one()
            steps = dict(c.execute(text("SELECT step, count(*) FROM escalations GROUP BY step")).all())
            talks = c.execute(text("SELECT count(*), count(DISTINCT unit_id || month) FROM unit_talks")).one()
            audits = c.execute(text("SELECT count(*) FROM audit_events WHERE action = 'escalate'")).scalar()
            dup_events = c.execute(text(
                "SELECT count(*) FROM (SELECT case_id, data FROM audit_events WHERE action = 'escalate' "
                "GROUP BY case_id, data HAVING count(*) > 1) d")).scalar()
        print("escalations:", total, steps, "talks:", talks)
        assert total == distinct == audits and dup_events == 0
        # every assess clock went through the whole ladder once; every grid reached its talk once
        assert steps == {"warning": N_CASES, "level1": N_CASES, "level2": N_CASES, "level3": N_CASES}
        assert talks[0] == talks[1] == N_GRIDS
        assert engine.verify_audit()["problems"] == []
    finally:
        engine.close()
