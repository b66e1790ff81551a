"""The load benchmark's Locust users run against a real server and every request they make succeeds.

A few seconds at three users (one of each kind: a person in the field, a town supervisor, an API
client) on a small seeded data set: every endpoint of every kind is hit, and none fails, so the
figures ``bench/bench_load.py`` reports are of requests that did what they claim (the notes are
real writes, found afterwards on the cases). No timing is asserted.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# not imported here: importing Locust patches the standard library (gevent) in the importing process
if importlib.util.find_spec("locust") is None:
    pytest.skip("Locust is not installed (the bench extra): the load users cannot run", allow_module_level=True)
pytest.importorskip("uvicorn", reason="the web extra is not installed: no server to load")
sys.path.insert(0, str(ROOT))

from bench import bench_load  # noqa: E402

FIELD = {"my work", "case page", "case page act (note)"}
SUPERVISOR = {"board (town)", "dashboard", "search by phone", "search by party name"}
API = {"api list", "api show", "api act (note)"}


def test_locust_users_hit_every_endpoint_without_a_failure(tmp_path):
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    ds = bench_load.stand_in(f"sqlite:///{tmp_path / 'load.db'}", "quick", n=300)
    tokens = bench_load.make_tokens(ds)
    proc, base, workers = bench_load.start_server(ds.url, ds.now, tmp_path, workers=1)
    try:
        found = bench_load.swarm(base, ds, tokens, tmp_path, users=3, seconds=5, think=(0.02, 0.05))
    finally:
        bench_load.stop(proc)
    assert proc.poll() is not None, "the server outlived the run"
    stats = bench_load.summarise(found)
    assert FIELD | SUPERVISOR | API <= set(stats), sorted(stats)
    assert {name: s["failures"] for name, s in stats.items() if s["failures"]} == {}, found["failures"]
    assert stats["sign in"]["requests"] == 2  # the two people (the API client has a token instead)
    rows = bench_load.rows_for(stats, "test", found["seconds"])
    assert {r["name"] for r in rows if "ok" in r} >= {f"load {name}, test" for name in SUPERVISOR | API - {"dashboard"}}
    eng = Engine(ds.url, clock=FixedClock(ds.now))
    try:
        noted = sum(1 for c in eng.list_cases("s", limit=400)
                    for e in eng.history(c["number"], "s") if e.get("action") == "note"
                    and "负载测试" in str(e.get("data", {}).get("text", "")))
    finally:
        eng.close()
    assert noted >= 1, "no note reached the cases"
