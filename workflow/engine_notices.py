"""The notification operations of :class:`disputeflow.Engine`: the in-app inbox, channels and delivery.

A part of the facade of its own because notices are written by every other
part but read, delivered and configured only here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import DispatchReport, InboxMessage

if TYPE_CHECKING:
    from disputeflow.notifications.channels.base import Channel
    from disputeflow.workflow.runtime import Runtime


def _actor_id(actor: str | Actor) -> str:
    return actor.id if isinstance(actor, Actor) else str(actor)


def _bound(actor: str | Actor) -> str | None:
    """The unit path a narrowed actor's inbox is limited to (see :attr:`Actor.bound`)."""
    return actor.bound if isinstance(actor, Actor) else None


class Notices:
    """Read and mark the inbox, add channels, queue the digest and deliver the outbox."""

    _rt: "Runtime"

    def inbox(self, actor: str | Actor, *, unread_only: bool = False, limit: int = 50, offset: int = 0,
              lang: str | None = None) -> list[InboxMessage]:
        """The actor's in-app messages, newest first.

        Each is ``{id, event, case_number, title, body, created_at, read_at}``
        (times aware UTC). With ``lang`` different from the language a message
        was stored in, it is rendered again in ``lang``.
        """
        from disputeflow.notifications import inbox

        me = _actor_id(actor)
        rows = inbox.messages(self._rt.store, me, unread_only=unread_only, limit=limit, offset=offset,
                              bound=_bound(actor))
        if lang:
            from disputeflow.notifications.render import normalise_lang

            want = normalise_lang(lang)
            other = [r["outbox_id"] for r in rows if normalise_lang(r["lang"]) != want]
            again = self._rt.notifier.render_for(other, want, user_id=me) if other else {}
            for r in rows:
                if r["outbox_id"] in again:
                    r["title"], r["body"] = again[r["outbox_id"]].subject, again[r["outbox_id"]].text
        return [InboxMessage(id=r["id"], event=r["event"], case_number=r["case_number"], title=r["title"],
                             body=r["body"], created_at=r["created_at"], read_at=r["read_at"]) for r in rows]

    def mark_read(self, actor: str | Actor, ids: list[int] | None = None) -> int:
        """Mark the actor's messages read (all when ``ids`` is None); returns how many changed."""
        from disputeflow.notifications import inbox

        return inbox.mark_read(self._rt.store, _actor_id(actor), ids, self._rt.clock.now(), _bound(actor))

    def unread_count(self, actor: str | Actor) -> int:
        """How many of the actor's inbox messages are unread (the badge on a host's menu)."""
        from disputeflow.notifications import inbox

        return inbox.unread_count(self._rt.store, _actor_id(actor), _bound(actor))

    def check_notifications(self) -> list[str]:
        """Build the channels and load the templates now; returns the channel names.

        Raises:
            ConfigError: a wrong ``[notifications]`` setting, an unknown channel kind or a missing channel setting.
        """
        return sorted(self._rt.notifier.channels)

    def add_channel(self, channel: Channel, *, name: str | None = None, everyone: bool = False) -> None:
        """Add a channel instance (a :class:`disputeflow.notifications.channels.base.Channel`) of the embedding system.

        A group channel receives every notification (or those its ``events``
        setting matches); a person channel is used for people configured to
        use it, or for everyone when ``everyone`` is true.
        """
        self._rt.add_channel(channel, name or channel.name, everyone)

    def queue_digest(self, now: datetime | None = None) -> int:
        """Queue the supervisors' daily digest of overdue items (one per supervisor with any); returns how many."""
        from disputeflow.workflow.digest import queue

        return queue(self._rt, now or self._rt.clock.now())

    def dispatch(self, now: datetime | None = None, limit: int = 100) -> DispatchReport:
        """Deliver pending notifications from the outbox (after commit, with retries)."""
        from disputeflow.notifications.dispatcher import dispatch

        return dispatch(self._rt, now or self._rt.clock.now(), limit)
