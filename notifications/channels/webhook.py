"""A generic JSON webhook: one POST per notification, optionally signed.

The document carries the event, case number, language, subject, text and the
masked rendering context. With a ``secret`` the body is signed with
HMAC-SHA256 in ``X-Disputeflow-Signature: sha256=<hex>`` so the receiver can
check where it came from.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from disputeflow.notifications.channels.base import Channel, Message
from disputeflow.notifications.channels.http import post_json


class WebhookChannel(Channel):
    kind = "webhook"
    audience = "group"
    template = "short"

    def __init__(self, settings: dict):
        super().__init__(settings)
        self.url = str(self.require("url"))
        self.secret = self.settings.get("secret")
        self.timeout = float(self.settings.get("timeout", 10))
        self.headers = dict(self.settings.get("headers") or {})

    def document(self, message: Message) -> dict:
        created = message.created_at.isoformat() if message.created_at is not None else None
        return {"event": message.event, "case_number": message.case_number, "lang": message.lang,
                "subject": message.subject, "text": message.text, "outbox_id": message.outbox_id,
                "created_at": created, "data": message.data}

    def send(self, message: Message) -> None:
        body = json.dumps(self.document(message), ensure_ascii=False, default=str).encode("utf-8")
        headers = dict(self.headers)
        if self.secret:
            sig = hmac.new(str(self.secret).encode(), body, hashlib.sha256).hexdigest()
            headers["X-Disputeflow-Signature"] = f"sha256={sig}"
        if message.outbox_id is not None:
            headers["X-Disputeflow-Delivery"] = f"{message.outbox_id}-{message.delivery_id}"
        post_json(self.url, {}, headers=headers, timeout=self.timeout, body=body)
