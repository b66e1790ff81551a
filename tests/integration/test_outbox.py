"""The outbox: rows commit with the change; dispatch claims each row once, retries, dead-letters."""

from __future__ import annotations

import pytest

from tests.conftest import report
from notifications.dispatcher import MAX_ATTEMPTS, dispatch, listing, retry
from workflow import ValidationError


def test_outbox_rows_commit_with_the_change_or_not_at_all(engine):
    n = report(engine)
    rows = listing(engine)
    assert [r["event"] for r in rows] == ["report"] and rows[0]["audience"] == ["role:mediator@/t1/v1/v1-g1/"]
    with pytest.raises(ValidationError):
        engine.act(n, "assign", "sup", mediator="nobody")
    assert len(listing(engine)) == 1
    engine.act(n, "assign", "sup", mediator="med1")
    assert listing(engine)[0]["audience"] == ["user:med1"]


def test_dispatch_sends_once_and_dead_letters_after_the_limit(engine, clock):
    report(engine)
    got = []
    assert dispatch(engine, clock.now(), send=got.append)["sent"] == 1
    assert dispatch(engine, clock.now(), send=got.append)["claimed"] == 0
    assert len(got) == 1
    report(engine)

    def down(row):
        raise ConnectionError("channel down")

    for i in range(MAX_ATTEMPTS):
        clock.advance(days=1)
        dispatch(engine, clock.now(), send=down)
    dead = [r for r in listing(engine, failed_only=True)]
    assert len(dead) == 1 and dead[0]["status"] == "dead" and dead[0]["attempts"] == MAX_ATTEMPTS
    assert retry(engine, dead[0]["id"], clock.now())
    assert dispatch(engine, clock.now(), send=got.append)["sent"] == 1
