"""Ledger and statistics for one year of a county: time and peak memory.

The data set (default 100,000 cases: 15 towns × 12 villages, about six audit
events and a resolution clock per case, spread over 2025) is written with bulk
inserts straight into the tables, not through 100,000 engine calls. Then:

* statistics for the year (by village, category, source; trend; definitions) — dataset and HTML;
* the December ledger (new and carried-over cases) — XLSX and CSV;
* the same ledger served again from its frozen snapshot once the month has ended.

Baseline, measured in the same run: the bare read of every audit event of the
year with the raw driver (the least any replay of the log costs). Ratios are
report time ÷ that read. Peak memory is the Python heap peak (tracemalloc) of
one separate run of each report, so it does not slow the timed runs.

Run: .venv/bin/python bench/bench_reports.py [--quick] [--pg URL]
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.runtime import runtime_of  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402
from disputeflow.workflow.timeutil import LOCAL_TZ  # noqa: E402
from bench.common import pg_schema  # noqa: E402

CATEGORIES = ["neighbour", "marriage_family", "land", "labour", "contract", "damages", "property", "demolition",
              "medical", "environment", "consumer", "other"]
SOURCES = ["grid", "visit", "hotline", "police", "petition", "other"]
TOWNS, VILLAGES = 15, 12
CASE_COLUMNS = ("id", "number", "definition", "definition_version", "state", "version", "title", "category", "source",
                "description", "unit_id", "unit_path", "risk", "risk_floor", "flags", "party_count", "reporter",
                "mediator", "lead_official", "responsible_unit", "supervision_level", "data", "reported_at",
                "updated_at", "closed_at", "audit_seq", "audit_hash")
AUDIT_COLUMNS = ("case_id", "seq", "at", "actor", "action", "from_state", "to_state", "data", "prev_hash", "hash")
CLOCK_COLUMNS = ("case_id", "name", "started_at", "due_at", "warn_at", "calendar_rev", "status", "stopped_at",
                 "extended", "level", "next_step", "next_at")


def _dumps(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def build(eng: Engine, n_cases: int, seed: int = 7) -> None:
    """A county: units and users through the engine (a few hundred), cases and their logs in bulk."""
    rnd = random.Random(seed)
    eng.add_unit("county", "基准县", "county")
    villages = []
    for t in range(TOWNS):
        town = f"t{t:02d}"
        eng.add_unit(town, f"第{t + 1}镇", "town", "county")
        for v in range(VILLAGES):
            vid = f"{town}v{v:02d}"
            eng.add_unit(vid, f"第{t + 1}镇{v + 1}村", "village", town)
            villages.append((vid, f"/county/{town}/{vid}/"))
    eng.add_unit("justice", "县司法局", "office", "county")
    eng.add_user("sup", "督办员", "supervisor", "county")
    for i in range(50):
        eng.add_user(f"m{i}", f"调解员{i}", "mediator", "county")
    year_start = datetime(2025, 1, 1, tzinfo=LOCAL_TZ)
    batch_cases, batch_events, batch_clocks = [], [], []
    store = runtime_of(eng).store
    from disputeflow.cases.types import to_sqlite

    conv = to_sqlite if store.is_sqlite else (lambda v: v)

    def flush():
        with store.write() as tx:
            tx.insert_rows("cases", CASE_COLUMNS, batch_cases)
            tx.insert_rows("audit_events", AUDIT_COLUMNS, batch_events)
            tx.insert_rows("clocks", CLOCK_COLUMNS, batch_clocks)
        batch_cases.clear()
        batch_events.clear()
        batch_clocks.clear()

    for cid in range(1, n_cases + 1):
        vid, path = villages[rnd.randrange(len(villages))]
        reported = year_start + timedelta(minutes=rnd.randrange(365 * 24 * 60))
        key_person = rnd.random() < 0.03
        events = [("report", None, "reported", {"parties": [{"name": "张三丰", "role": "applicant"},
                                                             {"name": "李四", "role": "respondent"}],
                                                 "risk_floor": "high" if key_person else "low"}, reported)]
        at = reported
        mediator = f"m{rnd.randrange(50)}"
        roll = rnd.random()
        fate = ("withdrawn" if roll < 0.03 else "referred" if roll < 0.08 else "open" if roll < 0.12
                else "mediating" if roll < 0.17 else "reopened" if roll < 0.21 else "done")
        state = "reported"
        closed_at = None
        clocks = []

        def step(action, to, data=None, hours=1.0):
            nonlocal at, state
            at = at + timedelta(hours=hours)
            events.append((action, state, to, data or {}, at))
            state = to
            return at

        if fate == "withdrawn":
            closed_at = step("withdraw", "withdrawn", {"reason": "撤回"}, 5)
        elif fate != "open":
            step("assess", "assessed", {"risk": "high" if key_person else "low", "responsible_unit": "justice"}, 2)
            step("assign", "assessed", {"mediator": mediator}, 0.5)
            if key_person:
                step("control", "controlled", {"measures": "专人稳控"}, 3)
            if fate == "referred":
                closed_at = step("refer", "referred", {"to": "court"}, 24)
            else:
                started = step("mediate", "mediating", {}, 4)
                due = started + timedelta(days=15 if key_person else 30)
                if fate == "mediating":
                    clocks.append(("resolve", started, due, None))
                else:
                    done = step("resolve", "resolved", {"outcome": "agreement" if rnd.random() < 0.85 else "no_agreement",
                                                        "agreement": "协议"}, rnd.uniform(24, 24 * 40))
                    clocks.append(("resolve", started, due, done))
                    step("follow_up", "following_up", {"method": "phone", "satisfaction": "satisfied"}, 24 * 6)
                    closed_at = step("close", "closed", {}, 24 * 3)
                    if fate == "reopened":
                        closed_at = None
                        step("reopen", "mediating", {"reason": "反弹"}, 24 * 10)
        batch_cases.append((cid, f"基准-{reported.year}-{cid:06d}", "grassroots", 1, state, len(events), "基准纠纷",
                            rnd.choice(CATEGORIES), rnd.choice(SOURCES), "", vid, path,
                            "high" if key_person else "low", "high" if key_person else "low",
                            '["key_person"]' if key_person else "[]", 2, "sup", mediator, None, "justice", None, "{}",
                            conv(reported), conv(at), conv(closed_at) if closed_at else None, len(events), "0" * 64))
        for seq, (action, frm, to, data, when) in enumerate(events, 1):
            batch_events.append((cid, seq, conv(when), "sup", action, frm, to, _dumps(data), "0" * 64, "0" * 64))
        for name, started, due, stopped in clocks:
            batch_clocks.append((cid, name, conv(started), conv(due), None, "", "stopped" if stopped else "running",
                                 conv(stopped) if stopped else None, 0, None, None, None))
        if len(batch_cases) >= 5000:
            flush()
    flush()


def _timed(fn, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def _peak(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _raw_read(eng: Engine) -> None:
    conn = runtime_of(eng).db.raw_connection()
    try:
        cur = conn.cursor() if runtime_of(eng).store.is_sqlite else conn.cursor(name="bench_raw")
        cur.execute("SELECT case_id, at, action, to_state, data FROM audit_events ORDER BY case_id, seq")
        while cur.fetchmany(5000):
            pass
        cur.close()
    finally:
        conn.rollback()
        conn.close()


def run(quick: bool = False, pg: str | None = None) -> dict:
    n = 10_000 if quick else 100_000
    repeat = 3
    with tempfile.TemporaryDirectory() as d, ExitStack() as stack:
        # PostgreSQL: a throw-away schema, so a shared test database's other contents never collide
        url = stack.enter_context(pg_schema(pg, "bench_reports")) if pg else f"sqlite:///{Path(d) / 'county.db'}"
        clock = FixedClock(datetime(2025, 12, 31, 23, tzinfo=LOCAL_TZ))  # the year has not ended: computed each time
        eng = Engine(url, clock=clock)
        eng.init()
        t0 = time.perf_counter()
        build(eng, n)
        build_s = time.perf_counter() - t0
        with runtime_of(eng).store.read() as tx:
            n_events = tx.query("SELECT count(*) FROM audit_events")[0][0]
        stats_data = lambda: eng.report_data("stats", actor="sup", year=2025)  # noqa: E731
        stats_html = lambda: eng.report_file("stats", fmt="html", actor="sup", year=2025)  # noqa: E731
        ledger_xlsx = lambda: eng.report_file("ledger", fmt="xlsx", actor="sup", month="2025-12")  # noqa: E731
        ledger_csv = lambda: eng.report_file("ledger", fmt="csv", actor="sup", month="2025-12")  # noqa: E731
        raw = _timed(lambda: _raw_read(eng), repeat)
        res = {"cases": n, "events": n_events, "build_s": round(build_s, 1), "raw_read_s": round(raw, 3)}
        for name, fn in (("stats_year", stats_data), ("stats_year_html", stats_html),
                         ("ledger_dec_xlsx", ledger_xlsx), ("ledger_dec_csv", ledger_csv)):
            s = _timed(fn, repeat)
            res[name + "_s"] = round(s, 3)
            res[name + "_ratio"] = round(s / raw, 2)
            res[name + "_peak_mib"] = round(_peak(fn), 1)
        res["ledger_rows"] = len(eng.report_data("ledger", actor="sup", month="2025-12")["rows"])
        clock.set(datetime(2026, 1, 2, 9, tzinfo=LOCAL_TZ))  # December has ended: the first run freezes it
        res["ledger_dec_freeze_s"] = round(_timed(ledger_xlsx, 1), 3)
        res["ledger_dec_frozen_xlsx_s"] = round(_timed(ledger_xlsx, repeat), 3)
        eng.close()
    return {"title": "reports", "details": res, "rows": table_rows(res, "PostgreSQL" if pg else "SQLite")}


def table_rows(res: dict, backend: str) -> list[dict]:
    """The published lines: each report's seconds against the raw read of the audit log, and its heap peak."""
    from bench.common import row

    scope = f"{res['cases']:,} cases, {res['events']:,} events ({backend})"
    base = f"raw read of the audit log ({res['raw_read_s']:.2f} s)"
    out = [row(f"reports: raw read of every audit event of the year (baseline), {scope}", res["raw_read_s"], "s",
               note=f"data set bulk-built in {res['build_s']} s")]
    for key, label in (("stats_year", "statistics for the year (dataset)"),
                       ("stats_year_html", "statistics for the year (HTML)"),
                       ("ledger_dec_xlsx", f"December ledger, {res['ledger_rows']:,} rows (XLSX)"),
                       ("ledger_dec_csv", f"December ledger, {res['ledger_rows']:,} rows (CSV)")):
        out.append(row(f"reports: {label}, {scope}", res[key + "_s"], "s", ratio=res[key + "_ratio"], baseline=base))
        out.append(row(f"reports: {label}, Python heap peak", res[key + "_peak_mib"], "MiB"))
    out.append(row("reports: December ledger (XLSX), first run after the month ends (freezes it)",
                   res["ledger_dec_freeze_s"], "s", ratio=res["ledger_dec_freeze_s"] / res["raw_read_s"], baseline=base))
    out.append(row("reports: December ledger (XLSX), served from the frozen snapshot", res["ledger_dec_frozen_xlsx_s"],
                   "s", ratio=res["ledger_dec_frozen_xlsx_s"] / res["raw_read_s"], baseline=base))
    return out


def main() -> None:
    quick = "--quick" in sys.argv
    pg = sys.argv[sys.argv.index("--pg") + 1] if "--pg" in sys.argv else None
    res = run(quick=quick, pg=pg)["details"]
    print(f"county year: {res['cases']:,} cases, {res['events']:,} audit events (bulk build {res['build_s']} s)")
    print(f"baseline: raw read of every audit event       {res['raw_read_s']:.3f} s (median of 3)")
    for key, label in (("stats_year", "statistics for the year (dataset)"), ("stats_year_html", "statistics for the year (HTML)"),
                       ("ledger_dec_xlsx", f"December ledger, {res['ledger_rows']:,} rows (XLSX)"),
                       ("ledger_dec_csv", f"December ledger, {res['ledger_rows']:,} rows (CSV)")):
        print(f"{label:<45} {res[key + '_s']:.3f} s  ×{res[key + '_ratio']:.2f} of baseline  peak {res[key + '_peak_mib']:.1f} MiB")
    print(f"December ledger, first run after the month (freeze) {res['ledger_dec_freeze_s']:.3f} s; "
          f"served frozen {res['ledger_dec_frozen_xlsx_s']:.3f} s")


if __name__ == "__main__":
    main()
