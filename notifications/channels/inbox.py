"""The in-app inbox: messages stored in the database for the CLI and the web to read.

The store is handed in by the dispatcher (``settings["store"]``). The insert is
idempotent on ``(outbox_id, user_id)``, so a delivery retried after a crash
between send and mark never shows twice. Like the e-mail channel's SMTP
connection, the database connection is kept for a dispatch pass and given
back by ``close()``.
"""

from __future__ import annotations

from disputeflow.cases import inbox_store
from disputeflow.notifications.channels.base import Channel, ChannelConfigError, Message


class InboxChannel(Channel):
    kind = "inbox"
    audience = "person"
    template = "text"

    def __init__(self, settings: dict):
        super().__init__(settings)
        self.store = settings.get("store")
        if self.store is None:
            raise ChannelConfigError("the inbox channel needs the engine's store")
        self.postbox = inbox_store.Postbox(self.store)

    def send(self, message: Message) -> None:
        self.postbox.add(message.recipient["id"], message.outbox_id, message.event, message.case_number,
                         message.lang, message.subject, message.text, message.created_at)

    def close(self) -> None:
        self.postbox.close()
