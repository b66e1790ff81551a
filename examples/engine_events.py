"""Reacting to engine events: ``engine.on(event, callback)``.

Callbacks run after the change has committed, in the caller's thread, with the
command's :class:`workflow.Outcome`. Here a host mirrors every event into its
activity feed, pings a (pretend) statistics service when a case is closed, and
shows that a broken listener neither undoes the change nor stops the others.
For deliveries that must survive a crash, use the outbox and a notification
channel instead: a callback runs once, in memory.

Run: ``python examples/engine_events.py [DATABASE_URL]``; prints one JSON document.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timedelta, timezone

from disputeflow import Engine, FixedClock, Outcome

feed: list[str] = []
closed: list[str] = []


def to_feed(outcome: Outcome) -> None:
    feed.append(f"{outcome.number} {outcome.event}: {outcome.from_state} → {outcome.to_state} by {outcome.actor}")


def count_closure(outcome: Outcome) -> None:
    closed.append(outcome.number)


def broken(outcome: Outcome) -> None:
    raise RuntimeError("statistics service unreachable")


def main(url: str) -> dict:
    logging.getLogger("disputeflow.workflow.engine").setLevel(logging.CRITICAL)  # the broken listener is logged; keep output clean
    clock = FixedClock(datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc))
    engine = Engine(url, clock=clock)
    engine.init()
    engine.add_unit("t", "和平镇", "town")
    engine.add_unit("t-v", "和平村", "village", "t")
    engine.add_user("go", "网格员", "grid_officer", "t-v")
    engine.add_user("med", "调解员", "mediator", "t")
    engine.add_user("sup", "督办员", "supervisor", "t")

    engine.on("*", to_feed)            # every committed event
    engine.on("close", broken)         # logged, then ignored
    engine.on("close", count_closure)  # still called

    n = engine.report("go", title="相邻通行纠纷", category="neighbour", unit="t-v", parties=["甲", "乙"]).number
    engine.act(n, "assess", "med", risk="low")
    engine.act(n, "inform", "med", informed_parties="甲、乙", method="oral")  # 告知 before mediation
    engine.act(n, "mediate", "med")
    engine.act(n, "resolve", "med", outcome="written_agreement", agreement="东侧留出1.5米通道")
    clock.set(clock.now() + timedelta(days=3))
    engine.act(n, "follow_up", "med", method="phone", satisfaction="satisfied", performance="full")
    engine.act(n, "close", "sup")
    state = engine.case(n)["state"]
    engine.close()
    return {"feed": feed, "closed": closed, "state": state}


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DISPUTEFLOW_DB", "sqlite:///engine_events.db")
    print(json.dumps(main(target), ensure_ascii=False, indent=2))
