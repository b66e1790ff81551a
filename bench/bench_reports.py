"""A county's year statistics and a town's monthly ledger (台账): time and peak memory, at two sizes.

Data set: the city data set (``bench.cityset.ensure``) when that module is
present, else this file's own seed (:func:`build`: 15 towns × 12 villages, about
six audit events and a resolution clock per case, spread over 2025, written with
bulk inserts). Sizes: quick = 10,000 cases, county = 100,000, city = 1,000,000.

Measured, in interleaved rounds (medians; each ratio is the median of the
ratios taken within one round):

* the county's statistics for the year (dataset) against the raw read of the
  same rows: the county's cases and their audit events up to the end of the
  year, by the bare driver with batched fetches and no conversion;
* the town's ledger for the month (dataset, and the XLSX as a figure of its own)
  against the raw read of the town's cases and events the ledger reads.

Target: each dataset ≤ 3 × its raw read. A report must replay each case's log up
to the period's end (the figures are as of that end, see reports/facts.py), so
the raw read of the same rows is the floor.

Memory: the Python heap peak (tracemalloc) of one separate run of each report,
at the size asked for and at a tenth of it (10k/100k for ``county``; a quarter for ``quick``, where a
tenth would not fill one fetch batch). The
statistics must be flat: the larger peak under 1.10 × the smaller + 1 MiB. A
ledger holds its own rows (they are sorted and frozen as one dataset), so its
criterion is per ledger row: peak ÷ rows at the larger size under 1.10 × the
same at the smaller + 1 KiB — memory follows what is printed, not the cases scanned.

Run: .venv/bin/python bench/bench_reports.py [--size quick|county|city] [--pg URL]
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
import tracemalloc
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.actor import Actor  # noqa: E402
from disputeflow.workflow.runtime import runtime_of  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402
from disputeflow.workflow.timeutil import LOCAL_TZ  # noqa: E402
from bench.common import median, pg_schema, row  # noqa: E402

SIZES = {"quick": 10_000, "county": 100_000, "city": 1_000_000}
READER = Actor(id="bench", role="system", unit_path="/")
ROUNDS = 3

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


class Seeded:
    """This file's own county, when the city data set is not available (what ``cityset.ensure`` returns, in part)."""

    def __init__(self, url: str):
        self.url = url
        self.now = datetime(2025, 12, 31, 23, tzinfo=LOCAL_TZ)  # the year has not ended: computed each time
        self.towns = [f"t{t:02d}" for t in range(TOWNS)]
        self.counties = ["county"]


def _dataset(stack: ExitStack, tmp: str, pg: str | None, n: int):
    """``(data set, source)``: the city data set of ``n`` cases if the generator exists, else the seed."""
    name = next((k for k, v in SIZES.items() if v == n), None)
    try:
        from bench import cityset
    except ImportError:
        cityset = None
    if cityset is not None and name is not None:
        return cityset.ensure(pg or "sqlite", name), f"city data set ({name})"
    url = stack.enter_context(pg_schema(pg, "bench_reports")) if pg else f"sqlite:///{Path(tmp) / f'county{n}.db'}"
    ds = Seeded(url)
    eng = Engine(url, clock=FixedClock(ds.now))
    eng.init()
    build(eng, n)
    eng.close()
    return ds, "bench_reports seed"


def _periods(ds) -> tuple[dict, dict, tuple, tuple]:
    """Report parameters and raw-read windows of the county's year and the town's month (both still running)."""
    now = ds.now.astimezone(LOCAL_TZ)
    year_start, year_end = datetime(now.year, 1, 1, tzinfo=LOCAL_TZ), datetime(now.year + 1, 1, 1, tzinfo=LOCAL_TZ)
    month_start = datetime(now.year, now.month, 1, tzinfo=LOCAL_TZ)
    month_end = datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=LOCAL_TZ)
    county, town = ds.counties[0], ds.towns[0]
    stats = {"year": now.year, "unit": county}
    ledger = {"month": f"{now.year}-{now.month:02d}", "unit": town}
    return stats, ledger, (county, year_start, year_end), (town, month_start, month_end)


_RAW_CASES = ("SELECT c.id, c.number, c.title, c.category, c.source, c.unit_id, c.unit_path, c.flags, c.reported_at "
              "FROM cases c WHERE c.unit_path LIKE {p} AND c.reported_at < {p} "
              "AND (c.closed_at IS NULL OR c.closed_at >= {p}) AND c.parent_id IS NULL ORDER BY c.id")
_RAW_EVENTS = ("SELECT e.case_id, e.at, e.action, e.to_state, e.data FROM audit_events e JOIN cases c ON c.id = e.case_id "
               "WHERE c.unit_path LIKE {p} AND c.reported_at < {p} AND (c.closed_at IS NULL OR c.closed_at >= {p}) "
               "AND c.parent_id IS NULL AND e.at < {p} ORDER BY e.case_id, e.seq")


def _raw_read(eng: Engine, window: tuple) -> int:
    """The report's rows (cases and their events in the window) by the bare driver; returns the event count."""
    unit, start, end = window
    store = runtime_of(eng).store
    with store.read() as tx:
        path = tx.query("SELECT path FROM units WHERE id = :id", {"id": unit})[0][0]
    from disputeflow.cases.types import to_sqlite

    conv = to_sqlite if store.is_sqlite else (lambda v: v)
    mark = "?" if store.is_sqlite else "%s"
    conn = runtime_of(eng).db.raw_connection()
    n = 0
    try:
        for i, (sql, params) in enumerate(((_RAW_CASES, (path + "%", conv(end), conv(start))),
                                           (_RAW_EVENTS, (path + "%", conv(end), conv(start), conv(end))))):
            cur = conn.cursor() if store.is_sqlite else conn.cursor(name=f"bench_raw_{i}")
            cur.execute(sql.format(p=mark), params)
            while part := cur.fetchmany(2000):
                n += len(part) if i else 0
            cur.close()
    finally:
        conn.rollback()
        conn.close()
    return n


def _secs(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _peak(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _measure(ds, timed: bool) -> dict:
    """One data set: the rounds (when ``timed``) and each report's heap peak."""
    eng = Engine(ds.url, clock=FixedClock(ds.now))
    stats_p, ledger_p, county_w, town_w = _periods(ds)
    stats = lambda: eng.report_data("stats", actor=READER, **stats_p)  # noqa: E731
    ledger = lambda: eng.report_data("ledger", actor=READER, **ledger_p)  # noqa: E731
    ledger_xlsx = lambda: eng.report_file("ledger", fmt="xlsx", actor=READER, **ledger_p)  # noqa: E731
    out = {"ledger_rows": len(ledger()["rows"]), "county_events": _raw_read(eng, county_w),
           "town_events": _raw_read(eng, town_w), "stats_peak": _peak(stats), "ledger_peak": _peak(ledger)}
    with runtime_of(eng).store.read() as tx:
        out["cases"] = tx.query("SELECT count(*) FROM cases")[0][0]
    if timed:
        variants = {"raw_county": lambda: _raw_read(eng, county_w), "stats": stats,
                    "raw_town": lambda: _raw_read(eng, town_w), "ledger": ledger, "ledger_xlsx": ledger_xlsx}
        figs: dict[str, list[float]] = {k: [] for k in variants}
        for _ in range(ROUNDS):
            for k, fn in variants.items():
                figs[k].append(_secs(fn))
        out["figures"] = figs
    eng.close()
    return out


def _ratio(figs: dict, num: str, den: str) -> float:
    return median([a / b for a, b in zip(figs[num], figs[den])])


def run(quick: bool = False, pg: str | None = None, size: str = "quick") -> dict:
    if not quick and size == "quick":  # the full run (bench/run.py without --quick) is the county scale
        size = "county"
    n = SIZES[size]
    with tempfile.TemporaryDirectory() as d, ExitStack() as stack:
        big, source = _dataset(stack, d, pg, n)
        res = {"size": size, "source": source, "big": _measure(big, timed=True)}
        small, _ = _dataset(stack, d, pg, n // 10 if n >= 100_000 else n // 4)
        res["small"] = _measure(small, timed=False)
    return {"title": "reports", "details": res, "rows": table_rows(res, "PostgreSQL" if pg else "SQLite")}


def table_rows(res: dict, backend: str) -> list[dict]:
    """Seconds and ratios against the raw read of the same rows; heap peaks at two sizes and whether they are flat."""
    big, small = res["big"], res["small"]
    figs = big["figures"]
    scope = f"{big['cases']:,} cases, {res['source']} ({backend})"
    base_c = f"raw read of the county's cases and {big['county_events']:,} events ({median(figs['raw_county']):.2f} s)"
    base_t = f"raw read of the town's cases and {big['town_events']:,} events ({median(figs['raw_town']):.3f} s)"
    out = [row(f"reports: raw read, county year (baseline), {scope}", median(figs["raw_county"]), "s"),
           row(f"reports: raw read, town month (baseline), {scope}", median(figs["raw_town"]), "s")]
    for key, label, base, den in (("stats", "county statistics for the year (dataset)", base_c, "raw_county"),
                                  ("ledger", f"town ledger for the month, {big['ledger_rows']:,} rows (dataset)",
                                   base_t, "raw_town")):
        r = _ratio(figs, key, den)
        out.append(row(f"reports: {label}, {scope}", median(figs[key]), "s", ratio=r, baseline=base,
                       target="≤ 3× raw", ok=r <= 3))
    out.append(row(f"reports: town ledger for the month (XLSX), {scope}", median(figs["ledger_xlsx"]), "s",
                   ratio=_ratio(figs, "ledger_xlsx", "raw_town"), baseline=base_t))
    sizes = f"{small['cases']:,} / {big['cases']:,} cases"
    for key, label in (("stats", "county statistics"), ("ledger", "town ledger")):
        out.append(row(f"reports: {label}, Python heap peak (tracemalloc), {small['cases']:,} cases ({backend})",
                       round(small[key + "_peak"], 1), "MiB"))
        out.append(row(f"reports: {label}, Python heap peak (tracemalloc), {big['cases']:,} cases ({backend})",
                       round(big[key + "_peak"], 1), "MiB"))
    grow = big["stats_peak"] / small["stats_peak"]
    out.append(row(f"reports: county statistics memory flat, {sizes}", round(grow, 3), "× (peak ratio)",
                   target="< 1.10× (+1 MiB)", ok=big["stats_peak"] < 1.10 * small["stats_peak"] + 1))
    per_big = big["ledger_peak"] * 1024 / max(big["ledger_rows"], 1)
    per_small = small["ledger_peak"] * 1024 / max(small["ledger_rows"], 1)
    out.append(row(f"reports: town ledger memory per row, {sizes} ({big['ledger_rows']:,} / "
                   f"{small['ledger_rows']:,} rows)", round(per_big, 2), "KiB/row", ratio=per_big / per_small,
                   baseline=f"{per_small:.2f} KiB/row at {small['cases']:,} cases",
                   target="< 1.10× (+1 KiB) per row", ok=per_big < 1.10 * per_small + 1))
    return out


def main() -> None:
    size = sys.argv[sys.argv.index("--size") + 1] if "--size" in sys.argv else "quick"
    pg = sys.argv[sys.argv.index("--pg") + 1] if "--pg" in sys.argv else None
    for r in run(quick=size == "quick", pg=pg, size=size)["rows"]:
        extra = f"  ×{r['ratio']:.2f} of {r['baseline']}" if "ratio" in r else ""
        ok = f"  [{r['target']}: {'ok' if r['ok'] else 'NOT MET'}]" if "target" in r else ""
        print(f"{r['name']}: {r['value']:.3f} {r['unit']}{extra}{ok}")


if __name__ == "__main__":
    main()
