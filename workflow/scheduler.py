"""The long-running scheduler: APScheduler 3 as a clock that triggers idempotent work.

APScheduler cannot share a job store between processes, so it keeps no job
store at all: each process runs the sweep on an interval and the database
decides who raises what (see :mod:`disputeflow.workflow.sweep`). Several schedulers against
one PostgreSQL database therefore raise each step exactly once. Only the leader
(:mod:`disputeflow.workflow.leader`) sweeps and sends the digest, so N workers on
M hosts do not all sweep the same rows; a standby takes over when the leader dies.
When a scheduler starts leading, the sweep runs immediately, which catches up on
everything that came due while no scheduler was running. The time zone is
Asia/Shanghai, never the host's.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime
from typing import Callable

from disputeflow.workflow.timeutil import LOCAL_TZ

log = logging.getLogger(__name__)


def sweep_job(engine, stop: threading.Event | None = None, leader=None) -> None:
    """One sweep; ``stop`` (set at shutdown) ends it after the batch in hand; skipped unless ``leader`` holds."""
    if leader is not None and not leader.held:
        return
    from disputeflow.workflow import sweep
    from disputeflow.workflow.errors import Busy
    from disputeflow.workflow.runtime import runtime_of

    try:
        raised = sweep.run(runtime_of(engine), engine.clock.now(), stop=stop)
    except Busy:  # a lock held past the budget: nothing was written; the next pass tries again
        log.warning("sweep skipped: the database stayed locked past the wait budget")
        return
    if raised:
        log.info("sweep raised %d escalations", len(raised))


def digest_job(engine, leader=None) -> None:
    """The supervisors' daily digest of overdue items, on business days only (by the leader)."""
    if leader is not None and not leader.held:
        return
    now = engine.clock.now()
    if not engine.calendar.is_workday(now.astimezone(LOCAL_TZ).date()):
        return
    engine.queue_digest(now)


def dispatch_job(engine) -> None:
    """Deliver what the outbox holds (fan-out, then due deliveries); safe to run in every instance."""
    res = engine.dispatch()
    if res.get("routed") or res.get("claimed"):
        log.info("dispatch: %s", res)


def _request_stop(engine, stop: threading.Event) -> None:
    """Ask the running work to stop at its next safe point: the sweep between batches, the
    dispatcher between sends (what it claimed and did not try is released, still pending)."""
    from disputeflow.workflow.runtime import runtime_of

    stop.set()
    runtime_of(engine).hold_delivery(True)


def build(engine, *, sweep_seconds: int = 60, digest_at: str = "08:30"):
    """The scheduler; its ``shutdown`` first asks the running jobs to stop claiming work.

    Without that, ``shutdown(wait=True)`` waited for a dispatch pass to send
    the whole backlog (42.8 s measured behind a slow webhook) before exiting.
    """
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from disputeflow.workflow.leader import Leadership, leader_seconds

    stop = threading.Event()
    every_try = leader_seconds(engine)

    class Scheduler(BackgroundScheduler):
        def shutdown(self, wait: bool = True) -> None:
            _request_stop(engine, stop)
            super().shutdown(wait)
            if wait:  # the jobs have ended: the engine's own dispatch() works again (an embedding host's)
                from disputeflow.workflow.runtime import runtime_of

                runtime_of(engine).hold_delivery(False)
            self.leadership.release()  # after the sweep in hand: a standby leads at its next try

    hour, minute = (int(x) for x in digest_at.split(":"))
    sched = Scheduler(timezone=LOCAL_TZ, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    # Taking the lead sweeps at once (catch-up after the previous leader died), not one interval later.
    sched.leadership = leader = Leadership(engine, on_lead=lambda: sched.modify_job(
        "sweep", next_run_time=datetime.now(LOCAL_TZ)))
    sched.add_job(leader.tick, IntervalTrigger(seconds=every_try, timezone=LOCAL_TZ), id="leader",
                  next_run_time=datetime.now(LOCAL_TZ))
    sched.add_job(sweep_job, IntervalTrigger(seconds=sweep_seconds, timezone=LOCAL_TZ), args=[engine, stop, leader],
                  id="sweep")
    sched.add_job(digest_job, CronTrigger(hour=hour, minute=minute, timezone=LOCAL_TZ), args=[engine, leader],
                  id="digest")
    every = float(engine.config.notifications.get("dispatch_seconds", 15))
    if every > 0:
        engine.check_notifications()  # a broken [notifications] table stops the scheduler at start
        sched.add_job(dispatch_job, IntervalTrigger(seconds=every, timezone=LOCAL_TZ), args=[engine], id="dispatch")
    return sched


def run_forever(engine, *, sweep_seconds: int = 60, digest_at: str = "08:30",
                ready: Callable[[], None] | None = None) -> None:
    """Run until SIGTERM or SIGINT.

    On the signal nothing new is claimed: the sweep finishes the batch (one
    transaction) in hand, the dispatcher the send in hand, releasing the
    deliveries it claimed and did not try; all of it stays queued for the next run.
    """
    # APScheduler runs on the wall clock (this is the edge where real time enters);
    # the work it triggers reads the engine's clock, which --now may fix.
    stop = threading.Event()
    sched = build(engine, sweep_seconds=sweep_seconds, digest_at=digest_at)

    def _stop(signum, _frame):
        log.info("signal %s: stopping the scheduler", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sched.start()
    if ready:
        ready()
    try:
        stop.wait()
    finally:
        sched.shutdown(wait=True)
