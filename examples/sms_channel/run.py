"""Find the SMS channel through its entry point and send a notice through a real HTTP gateway.

Run after installing the plug-in (``pip install ./examples/sms_channel``):
``python examples/sms_channel/run.py``. A small local HTTP server stands in for the
provider's gateway and records what it receives; the script prints one JSON document.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from importlib.metadata import entry_points
from dataclasses import replace

received: list[dict] = []


class Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        doc = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        received.append(doc)
        answer = {"code": 0} if doc["to"].startswith("1") else {"code": 40001, "msg": "bad number"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main() -> dict:
    from disputeflow import Message

    found = {ep.name: ep for ep in entry_points(group="disputeflow.channels")}
    channel_cls = found["sms"].load()
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        channel = channel_cls({"gateway_url": f"http://127.0.0.1:{server.server_port}/send",
                               "sign": "【双乳镇综治中心】"})
        # The dispatcher hands channels rendered messages like this one (tests/embedding/test_sms_plugin.py
        # sends through a real Engine.dispatch); ``recipient`` carries the phone to deliver to.
        notice = Message(event="escalate.level1", lang="zh_CN", subject="黄牌",
                                 text="双乳-2026-000035 化解时限已到期（黄牌），请尽快处理。",
                                 case_number="双乳-2026-000035", recipient={"phone": "13800000002"})
        channel.send(notice)
        refused = None
        try:
            channel.send(replace(notice, recipient={"phone": "02088886666"}))
        except Exception as exc:  # the dispatcher would record this and retry later
            refused = type(exc).__name__
    finally:
        server.shutdown()
    from disputeflow.notifications.channels.base import Channel

    return {"kinds": sorted(found), "is_channel": issubclass(channel_cls, Channel), "kind": channel_cls.kind,
            "accepts_without_phone": channel.accepts({}), "received": received, "refused": refused}


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
