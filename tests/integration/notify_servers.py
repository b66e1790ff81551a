"""Real servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP server.

Both run in the test process on 127.0.0.1 and record what they receive. The
HTTP server answers with a programmable status and body, and either server can
be stopped and started again on the same port to play an outage.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """aiosmtpd on a fixed local port; ``messages`` are parsed ``email.message.EmailMessage`` objects."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list = []
        self.envelopes: list = []
        self.reply = "250 OK"
        self._controller = None

    def start(self) -> "SMTPServer":
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):
                if server.reply.startswith("250"):
                    server.envelopes.append(envelope)
                    server.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                                    policy=email.policy.default))
                return server.reply

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class HTTPServer:
    """A JSON-accepting HTTP server; ``requests`` holds ``(path, headers, parsed body)``."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.requests: list[tuple[str, dict, object]] = []
        self.status = 200
        self.delay = 0.0  # seconds to wait before answering (a slow receiver)
        self.reply: dict = {"errcode": 0, "errmsg": "ok"}
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "HTTPServer":
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if outer.delay:
                    time.sleep(outer.delay)
                status = outer.status
                if status == 200:
                    with outer._lock:
                        outer.requests.append((self.path, dict(self.headers), json.loads(raw.decode("utf-8"))))
                body = json.dumps(outer.reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
