"""SIGTERM stops `disputeflow scheduler run` within seconds, whatever the notification backlog.

A real scheduler process dispatches a backlog of webhook deliveries to a real
HTTP server that answers each one slowly (40 deliveries × 0.5 s). On SIGTERM
it finishes the send in hand, releases what it claimed and did not try, and
exits: nothing is lost, the unsent deliveries stay pending and unclaimed for
the next run, which sends them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import text

from tests.conftest import report
from tests.integration.notify_servers import HTTPServer
from disputeflow.workflow.runtime import runtime_of

BACKLOG = 40
DELAY = 0.5


def _scheduler(db_url, config, now="2026-03-03T09:30+08:00"):
    env = {**os.environ, "DISPUTEFLOW_DB": db_url, "DISPUTEFLOW_NOW": now, "DISPUTEFLOW_CONFIG": str(config)}
    return subprocess.Popen([sys.executable, "-m", "disputeflow.cli", "scheduler", "run", "--every", "3600"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _hook_deliveries(engine):
    with runtime_of(engine).db.connect() as c:
        return dict(c.execute(text("SELECT status, count(*) FROM notification_deliveries WHERE channel = 'hook' "
                                   "GROUP BY status")).all()), \
            c.execute(text("SELECT count(*) FROM notification_deliveries WHERE channel = 'hook' "
                           "AND claimed_by IS NOT NULL AND status = 'pending'")).scalar()


def test_sigterm_exits_in_seconds_and_leaves_the_unsent_backlog_queued(db_url, engine, tmp_path):
    hook = HTTPServer().start()
    hook.delay = DELAY
    try:
        config = tmp_path / "disputeflow.toml"
        config.write_text(
            "[notifications]\ndispatch_seconds = 1\nperson_channels = []\n"
            f'[notifications.channels.hook]\nkind = "webhook"\nurl = "{hook.url}/hook"\ntimeout = 10\n',
            encoding="utf-8")
        for _ in range(BACKLOG):
            report(engine)
        p = _scheduler(db_url, config)
        deadline = time.time() + 60
        while len(hook.requests) < 2 and time.time() < deadline and p.poll() is None:
            time.sleep(0.05)
        assert len(hook.requests) >= 2, p.stderr.read() if p.poll() is not None else "no delivery started"
        asked = time.monotonic()
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=60)
        took = time.monotonic() - asked
        print(f"scheduler exited {took:.2f} s after SIGTERM, {len(hook.requests)} of {BACKLOG} sent")
        assert p.returncode == 0, err
        assert "调度器已停止" in err
        assert took < 4, f"took {took:.1f} s to stop"
        statuses, still_claimed = _hook_deliveries(engine)
        assert statuses.get("sent", 0) == len(hook.requests)
        assert statuses.get("pending", 0) == BACKLOG - len(hook.requests) >= BACKLOG // 2
        assert still_claimed == 0 and "dead" not in statuses and "failed" not in statuses

        hook.delay = 0  # the next run sends the rest
        q = _scheduler(db_url, config)
        deadline = time.time() + 60
        while len(hook.requests) < BACKLOG and time.time() < deadline:
            time.sleep(0.1)
        q.send_signal(signal.SIGTERM)
        q.communicate(timeout=60)
        assert q.returncode == 0
        assert _hook_deliveries(engine)[0] == {"sent": BACKLOG}
        assert sorted(r[2]["outbox_id"] for r in hook.requests) == sorted(set(r[2]["outbox_id"]
                                                                              for r in hook.requests))
    finally:
        hook.stop()
