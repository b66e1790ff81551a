"""An SMS gateway channel for disputeflow, registered by entry point.

The gateway is any HTTP endpoint that takes ``{"to": ..., "sign": ..., "text": ...}``
as JSON and answers ``{"code": 0}`` when it accepted the message — the shape most
Chinese SMS providers use, behind their own signing. ``send`` raises on any
failure; the dispatcher retries with backoff and keeps the error.

Settings (``[notifications.channels.sms]`` in the configuration)::

    gateway_url = "https://sms.example.gov.cn/api/send"
    sign = "【双乳镇综治中心】"      # the registered SMS signature (短信签名)
    timeout = 5
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Mapping

from disputeflow import Channel, ChannelError, Message

MAX_LENGTH = 300  # long SMS are split by the operator's network; keep notices short


class SmsGatewayError(ChannelError):
    """The gateway refused the message or could not be reached."""


class SmsChannel(Channel):
    """Send each notification as one text message to the recipient's mobile phone."""

    kind = "sms"
    audience = "person"   # one message per recipient
    template = "short"    # the one-line rendering of the notification

    def __init__(self, settings: Mapping[str, Any]) -> None:
        super().__init__(settings)
        url = settings.get("gateway_url")
        if not url:
            raise ValueError("sms channel: gateway_url is required")
        self.url = str(url)
        self.sign = str(settings.get("sign", ""))
        self.timeout = float(settings.get("timeout", 5))

    def accepts(self, recipient: dict[str, Any]) -> bool:
        return bool(recipient.get("phone"))

    def send(self, message: Message) -> None:
        """Post ``message`` to the gateway, addressed to ``message.recipient["phone"]``.

        The phone is the delivery address the dispatcher hands a person channel; the
        text is the masked one-line rendering, cut to :data:`MAX_LENGTH`.
        """
        phone = message.recipient.get("phone")
        if not phone:
            raise SmsGatewayError("recipient has no mobile phone number")
        text = (message.text or message.subject or "").strip()
        body = json.dumps({"to": phone, "sign": self.sign, "text": text[:MAX_LENGTH]},
                          ensure_ascii=False).encode()
        req = urllib.request.Request(self.url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                answer = json.loads(resp.read() or b"{}")
        except OSError as exc:
            raise SmsGatewayError(f"gateway unreachable: {exc}") from exc
        if answer.get("code") != 0:
            raise SmsGatewayError(f"gateway refused the message: {answer}")
