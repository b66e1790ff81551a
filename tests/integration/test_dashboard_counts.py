"""The dashboard's database counts equal what the statistics' replay of the audit log says (both databases).

The dashboard once folded every case's audit log (``reports.facts.scan``) to count
open cases, intake and resolutions; it now groups in the database. The replay is
kept here, as the reference, and both are read on the demo county (two towns,
cases in every state, reopenings, referrals, work orders) for readers at county,
town and village level and at several moments, so every figure is compared on
varied data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from tests.conftest import BACKENDS, T0, make_db_url
from disputeflow.workflow.timesource import FixedClock


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory):
    from disputeflow import Engine
    from disputeflow.demo import town

    url, drop = make_db_url(request.param, tmp_path_factory.mktemp("dash"))
    eng = Engine(url, clock=FixedClock(T0))
    town.load(eng)
    yield eng
    eng.close()
    drop()


def _replayed(engine, actor) -> dict:
    """The figures as the replay counted them: stages × risks, intake, resolutions, and per village."""
    from disputeflow.reports import dashboard, facts
    from disputeflow.reports.units import Units
    from disputeflow.workflow.runtime import runtime_of

    rt, now = runtime_of(engine), engine.clock.now()
    units = Units.load(rt)
    path = units.by_id[actor.unit_id].path if actor.unit_id in units.by_id else actor.unit_path
    this_month, last_month = dashboard._month_starts(now)
    d = engine.definition()
    terminal = {s.name for s in d.states if s.terminal}
    stages: dict[str, Counter] = defaultdict(Counter)
    moved: Counter = Counter()
    by_village: dict[str, Counter] = defaultdict(Counter)
    heat: Counter = Counter()
    for f in facts.scan(rt, path, last_month, now, payloads=facts.STATS_PAYLOADS | {"report", "assess"}):
        village = units.village_of(f.unit_path)
        if f.state not in terminal and not f.closed_at and not f.ended_at:
            stages[dashboard._stage(d, f.state)][f.risk] += 1
            by_village[village]["open"] += 1
            heat[(f.category, village)] += 1
        for key, at in (("intake", f.reported_at), ("resolved", f.resolved_at)):
            if at is None or at > now or at < last_month:
                continue
            moved[(key, "this" if at >= this_month else "last")] += 1
            if at >= this_month:
                by_village[village][key] += 1
    late: dict[str, str] = {}
    for row in engine.overdue(actor=actor):
        u = units.by_id.get(row["unit"])
        late.setdefault(row["number"], units.village_of(u.path) if u else row["unit"])
    for village, n in Counter(late.values()).items():
        by_village[village]["overdue"] = n
    villages = {v.id for v in units.villages_under(path)}  # the heat table's columns: villages only
    return {"stages": {s: dict(c) for s, c in stages.items()}, "moved": dict(moved),
            "villages": {v: {k: by_village[v].get(k, 0) for k in ("open", "intake", "resolved", "overdue")}
                         for v in villages},
            "heat": {f"{c}|{v}": n for (c, v), n in heat.items() if v in villages}, "overdue": len(late)}


def _counted(engine, actor) -> dict:
    """The same figures as :func:`disputeflow.reports.dashboard.build` gives them."""
    from disputeflow.reports.dashboard import build

    b = build(engine, actor, "zh")
    moved = {(k, w): b[k][w] for k in ("intake", "resolved") for w in ("this", "last") if b[k][w]}
    return {"stages": {s["stage"]: {r: n for r, n in s["risks"].items() if n} for s in b["stages"]},
            "moved": moved, "villages": {v["id"]: {k: v[k] for k in ("open", "intake", "resolved", "overdue")}
                                         for v in b["villages"]},
            "heat": {k: n for k, n in b["heat"]["cells"].items() if n}, "overdue": b["overdue_total"],
            "open_total": b["open_total"]}


@pytest.mark.parametrize("days", [0, 12, 40])
def test_counts_equal_the_replay_for_every_level_of_reader(demo, days):
    eng = demo
    eng.clock = FixedClock(T0 + timedelta(days=days))
    readers = [u for u in eng.users() if u["role"] in ("supervisor", "lead_official")]
    assert {eng.resolve_actor(u["id"]).unit_id for u in readers} >= {"shuangru", "qingshi"}
    seen: set = set()
    for u in readers:
        actor = eng.resolve_actor(u["id"])
        want, got = _replayed(eng, actor), _counted(eng, actor)
        assert got.pop("open_total") == sum(sum(r.values()) for r in want["stages"].values())
        assert got == want, u["id"]
        seen |= set(want["moved"])
    # the data set has intake and resolutions in both months compared (only last month's, 40 days on)
    months = ("this", "last") if days < 40 else ("last",)
    assert seen >= {(k, m) for k in ("intake", "resolved") for m in months}
