"""The supervisor's board computed in the database against the ladder computed in Python.

Clock times are scattered over the Labour Day break (2026-05-01…05 off, the
Saturday 05-09 a workday) so that the "n business days after due, same time
of day" steps are not monotonic in the due time; the board must agree with
:func:`disputeflow.workflow.queries.level_at` row by row, in the same order, on every page.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from disputeflow.cases.tables import cases, clocks
from tests.conftest import report
from disputeflow.workflow.board import LEVEL_ORDER
from disputeflow.workflow.queries import level_at
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timeutil import LOCAL_TZ


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


AS_OF = [local(2026, 5, 6, 8, 30), local(2026, 5, 7, 14, 0), local(2026, 5, 8, 23, 59), local(2026, 5, 11, 9, 0),
         local(2026, 5, 13, 16, 45)]


def scatter(engine, n: int, seed: int = 7) -> list[dict]:
    """``n`` cases whose assess clock gets a random start, due time, raised level and risk."""
    rnd = random.Random(seed)
    numbers = [report(engine) for _ in range(n)]
    paths = {u["id"]: u["path"] for u in engine.units()}
    base = local(2026, 4, 24)
    truth = []
    with runtime_of(engine).db.begin() as con:
        ids = dict(con.execute(cases.select().with_only_columns(cases.c.number, cases.c.id)).all())
        fixed = [local(2026, 4, 29, 8), local(2026, 4, 29, 9), local(2026, 5, 8, 15), local(2026, 5, 9, 10)]
        for i, number in enumerate(numbers):
            due = fixed[i] if i < len(fixed) else base + timedelta(minutes=rnd.randrange(0, 19 * 24 * 60))
            if i >= len(fixed) and rnd.random() < 0.2:  # several clocks due at the same minute: ties go by number
                due = base + timedelta(days=rnd.randrange(0, 19), hours=9)
            started = due - timedelta(hours=rnd.choice([4, 24, 72]))
            raised = rnd.choice([None, None, "warning", "level1", "level2", "level3"]) if i >= len(fixed) else None
            risk = rnd.choice(["low", "medium", "high"])
            unit = rnd.choice(["v1-g1", "v1", "v2"])
            warn_at = next((at for step, at in engine.policy.steps("assess", started, due, engine.calendar, risk)
                            if step.kind == "fraction"), None)
            con.execute(update(clocks).where(clocks.c.case_id == ids[number], clocks.c.name == "assess")
                        .values(started_at=started, due_at=due, level=raised, warn_at=warn_at))
            con.execute(update(cases).where(cases.c.id == ids[number]).values(risk=risk, unit_id=unit,
                                                                             unit_path=paths[unit]))
            truth.append({"number": number, "started": started, "due": due, "raised": raised, "risk": risk,
                          "unit": unit})
    return truth


def expected(engine, truth: list[dict], as_of: datetime) -> list[tuple]:
    out = []
    for t in truth:
        if t["due"] > as_of:
            continue
        level = level_at(engine, t["started"], t["due"], as_of, "assess")
        if LEVEL_ORDER.get(t["raised"], 0) > LEVEL_ORDER.get(level, 0):
            level = t["raised"]
        out.append((t["number"], level, t["risk"], t["due"]))
    out.sort(key=lambda r: (-LEVEL_ORDER[r[1]], r[3], r[0]))
    return [(number, level, risk) for number, level, risk, _ in out]


def shown(rows: list[dict]) -> list[tuple]:
    return [(r["number"], r["level"], r["risk"]) for r in rows]


def test_board_levels_and_order_match_the_ladder_on_every_page(engine):
    truth = scatter(engine, 60)
    for as_of in AS_OF:
        want = expected(engine, truth, as_of)
        assert want, as_of
        assert shown(engine.overdue(as_of=as_of, actor="sup")) == want, as_of
        pages, offset = [], 0
        while True:
            found = engine.overdue_page(as_of=as_of, actor="sup", limit=7, offset=offset)
            assert found["total"] == len(want)
            if not found["items"]:
                break
            pages += found["items"]
            offset += 7
        assert shown(pages) == want, as_of
        for level in ("level1", "level2", "level3"):
            found = engine.overdue_page(as_of=as_of, actor="sup", level=level, limit=200)
            assert shown(found["items"]) == [w for w in want if w[1] == level]
            assert found["total"] == len(found["items"])
        # 预警: clocks not yet due whose warning time has come, nearest due first
        warned = sorted((t for t in truth if t["due"] > as_of
                         and level_at(engine, t["started"], t["due"], as_of, "assess", t["risk"]) == "warning"),
                        key=lambda t: (t["due"], t["number"]))
        found = engine.overdue_page(as_of=as_of, actor="sup", level="warning", limit=200)
        assert shown(found["items"]) == [(t["number"], "warning", t["risk"]) for t in warned], as_of
        assert found["total"] == len(warned)
        found = engine.overdue_page(as_of=as_of, actor="sup", risk="high", level="level2", limit=3, offset=1)
        subset = [w for w in want if w[2] == "high" and w[1] == "level2"]
        assert shown(found["items"]) == subset[1:4] and found["total"] == len(subset)
    assert {lvl for as_of in AS_OF for _, lvl, _ in expected(engine, truth, as_of)} == {"level1", "level2", "level3"}
    assert any(level_at(engine, t["started"], t["due"], a, "assess", t["risk"]) == "warning" and t["due"] > a
               for a in AS_OF for t in truth)  # the warning filter was tried on something
    # The day before the break: level 2 comes at 05-06 at the due time of day, so 08:00 has it at 08:30, 09:00 not.
    early, late = (next(t["number"] for t in truth if t["due"] == local(2026, 4, 29, h)) for h in (8, 9))
    levels = {r["number"]: r["level"] for r in engine.overdue(as_of=AS_OF[0], actor="sup")}
    assert (levels[early], levels[late]) == ("level2", "level1")


def test_board_counts_by_unit_and_jurisdiction(engine):
    truth = scatter(engine, 30, seed=11)
    as_of = AS_OF[3]
    due = [t for t in truth if t["due"] <= as_of]
    assert engine.overdue_counts(as_of=as_of, actor="sup") == dict(Counter(t["unit"] for t in due))
    v2 = [t["number"] for t in due if t["unit"] == "v2"]
    assert {r["number"] for r in engine.overdue_page(as_of=as_of, actor="med2", limit=200)["items"]} == set(v2)
    assert engine.overdue_counts(as_of=as_of, unit="v2", actor="sup") == ({"v2": len(v2)} if v2 else {})
    assert engine.overdue_page(as_of=as_of, actor="sup", clock="resolve")["total"] == 0


def test_a_board_page_costs_what_it_shows(engine, monkeypatch):
    """Calendar work (business days overdue, ladder levels) is done for the rows on the page only."""
    scatter(engine, 40, seed=3)
    calls = Counter()
    cal = engine.calendar
    for name in ("workdays_between", "add_workdays"):
        real = getattr(cal, name)

        def counted(*a, _real=real, _name=name):
            calls[_name] += 1
            return _real(*a)

        monkeypatch.setattr(cal, name, counted)
    found = engine.overdue_page(as_of=AS_OF[-1], actor="sup", limit=5)
    assert found["total"] > 20 and len(found["items"]) == 5
    assert calls["workdays_between"] == 5
    assert calls["add_workdays"] < 3 * 30  # a few per ladder step to build the predicates, none per row


@pytest.mark.parametrize("page, expected", [("1", 1), ("2", 2), ("99", 99), ("0", 1), ("-3", 1), ("x", 1), ("", 1),
                                            ("9" * 30, 1_000_000), ("9" * 5000, 1)])
def test_page_numbers_are_clamped_to_what_the_database_can_offset(page, expected):
    from disputeflow.web.deps import page_no

    assert page_no({"page": page}) == expected
