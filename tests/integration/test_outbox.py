"""The outbox: rows commit with the change; dispatch fans each row out once and delivers each delivery once."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from disputeflow.notifications.dispatcher import listing
from tests.conftest import report
from disputeflow import ValidationError
from disputeflow.workflow.runtime import runtime_of


def outbox(engine):
    with runtime_of(engine).db.connect() as c:
        return c.execute(text("SELECT event, audience, status FROM outbox ORDER BY id")).all()


def test_outbox_rows_commit_with_the_change_or_not_at_all(engine):
    n = report(engine)
    rows = outbox(engine)
    assert [(e, json.loads(a)) for e, a, _ in rows] == [("report", ["role:mediator@/t1/v1/v1-g1/"])]
    assert [r["status"] for r in listing(runtime_of(engine))] == ["queued"]
    with pytest.raises(ValidationError):
        engine.act(n, "assign", "sup", mediator="nobody")
    assert len(outbox(engine)) == 1
    engine.act(n, "assign", "sup", mediator="med1")
    assert json.loads(outbox(engine)[-1][1]) == ["user:med1"]


def test_dispatch_routes_each_row_once_and_sends_each_delivery_once(engine, clock):
    report(engine)
    first = engine.dispatch()
    # the village's one mediator in the inbox, plus the development log channel
    assert first["routed"] == 1 and first["sent"] == 2
    assert engine.dispatch() == {"claimed": 0, "sent": 0, "failed": 0, "dead": 0, "released": 0,
                                 "routed": 0}
    assert [s for _e, _a, s in outbox(engine)] == ["routed"]
    assert sorted((r["channel"], r["recipient"], r["status"]) for r in listing(runtime_of(engine))) == [
        ("inbox", "med1", "sent"), ("log", "*", "sent")]
    assert engine.unread_count("med1") == 1


def test_inactive_users_are_not_notified(engine):
    with runtime_of(engine).db.begin() as c:
        c.execute(text("UPDATE users SET active = :f WHERE id = 'med1'"), {"f": False})
    report(engine)
    engine.dispatch()
    assert [r["recipient"] for r in listing(runtime_of(engine))] == ["*"]
