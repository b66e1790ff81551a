"""The example SMS plug-in sends through a real ``Engine.dispatch`` to a real HTTP gateway on loopback.

The host adds the channel with the public ``engine.add_channel``; a reported case's
notice goes to the village's mediators; the dispatcher hands the channel each
mediator's phone in ``message.recipient`` (the delivery address) and a body in which
the parties' particulars are masked. A mediator without a phone gets no SMS; a
number the gateway refuses is recorded as a failed delivery to retry, not lost.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from disputeflow import Channel, Engine, FixedClock, Message

ROOT = Path(__file__).resolve().parents[2]
PARTY_PHONE = "13812348000"


class Gateway(BaseHTTPRequestHandler):
    """An SMS provider's HTTP API: accepts mobile numbers (starting with 1), refuses the rest."""

    received: list[dict] = []

    def do_POST(self) -> None:
        doc = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(doc)
        answer = {"code": 0} if doc["to"].startswith("1") else {"code": 40001, "msg": "bad number"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), type("RecordingGateway", (Gateway,), {"received": []}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def sms_class(monkeypatch):
    """The example plug-in's class, imported from its folder as an installed plug-in would be."""
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "sms_channel"))
    sys.modules.pop("disputeflow_sms", None)
    from disputeflow_sms import SmsChannel

    return SmsChannel


def test_the_sms_plugin_gets_the_phone_and_a_masked_body_through_dispatch(db_url, gateway, sms_class):
    assert issubclass(sms_class, Channel)
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    engine = Engine(db_url, clock=clock)
    try:
        engine.init()
        engine.add_unit("t1", "试点镇", "town")
        engine.add_unit("v1", "甲村", "village", "t1")
        engine.add_unit("g1", "甲村第1网格", "grid", "v1")
        engine.add_user("go", "网格员小王", "grid_officer", "g1", phone="13800000001")
        engine.add_user("med1", "调解员甲", "mediator", "v1", phone="13800000002")
        engine.add_user("med2", "调解员乙", "mediator", "v1")                      # no phone: no SMS
        engine.add_user("med3", "调解员丙", "mediator", "v1", phone="020-88886666")  # the gateway refuses it
        url = f"http://127.0.0.1:{gateway.server_port}/send"
        seen: list[Message] = []

        class WatchedSms(sms_class):  # the plug-in unchanged; what the dispatcher hands it is kept to look at
            def send(self, message: Message) -> None:
                seen.append(message)
                super().send(message)

        engine.add_channel(WatchedSms({"name": "sms", "gateway_url": url, "sign": "【试点镇综治中心】"}), everyone=True)
        number = engine.report("go", title=f"张三（{PARTY_PHONE}）与李四宅基地边界纠纷", category="neighbour",
                               unit="g1", source="grid",
                               parties=[{"name": "张三", "role": "applicant", "phone": PARTY_PHONE},
                                        {"name": "李四", "role": "respondent"}]).number

        report = engine.dispatch()

        received = {doc["to"]: doc for doc in gateway.RequestHandlerClass.received}
        assert set(received) == {"13800000002", "020-88886666"}  # med1 and med3; med2 has no phone
        sms = received["13800000002"]
        assert sms["sign"] == "【试点镇综治中心】"
        assert number in sms["text"] and "宅基地边界纠纷" in sms["text"]
        assert PARTY_PHONE not in sms["text"]          # the rendered text stays masked
        assert "138****8000" in sms["text"]
        to_med1 = next(m for m in seen if m.recipient.get("id") == "med1")
        assert to_med1.recipient == {"id": "med1", "name": "调解员甲", "role": "mediator", "email": None,
                                     "phone": "13800000002", "lang": "zh_CN"}
        assert to_med1.case_number == number and to_med1.text == sms["text"]
        assert PARTY_PHONE not in json.dumps(to_med1.data, ensure_ascii=False, default=str)
        assert report["sent"] >= 1 and report["failed"] == 1 and report["dead"] == 0

        # the refused delivery is retried after its back-off, and only it: med1's SMS is not sent twice
        gateway.RequestHandlerClass.received.clear()
        clock.advance(hours=2)
        again = engine.dispatch()
        assert [doc["to"] for doc in gateway.RequestHandlerClass.received] == ["020-88886666"]
        assert again["failed"] == 1 and again["sent"] == 0
    finally:
        engine.close()

