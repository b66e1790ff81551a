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
from datetime import datetime
from typing import Any, ClassVar, Mapping


class ChannelError(Exception):
    """A channel could not deliver a message (the dispatcher retries it)."""


class ChannelConfigError(ValueError):
    """A channel's settings are missing or wrong; raised when the channel is built."""


@dataclass
class Message:
    """One rendered notification for one channel (and, for person channels, one recipient).

    Attributes:
        event: what happened (``assign``, ``escalate.level1`` …).
        lang: the language it was rendered in (the recipient's, or the channel's ``lang`` setting).
        subject: a one-line subject; ``text`` the plain body; ``html`` the HTML body (``email`` template only).
        case_number: the case it is about (None for notices about a unit).
        outbox_id: the outbox row it was rendered from; ``delivery_id`` the delivery being attempted
            (a channel may pass it to its provider to drop duplicates).
        created_at: when the event was committed.
        recipient: where a person channel delivers, empty for a group channel: ``id``, ``name``,
            ``role``, ``email``, ``phone`` and ``lang`` of the user (None when unknown). These
            are delivery addresses, not text for the body: what is rendered (``subject``,
            ``text``, ``html``, ``data``) is masked, parties' phones and identity numbers included.
        data: the masked rendering context (case number, event, step …) for channels that
            send structured documents (the generic JSON webhook).
    """

    event: str
    lang: str
    subject: str
    text: str
    html: str | None = None
    case_number: str | None = None
    outbox_id: int | None = None
    delivery_id: int | None = None
    created_at: datetime | None = None
    recipient: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


class Channel:
    """Base class of every channel plug-in (entry-point group ``disputeflow.channels``).

    A subclass sets ``kind`` (its name in configuration), ``audience`` (``"person"``:
    one message per recipient, whose address is in ``message.recipient``; ``"group"``:
    one per notification) and ``template`` (``"short"``, ``"text"`` or ``"email"``), and
    implements :meth:`send`. Add an instance with ``engine.add_channel(channel)``, or
    register the class under the entry-point group so configuration can name its kind.

    Args:
        settings: the channel's configuration; subclasses read what they need in
            ``__init__`` and raise :class:`ChannelConfigError` for a missing key.
    """

    kind: ClassVar[str] = ""
    audience: ClassVar[str] = "group"
    template: ClassVar[str] = "short"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings: dict[str, Any] = dict(settings)
        self.name: str = str(self.settings.get("name") or self.kind)

    def accepts(self, recipient: dict[str, Any]) -> bool:
        """Whether a person channel can reach ``recipient`` (e.g. has an e-mail address)."""
        return True

    def send(self, message: Message) -> None:  # pragma: no cover - the contract
        """Deliver ``message``; return when it was accepted, raise (:class:`ChannelError`) on any failure."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections kept between messages (called at the end of a dispatch pass)."""

    def require(self, key: str) -> Any:
        """The setting ``key``; :class:`ChannelConfigError` when it is missing or empty."""
        value = self.settings.get(key)
        if value in (None, ""):
            raise ChannelConfigError(f"channel {self.name} ({self.kind}) needs the setting {key!r}")
        return value
