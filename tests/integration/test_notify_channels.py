"""One contract suite for every notification channel, against real servers.

Each channel kind is driven through the same tests: it is registered under
the ``disputeflow.channels`` entry points, refuses missing settings, delivers
one rendered Chinese message exactly once, raises when its server is down or
refuses, and works again when the server is back.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import urllib.parse
from datetime import datetime, timezone
from importlib.metadata import entry_points

import pytest

from disputeflow.notifications import samples
from disputeflow.notifications.channels import GROUP, Channel, ChannelConfigError, Message, channel_class
from disputeflow.notifications.render import Renderer
from disputeflow.workflow.runtime import runtime_of
from tests.integration.notify_servers import HTTPServer, SMTPServer

T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)


def sample_message(template: str) -> Message:
    event, ctx = samples.context("escalate.level1", "zh_CN")
    out = Renderer().render(template, "zh_CN", event, ctx)
    return Message(event=event, lang="zh_CN", subject=out.subject, text=out.text, html=out.html,
                   case_number="试点-2026-000123", outbox_id=1, delivery_id=7, created_at=T0,
                   recipient={"id": "med1", "name": "调解员甲", "email": "med1@example.org"},
                   data={"case_number": "试点-2026-000123", "event": event})


class SMTPHarness:
    kind = "email"
    required = ("host", "sender")
    can_fail = True

    def __init__(self, tmp_path):
        self.server = SMTPServer().start()

    def settings(self):
        return {"host": "127.0.0.1", "port": self.server.port, "sender": "tiaojie@example.org", "timeout": 5}

    def received(self):
        return self.server.messages

    def down(self):
        self.server.stop()

    def up(self):
        self.server.start()

    def check(self, got, message):
        assert got["Subject"] == message.subject
        assert "调解员甲" in str(got["To"]) and "med1@example.org" in str(got["To"])
        text = got.get_body(("plain",)).get_content()
        html = got.get_body(("html",)).get_content()
        assert "黄牌" in text and "138****8000" in text and "13812348000" not in text
        assert "<html" in html and "黄牌" in html

    def close(self):
        self.server.stop()


class HTTPHarness:
    required = ("url",)
    can_fail = True
    path = "/hook"

    def __init__(self, tmp_path):
        self.server = HTTPServer().start()

    def settings(self):
        return {"url": self.server.url + self.path, "timeout": 5}

    def received(self):
        return self.server.requests

    def down(self):
        self.server.stop()

    def up(self):
        self.server.start()

    def close(self):
        self.server.stop()


class WebhookHarness(HTTPHarness):
    kind = "webhook"

    def settings(self):
        return {**super().settings(), "secret": "s3cret"}

    def check(self, got, message):
        path, headers, body = got
        assert body["subject"] == message.subject and body["case_number"] == "试点-2026-000123"
        assert body["event"] == "escalate.level1" and "138****8000" in body["text"]
        raw = __import__("json").dumps(body, ensure_ascii=False).encode()
        expect = hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
        assert headers["X-Disputeflow-Signature"] == f"sha256={expect}"


class WeComHarness(HTTPHarness):
    kind = "wecom"
    path = "/cgi-bin/webhook/send?key=abc"

    def check(self, got, message):
        path, _headers, body = got
        assert path == self.path
        assert body == {"msgtype": "text", "text": {"content": message.text}}
        assert message.text.startswith("【黄牌】")


class DingTalkHarness(HTTPHarness):
    kind = "dingtalk"
    path = "/robot/send?access_token=abc"

    def settings(self):
        return {**super().settings(), "secret": "SEC123"}

    def check(self, got, message):
        path, _headers, body = got
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        assert q["access_token"] == ["abc"] and q["timestamp"][0].isdigit() and q["sign"][0]
        assert body["msgtype"] == "text" and body["text"]["content"] == message.text


class InboxHarness:
    kind = "inbox"
    required = ("store",)
    can_fail = False

    def __init__(self, tmp_path):
        from disputeflow import Engine

        self.engine = Engine(f"sqlite:///{tmp_path / 'inbox.db'}")
        self.engine.init()
        with runtime_of(self.engine).store.write() as tx:
            tx.execute("INSERT INTO outbox (created_at, event, audience, payload, status, attempts, next_attempt_at) "
                       "VALUES (:t, 'escalate.level1', '[]', '{}', 'routed', 1, :t)", {"t": tx.t(T0)})

    def settings(self):
        return {"store": runtime_of(self.engine).store}

    def received(self):
        return self.engine.inbox("med1")

    def check(self, got, message):
        assert got["title"] == message.subject and got["body"] == message.text
        assert got["created_at"] == T0 and got["read_at"] is None

    def close(self):
        self.engine.close()


class LogHarness:
    kind = "log"
    required = ()
    can_fail = False

    def __init__(self, tmp_path):
        self.records = []
        self.handler = logging.Handler()
        self.handler.emit = self.records.append
        logging.getLogger("disputeflow.notifications.channels.log").addHandler(self.handler)
        logging.getLogger("disputeflow.notifications.channels.log").setLevel(logging.INFO)

    def settings(self):
        return {}

    def received(self):
        return self.records

    def check(self, got, message):
        assert message.text in got.getMessage()

    def close(self):
        logging.getLogger("disputeflow.notifications.channels.log").removeHandler(self.handler)


HARNESSES = [SMTPHarness, WebhookHarness, WeComHarness, DingTalkHarness, InboxHarness, LogHarness]


@pytest.fixture(params=HARNESSES, ids=lambda h: h.kind)
def harness(request, tmp_path):
    h = request.param(tmp_path)
    yield h
    h.close()


def build(h) -> Channel:
    return channel_class(h.kind)({**h.settings(), "name": h.kind})


def _declared_channels() -> dict[str, str]:
    """The built-in channels: ``name -> object`` of the entry point group in setup.cfg."""
    from tests.conftest import setup_cfg

    lines = [line.strip() for line in setup_cfg()["options.entry_points"][GROUP].splitlines() if line.strip()]
    return dict((part.strip() for part in line.split("=", 1)) for line in lines)


def test_every_builtin_kind_is_covered_by_this_suite():
    """Every channel this project registers (setup.cfg, and the installed entry points) has a harness here."""
    declared = _declared_channels()
    installed = {ep.name: ep.value for ep in entry_points(group=GROUP) if ep.dist and ep.dist.name == "disputeflow"}
    covered = {h.kind for h in HARNESSES}
    assert len(declared) >= 6
    assert set(declared) <= covered, f"built-in channels without a harness here: {sorted(set(declared) - covered)}"
    assert set(installed) <= covered, f"installed channels without a harness here: {sorted(set(installed) - covered)}"
    assert covered <= set(declared), f"harnesses for channels that are not built in: {sorted(covered - set(declared))}"
    assert installed == declared, "install the package (pip install -e .) to register the entry points of setup.cfg"


def test_registered_under_the_entry_point_group(harness):
    (ep,) = [ep for ep in entry_points(group=GROUP) if ep.name == harness.kind]
    cls = ep.load()
    assert issubclass(cls, Channel) and cls.kind == harness.kind and cls is channel_class(harness.kind)
    assert cls.audience in ("person", "group") and cls.template in ("short", "text", "email")


def test_missing_settings_are_refused(harness):
    for key in harness.required:
        settings = {k: v for k, v in harness.settings().items() if k != key}
        with pytest.raises(ChannelConfigError):
            channel_class(harness.kind)(settings)


def test_delivers_one_message(harness):
    ch = build(harness)
    msg = sample_message(ch.template)
    ch.send(msg)
    ch.close()
    got = harness.received()
    assert len(got) == 1
    harness.check(got[0], msg)


def test_fails_loudly_while_down_and_recovers(harness):
    if not harness.can_fail:
        pytest.skip(f"the {harness.kind} channel has no remote end to lose")
    ch = build(harness)
    msg = sample_message(ch.template)
    harness.down()
    with pytest.raises(Exception):
        ch.send(msg)
    assert harness.received() == []
    harness.up()
    ch.send(msg)
    ch.close()
    assert len(harness.received()) == 1


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
def test_robot_error_code_is_a_failure(kind):
    server = HTTPServer().start()
    server.reply = {"errcode": 310000, "errmsg": "keywords not in content"}
    try:
        ch = channel_class(kind)({"url": server.url + "/send", "timeout": 5})
        with pytest.raises(Exception, match="310000"):
            ch.send(sample_message("short"))
    finally:
        server.stop()


def test_webhook_500_is_a_failure():
    server = HTTPServer().start()
    server.status = 500
    try:
        ch = channel_class("webhook")({"url": server.url + "/hook", "timeout": 5})
        with pytest.raises(Exception, match="HTTP 500"):
            ch.send(sample_message("short"))
    finally:
        server.stop()


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(LookupError, match="wecom"):
        channel_class("carrier-pigeon")
