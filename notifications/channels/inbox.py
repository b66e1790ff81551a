"""The in-app inbox: messages stored in the database for the CLI and the web to read.

The store is handed in by the dispatcher (``settings["store"]``). The insert is
idempotent on ``(outbox_id, user_id)``, so a delivery retried after a crash
between send and mark never shows twice.
"""

from __future__ import annotations

from disputeflow.notifications.channels.base import Channel, ChannelConfigError, Message

_INSERT = ("INSERT INTO inbox (user_id, outbox_id, event, case_number, lang, title, body, created_at, read_at) "
           "VALUES (:user_id, :outbox_id, :event, :case_number, :lang, :title, :body, :created_at, NULL) "
           "ON CONFLICT (outbox_id, user_id) DO NOTHING")


class InboxChannel(Channel):
    kind = "inbox"
    audience = "person"
    template = "text"

    def __init__(self, settings: dict):
        super().__init__(settings)
        self.store = settings.get("store")
        if self.store is None:
            raise ChannelConfigError("the inbox channel needs the engine's store")

    def send(self, message: Message) -> None:
        with self.store.write() as tx:
            tx.execute(_INSERT, {
                "user_id": message.recipient["id"], "outbox_id": message.outbox_id, "event": message.event,
                "case_number": message.case_number, "lang": message.lang, "title": message.subject[:300],
                "body": message.text, "created_at": tx.t(message.created_at),
            })
