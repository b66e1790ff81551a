"""What the health endpoints report: the database, the in-process scheduler, the outbox.

Its own module so that the API and the workspace app both use it without importing each other.
"""

from __future__ import annotations

from fastapi import FastAPI


class SchedulerState:
    """What the health endpoint reports about the in-process scheduler."""

    def __init__(self, scheduler=None):
        self.scheduler = scheduler

    @property
    def enabled(self) -> bool:
        return self.scheduler is not None

    @property
    def alive(self) -> bool:
        return bool(self.scheduler is not None and self.scheduler.running)

    @property
    def leader(self) -> bool:
        """This process's scheduler holds the leader lock: it is the one that sweeps."""
        leadership = getattr(self.scheduler, "leadership", None)
        return bool(self.alive and leadership is not None and leadership.held)


async def checked_health(app: FastAPI, engine, state: SchedulerState) -> dict:
    """:func:`health_doc` on two threads of its own, so a pool full of waiting requests never delays it."""
    import anyio
    import anyio.to_thread

    limiter = getattr(app.state, "health_limiter", None)
    if limiter is None:
        limiter = app.state.health_limiter = anyio.CapacityLimiter(2)
    return await anyio.to_thread.run_sync(health_doc, engine, state, limiter=limiter)


def health_doc(engine, state: SchedulerState) -> dict:
    h = engine.health()
    outbox = h.get("outbox", {})
    doc = {
        "ok": bool(h["database"]) and (state.alive or not state.enabled),
        "database": h["database"],
        "scheduler": {"enabled": state.enabled, "alive": state.alive, "leader": state.leader},
        "outbox": {"pending": outbox.get("pending", 0), "failed": outbox.get("failed", 0),
                   "dead": outbox.get("dead", 0)},
    }
    return doc
