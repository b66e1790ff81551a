"""Notification throughput: template renders per second and e-mail deliveries per second.

Renders (timed on this process's CPU clock; the machine is shared): the short text (robots, SMS) and the full e-mail (subject, plain body,
HTML part) of a realistic escalation, templates compiled once; the baseline is
``str.format`` of the same short text in the same run. Target: ≥ 30,000 short
renders/s. Deliveries: reports fanned out and mailed through the dispatcher to a
local aiosmtpd server (its own process), against raw ``smtplib`` sending the same number of
prebuilt messages over one connection to the same server (the ratio is the
dispatcher's overhead: claim, render, mark).

Run: .venv/bin/python bench/bench_notify.py [--quick] [--pg URL]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from disputeflow.notifications import samples  # noqa: E402
from disputeflow.notifications.render import Renderer  # noqa: E402
from disputeflow.workflow.runtime import runtime_of  # noqa: E402

T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
ROUNDS = 5


def _rate(fn, n: int, clock=time.process_time) -> float:
    """Calls per second. Renders are CPU-bound and the machine is shared, so they are timed on this
    process's CPU clock; wall-clock figures are printed alongside."""
    t = clock()
    for _ in range(n):
        fn()
    return n / (clock() - t)


def render_rates(quick: bool) -> dict:
    n = 3_000 if quick else 20_000
    r = Renderer()
    sandboxed = Renderer(override_dir=tempfile.mkdtemp())
    event, ctx = samples.context("escalate.level1", "zh_CN")
    c, d = ctx["case"], ctx
    fmt = "【{0}】{1}「{2}」{3}已于{4}逾期，请立即处理。"

    def baseline():
        return fmt.format(d["step_label"], c["number"], c["title"], d["clock_label"], d["due_local"])

    assert baseline() == r.short("zh_CN", event, ctx)  # the same text, so the comparison is fair
    runs = {"format": [], "short": [], "email": [], "short_sandbox": [], "short_wall": [], "email_wall": []}
    for _ in range(ROUNDS):  # interleaved
        runs["format"].append(_rate(baseline, n))
        runs["short"].append(_rate(lambda: r.short("zh_CN", event, ctx), n))
        runs["email"].append(_rate(lambda: r.email("zh_CN", event, ctx), n // 4))
        runs["short_sandbox"].append(_rate(lambda: sandboxed.short("zh_CN", event, ctx), n))
        runs["short_wall"].append(_rate(lambda: r.short("zh_CN", event, ctx), n, time.perf_counter))
        runs["email_wall"].append(_rate(lambda: r.email("zh_CN", event, ctx), n // 4, time.perf_counter))
    return {k: statistics.median(v) for k, v in runs.items()}


def _engine(url: str, smtp_port: int):
    from tests.conftest import build_town
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock
    from disputeflow.workflow.config import Config

    conf = {"person_channels": [], "roles": {"mediator": ["email"]}, "batch": 500,
            "channels": {"inbox": False, "email": {"kind": "email", "host": "127.0.0.1", "port": smtp_port,
                                                   "sender": "tiaojie@example.org"}}}
    eng = Engine(Config(url=url, notifications=conf), clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    eng.add_user("med-mail", "调解员丙", "mediator", "v1", email="bing@example.org")
    with runtime_of(eng).store.write() as tx:  # only the mailbox owner is a mediator of the village
        tx.execute("UPDATE users SET active = :f WHERE id = 'med1'", {"f": False})
    return eng


class SinkServer:
    """aiosmtpd in its own process (the ``Sink`` handler accepts and discards), so the server does not
    share this process's interpreter lock with the dispatcher it is measuring."""

    def __init__(self):
        import socket
        import subprocess

        from tests.integration.notify_servers import free_port

        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                                      "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def _pg_schema(url: str):
    """A throw-away schema on the PostgreSQL server (never the shared ``public`` one)."""
    import uuid

    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"

    def drop():
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


def delivery_rates(quick: bool, url: str | None, tmp: Path) -> dict:
    import smtplib

    from disputeflow.notifications.channels.base import Message
    from disputeflow.notifications.channels.email import EmailChannel
    from tests.conftest import report

    n = 200 if quick else 1_000
    server = SinkServer()
    drop = None
    if url:
        url, drop = _pg_schema(url)
    try:
        eng = _engine(url or f"sqlite:///{tmp / 'notify.db'}", server.port)
        ours, raw = [], []
        mail = EmailChannel({"host": "127.0.0.1", "port": server.port, "sender": "tiaojie@example.org"})
        event, ctx = samples.context("report", "zh_CN")
        out = Renderer().email("zh_CN", event, ctx)
        prebuilt = [mail.build(Message(event=event, lang="zh_CN", subject=out.subject, text=out.text, html=out.html,
                                       outbox_id=i, delivery_id=i,
                                       recipient={"name": "调解员丙", "email": "bing@example.org"}))
                    for i in range(n)]
        for _ in range(3 if quick else ROUNDS):
            report(eng)
            eng.dispatch()  # warm: build channels, compile templates, connect
            for _i in range(n):
                report(eng)
            t = time.perf_counter()
            sent = eng.dispatch(limit=500)["sent"]  # fans out and drains everything due
            ours.append(sent / (time.perf_counter() - t))
            assert sent == n, sent
            t = time.perf_counter()  # the raw driver: prebuilt messages over one connection
            with smtplib.SMTP("127.0.0.1", server.port) as s:
                for m in prebuilt:
                    s.send_message(m)
            raw.append(len(prebuilt) / (time.perf_counter() - t))
        eng.close()
    finally:
        server.stop()
        if drop:
            drop()
    return {"ours": statistics.median(ours), "raw": statistics.median(raw), "n": n}


def resolution_cost(quick: bool, tmp: Path) -> dict:
    """What resolving recipients costs per outbox row, against one notifying command (``assign``).

    Recipients are resolved at the first dispatch after the event, not inside
    the command's transaction; this row shows what moving it there would add.
    """
    from disputeflow.cases.people import directory
    from disputeflow.notifications.recipients import resolve, resolve_all
    from tests.conftest import report

    n = 300 if quick else 2_000
    eng = _engine(f"sqlite:///{tmp / 'resolve.db'}", 25)
    numbers = [report(eng) for _ in range(50)]
    res, batched, act = [], [], []
    audiences = [["role:mediator@/t1/v1/v1-g1/"] if i % 2 else ["user:med-mail"] for i in range(200)]
    for _ in range(ROUNDS):
        with directory(runtime_of(eng).store) as people:
            t = time.perf_counter()
            for i in range(n):
                resolve(people, audiences[i % 2])
            res.append((time.perf_counter() - t) / n * 1e6)
            t = time.perf_counter()
            for _i in range(max(n // 200, 1)):  # as the dispatcher does: a batch of rows at once
                resolve_all(people, audiences)
            batched.append((time.perf_counter() - t) / (max(n // 200, 1) * 200) * 1e6)
        t = time.perf_counter()
        for i in range(n // 4):
            eng.act(numbers[i % len(numbers)], "assign", "sup", mediator="med-mail")
        act.append((time.perf_counter() - t) / (n // 4) * 1e6)
    eng.close()
    return {"resolve_us": statistics.median(res), "batched_us": statistics.median(batched),
            "act_us": statistics.median(act)}


def run(quick: bool = False, pg: str | None = None) -> dict:
    rows = []
    rr = render_rates(quick)
    rows.append({"name": "render: short text (robots, SMS), compiled once", "value": round(rr["short"]),
                 "unit": "renders/s (CPU)", "wall": round(rr["short_wall"]), "baseline_value": round(rr["format"]),
                 "baseline": f"str.format of the same text ({rr['format']:,.0f}/s)", "ratio": round(rr["short"] / rr["format"], 3),
                 "target": "≥ 30,000/s", "ok": rr["short"] >= 30_000})
    rows.append({"name": "render: full e-mail (subject, text, HTML)", "value": round(rr["email"]),
                 "unit": "renders/s (CPU)", "wall": round(rr["email_wall"])})  # no ratio: no bare baseline renders the whole e-mail
    rows.append({"name": "render: short text, sandboxed (override dir set)", "value": round(rr["short_sandbox"]),
                 "unit": "renders/s (CPU)", "baseline_value": round(rr["short"]), "baseline": "the unsandboxed short render",
                 "ratio": round(rr["short_sandbox"] / rr["short"], 3)})
    with tempfile.TemporaryDirectory() as d:
        rc = resolution_cost(quick, Path(d))
        rows.append({"name": "recipients: resolve one outbox row (SQLite)", "value": round(rc["resolve_us"], 1),
                     "unit": "µs", "baseline_value": round(rc["act_us"], 1),
                     "baseline": f"one Engine.act('assign') ({rc['act_us']:.0f} µs)",
                     "ratio": round(rc["resolve_us"] / rc["act_us"], 3),
                     "note": "baseline: one Engine.act('assign'); done at dispatch, not in the command"})
        rows.append({"name": "recipients: per row of a 200-row batch (SQLite)", "value": round(rc["batched_us"], 1),
                     "unit": "µs", "baseline_value": round(rc["act_us"], 1),
                     "baseline": f"one Engine.act('assign') ({rc['act_us']:.0f} µs)",
                     "ratio": round(rc["batched_us"] / rc["act_us"], 3),
                     "note": "how the dispatcher resolves: one lookup per token kind for the batch"})
        targets = [("SQLite", None)] + ([("PostgreSQL", pg)] if pg else [])
        for label, url in targets:
            dr = delivery_rates(quick, url, Path(d))
            rows.append({"name": f"deliver: e-mail to local aiosmtpd ({label})", "value": round(dr["ours"]),
                         "unit": "deliveries/s", "baseline_value": round(dr["raw"]),
                         "baseline": f"raw smtplib, prebuilt messages, one connection ({dr['raw']:,.0f}/s)",
                         "ratio": round(dr["ours"] / dr["raw"], 3), "n": dr["n"]})
    return {"rows": rows, "ok": all(r.get("ok", True) for r in rows)}


if __name__ == "__main__":
    pg_url = None
    if "--pg" in sys.argv:
        pg_url = sys.argv[sys.argv.index("--pg") + 1]
    out = run(quick="--quick" in sys.argv, pg=pg_url)
    for row in out["rows"]:
        extra = f"  (ratio {row['ratio']} × {row['baseline']})" if "ratio" in row else ""
        if "wall" in row:
            extra += f"  wall-clock {row['wall']}/s"
        if "target" in row:
            extra += f"  [{row['target']}] {'ok' if row['ok'] else 'MISSED'}"
        print(f"{row['name']:<52} {row['value']:>9} {row['unit']}{extra}")
