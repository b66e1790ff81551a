"""Import a ledger: read, validate every row, then write in batches (or only report, on a dry run).

Two passes, neither holding the file: the first streams the ledger, validates
each row and spools the good records to a temporary file (so the ledger is
parsed once); nothing is written to the database unless the whole file is
clean or the operator said ``skip_bad``. The second pass streams the spool
into the bulk writer, one transaction per batch.

The spool holds each record as its canonical JSON (which the import keeps
anyway), pickled a few hundred at a time: reading a record back with
``json.loads`` costs half of unpickling the dict, and the spool is half the size.
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable

from disputeflow.workflow.commands import load_actor
from disputeflow.workflow.errors import FieldError, NotPermitted, ValidationError
from disputeflow.ledger_import.mapping import load_mapping
from disputeflow.ledger_import.plan import Planner
from disputeflow.ledger_import.readers import cell_text, open_ledger
from disputeflow.cases import ledger_store
from disputeflow.ledger_import.columns import Directory, assign_columns
from disputeflow.ledger_import.line import LedgerLine
from disputeflow.ledger_import.records import RowProblem, record_json
from disputeflow.ledger_import.validate import RowValidator
from disputeflow.ledger_import.writer import BulkWriter

IMPORT_ROLES = ("supervisor", "admin")
ERROR_COLUMN = "错误说明"
MAX_REPORTED = 10_000  # problems kept in the report; the counts are always complete
SPOOL_CHUNK = 500  # records pickled together in the spool

Progress = Callable[[str, int, "int | None"], None]


class ImportRejected(ValidationError):
    """The ledger has bad rows and ``skip_bad`` was not given: nothing was written.

    ``report`` holds every problem (row, column, reason) and the summary.
    """

    def __init__(self, report: dict, lang: str = "zh_CN"):
        self.report = report
        shown = [FieldError(f"第{p['row']}行 {p['column']}", p["zh"], p["en"]) for p in report["_problems"][:20]]
        super().__init__(shown)
        n = report["bad_rows"]
        self.zh = f"台账有 {n} 行有误，未导入任何数据（改正后重新导入，或用 --skip-bad 跳过错误行）— " + self.zh
        self.en = f"{n} rows of the ledger are wrong; nothing was imported (fix them, or use --skip-bad) — " + self.en



# The WAL is copied back every 64 MiB of pages during the write pass, not every 4 MiB (each commit).
IMPORT_CHECKPOINT_PAGES = 16384

def _blank(values: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def default_error_path(path: Path) -> Path:
    return path.with_name(path.stem + ".errors.csv")


def import_ledger(engine, path, **options) -> dict:
    """Import the ledger at ``path`` (see :meth:`workflow.Engine.import_ledger`).

    The garbage collector is the host process's: an import leaves it as it
    is (see :mod:`disputeflow.cases.gc_tuning`).
    """
    return _import(engine, path, **options)


def _import(engine, path, *, actor, sheet: str | None = None, mapping=None, dry_run: bool = False,
            skip_bad: bool = False, errors_path=None, namespace: str | None = None, batch: int = 500,
            progress: Progress | None = None, definition: str | None = None, lang: str | None = None,
            live: bool = False) -> dict:
    lang = lang or engine.lang
    now = engine.clock.now()
    defn = engine.definition(definition)
    mp = load_mapping(mapping, defn)
    ns = namespace or mp.namespace
    line = LedgerLine(defn, engine.compiled(defn), mp.dates)
    with engine.store.read() as tx:
        who = load_actor(tx, actor)
        units, users = ledger_store.directory(tx)
    if who.role not in IMPORT_ROLES:
        raise NotPermitted(f"导入台账须由督办人员或管理员执行（您是{engine.role_label(who.role)}）",
                           f"importing a ledger needs role supervisor or admin (you are {who.role})")
    directory = Directory(units, users)
    path = Path(path)
    report: dict = {"file": str(path), "sheet": None, "namespace": ns, "dry_run": dry_run, "rows": 0, "blank": 0,
                    "valid": 0, "bad_rows": 0, "warning_rows": 0, "created": 0, "updated": 0, "unchanged": 0,
                    "reopened": 0, "written": False, "error_file": None, "columns": {}, "refused_by": {},
                    "tracking": {"mode": "live" if live else "history", "open": 0, "overdue": 0},
                    "_problems": [], "_warnings": [],
                    "_notices": []}
    note = progress or (lambda *a: None)
    err_path = Path(errors_path) if errors_path else default_error_path(path)
    err_file = err_writer = None
    spool = tempfile.TemporaryFile()
    try:
        note("read", 0, None)  # a 100k-row workbook takes seconds to load before the first row is checked
        with open_ledger(path, mp.known_heading, sheet) as led:
            report["sheet"] = led.sheet
            cols = assign_columns([c for c in led.columns if c.label != ERROR_COLUMN], mp)
            report["columns"] = {f: c.label for f, c in cols.items()}
            report["header_rows"] = list(led.header_rows)
            validator = RowValidator(columns=cols, all_columns=[c for c in led.columns if c.label != ERROR_COLUMN],
                                     mapping=mp, definition=defn, line=line, directory=directory, actor=who, now=now,
                                     epoch_1904=getattr(led, "epoch_1904", False))
            if skip_bad and not dry_run:
                err_file = open(err_path, "w", encoding="utf-8-sig", newline="")
                err_writer = csv.writer(err_file)
                err_writer.writerow([c.label for c in led.columns if c.label != ERROR_COLUMN] + [ERROR_COLUMN])
            _validate_rows(led, validator, cols, report, spool, err_writer, note)
        if err_file is not None:
            err_file.close()
            err_file = None
            if report["bad_rows"]:
                report["error_file"] = str(err_path)
            else:
                os.unlink(err_path)
        if report["bad_rows"] and not skip_bad and not dry_run:
            raise ImportRejected(_finish(report, lang), lang)
        planner = Planner(engine, defn, who.id, {"namespace": ns, "file": path.name, "sheet": report["sheet"]}, line,
                          live_from=now if live else None)
        writer = BulkWriter(engine, planner, who.id, ns, now, {u[0]: u for u in units}, role=who.role)
        if "state" in report["columns"]:
            writer.state_column = report["columns"]["state"]
        spool.seek(0)
        if dry_run:
            _classify(engine, writer, spool, report, batch, note)
            return _finish(report, lang)
        _write(engine, writer, spool, report, batch, note)
        return _finish(report, lang)
    finally:
        if err_file is not None:
            err_file.close()
        spool.close()


def _validate_rows(led, validator: RowValidator, cols: dict, report: dict, spool, err_writer, note: Progress) -> None:
    """The first pass: check every row, count and keep its problems, spool the good records."""
    keep = [c.index for c in led.columns if c.label != ERROR_COLUMN]
    seen: dict[str, int] = {}
    pending: list[tuple[int, str, str]] = []
    for n, (rownum, values) in enumerate(led.rows()):
        if n % 500 == 0:
            note("validate", *led.progress())
        if _blank(values):
            report["blank"] += 1
            continue
        report["rows"] += 1
        rec, errors, warnings = validator.validate(rownum, values)
        if rec is not None and rec["key"] in seen:
            label = cols["ref"].label if "ref" in cols else "编号"
            errors.append(RowProblem(rownum, label, f"与第 {seen[rec['key']]} 行重复（同一编号或同一登记日期、村、当事人）",
                                     f"duplicate of row {seen[rec['key']]}"))
            rec = None
        if warnings:
            report["warning_rows"] += 1
            _keep(report["_warnings"], warnings)
        if rec is None:
            report["bad_rows"] += 1
            _refused(report, errors)
            _keep(report["_problems"], errors)
            if err_writer is not None:
                err_writer.writerow([cell_text(values[i]) if i < len(values) else "" for i in keep]
                                    + ["；".join(f"{e.column}：{e.zh}" for e in errors)])
            continue
        seen[rec["key"]] = rownum
        report["valid"] += 1
        pending.append((rownum, *record_json(rec)))
        if len(pending) >= SPOOL_CHUNK:
            pickle.dump(pending, spool, protocol=pickle.HIGHEST_PROTOCOL)
            pending = []
    if pending:
        pickle.dump(pending, spool, protocol=pickle.HIGHEST_PROTOCOL)
    note("validate", *led.progress())


def _write(engine, writer: BulkWriter, spool, report: dict, batch: int, note: Progress) -> None:
    """The second pass: the spooled records in batches, one transaction each."""
    done = 0
    note("write", 0, report["valid"])
    with engine.store.checkpoint_every(IMPORT_CHECKPOINT_PAGES):
        for items in _batches(spool, batch):
            got = writer.write_batch(items)
            for k in ("created", "updated", "unchanged"):
                report[k] += got[k]
            for k in ("open", "overdue"):
                report["tracking"][k] += got["tracking"][k]
            for p in got["problems"]:
                report["bad_rows"] += 1
                _refused(report, [p])
                _keep(report["_problems"], [p])
            report["reopened"] += len(got["notices"])
            _keep(report["_notices"], got["notices"])
            done += len(items)
            report["written"] = True
            note("write", done, report["valid"])


def _refused(report: dict, problems: list[RowProblem]) -> None:
    """Count a refused row once under each column that refused it (the summary's reasons)."""
    for column in dict.fromkeys(p.column for p in problems):
        report["refused_by"][column] = report["refused_by"].get(column, 0) + 1


def _keep(bucket: list, problems: list[RowProblem]) -> None:
    for p in problems:
        if len(bucket) < MAX_REPORTED:
            bucket.append({"row": p.row, "column": p.column, "zh": p.zh, "en": p.en})


def _batches(spool, size: int):
    """``(row, record, record_hash, record_json)`` items from the spool, ``size`` at a time."""
    items = []
    loads = json.loads
    while True:
        try:
            chunk = pickle.load(spool)
        except EOFError:
            break
        for row, h, js in chunk:
            items.append((row, loads(js), h, js))
            if len(items) >= size:
                yield items
                items = []
    if items:
        yield items


def _classify(engine, writer: BulkWriter, spool, report: dict, batch: int, note) -> None:
    """A dry run's forecast: which valid rows would be created, updated, or left as they are."""
    done = 0
    with engine.store.read() as tx:
        for items in _batches(spool, max(batch, 1000)):
            known = writer.existing(tx, [item[1]["key"] for item in items])
            for row, rec, h, _ in items:
                hit = known.get(rec["key"])
                if hit is None:
                    report["created"] += 1
                    is_open, overdue = writer.tracking(writer.planner.plan(rec, row))
                    report["tracking"]["open"] += is_open
                    report["tracking"]["overdue"] += overdue
                elif hit[1] == h:
                    report["unchanged"] += 1
                else:
                    notice, problem = writer.forecast(tx, rec, hit[0], row)
                    if problem is not None:
                        report["bad_rows"] += 1
                        _refused(report, [problem])
                        _keep(report["_problems"], [problem])
                        continue
                    if notice is not None:
                        report["reopened"] += 1
                        _keep(report["_notices"], [RowProblem(row, writer.state_column, *notice)])
                    report["updated"] += 1
            done += len(items)
            note("check", done, report["valid"])


def _finish(report: dict, lang: str) -> dict:
    en = lang.startswith("en")
    report["problems"] = [{"row": p["row"], "column": p["column"], "message": p["en"] if en else p["zh"]}
                          for p in report["_problems"]]
    report["warnings"] = [{"row": p["row"], "column": p["column"], "message": p["en"] if en else p["zh"]}
                          for p in report["_warnings"]]
    report["notices"] = [{"row": p["row"], "column": p["column"], "message": p["en"] if en else p["zh"]}
                         for p in report["_notices"]]
    return report


def public(report: dict) -> dict:
    """The report without its bilingual working lists (what the CLI prints as JSON)."""
    return {k: v for k, v in report.items() if not k.startswith("_")}
