"""Notifications end to end on SQLite and PostgreSQL, with a real SMTP server and a real HTTP server.

The engine writes outbox rows with its changes; dispatching fans them out to
people and channels, renders Chinese messages, and delivers each exactly once —
retried with backoff while a server is down or failing, dead-lettered at the
policy limit, and delivered when an operator retries after the server is back.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from disputeflow.notifications.channels import Channel
from disputeflow.notifications.dispatcher import listing, retry
from disputeflow.notifications.samples import SECRETS
from tests.conftest import PARTIES, build_town, report
from tests.integration.notify_servers import HTTPServer, SMTPServer
from disputeflow import Engine
from disputeflow.workflow.config import Config
from disputeflow.workflow.runtime import runtime_of


@pytest.fixture
def smtp():
    s = SMTPServer().start()
    yield s
    s.stop()


@pytest.fixture
def hook():
    s = HTTPServer().start()
    yield s
    s.stop()


def notify_config(db_url, smtp, hook, **extra):
    conf = {
        "max_attempts": 3, "backoff_seconds": 60, "claim_seconds": 300,
        "roles": {"mediator": ["email"], "supervisor": ["email"]},
        "channels": {
            "email": {"kind": "email", "host": "127.0.0.1", "port": smtp.port, "sender": "tiaojie@example.org",
                      "timeout": 5},
            "hook": {"kind": "webhook", "url": hook.url + "/hook", "events": ["report", "escalate.*"], "timeout": 5},
        },
    }
    conf.update(extra)
    return Config(url=db_url, notifications=conf)


@pytest.fixture
def eng(db_url, clock, smtp, hook):
    e = Engine(notify_config(db_url, smtp, hook), clock=clock)
    e.init()
    build_town(e)
    e.add_user("med-mail", "调解员丙", "mediator", "v1", phone="13700001111", email="bing@example.org")
    yield e
    e.close()


def no_secrets(*texts):
    for t in texts:
        for s in SECRETS:
            assert s not in t, f"unmasked personal data {s} in {t[:80]!r}"


def test_report_reaches_the_units_mediators_once_by_inbox_email_and_webhook(eng, smtp, hook):
    n = report(eng)
    res = eng.dispatch()
    assert res["routed"] == 1 and res["failed"] == 0
    # the village's mediators, not the other village's nor the justice office's
    assert [m["case_number"] for m in eng.inbox("med1")] == [n]
    assert [m["case_number"] for m in eng.inbox("med-mail")] == [n]
    assert eng.inbox("med2") == [] and eng.inbox("med-j") == []
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["Subject"] == f"【新登记】{n} 宅基地边界纠纷"
    assert "bing@example.org" in str(mail["To"])
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "调解员丙，您好" in text and "138****8000" in text and "甲村第1网格" in text
    (path, _h, body) = hook.requests[0]
    assert len(hook.requests) == 1 and body["event"] == "report" and body["case_number"] == n
    no_secrets(text, html, str(body), eng.inbox("med1")[0]["body"])
    again = eng.dispatch()
    assert again["claimed"] == 0 and len(smtp.messages) == 1 and len(hook.requests) == 1


def test_a_server_that_is_down_is_retried_with_backoff_dead_lettered_and_retried_by_an_operator(eng, clock, hook):
    hook.stop()
    report(eng)
    first = eng.dispatch()
    assert first["failed"] == 1
    (row,) = [r for r in listing(runtime_of(eng), failed_only=True)]
    assert row["channel"] == "hook" and row["attempts"] == 1 and row["status"] == "pending"
    assert row["next_attempt_at"] == clock.now() + timedelta(seconds=60)
    assert eng.dispatch()["claimed"] == 0  # backing off
    clock.advance(seconds=60)
    assert eng.dispatch()["failed"] == 1
    clock.advance(seconds=119)
    assert eng.dispatch()["claimed"] == 0  # second wait is 120 s
    clock.advance(seconds=1)
    assert eng.dispatch()["dead"] == 1
    (dead,) = listing(runtime_of(eng), failed_only=True)
    assert dead["status"] == "dead" and dead["attempts"] == 3 and "cannot reach" in dead["last_error"]
    hook.start()
    clock.advance(days=1)
    assert eng.dispatch()["claimed"] == 0 and hook.requests == []  # dead stays dead
    assert retry(runtime_of(eng), dead["id"], clock.now())
    assert eng.dispatch()["sent"] == 1
    assert len(hook.requests) == 1
    assert not retry(runtime_of(eng), dead["id"], clock.now())  # sent: nothing to retry


def test_a_server_answering_500_is_retried_and_recovers_by_itself(eng, clock, hook, smtp):
    hook.status = 500
    smtp.reply = "451 4.3.0 try again later"
    report(eng)
    res = eng.dispatch()
    assert res["failed"] == 2 and res["sent"] == 2  # the two inboxes
    errors = {r["channel"]: r["last_error"] for r in listing(runtime_of(eng), failed_only=True)}
    assert "HTTP 500" in errors["hook"] and "451" in errors["email"]
    hook.status = 200
    smtp.reply = "250 OK"
    clock.advance(seconds=60)
    assert eng.dispatch()["sent"] == 2
    assert len(hook.requests) == 1 and len(smtp.messages) == 1
    assert listing(runtime_of(eng), failed_only=True) == []


def test_escalation_steps_reach_the_recipients_of_each_step(eng, clock, smtp):
    n = report(eng)
    eng.act(n, "assign", "sup", mediator="med1", responsible_unit="justice")
    eng.dispatch()
    clock.advance(days=14)
    raised = eng.sweep()
    assert {r["step"] for r in raised} >= {"warning", "level1", "level2", "level3"}
    eng.dispatch()
    titles = {u: [m["title"] for m in eng.inbox(u)] for u in ("med1", "med-j", "lead", "sup", "med-mail")}
    assert any("【预警】" in t for t in titles["med1"]) and any("【黄牌】" in t for t in titles["med1"])
    assert any("【黄牌】" in t for t in titles["med-j"])  # the responsible unit
    assert any("【橙牌】" in t for t in titles["lead"]) and not any("【橙牌】" in t for t in titles["med1"])
    assert any("【红牌】" in t for t in titles["sup"])
    assert not any("预警" in m["title"] for m in eng.inbox("med-mail") if m["case_number"] == n)  # the step went to the assignee only
    red = [m for m in smtp.messages if "红牌" in m["Subject"]]
    assert len(red) == 1 and "sup@example.org" in str(red[0]["To"])
    assert "已自动挂牌督办" in red[0].get_body(("plain",)).get_content()


def test_assignment_listing_extension_and_close_notify_the_person(eng, clock):
    n = report(eng)
    eng.act(n, "assign", "sup", mediator="med2")
    eng.act(n, "assign_lead", "sup", official="lead")
    deadline = clock.now() + timedelta(days=10)
    eng.act(n, "supervise", "sup", level="county", authority="县综治中心", deadline=deadline)
    eng.act(n, "delist", "sup")
    eng.act(n, "extend", "sup", clock="assess", until=clock.now() + timedelta(days=2), reason="当事人外出")
    eng.dispatch()
    med2 = [m["title"] for m in eng.inbox("med2")]
    assert any(t.startswith("【案件指派】") for t in med2)
    assert any(t.startswith("【挂牌督办】") for t in med2) and any(t.startswith("【摘牌】") for t in med2)
    assert any(t.startswith("【延期】") for t in med2)
    lead = eng.inbox("lead")
    assert any(m["title"].startswith("【领导包案】") for m in lead)
    sup_body = next(m["body"] for m in lead if m["title"].startswith("【挂牌督办】"))
    assert "县综治中心" in sup_body and "县级挂牌" in sup_body


def test_daily_digest_once_per_supervisor_and_day(eng, clock, smtp):
    for _ in range(3):
        report(eng)
    clock.advance(days=3)
    assert eng.queue_digest() == 1  # one supervisor
    assert eng.queue_digest() == 0  # same local day: not again
    eng.dispatch()
    (digest,) = [m for m in eng.inbox("sup") if m["event"] == "digest"]
    assert digest["title"] == "【每日督办摘要】逾期事项3件"
    assert digest["body"].count("宅基地边界纠纷") == 3
    # due Wednesday 4 March 09:00, read on Friday 6 March: late by Thursday and Friday
    assert digest["body"].count("研判时限于2026-03-04 09:00到期，橙牌，逾期2个工作日") == 3
    assert any(m["Subject"] == "【每日督办摘要】逾期事项3件" for m in smtp.messages)
    clock.advance(days=1)
    assert eng.queue_digest() == 1


def test_inbox_contract(eng, clock):
    a = report(eng)
    clock.advance(minutes=5)
    b = report(eng)
    eng.dispatch()
    msgs = eng.inbox("med1")
    assert [m["case_number"] for m in msgs] == [b, a]  # newest first
    assert set(msgs[0]) == {"id", "event", "case_number", "title", "body", "created_at", "read_at"}
    assert msgs[0]["created_at"].utcoffset() == timedelta(0) and msgs[0]["read_at"] is None
    assert eng.unread_count("med1") == 2
    assert [m["case_number"] for m in eng.inbox("med1", limit=1, offset=1)] == [a]
    assert eng.mark_read("med1", [msgs[1]["id"]]) == 1
    assert eng.mark_read("med-mail", [msgs[0]["id"]]) == 0  # not theirs
    assert [m["case_number"] for m in eng.inbox("med1", unread_only=True)] == [b]
    assert eng.mark_read("med1") == 1 and eng.unread_count("med1") == 0
    assert eng.inbox("med1")[0]["read_at"] == clock.now()
    en = eng.inbox("med1", lang="en")[0]
    assert en["title"] == f"[New case] {b} 宅基地边界纠纷" and "Dear 调解员甲" in en["body"]


def test_operator_templates_override_in_the_sandbox(db_url, clock, smtp, hook, tmp_path):
    (tmp_path / "tpl" / "zh_CN").mkdir(parents=True)
    (tmp_path / "tpl" / "zh_CN" / "report.short.j2").write_text("有新案件 {{ case.number }}：{{ case.title }}",
                                                               encoding="utf-8")
    (tmp_path / "tpl" / "zh_CN" / "escalate.short.j2").write_text("{{ case.__class__.__mro__ }}", encoding="utf-8")
    e = Engine(notify_config(db_url, smtp, hook, template_dir=str(tmp_path / "tpl")), clock=clock)
    e.init()
    build_town(e)
    try:
        assert runtime_of(e).notifier.renderer.sandboxed
        n = report(e)
        e.dispatch()
        assert hook.requests[0][2]["text"] == f"有新案件 {n}：宅基地边界纠纷"
        assert e.inbox("med1")[0]["title"].startswith("【新登记】")  # other kinds keep the shipped template
        clock.advance(days=2)
        e.sweep()
        e.dispatch()
        errors = [r["last_error"] for r in listing(runtime_of(e), failed_only=True) if r["channel"] == "hook"]
        assert errors and all("SecurityError" in x or "UndefinedError" in x for x in errors)
    finally:
        e.close()


class Collect(Channel):
    kind = "collect"
    audience = "group"
    template = "short"

    def __init__(self, settings):
        super().__init__(settings)
        self.got = []

    def send(self, message):
        self.got.append(message)


def test_an_embedding_system_adds_its_own_channel_and_listens_after_commit(eng):
    ch = Collect({"events": ["assign"]})
    eng.add_channel(ch, name="host-app")
    other_village = Collect({"units": ["v2"]})
    eng.add_channel(other_village, name="v2-robot")
    heard = []
    eng.on("assign", heard.append)
    n = report(eng)
    eng.act(n, "assign", "sup", mediator="med1")
    eng.dispatch()
    assert other_village.got == []  # the case is in v1
    eng.report("med2", title="噪音扰民", category="neighbour", unit="v2", parties=PARTIES, source="visit")
    eng.dispatch()
    assert [m.event for m in other_village.got] == ["report"]
    assert [m.event for m in ch.got] == ["assign"] and ch.got[0].case_number == n
    assert "调解员甲" in ch.got[0].text and [o.number for o in heard] == [n]


def test_two_dispatchers_deliver_every_notification_exactly_once(eng, db_url, clock, smtp, hook):
    numbers = [report(eng) for _ in range(12)]
    others = [Engine(notify_config(db_url, smtp, hook), clock=clock) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def work(e):
        try:
            barrier.wait()
            while True:
                res = e.dispatch(limit=5)
                if res["claimed"] == 0 and res["routed"] == 0:
                    break
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(e,)) for e in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in others:
        e.close()
    assert errors == []
    rows = listing(runtime_of(eng), limit=1000)
    assert len(rows) == 12 * 4 and all(r["status"] == "sent" and r["attempts"] == 1 for r in rows)
    ids = [m["X-Disputeflow-Notification"] for m in smtp.messages]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sorted(b["case_number"] for _p, _h, b in hook.requests) == sorted(numbers)
    assert len(eng.inbox("med1", limit=100)) == 12 and len(eng.inbox("med-mail", limit=100)) == 12


def test_follow_up_due_and_closure_reach_the_mediator_in_their_language(eng, clock, smtp):
    eng.add_user("med-en", "Mediator Li", "mediator", "v1", email="li@example.org", lang="en")
    n = report(eng)
    eng.act(n, "assign", "sup", mediator="med-en")
    eng.act(n, "assess", "med-en", risk="low")
    eng.act(n, "inform", "med-en", informed_parties="双方当事人", method="oral")
    eng.act(n, "mediate", "med-en")
    eng.act(n, "resolve", "med-en", outcome="agreement", agreement="双方确认界址")
    clock.advance(days=6)  # the follow-up clock (7 days) passes 80 %
    assert [r["step"] for r in eng.sweep()] == ["warning"]
    eng.act(n, "follow_up", "med-en", method="visit", satisfaction="satisfied", performance="full")
    eng.act(n, "close", "sup")
    eng.dispatch()
    titles = [m["title"] for m in eng.inbox("med-en")]
    assert any(t.startswith("[Follow-up due]") for t in titles)
    assert any(t.startswith("[Closed]") for t in titles) and any(t.startswith("[Assigned]") for t in titles)
    mails = [m for m in smtp.messages if "li@example.org" in str(m["To"])]
    assert any(m["Subject"].startswith("[Follow-up due]") for m in mails)
    assert all("您好" not in m.get_body(("plain",)).get_content() for m in mails)
    # the same messages read in Chinese
    zh = [m["title"] for m in eng.inbox("med-en", lang="zh_CN")]
    assert any(t.startswith("【回访提醒】") for t in zh) and any(t.startswith("【办结销号】") for t in zh)


def test_a_dead_group_channel_is_tried_once_per_pass(eng, clock, hook):
    hook.stop()
    for _ in range(3):
        report(eng)
    res = eng.dispatch()
    hooks = [r for r in listing(runtime_of(eng), failed_only=True) if r["channel"] == "hook"]
    assert res["failed"] == 3 and len(hooks) == 3 and all(r["attempts"] == 1 for r in hooks)
    assert sum("not tried again in this pass" in r["last_error"] for r in hooks) == 2


def test_a_pass_over_its_time_budget_releases_what_it_did_not_try(db_url, clock, smtp, hook):
    e = Engine(notify_config(db_url, smtp, hook, claim_seconds=0), clock=clock)
    e.init()
    build_town(e)
    try:
        report(e)
        res = e.dispatch()
        assert res["released"] == 2 and res["sent"] == 0  # nothing sent after the budget ran out
        assert {r["status"] for r in listing(runtime_of(e))} == {"pending"}
        runtime_of(e).notifier.settings.claim_seconds = 300
        assert e.dispatch()["sent"] == 2
    finally:
        e.close()
