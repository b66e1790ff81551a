"""A small host application written against the public API only, checked with ``mypy --strict``.

It is what an embedding system's code looks like: it builds an engine on its own
database, sets up its jurisdiction, reports and moves a case, reads it back with
typed results, handles the engine's typed errors, and plugs in a channel of its
own. ``tests/embedding/test_mypy_strict.py`` type-checks this file and runs it; a
public signature that degrades to ``Any`` fails the check (see ``reveal``).
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import Any, assert_type

from fastapi import FastAPI

from disputeflow import (ActionDoc, Actor, CaseDoc, CaseSummary, Channel, Config, Conflict, Deadline,
                         DispatchReport, DisputeflowError, Engine, FixedClock, HistoryEntry, InboxMessage,
                         InvalidAction, Message, NotFound, Outcome, OverdueItem, SweepEvent, UnitDoc, UserDoc,
                         ValidationError, WorkClock, create_app)

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Outbox(Channel):
    """The host's own person channel: keeps what it is handed (a real host would call its messaging service)."""

    kind = "host_outbox"
    audience = "person"
    template = "short"

    def __init__(self) -> None:
        super().__init__({"name": "host_outbox"})
        self.sent: list[Message] = []

    def accepts(self, recipient: dict[str, Any]) -> bool:
        return bool(recipient.get("id"))

    def send(self, message: Message) -> None:
        self.sent.append(message)


def set_up(engine: Engine) -> None:
    """The host's jurisdiction: a town, a village with a grid, and the people who work there."""
    engine.init()
    engine.add_unit("t1", "试点镇", "town")
    engine.add_unit("v1", "甲村", "village", "t1")
    engine.add_unit("g1", "甲村第1网格", "grid", "v1")
    engine.add_user("go", "网格员小王", "grid_officer", "g1", phone="13800000001")
    engine.add_user("med1", "调解员甲", "mediator", "v1", phone="13800000002")
    engine.add_user("sup", "督办员", "supervisor", "t1")


def late_clocks(board: list[OverdueItem]) -> list[tuple[str, str, int]]:
    return [(row["number"], row["clock"], row["overdue_business_days"]) for row in board]


def open_deadlines(case: CaseDoc) -> list[str]:
    running: list[Deadline] = [d for d in case["deadlines"] if d["status"] == "running"]
    return [d["clock"] for d in running]


def exact_types(engine: Engine, number: str) -> None:
    """The public calls give mypy their real types, not ``Any`` (``assert_type`` fails on ``Any``)."""
    assert_type(engine.report("go", title="x"), Outcome)
    assert_type(engine.act(number, "note", "med1", note="x"), Outcome)
    assert_type(engine.act(number, "note", "med1").version, int)
    assert_type(engine.case(number), CaseDoc)
    assert_type(engine.case(number)["deadlines"], list[Deadline])
    assert_type(engine.history(number), list[HistoryEntry])
    assert_type(engine.actions(number, "med1"), list[ActionDoc])
    assert_type(engine.list_cases(), list[CaseSummary])
    assert_type(engine.overdue(), list[OverdueItem])
    assert_type(engine.my_work("med1")["items"][0]["next_clock"], WorkClock | None)
    assert_type(engine.sweep(), list[SweepEvent])
    assert_type(engine.dispatch(), DispatchReport)
    assert_type(engine.inbox("med1"), list[InboxMessage])
    assert_type(engine.units(), list[UnitDoc])
    assert_type(engine.users(), list[UserDoc])
    assert_type(Message(event="e", lang="zh_CN", subject="s", text="t").recipient, dict[str, Any])
    assert_type(create_app(engine, secret="k"), FastAPI)


def run(url: str) -> dict[str, Any]:
    """Report a case, assign it, read it back, try two wrong moves, sweep and dispatch; what happened."""
    clock = FixedClock(START)
    engine = Engine(Config(url=url), clock=clock)
    outbox = Outbox()
    try:
        set_up(engine)
        engine.add_channel(outbox, everyone=True)
        reporter = Actor(id="go", role="grid_officer", unit_path="/t1/v1/g1/", unit_id="g1")
        reported: Outcome = engine.report(reporter, title="宅基地边界纠纷", category="neighbour", unit="g1",
                                          source="grid", parties=[{"name": "张三", "role": "applicant",
                                                                   "phone": "13812348000"}])
        number: str = reported.number
        version: int = reported.version
        actions: list[ActionDoc] = engine.actions(number, "med1")
        names = sorted(a["action"] for a in actions if a["available"])
        assigned = engine.act(number, "assess", "med1", expected_version=version, risk="low")
        errors: list[str] = []
        try:
            engine.act(number, "assess", "med1", expected_version=version, risk="low")
        except Conflict as exc:
            errors.append(exc.code)
        except InvalidAction as exc:
            errors.append(exc.code)
        try:
            engine.case("no-such-case", "sup")
        except NotFound as exc:
            errors.append(exc.message("en"))
        try:
            engine.report("go", title="")
        except ValidationError as exc:
            errors.append(",".join(sorted(e.field for e in exc.errors)))
        except DisputeflowError as exc:
            errors.append(exc.code)
        case: CaseDoc = engine.case(number, "sup", lang="en")
        history: list[HistoryEntry] = engine.history(number, "sup")
        listed: list[CaseSummary] = engine.list_cases("sup", state=case["state"])
        clock.advance(days=40)
        raised: list[SweepEvent] = engine.sweep()
        board = late_clocks(engine.overdue(actor="sup"))
        report: DispatchReport = engine.dispatch()
        inbox: list[InboxMessage] = engine.inbox("med1")
        units: list[UnitDoc] = engine.units()
        users: list[UserDoc] = engine.users(unit="v1")
        return {
            "number": number, "available": names, "after_assess": assigned.to_state, "errors": errors,
            "state_label": case["state_label"], "deadlines": open_deadlines(case),
            "history": [(h["seq"], h["action"]) for h in history], "listed": [c["number"] for c in listed],
            "steps": sorted({e["step"] for e in raised}), "board": board, "sent": report["sent"],
            "inbox": len(inbox), "units": [u["id"] for u in units], "users": [u["id"] for u in users],
            "outbox": sorted({(m.recipient.get("id"), m.recipient.get("phone")) for m in outbox.sent}),
        }
    finally:
        engine.close()


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1]), ensure_ascii=False, default=str))
