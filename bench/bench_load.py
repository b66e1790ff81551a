"""Pages and API under load: 50 concurrent users of mixed roles against a real server, driven by Locust.

What it shows: the median and 95th percentile of every endpoint a day's users hit: "my work",
the board (a town supervisor's and a county supervisor's), the case page, search by phone and by
a party's name, the dashboard, and the API's list, show and act; each with the target
"p95 < 100 ms". Acts are real writes (a ``note`` on a case, which every open case accepts).

The server is ``disputeflow serve --no-scheduler`` in its own process on a free loopback port,
with ``--now`` at the data set's "now" so deadlines read as they would that day, and
``--workers N`` when the command has it (otherwise one worker, said in the rows). The load is
Locust (``bench/load_users.py``) run headless in another process for a bounded time: 40% grid
officers and mediators (work list, case page, note), 30% supervisors (board, dashboard,
search), 30% API clients with bearer tokens (list, show, note); each person signs in once
through the sign-in form. Figures are taken once every user has signed in; users wait
``think`` seconds between requests, so the load is 50 people working, not a saturation test.

The data set is ``bench/cityset.py`` when it is there (``ensure(kind, size)``), else
:func:`stand_in`, which seeds with ``bench_web.seed`` and answers the same attributes.

Run: .venv/bin/python bench/bench_load.py [--quick] [--pg URL] [--size quick|county|city] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_web, common  # noqa: E402
from disputeflow import Engine  # noqa: E402
from disputeflow.workflow.timesource import FixedClock  # noqa: E402

LOCUSTFILE = Path(__file__).resolve().with_name("load_users.py")
SIZES = {"quick": 10_000, "county": 100_000, "city": 1_000_000}
SECONDS = {"quick": 60, "county": 90, "city": 120}
USERS = 50
TARGET_MS = 100.0
THINK = (1.0, 5.0)  # seconds a user waits between requests: a busy office, not a saturation test
# the endpoints the issue sets the target for, in the order of the table
TARGETS = ("my work", "board (town)", "board (county)", "case page", "search by phone", "search by party name",
           "dashboard", "api list", "api show", "api act (note)")
FIELD_ROLES = ("grid_officer", "mediator")
TOKEN_ROLES = ("mediator", "grid_officer", "supervisor_town")


@dataclass
class StandIn:
    """What ``bench.cityset.ensure`` returns, for a data set seeded by ``bench_web.seed``."""

    url: str
    now: datetime
    password: str
    logins: dict[str, list[str]]
    towns: list[str]
    counties: list[str]
    samples: dict[str, list[str]] = field(default_factory=dict)


def stand_in(url: str, size: str, n: int | None = None) -> StandIn:
    """``SIZES[size]`` open cases in one town of a county (seven villages), a second, empty town, and
    sign-ins for every role: a grid officer and a mediator per village, supervisors at the town and
    the county, a lead official and an administrator. ``n`` overrides the size's case count."""
    n = n or SIZES[size]
    eng = Engine(url, clock=FixedClock(bench_web.NOW))
    bench_web.seed(eng, n, county="c")
    eng.add_unit("t2", "基准二镇", "town", "c")
    eng.add_unit("t2v0", "基准二镇一村", "village", "t2")
    logins = {"grid_officer": ["g"], "mediator": ["m"], "supervisor_town": ["s"], "supervisor_county": ["sc"],
              "lead": ["lead"], "admin": ["admin"]}
    for v in range(1, bench_web.VILLAGES):
        eng.add_user(f"g{v}", f"网格员{v}", "grid_officer", f"v{v}")
        eng.add_user(f"m{v}", f"调解员{v}", "mediator", f"v{v}")
        logins["grid_officer"].append(f"g{v}")
        logins["mediator"].append(f"m{v}")
    eng.add_user("sc", "县督办员", "supervisor", "c")
    eng.add_user("lead", "包案领导", "lead_official", "t")
    eng.add_user("admin", "管理员", "admin", "c")
    for ids in logins.values():
        for uid in ids:
            eng.set_password(uid, bench_web.PASSWORD)
    eng.close()
    picks = random.Random(7).sample(range(n), min(n, 200))
    samples = {"numbers": [f"基准-2026-{i + 1:07d}" for i in picks], "names": [f"当事人{i}" for i in picks],
               "phones": [f"139{i % 100000000:08d}" for i in picks]}
    return StandIn(url, bench_web.NOW, bench_web.PASSWORD, logins, ["t", "t2"], ["c"], samples)


def dataset(stack: ExitStack, pg: str | None, size: str):
    """The data set to load: ``bench.cityset`` when present, else the stand-in (in a temporary place)."""
    try:
        from bench import cityset  # type: ignore[attr-defined]
    except ImportError:
        cityset = None
    if cityset is not None:
        return cityset.ensure(pg or "sqlite", size)
    if pg:
        url = stack.enter_context(common.pg_schema(pg, "bench_load"))
    else:
        url = f"sqlite:///{Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'load.db'}"
    return stand_in(url, size)


def make_tokens(ds, count: int = 6) -> list[str]:
    """API tokens for users who may add a note, each scoped to its user's own unit."""
    eng = Engine(ds.url, clock=FixedClock(ds.now))
    try:
        ids = [uid for role in TOKEN_ROLES for uid in ds.logins.get(role, [])][:count]
        return [eng.create_token(f"load-{uuid.uuid4().hex[:8]}", uid)["token"] for uid in ids]
    finally:
        eng.close()


def has_workers_option() -> bool:
    out = subprocess.run([sys.executable, "-m", "disputeflow.cli", "serve", "--help"], capture_output=True,
                         text=True, timeout=60).stdout
    return "--workers" in out


def start_server(url: str, now: datetime, workdir: Path, workers: int) -> tuple[subprocess.Popen, str, int]:
    """``disputeflow serve`` on a free loopback port; returns the process, its base URL and its worker count."""
    import httpx

    port = bench_web._free_port()
    extra = ["--workers", str(workers)] if workers > 1 and has_workers_option() else []
    proc = subprocess.Popen([sys.executable, "-m", "disputeflow.cli", "--now", now.isoformat(), "serve", "--port",
                             str(port), "--no-scheduler", "--secret", "bench-load", *extra],
                            env={**os.environ, "DISPUTEFLOW_DB": url}, cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base, workers if extra else 1
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError("server did not start")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (uvicorn's workers too), then SIGKILL if it lingers."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def locust_command() -> list[str]:
    exe = Path(sys.executable).with_name("locust")
    return [str(exe)] if exe.exists() else [shutil.which("locust") or "locust"]


def swarm(base: str, ds, tokens: list[str], workdir: Path, *, users: int, seconds: int,
          think: tuple[float, float] = THINK, skip: tuple[str, ...] = ()) -> dict:
    """Run Locust headless against ``base``; returns every request time by endpoint, after sign-in."""
    out = workdir / f"load-{uuid.uuid4().hex[:6]}.json"
    logins = ds.logins
    config = {"password": ds.password, "field": [u for r in FIELD_ROLES for u in logins.get(r, [])],
              "town": logins.get("supervisor_town", []),
              "county": logins.get("supervisor_county", []) if len(ds.towns) > 1 else [],
              "tokens": tokens, "phones": ds.samples["phones"], "names": ds.samples["names"],
              "think": list(think), "seconds": seconds, "skip": list(skip),
              "out": str(out)}
    config_path = out.with_suffix(".config.json")
    config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    spawn = max(1, users // 5)  # everyone signed in within about five seconds
    run_for = seconds + users // spawn + 60  # a bound only: the users stop the run `seconds` after all signed in
    cmd = [*locust_command(), "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(spawn),
           "-t", f"{run_for}s", "--host", base, "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING"]
    done = subprocess.run(cmd, env={**os.environ, "DISPUTEFLOW_LOAD_CONFIG": str(config_path)}, cwd=workdir,
                          capture_output=True, text=True, timeout=run_for + 120)
    if not out.exists():
        raise RuntimeError(f"locust wrote no figures (exit {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def alone(base: str, ds, token: str, rounds: int = 5) -> dict[str, float]:
    """Each endpoint on its own, one request at a time (after one warm-up): median ms, the baseline."""
    import re
    from urllib.parse import unquote

    import httpx

    def person(uid: str) -> httpx.Client:
        c = httpx.Client(base_url=base, timeout=120)
        csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        r = c.post("/login", data={"csrf": csrf, "user_id": uid, "password": ds.password, "next": "/"})
        assert r.status_code == 303, r.text[:300]
        return c

    field_ids = [u for r in FIELD_ROLES for u in ds.logins.get(r, [])]
    worker, number = None, None
    for uid in field_ids:  # the first person in the field with a case on their list (a quiet grid has none)
        worker = person(uid)
        found = re.search(r'href="/cases/([^"/?#]+)"', worker.get("/").text)
        if found:
            number = unquote(found.group(1))
            break
        worker.close()
    if number is None:
        raise RuntimeError("no grid officer or mediator of the data set has a case on their work list")
    csrf = re.search(r'name="csrf" value="([^"]+)"', worker.get(f"/cases/{number}").text).group(1)
    town, api = person(ds.logins["supervisor_town"][0]), httpx.Client(base_url=base, timeout=120)
    api.headers["Authorization"] = f"Bearer {token}"
    listed = api.get("/api/v1/cases?limit=20").json()["items"][0]["number"]
    phone, name = ds.samples["phones"][0], ds.samples["names"][0]
    calls = {"my work": lambda: worker.get("/"), "case page": lambda: worker.get(f"/cases/{number}"),
             "board (town)": lambda: town.get("/board"), "dashboard": lambda: town.get("/dashboard"),
             "search by phone": lambda: town.get("/search", params={"phone": phone}),
             "search by party name": lambda: town.get("/search", params={"party": name}),
             "api list": lambda: api.get("/api/v1/cases?limit=20"),
             "api show": lambda: api.get(f"/api/v1/cases/{listed}"),
             "api act (note)": lambda: api.post(f"/api/v1/cases/{listed}/actions/note",
                                                json={"data": {"text": "负载测试基线备注"}}),
             "case page act (note)": lambda: worker.post(f"/cases/{number}/act/note", follow_redirects=False,
                                                         data={"csrf": csrf, "text": "负载测试基线备注"})}
    if ds.logins.get("supervisor_county") and len(ds.towns) > 1:
        county = person(ds.logins["supervisor_county"][0])
        calls["board (county)"] = lambda: county.get("/board")
    out = {}
    clients = [worker, town, api] + ([county] if "board (county)" in calls else [])
    for name_, call in calls.items():
        call()
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            r = call()
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code in (200, 303), f"{name_}: {r.status_code}"
        out[name_] = statistics.median(times)
    for c in clients:
        c.close()
    return out


def summarise(found: dict) -> dict[str, dict]:
    """Median, p95, count and failures per endpoint, in ms."""
    out = {}
    for name, times in sorted(found["times"].items()):
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
        out[name] = {"median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1), "requests": len(times),
                     "failures": len(found["failures"].get(name, [])),
                     "first_failure": (found["failures"].get(name) or [None])[0],
                     "per_s": round(len(times) / found["seconds"], 1) if found["seconds"] else None}
    return out


def rows_for(stats: dict[str, dict], label: str, seconds: float, alone_ms: dict[str, float] | None = None) -> list[dict]:
    """One row per endpoint (value: p95, with the median beside it); the targets carry ``ok``; the
    ratio is the p95 under load over the same endpoint's median alone on the same server."""
    alone_ms = alone_ms or {}
    rows = []
    for name in [*TARGETS, *sorted(set(stats) - set(TARGETS))]:
        s = stats.get(name)
        if s is None:
            if name in TARGETS:
                rows.append(common.row(f"load {name}, {label}", None, "ms p95", skipped="no requests in the run"))
            continue
        target = dict(target=f"p95 < {TARGET_MS:.0f} ms", ok=s["p95_ms"] < TARGET_MS and not s["failures"]) \
            if name in TARGETS else {}
        base = alone_ms.get(name)
        ratio = dict(ratio=s["p95_ms"] / base, baseline="median of the endpoint alone, same server",
                     alone_ms=round(base, 1)) if base else {}
        rows.append(common.row(f"load {name}, {label}", s["p95_ms"], f"ms p95 (median {s['median_ms']} ms)",
                               **ratio, **target, **s))
    total = sum(s["requests"] for n, s in stats.items() if not n.startswith("sign in"))
    rows.append(common.row(f"load throughput, {label}", round(total / seconds, 1) if seconds else None,
                           "requests/s (all endpoints, after sign-in)"))
    return rows


def measure(pg: str | None, size: str, *, users: int, seconds: int, workers: int,
            think: tuple[float, float] = THINK, skip: tuple[str, ...] = ()) -> tuple[list[dict], dict]:
    """Seed (or find) the data set, start the server, swarm it; the rows and the raw per-endpoint stats."""
    with ExitStack() as stack:
        ds = dataset(stack, pg, size)
        tokens = make_tokens(ds)
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        proc, base, used = start_server(ds.url, ds.now, workdir, workers)
        try:
            base_ms = alone(base, ds, tokens[0])
            busy = os.getloadavg()[0]  # the machine is shared: how busy it was is part of the figure
            found = swarm(base, ds, tokens, workdir, users=users, seconds=seconds, think=think, skip=skip)
            busy = round(max(busy, os.getloadavg()[0]), 1)
        finally:
            stop(proc)
    stats = summarise(found)
    store = "PostgreSQL" if pg else "SQLite"
    label = f"{SIZES[size] // 1000}k cases, {store}, {users} users, {used} worker{'s' if used > 1 else ''}" + \
        "".join(f", no {name}" for name in skip)
    rows = rows_for(stats, label, found["seconds"], base_ms)
    for r in rows:
        r["load_average"] = busy
    return rows, stats


def run(quick: bool = False, pg: str | None = None, size: str = "quick", workers: int = 2,
        users: int = USERS, think: tuple[float, float] = THINK) -> dict:
    seconds = 20 if quick else SECONDS[size]
    if size == "city":  # the city data set is PostgreSQL's only
        rows = [common.row("load: SQLite", None, "ms", skipped="the city data set is built on PostgreSQL only")]
    else:
        rows = measure(None, size, users=users, seconds=seconds, workers=workers, think=think)[0]
    pg = common.pg_url(pg)
    if pg:
        rows += measure(pg, size, users=users, seconds=seconds, workers=workers, think=think)[0]
    note = ("Locust and the server share the machine's two cores: Locust's own CPU is taken from the "
            "server's, so the figures are upper bounds for a server on a machine of its own.")
    return {"rows": rows, "note": note}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pg")
    ap.add_argument("--size", default="quick", choices=sorted(SIZES))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--users", type=int, default=USERS)
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--think", type=float, nargs=2, default=THINK, metavar=("MIN", "MAX"))
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    ap.add_argument("--skip", action="append", default=[], choices=["dashboard"], help="leave an endpoint out")
    args = ap.parse_args()
    seconds = args.seconds or (20 if args.quick else SECONDS[args.size])
    stores = ([] if args.no_sqlite else [None]) + ([args.pg] if args.pg else [])
    print(f"{'endpoint':<72} {'median':>8} {'p95':>8} {'alone':>7} {'n':>6} {'fail':>5} {'ok':>4}")
    for store in stores:
        rows, stats = measure(store, args.size, users=args.users, seconds=seconds, workers=args.workers,
                              think=tuple(args.think), skip=tuple(args.skip))
        for r in rows:
            print(f"{r['name']:<72} {r.get('median_ms', ''):>8} {r['value'] if r['value'] is not None else '-':>8} "
              f"{r.get('alone_ms', ''):>7} "
                  f"{r.get('requests', ''):>6} {r.get('failures', ''):>5} {str(r.get('ok', '')):>4}")
        for name, s in stats.items():
            if s["first_failure"]:
                print(f"  {name}: {s['failures']} failed, the first: {s['first_failure']}")


if __name__ == "__main__":
    main()
