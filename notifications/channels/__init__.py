"""Notification channels as plug-ins, found through the ``disputeflow.channels`` entry points.

Each kind is a :class:`~disputeflow.notifications.channels.base.Channel` subclass. The
built-in kinds are known without the entry points too, so a source checkout
that was never installed still works; an embedding system adds its own with
``engine.add_channel``. An unknown kind raises ``LookupError`` naming the known ones.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from disputeflow.notifications.channels.base import Channel, ChannelConfigError, ChannelError, Message

GROUP = "disputeflow.channels"

BUILTIN = {
    "inbox": "disputeflow.notifications.channels.inbox:InboxChannel",
    "email": "disputeflow.notifications.channels.email:EmailChannel",
    "webhook": "disputeflow.notifications.channels.webhook:WebhookChannel",
    "wecom": "disputeflow.notifications.channels.robots:WeComRobotChannel",
    "dingtalk": "disputeflow.notifications.channels.robots:DingTalkRobotChannel",
    "log": "disputeflow.notifications.channels.log:LogChannel",
}

__all__ = ["Channel", "ChannelConfigError", "ChannelError", "Message", "channel_class", "known_kinds"]


def known_kinds() -> list[str]:
    return sorted(set(BUILTIN) | {ep.name for ep in entry_points(group=GROUP)})


def channel_class(kind: str) -> type[Channel]:
    """The class registered for ``kind`` (entry points first, then the built-ins).

    Raises:
        LookupError: no channel of that kind is installed.
    """
    for ep in entry_points(group=GROUP):
        if ep.name == kind:
            return ep.load()
    target = BUILTIN.get(kind)
    if target is None:
        raise LookupError(f"no notification channel of kind {kind!r}; known: {', '.join(known_kinds())}")
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)
