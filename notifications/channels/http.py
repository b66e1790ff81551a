"""One small JSON-over-HTTP POST for the webhook channels (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from disputeflow.notifications.channels.base import ChannelError


def post_json(url: str, doc: dict, *, headers: dict | None = None, timeout: float = 10.0,
              body: bytes | None = None) -> bytes:
    """POST ``doc`` as UTF-8 JSON; return the response body.

    Raises:
        ChannelError: the server is unreachable, timed out or answered outside 2xx.
    """
    data = body if body is not None else json.dumps(doc, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code} from {_host(url)}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ChannelError(f"cannot reach {_host(url)}: {reason}") from None


def _host(url: str) -> str:
    """The URL without its query (robot keys and signatures live there and stay out of logs)."""
    return url.split("?", 1)[0]


def robot_reply(raw: bytes, where: str) -> None:
    """Group robots answer 200 with ``{"errcode": N}``; anything but 0 is a failure."""
    try:
        doc = json.loads(raw or b"{}")
    except ValueError:
        raise ChannelError(f"{where}: unreadable reply") from None
    code = doc.get("errcode", 0)
    if code not in (0, "0"):
        raise ChannelError(f"{where}: errcode {code} {doc.get('errmsg', '')}".strip())
