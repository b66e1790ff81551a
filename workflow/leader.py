"""Which scheduler sweeps: the one that holds the database's leader lock.

Every ``disputeflow serve`` worker (and every ``disputeflow scheduler``) may run a
scheduler; only the leader runs the sweep and the daily digest, the others try to
take the lock every ``[scheduler] leader_seconds`` (default 20 s). When the leader
dies its lock goes with its connection (PostgreSQL) or its process (SQLite file
lock), and a standby leads within one try and sweeps at once. Correctness never
rests on the lock: the sweep is exactly-once by the database, so two leaders for
a moment (a connection lost but the process alive) cost work, not duplicates.
Delivery (the outbox dispatcher) claims rows and runs in every scheduler.
"""

from __future__ import annotations

import logging
from typing import Callable

from disputeflow.workflow.errors import ConfigError

log = logging.getLogger(__name__)

LEADER_SECONDS = 20


def leader_seconds(engine) -> float:
    """``[scheduler] leader_seconds``: how often a standby tries to lead (and the leader checks its lock)."""
    value = engine.config.scheduler.get("leader_seconds", LEADER_SECONDS)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.2 <= value <= 300:
        raise ConfigError(f"[scheduler] leader_seconds 应为 0.2 到 300 之间的秒数，而不是 {value!r}",
                          f"[scheduler] leader_seconds must be a number of seconds between 0.2 and 300, not {value!r}")
    return float(value)


class Leadership:
    """The leader lock of one scheduler, and what to do on taking it."""

    def __init__(self, engine, on_lead: Callable[[], None] | None = None):
        from disputeflow.cases.leader_lock import LeaderLock
        from disputeflow.workflow.runtime import runtime_of

        self.lock = LeaderLock(runtime_of(engine).store)
        self.on_lead = on_lead

    @property
    def held(self) -> bool:
        return self.lock.held

    def tick(self) -> bool:
        """Check the lock held, or try to take it; on taking it, ``on_lead`` (the sweep, at once)."""
        was = self.lock.held
        try:
            now = self.lock.try_acquire()
        except Exception:  # a database that does not answer: try again next tick
            log.exception("leader lock try failed")
            return False
        if now and not was:
            log.info("this process now leads the scheduler (sweep and digest)")
            if self.on_lead:
                self.on_lead()
        elif was and not now:
            log.warning("leadership lost: another scheduler will sweep")
        return now

    def release(self) -> None:
        self.lock.release()
