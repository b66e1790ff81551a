"""The development channel: writes each notification to the log."""

from __future__ import annotations

import logging

from disputeflow.notifications.channels.base import Channel, Message

log = logging.getLogger(__name__)


class LogChannel(Channel):
    kind = "log"
    audience = "group"
    template = "short"

    def send(self, message: Message) -> None:
        log.info("notification %s %s %s [%s]: %s", message.outbox_id, message.event, message.case_number or "",
                 message.lang, message.text)
