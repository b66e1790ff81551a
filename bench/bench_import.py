"""Ledger import at 10k and 100k rows, CSV and xlsx: rows per second and peak memory.

Each measurement runs in its own process (so its peak resident memory is its
own): the full ``Engine.import_ledger`` into a fresh SQLite file, against a raw
baseline measured in the same run on the same file — the reader the import
uses alone (csv; python-calamine for .xlsx when the import picks it, else
openpyxl read-only) plus one ``executemany`` of the rows into a flat table with
sqlite3, i.e. what reading and storing the ledger costs with no validation,
history or clocks. For .xlsx the openpyxl read-only baseline is measured too
(the reader for sheets past the calamine bound). The import writes about eight
rows per ledger row (case, parties, five or so audit events, clocks, key).

Memory is flat when the peak at 100k rows is about the peak at 10k; the calamine
reader holds the sheet, up to its bound (see ``workbooks.CALAMINE_MAX_XML``). The
machine is shared, so each line also prints the import's CPU seconds and the
load average it ran under.

Run: .venv/bin/python bench/bench_import.py [--quick] [--pg URL]
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)
HEADER = ["编号", "登记日期", "村(社区)", "纠纷类型", "当事人", "联系电话", "风险等级", "包案领导", "化解情况", "办结日期",
          "销号日期", "移交单位", "简要情况"]
VILLAGES = [f"第{i}村" for i in range(1, 7)]
CATEGORIES = ["邻里纠纷", "婚姻家庭", "土地纠纷", "劳资纠纷", "合同纠纷", "物业纠纷"]
STATES = ["已登记", "已研判", "调处中", "调处中", "已化解", "回访中", "已销号", "已销号", "已销号", "已移交"]


def ledger_rows(n: int, seed: int = 7):
    rnd = random.Random(seed)
    start = date(2025, 1, 2)
    for i in range(n):
        day = start + timedelta(days=rnd.randrange(480))
        state = STATES[rnd.randrange(len(STATES))]
        done = day + timedelta(days=rnd.randrange(1, 40)) if state in ("已化解", "回访中", "已销号", "已移交") else None
        closed = done + timedelta(days=rnd.randrange(7, 30)) if state == "已销号" else None
        if closed and closed > date(2026, 5, 30):
            closed = None
            state = "回访中"
        if done and done > date(2026, 5, 30):
            done, state = None, "调处中"
        k = rnd.randrange(1, 4)
        names = "、".join(f"当事人{i}-{j}" for j in range(k))
        phones = "、".join(f"138{rnd.randrange(10**8):08d}" for _ in range(k))
        yield [f"TZ-{i:07d}", day, VILLAGES[i % 6], CATEGORIES[i % 6], names, phones,
               ["低", "中", "高"][rnd.randrange(3)], None, state, done, closed, "人民法院" if state == "已移交" else None,
               "院墙边界争议，双方多次争吵"]


def write_csv(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for r in ledger_rows(n):
            w.writerow([v.isoformat() if isinstance(v, date) else v for v in r])


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["双乳镇矛盾纠纷排查化解台账"])
    ws.append(HEADER)
    for r in ledger_rows(n):
        ws.append(r)
    wb.save(path)


def setup_db(url: str):
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    eng = Engine(url, clock=FixedClock(NOW))
    eng.init()
    eng.add_unit("t", "双乳镇", "town")
    for i, name in enumerate(VILLAGES, start=1):
        eng.add_unit(f"v{i}", name, "village", "t")
    eng.add_user("sup", "督办员", "supervisor", "t")
    return eng


# ----------------------------------------------------------------------------- child processes

def child_import(path: str, url: str) -> dict:
    eng = setup_db(url)
    t, cpu = time.perf_counter(), time.process_time()
    report = eng.import_ledger(path, actor="sup", batch=1000)
    secs, cpu = time.perf_counter() - t, time.process_time() - cpu
    # the import's own peak, before the check below (verify_audit holds every case head in memory)
    peak = _peak_mib()
    assert report["created"] == report["valid"] == report["rows"], {k: report[k] for k in ("rows", "valid", "created")}
    problems = eng.verify_audit()["problems"]
    assert not problems, problems[:3]
    return {"rows": report["created"], "seconds": secs, "cpu_seconds": cpu, "peak_mib": peak}


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child_raw(path: str, db: str, reader: str = "import") -> dict:
    """The baseline: read the same file with the same reader (or openpyxl) and store each row once, flat."""
    calamine = reader == "import" and path.endswith(".xlsx") and _calamine(path)  # decided before the clock starts
    t = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE ledger (" + ", ".join(f"c{i} TEXT" for i in range(len(HEADER))) + ")")
    marks = ", ".join("?" * len(HEADER))
    n = 0
    batch = []
    if path.endswith(".csv"):
        f = open(path, encoding="utf-8-sig", newline="")
        it = csv.reader(f)
        next(it)
    elif calamine:
        from python_calamine import CalamineWorkbook

        it = CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()
        next(it), next(it)
    else:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        it = wb.worksheets[0].iter_rows(min_row=3, values_only=True)
    for row in it:
        batch.append(tuple(None if v is None or v == "" else str(v) for v in row[:len(HEADER)]))
        if len(batch) >= 1000:
            con.execute("BEGIN")
            con.executemany(f"INSERT INTO ledger VALUES ({marks})", batch)
            con.execute("COMMIT")
            n += len(batch)
            batch = []
    if batch:
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO ledger VALUES ({marks})", batch)
        con.execute("COMMIT")
        n += len(batch)
    return {"rows": n, "seconds": time.perf_counter() - t}


def _calamine(path: str) -> bool:
    from disputeflow.ledger_import.workbooks import calamine_fits

    return calamine_fits(Path(path))


def in_child(kind: str, path: Path, target: str) -> dict:
    p = subprocess.run([sys.executable, __file__, "--child", kind, str(path), target], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=1800)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- the run

def run(quick: bool = False, pg: str | None = None) -> dict:
    sizes = [2_000] if quick else [10_000, 100_000]
    results: dict = {}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        for n in sizes:
            for fmt in ("csv", "xlsx"):
                path = d / f"ledger_{n}.{fmt}"
                (write_csv if fmt == "csv" else write_xlsx)(path, n)
                raw = in_child("raw", path, str(d / f"raw_{n}_{fmt}.db"))
                url = f"sqlite:///{d / f'import_{n}_{fmt}.db'}"
                imp = in_child("import", path, url)
                entry = {
                    "rows": n,
                    "reader": "csv" if fmt == "csv" else ("calamine" if _calamine(str(path)) else "openpyxl"),
                    "import_rows_per_s": round(imp["rows"] / imp["seconds"]),
                    "import_seconds": round(imp["seconds"], 2),
                    "import_cpu_seconds": round(imp["cpu_seconds"], 2),
                    "import_peak_mib": imp["peak_mib"],
                    "raw_rows_per_s": round(raw["rows"] / raw["seconds"]),
                    "raw_peak_mib": raw["peak_mib"],
                    "load_average": imp["load_average"],  # the machine is shared: read the figures with it
                }
                if fmt == "xlsx" and entry["reader"] != "openpyxl":
                    slow = in_child("raw-openpyxl", path, str(d / f"raw_openpyxl_{n}.db"))
                    entry["raw_openpyxl_rows_per_s"] = round(slow["rows"] / slow["seconds"])
                    entry["raw_openpyxl_peak_mib"] = slow["peak_mib"]
                entry["ratio_import_raw"] = round(entry["import_rows_per_s"] / entry["raw_rows_per_s"], 3)
                if pg and n == sizes[0]:
                    schema, pg_url = _fresh_pg(pg)
                    try:
                        pg_imp = in_child("import", path, pg_url)
                    finally:
                        _drop_pg(pg, schema)
                    entry["pg_import_rows_per_s"] = round(pg_imp["rows"] / pg_imp["seconds"])
                results[f"{fmt}_{n}"] = entry
                print(f"{fmt:4} {n:>7,} rows: import {entry['import_rows_per_s']:>7,} rows/s "
                      f"({entry['import_seconds']:.1f} s, CPU {entry['import_cpu_seconds']:.1f} s, "
                      f"peak {entry['import_peak_mib']:.0f} MiB) | raw read+insert ({entry['reader']}) "
                      f"{entry['raw_rows_per_s']:>8,} rows/s (peak {entry['raw_peak_mib']:.0f} MiB) | "
                      f"ratio {entry['ratio_import_raw']:.3f} | load {entry['load_average']}"
                      + (f" | raw openpyxl {entry['raw_openpyxl_rows_per_s']:,} rows/s "
                         f"(peak {entry['raw_openpyxl_peak_mib']:.0f} MiB)" if "raw_openpyxl_rows_per_s" in entry else "")
                      + (f" | PostgreSQL {entry['pg_import_rows_per_s']:,} rows/s" if "pg_import_rows_per_s" in entry
                         else ""), flush=True)
    growth: dict[str, float] = {}
    if len(sizes) > 1:
        for fmt in ("csv", "xlsx"):
            small, big = results[f"{fmt}_{sizes[0]}"], results[f"{fmt}_{sizes[-1]}"]
            growth[fmt] = round(big["import_peak_mib"] - small["import_peak_mib"], 1)
            results[f"{fmt}_memory_growth_mib"] = growth[fmt]
            print(f"{fmt}: peak memory at {sizes[-1]:,} rows minus at {sizes[0]:,} rows: {growth[fmt]:+.1f} MiB")
    return {"title": "ledger import", "rows": table_rows(results, sizes, growth), "details": results}


def table_rows(results: dict, sizes: list[int], growth: dict[str, float]) -> list[dict]:
    """The published lines: per format and size, throughput against the raw baseline, peak memory; then growth."""
    from bench.common import row
    from disputeflow.ledger_import.workbooks import CALAMINE_MAX_XML

    out = []
    label = {"csv": "CSV", "xlsx": ".xlsx"}
    for n in sizes:
        for fmt in ("csv", "xlsx"):
            e = results[f"{fmt}_{n}"]
            name = (f"import: {label[fmt]}, {n:,} rows, SQLite ({e['import_seconds']:.1f} s wall, "
                    f"{e['import_cpu_seconds']:.1f} s CPU, load {e['load_average']})")
            big = n >= 100_000
            out.append(row(name, e["import_rows_per_s"], "rows/s", ratio=e["ratio_import_raw"],
                           baseline=f"raw read+insert ({e['reader']}, {e['raw_rows_per_s']:,} rows/s)",
                           target="< 60 s" if big else None, ok=e["import_seconds"] < 60 if big else None))
            out.append(row(f"import: {label[fmt]}, {n:,} rows, peak memory of the import process", e["import_peak_mib"],
                           "MiB", note=f"raw read+insert peak {e['raw_peak_mib']} MiB"))
            if "pg_import_rows_per_s" in e:
                out.append(row(f"import: {label[fmt]}, {n:,} rows, PostgreSQL", e["pg_import_rows_per_s"], "rows/s"))
    if growth:
        span = f"{sizes[0] // 1000}k → {sizes[-1] // 1000}k rows"
        out.append(row(f"import: CSV, peak memory growth {span} (streams the file)", growth["csv"], "MiB",
                       target="flat (< 10 MiB)", ok=growth["csv"] < 10))
        out.append(row(f"import: .xlsx, peak memory growth {span} (calamine holds the whole sheet, up to "
                       f"{CALAMINE_MAX_XML // 2**20} MiB of sheet XML; past that openpyxl streams it)", growth["xlsx"], "MiB"))
    return out


def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _fresh_pg(url: str) -> tuple[str, str]:
    import uuid

    schema = "bench_import_" + uuid.uuid4().hex[:10]
    with _pg_admin(url) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    return schema, f"{url}{sep}options=-csearch_path%3D{schema}"


def _drop_pg(url: str, schema: str) -> None:
    with _pg_admin(url) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _child(argv: list[str]) -> None:
    kind, path, target = argv
    if kind == "import":
        out = child_import(path, target)
    else:
        out = child_raw(path, target, "openpyxl" if kind == "raw-openpyxl" else "import")
    out.setdefault("peak_mib", _peak_mib())
    out["load_average"] = round(os.getloadavg()[0], 1)
    print(json.dumps(out))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--child":
        _child(args[1:])
    else:
        pg = args[args.index("--pg") + 1] if "--pg" in args else None
        print(json.dumps(run(quick="--quick" in args, pg=pg)["details"], ensure_ascii=False, indent=2))
