"""Run every benchmark and publish the figures.

Discovers ``bench/bench_*.py`` (any module added there is picked up), calls
each module's ``run(quick, pg)`` — with ``size=`` too when the module takes it — and writes:

- ``bench/results.json``: every module's result, with the machine and the time;
- ``bench/results.md``: one Markdown table;
- the same table in ``README.md`` between ``<!-- bench:begin -->`` and ``<!-- bench:end -->``.

A module returns a dict; its ``rows`` (each ``name``, ``value``, ``unit`` and
optionally ``ratio``/``baseline``, ``target``/``ok``, ``skipped``) become table
lines. A dict without ``rows`` is shown key by key; a module that fails is
shown as failed with its error, and the others still run.

Sizes (``--size``): ``quick`` is a smoke run, ``county`` (the default) a one-county slice, ``city``
a prefecture-level city's five years (long: hours on this machine). A module without a ``size``
parameter runs its quick volumes at ``quick`` and its full volumes otherwise.

Run: .venv/bin/python bench/run.py [--size quick|county|city] [--pg URL] [--only NAME]... [--no-readme]
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import platform
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def discover(only: list[str] | None = None) -> list[tuple[str, Path]]:
    """``(topic, path)`` of every ``bench_<topic>.py``, in name order, optionally filtered by topic."""
    found = [(p.stem.removeprefix("bench_"), p) for p in sorted(HERE.glob("bench_*.py"))]
    if only:
        found = [(t, p) for t, p in found if t in only]
    return found


def load(topic: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"bench.bench_{topic}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def normalise(result) -> dict:
    """Any module's return value as ``{"title", "rows": [...]}``."""
    if isinstance(result, list):
        return {"title": "", "rows": [r if isinstance(r, dict) else {"name": str(r), "value": None} for r in result]}
    if not isinstance(result, dict):
        return {"title": "", "rows": [{"name": "result", "value": result}]}
    if isinstance(result.get("rows"), list):
        return result
    rows = []
    for key, value in result.items():
        if isinstance(value, dict):
            rows.append({"name": key, **value} if "value" in value else {"name": key, "value": json.dumps(value)})
        else:
            rows.append({"name": key, "value": value})
    return {"title": "", "rows": rows}


def pg_reachable(url: str | None) -> tuple[str | None, str | None]:
    """The URL if a server answers there, else (None, why)."""
    if not url:
        return None, "no PostgreSQL URL given"
    try:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            pass
    except Exception as exc:  # the benchmarks then report PostgreSQL as skipped, with this reason
        return None, f"PostgreSQL unreachable: {exc}"
    return url, None


SIZES = ("quick", "county", "city")


def call(module, size: str, pg: str | None):
    """A module's ``run``, given the size when it takes one."""
    kwargs = {"quick": size == "quick", "pg": pg}
    if "size" in inspect.signature(module.run).parameters:
        kwargs["size"] = size
    return module.run(**kwargs)


def run_all(topics, size: str, pg: str | None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for topic, path in topics:
        print(f"== bench_{topic} ({size}) ...", flush=True)
        t = time.perf_counter()
        try:
            module = load(topic, path)
            result = normalise(call(module, size, pg))
        except Exception as exc:
            traceback.print_exc()
            result = {"title": "", "rows": [{"name": f"{topic}: failed", "value": None,
                                             "error": f"{type(exc).__name__}: {exc}"}]}
        result["seconds"] = round(time.perf_counter() - t, 1)
        result["size"] = size
        out[topic] = result
        for r in result["rows"]:
            print("   " + line_text(r), flush=True)
    return out


def fmt_value(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int) or (isinstance(v, float) and v >= 1000):
        return f"{v:,.0f}"
    if isinstance(v, float):
        return f"{v:.3g}" if v < 10 else f"{v:.1f}"
    return str(v)


def status(r: dict) -> str:
    if r.get("error"):
        return "failed: " + r["error"]
    if r.get("skipped"):
        return "skipped: " + r["skipped"]
    if "ok" not in r or r["ok"] is None:
        return ""
    return "ok" if r["ok"] else "**missed**"


def line_text(r: dict) -> str:
    ratio = f"  {r['ratio']}× {r.get('baseline', '')}" if r.get("ratio") is not None else ""
    target = f"  [{r['target']}]" if r.get("target") else ""
    return f"{r['name']}: {fmt_value(r.get('value'))} {r.get('unit', '')}{ratio}{target} {status(r)}"


def markdown(results: dict[str, dict], meta: dict) -> str:
    load = meta["machine"].get("load_average_after")
    lines = [f"Measured {meta['generated_at']} on {meta['machine']['cpus']} CPUs, Python {meta['machine']['python']}"
             f"{f' (load average {load[0]} at the end: a shared machine)' if load else ''}"
             f" (size {meta['size']})" + (" (a partial run: other topics keep their last figures)"
                                          if meta.get("partial") else "") + ". Figures are medians of interleaved runs; each ratio "
             "is measured against its baseline in the same run.", "",
             "| benchmark | figure | ratio | target | status |", "|---|---:|---|---|---|"]
    for topic in sorted(results):
        size = results[topic].get("size")
        for r in results[topic]["rows"]:
            if size and size != meta["size"]:  # a topic measured in another run, at another size
                r = {**r, "name": f"{r.get('name', '')} ({size})"}
            ratio = f"{r['ratio']:.2f} × {r.get('baseline') or ''}" if r.get("ratio") is not None else ""
            fig = f"{fmt_value(r.get('value'))} {r.get('unit', '')}".strip()
            cells = [str(r.get("name", "")), fig, ratio, str(r.get("target") or ""), status(r)]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def insert_into_readme(readme: Path, table: str) -> bool:
    """Replace what stands between the markers; returns False when the README has no markers."""
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        return False
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{BEGIN}\n{table}{END}{tail}", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run the benchmarks in bench/ and publish the figures.")
    ap.add_argument("--size", choices=SIZES, default="county",
                    help="data volume: quick (a smoke run), county (default) or city (hours)")
    ap.add_argument("--quick", action="store_true", help="the same as --size quick")
    ap.add_argument("--pg", default=os.environ.get("DISPUTEFLOW_BENCH_PG"), help="PostgreSQL URL (else skipped)")
    ap.add_argument("--only", action="append", help="run only this topic (bench_<topic>.py); repeatable")
    ap.add_argument("--out", default=str(HERE / "results.json"))
    ap.add_argument("--no-readme", action="store_true", help="do not touch README.md")
    args = ap.parse_args(argv)

    pg, why = pg_reachable(args.pg)
    if why:
        print(f"PostgreSQL variants skipped: {why}")
    topics = discover(args.only)
    if not topics:
        print("no benchmark matched", file=sys.stderr)
        return 2
    size = "quick" if args.quick else args.size
    results = run_all(topics, size, pg)

    out = Path(args.out)
    meta = {"generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "quick": size == "quick",
            "size": size, "partial": bool(args.only),
            "postgresql": bool(pg), "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                "platform": platform.platform(),
                                                "load_average_after": [round(x, 1) for x in os.getloadavg()]}}
    merged: dict[str, dict] = {}
    if args.only and out.exists():  # a partial run keeps the other topics' last figures
        try:
            merged = json.loads(out.read_text(encoding="utf-8")).get("benchmarks", {})
        except ValueError:
            merged = {}
    merged.update(results)
    out.write_text(json.dumps({**meta, "benchmarks": merged}, ensure_ascii=False, indent=1, default=str) + "\n",
                   encoding="utf-8")
    table = markdown(merged, meta)
    out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(f"wrote {out} and {out.with_suffix('.md')}")
    if not args.no_readme and insert_into_readme(ROOT / "README.md", table):
        print("updated the table in README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
