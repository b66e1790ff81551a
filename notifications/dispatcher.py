"""Deliver outbox rows after commit: fan out, claim, render, send, mark — exactly once each.

Two stages, both safe with any number of dispatchers on one database:

1. **Fan-out.** Each pending outbox row becomes one delivery per recipient and
   channel; person channels (inbox, e-mail) get one per person, group channels
   (webhooks, robots, the log) one per row. The people behind role and unit
   tokens are looked up here, at the first dispatch pass after the event (see
   :mod:`disputeflow.notifications.recipients`).
2. **Delivery.** Due deliveries are claimed; only the claimer renders and
   sends, and marks the result under its own claim. A failure is retried with
   exponential backoff until ``max_attempts``, then the delivery is ``dead``
   until an operator retries it.

The records and what keeps them exactly-once under concurrent dispatchers
(locks, the unique routing key, conditional claims) are
:mod:`disputeflow.cases.deliveries`; this module holds the rules. Rendering
happens here, never in the command's transaction.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from disputeflow.cases import deliveries
from disputeflow.cases.message_facts import facts
from disputeflow.notifications.channels import Channel, ChannelError, Message, channel_class
from disputeflow.notifications.context import ContextBuilder
from disputeflow.notifications.recipients import resolve_all
from disputeflow.notifications.render import Renderer
from disputeflow.notifications.settings import NotifySettings

if TYPE_CHECKING:
    from disputeflow.workflow.results import DispatchReport

log = logging.getLogger(__name__)

MAX_ATTEMPTS = NotifySettings().max_attempts


class Dispatcher:
    """The channels, templates and retry policy of one engine.

    Args:
        engine: the engine facade (its ``store``, ``definition`` and ``policy`` are used).
        settings: the ``[notifications]`` settings.
        extra: channels an embedding system added (name → instance).
    """

    def __init__(self, engine, settings: NotifySettings, extra: dict[str, Channel] | None = None,
                 renderer: Renderer | None = None):
        self.engine = engine
        self.store = engine.store
        self.settings = settings
        self.renderer = renderer or Renderer(settings.template_dir)
        self.channels: dict[str, Channel] = {}
        for name, conf in settings.channels.items():
            conf = dict(conf)
            if conf["kind"] == "inbox":
                conf["store"] = self.store
            self.channels[name] = channel_class(conf["kind"])(conf)
        self.channels.update(extra or {})
        self.me = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        # Set when the process is asked to stop (the scheduler's SIGTERM): the send in hand finishes,
        # what is claimed and not yet tried is released, nothing more is claimed; all of it stays queued.
        self.stopping = threading.Event()
        self._asked = None  # the host's people of the delivery pass in hand

    # ------------------------------------------------------------------ fan-out

    def fan_out(self, now: datetime, limit: int | None = None) -> int:
        """Turn pending outbox rows into deliveries; returns how many rows were routed."""
        with deliveries.routing(self.store, now, limit or self.settings.batch) as batch:
            audiences = resolve_all(batch.people, [row.audience for row in batch.rows], self._host(batch.people.unit))
            for row, people in zip(batch.rows, audiences):
                for person in people:
                    for name in self.settings.person_channels_for(person["id"], person["role"]):
                        ch = self.channels.get(name)
                        if ch is None or ch.audience != "person" or not ch.accepts(person):
                            continue
                        batch.add(row.id, person["id"], name, ch.kind, person["lang"] or "zh_CN")
                for name, ch in self.channels.items():
                    if ch.audience == "group" and self._group_wants(ch, row.event, row.unit_path):
                        batch.add(row.id, "*", name, ch.kind, ch.settings.get("lang") or self.engine.lang)
        return len(batch.rows)

    @staticmethod
    def _group_wants(ch: Channel, event: str, unit_path: str | None) -> bool:
        """A group channel's ``events`` patterns (default all) and ``units`` (cases under those units only)."""
        patterns = ch.settings.get("events") or ["*"]
        if not any(fnmatch.fnmatchcase(event, p) for p in patterns):
            return False
        units = ch.settings.get("units")
        if not units:
            return True
        return unit_path is not None and any(f"/{u}/" in unit_path for u in units)

    def _host(self, unit):
        """The host's people for one pass (answers kept for the pass only), or None without a resolver."""
        from disputeflow.workflow.identities import asked

        return asked(self.store, unit)

    # ------------------------------------------------------------------ delivery

    def claim(self, now: datetime, limit: int) -> list[int]:
        return deliveries.claim(self.store, self.me, now, now + timedelta(seconds=self.settings.claim_seconds), limit)

    def deliver(self, now: datetime, limit: int | None = None) -> dict:
        """Claim due deliveries and send them; returns counts.

        Two guards keep a slow or dead server from doing harm: a group channel
        (one URL for every message) that failed is not tried again in the same
        pass — its other deliveries are recorded as failed with the same error
        and back off; and the pass stops sending after half the claim time
        (wall clock), releasing what it has not tried, so that no claim can
        expire while its owner might still send.
        """
        ids = [] if self.stopping.is_set() else self.claim(now, limit or self.settings.batch)
        sent = failed = dead = released = 0
        if not ids:
            return {"claimed": 0, "sent": 0, "failed": 0, "dead": 0, "released": 0}
        budget_ends = time.monotonic() + self.settings.claim_seconds / 2
        builder = ContextBuilder(self.engine, self.settings.base_url)
        items = deliveries.claimed(self.store, ids)
        self._asked = self._host(lambda uid: deliveries.unit_of(self.store, uid))
        with facts(self.store) as known:
            builder.load(known, [it.notice for it in items])
        down: dict[str, str] = {}
        try:
            with deliveries.results(self.store, self.me) as results:
                for i, item in enumerate(items):
                    if self.stopping.is_set():
                        released = results.release([it.id for it in items[i:]])
                        log.info("stopping: released %d deliveries not yet sent", released)
                        break
                    if time.monotonic() > budget_ends:
                        released = results.release([it.id for it in items[i:]])
                        log.warning("dispatch pass over its time budget: released %d deliveries", released)
                        break
                    error = self._send(item, builder, down)
                    if error is None:
                        results.sent(item.id, now)
                        sent += 1
                        continue
                    tries = item.attempts + 1
                    is_dead = tries >= self.settings.max_attempts
                    results.failed(item.id, tries, error, now + timedelta(seconds=self.settings.backoff(tries)),
                                   is_dead)
                    dead += is_dead
                    failed += 1
        finally:
            for ch in self.channels.values():
                try:
                    ch.close()
                except Exception:
                    log.exception("closing channel %s failed", ch.name)
        return {"claimed": len(ids), "sent": sent, "failed": failed, "dead": dead, "released": released}

    def _send(self, item: deliveries.DueDelivery, builder: ContextBuilder, down: dict[str, str]) -> str | None:
        """Render and send one delivery; the error to record, or None when it was sent.

        A group channel that failed with a :class:`ChannelError` is put in ``down``
        and not tried again in this pass.
        """
        if item.channel in down:
            return f"{down[item.channel]} (not tried again in this pass)"
        ch = self.channels.get(item.channel)
        notice = item.notice
        try:
            if ch is None:
                raise LookupError(f"channel {item.channel} is no longer configured")
            person = {"id": item.recipient, **item.addressee._asdict()} if item.recipient != "*" else {}
            if person and person["name"] is None and self._asked is not None:
                person = {**person, **(self._asked.person(item.recipient) or {})}  # one of the host's people
            ctx = builder.context(notice.id, item.lang, person or None)
            out = self.renderer.render(ch.template, item.lang, notice.event, ctx)
            ch.send(Message(event=notice.event, lang=ctx["lang"], subject=out.subject, text=out.text,
                            html=out.html, case_number=notice.case_number, outbox_id=notice.id,
                            delivery_id=item.id, created_at=notice.created_at, recipient=person,
                            data=_public(ctx)))
        except Exception as exc:  # one failing channel or template must not stop the others
            error = f"{type(exc).__name__}: {exc}"[:450]
            log.warning("delivery %s (%s to %s) failed: %s", item.id, item.channel, item.recipient, error)
            if isinstance(exc, ChannelError) and ch is not None and ch.audience == "group":
                down[item.channel] = error
            return error
        return None

    def run(self, now: datetime, limit: int | None = None) -> DispatchReport:
        """Fan out what is new, then deliver everything due, ``limit`` rows per transaction.

        A failed delivery is rescheduled into the future, so the loop ends; so
        does it, after the send in hand, once :attr:`stopping` is set.
        """
        limit = limit or self.settings.batch
        routed = 0
        while not self.stopping.is_set():
            n = self.fan_out(now, limit)
            routed += n
            if n < limit:
                break
        total = {"claimed": 0, "sent": 0, "failed": 0, "dead": 0, "released": 0}
        while True:
            res = self.deliver(now, limit)
            for k in total:
                total[k] += res[k]
            if res["claimed"] < limit or res["released"] or self.stopping.is_set():
                break
        total["routed"] = routed
        return total

    # ------------------------------------------------------------------ inbox rendering

    def render_for(self, outbox_ids: list[int], lang: str, kind: str = "text",
                   user_id: str | None = None) -> dict[int, Any]:
        """Render outbox rows again in another language (the inbox read in ``--lang en``), addressed to ``user_id``."""
        if not outbox_ids:
            return {}
        builder = ContextBuilder(self.engine, self.settings.base_url)
        person = None
        with facts(self.store) as known:
            if user_id is not None:
                person = {"id": user_id, "name": known.user_names([user_id]).get(user_id, user_id)}
            builder.load(known, known.notices(outbox_ids))
        out = {}
        for oid in builder.rows:
            ctx = builder.context(oid, lang, person)
            out[oid] = self.renderer.render(kind, lang, builder.rows[oid].event, ctx)
        return out


def _public(ctx: dict) -> dict:
    """The masked context a structured channel (JSON webhook) may carry."""
    return {k: ctx[k] for k in ("event", "case_number", "at", "actor_name", "case", "data", "clock_label",
                                "step_label", "due_local", "link") if k in ctx}


def dispatcher_for(engine) -> Dispatcher:
    """The engine's dispatcher, built on first use from its config."""
    d = engine._notifier
    if d is None:
        settings = NotifySettings.from_config(engine.config.notifications)
        d = Dispatcher(engine, settings, engine.extra_channels)
        engine._notifier = d
    return d


def dispatch(engine, now: datetime, limit: int | None = None) -> DispatchReport:
    """One dispatch pass for ``engine`` (fan-out, then delivery)."""
    d = engine.notifier
    return d.run(now, limit)


def listing(engine, failed_only: bool = False, limit: int = 200) -> list[dict]:
    """Deliveries, newest first (``failed_only``: dead, or pending after a failure); outbox rows not yet
    fanned out are listed as ``queued`` with no delivery id."""
    return deliveries.listing(engine.store, failed_only, limit)


def retry(engine, delivery_id: int, now: datetime) -> bool:
    """Put a failed or dead delivery back in the queue, due now, with a fresh attempt count."""
    return deliveries.retry(engine.store, delivery_id, now)
