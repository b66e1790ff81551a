"""The delivery and inbox records kept by ``cases/`` for notifications, on SQLite and PostgreSQL.

What makes delivery exactly-once is in these records: a routed row is never
routed again, a claimed delivery is not claimed twice, a result is recorded
only under its recorder's claim, a message is stored once per person.
"""

from __future__ import annotations

from datetime import timedelta

from disputeflow.cases import deliveries, inbox_store
from disputeflow.cases.people import directory
from disputeflow.notifications.recipients import resolve
from tests.conftest import report


def _route_all(engine, now):
    with deliveries.routing(engine._rt.store, now, 100) as batch:
        for row in batch.rows:
            for person in resolve(batch.people, row.audience):
                batch.add(row.id, person["id"], "inbox", "inbox", person["lang"] or "zh_CN")
            batch.add(row.id, "*", "log", "log", "zh_CN")
            batch.add(row.id, "*", "log", "log", "zh_CN")  # the same delivery twice is stored once
    return batch.rows


def test_routing_claims_and_results_hold_under_their_claims(engine, clock):
    store, now = engine._rt.store, clock.now()
    report(engine)
    rows = _route_all(engine, now)
    assert [r.event for r in rows] == ["report"] and _route_all(engine, now) == []  # routed once
    ids = deliveries.claim(store, "a", now, now + timedelta(minutes=5), 10)
    assert len(ids) == 2 and deliveries.claim(store, "b", now, now + timedelta(minutes=5), 10) == []
    due = deliveries.claimed(store, ids)
    assert {(d.recipient, d.channel) for d in due} == {("med1", "inbox"), ("*", "log")}
    person = next(d for d in due if d.recipient == "med1")
    assert person.addressee.name == "调解员甲" and person.notice.event == "report"
    assert person.notice.payload and person.notice.created_at == now
    with deliveries.results(store, "b") as other:
        assert not other.sent(ids[0], now)  # not b's claim: nothing recorded
        assert other.release(ids) == 0
    with deliveries.results(store, "a") as mine:
        assert mine.sent(ids[0], now)
        assert mine.failed(ids[1], 1, "down", now + timedelta(minutes=1), dead=False)
    listed = {r["id"]: r for r in deliveries.listing(store)}
    assert listed[ids[0]]["status"] == "sent" and listed[ids[0]]["attempts"] == 1
    assert listed[ids[1]]["status"] == "pending" and listed[ids[1]]["last_error"] == "down"
    assert [r["id"] for r in deliveries.listing(store, failed_only=True)] == [ids[1]]
    # backing off: not due now, due after the backoff, claimable by anyone once due
    assert deliveries.claim(store, "b", now, now + timedelta(minutes=5), 10) == []
    later = now + timedelta(minutes=2)
    assert deliveries.claim(store, "b", later, later + timedelta(minutes=5), 10) == [ids[1]]
    assert deliveries.retry(store, ids[1], later) and not deliveries.retry(store, ids[0], later)  # sent stays sent


def test_a_message_is_stored_once_and_read_by_its_person_only(engine, clock):
    store, now = engine._rt.store, clock.now()
    report(engine)
    _route_all(engine, now)
    outbox_id = deliveries.claimed(store, deliveries.claim(store, "a", now, now, 10))[0].notice.id
    box = inbox_store.Postbox(store)
    try:
        for _ in range(2):  # a retried delivery
            box.add("med1", outbox_id, "report", None, "zh_CN", "标" * 400, "正文", now)
    finally:
        box.close()
    (msg,) = inbox_store.messages(store, "med1")
    assert len(msg.title) == 300 and msg.created_at == now and msg.read_at is None
    assert inbox_store.messages(store, "med2") == [] and inbox_store.unread_count(store, "med1") == 1
    assert inbox_store.mark_read(store, "med1", [msg.id, 2**70], now) == 1  # an id past 64 bits names nothing
    assert inbox_store.unread_count(store, "med1") == 0 and inbox_store.mark_read(store, "med1", None, now) == 0


def test_the_directory_returns_active_people_only(engine):
    with directory(engine._rt.store) as people:
        assert [p.id for p in people.by_ids(["med1", "nobody"])] == ["med1"]
        assert people.by_ids([]) == [] and people.with_role_on("mediator", []) == []
        assert {p.role for p in people.with_role_on("mediator", ["/t1/", "/t1/v1/"])} == {"mediator"}


def test_a_batch_of_audiences_is_resolved_with_one_lookup_per_kind(engine):
    from disputeflow.notifications.recipients import resolve_all

    audiences = [["role:mediator@/t1/v1/v1-g1/"], ["user:sup", "unit:justice"], ["role:mediator@/t1/v2/"],
                 ["role:supervisor@/t1/v1/", "user:med1"], [], ["role:mediator@/t1/"]]
    with directory(engine._rt.store) as people:
        alone = [resolve(people, a) for a in audiences]
        calls = []
        for name in ("by_ids", "of_units", "with_role_on"):
            method = getattr(people, name)
            setattr(people, name, lambda *a, _m=method, _n=name: calls.append(_n) or _m(*a))
        together = resolve_all(people, audiences)
    assert together == alone
    assert [[p["id"] for p in ps] for ps in together] == [
        ["med1"], ["med-j", "sup"], ["med2"], ["med1", "sup"], [], []]  # no mediator at the town itself
    assert sorted(calls) == ["by_ids", "of_units", "with_role_on", "with_role_on"]  # one per kind and role
