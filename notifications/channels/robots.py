"""Group-robot webhooks of WeCom (企业微信) and DingTalk (钉钉).

Both take a text message as JSON and answer HTTP 200 with ``errcode``; a
non-zero code (bad key, rate limit, keyword missing) is a failure to retry.
DingTalk's "加签" security appends ``timestamp`` and ``sign`` (HMAC-SHA256 of
``timestamp\\nsecret``, Base64, URL-encoded) to the URL when a secret is set.
Phones are never put in ``mentioned_mobile_list`` / ``atMobiles``: the group
sees only the masked text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

from disputeflow.notifications.channels.base import Channel, Message
from disputeflow.notifications.channels.http import post_json, robot_reply


class WeComRobotChannel(Channel):
    kind = "wecom"
    audience = "group"
    template = "short"

    def __init__(self, settings: dict):
        super().__init__(settings)
        self.url = str(self.require("url"))
        self.timeout = float(self.settings.get("timeout", 10))
        self.mention_all = bool(self.settings.get("mention_all", False))

    def document(self, message: Message) -> dict:
        text: dict = {"content": message.text}
        if self.mention_all:
            text["mentioned_list"] = ["@all"]
        return {"msgtype": "text", "text": text}

    def send(self, message: Message) -> None:
        robot_reply(post_json(self.url, self.document(message), timeout=self.timeout), "wecom robot")


class DingTalkRobotChannel(Channel):
    kind = "dingtalk"
    audience = "group"
    template = "short"

    def __init__(self, settings: dict):
        super().__init__(settings)
        self.url = str(self.require("url"))
        self.secret = self.settings.get("secret")
        self.timeout = float(self.settings.get("timeout", 10))

    def signed_url(self, now_ms: int | None = None) -> str:
        if not self.secret:
            return self.url
        ts = str(now_ms if now_ms is not None else int(time.time() * 1000))
        digest = hmac.new(str(self.secret).encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}timestamp={ts}&sign={sign}"

    def document(self, message: Message) -> dict:
        return {"msgtype": "text", "text": {"content": message.text}, "at": {"isAtAll": False}}

    def send(self, message: Message) -> None:
        robot_reply(post_json(self.signed_url(), self.document(message), timeout=self.timeout), "dingtalk robot")
