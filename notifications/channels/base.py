"""The channel contract: what every notification channel implements.

A channel is built once per dispatcher from its settings (the ``[notifications.channels.NAME]``
table of the config, with environment overrides) and is then handed rendered
messages. ``send`` returns when the message was accepted and raises on any
failure; the dispatcher records the error, backs off and retries, and never
calls ``send`` twice for one delivery that succeeded.

``audience`` says whom a channel addresses: ``"person"`` channels get one
message per recipient (in-app inbox, e-mail), ``"group"`` channels one message
per notification (webhooks, group robots, the development log).
``template`` says which template kind the channel needs: ``"short"`` (one short
text, for robots and SMS), ``"text"`` (subject and plain body: the inbox) or
``"email"`` (subject, plain text and HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


class ChannelError(Exception):
    """A channel could not deliver a message (the dispatcher retries it)."""


class ChannelConfigError(ValueError):
    """A channel's settings are missing or wrong; raised when the channel is built."""


@dataclass
class Message:
    """One rendered notification for one channel (and, for person channels, one recipient).

    ``data`` holds the masked rendering context (case number, event, step …) for
    channels that send structured documents (the generic JSON webhook).
    """

    event: str
    lang: str
    subject: str
    text: str
    html: str | None = None
    case_number: str | None = None
    outbox_id: int | None = None
    delivery_id: int | None = None
    created_at: Any = None
    recipient: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


class Channel:
    """Base class of every channel plug-in (entry-point group ``disputeflow.channels``).

    Args:
        settings: the channel's configuration; subclasses read what they need in
            ``__init__`` and raise :class:`ChannelConfigError` for a missing key.
    """

    kind: ClassVar[str] = ""
    audience: ClassVar[str] = "group"
    template: ClassVar[str] = "short"

    def __init__(self, settings: dict):
        self.settings = dict(settings)
        self.name = str(self.settings.get("name") or self.kind)

    def accepts(self, recipient: dict[str, Any]) -> bool:
        """Whether a person channel can reach ``recipient`` (e.g. has an e-mail address)."""
        return True

    def send(self, message: Message) -> None:  # pragma: no cover - the contract
        raise NotImplementedError

    def close(self) -> None:
        """Release connections kept between messages (called at the end of a dispatch pass)."""

    def require(self, key: str) -> Any:
        value = self.settings.get(key)
        if value in (None, ""):
            raise ChannelConfigError(f"channel {self.name} ({self.kind}) needs the setting {key!r}")
        return value
