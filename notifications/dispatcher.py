"""Deliver outbox rows after commit: fan out, claim, render, send, mark — exactly once each.

Two stages, both safe with any number of dispatchers on one database:

1. **Fan-out.** Each pending outbox row becomes one delivery per recipient and
   channel (``notification_deliveries``); person channels (inbox, e-mail) get
   one per person, group channels (webhooks, robots, the log) one per row.
   Rows are taken with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (``BEGIN
   IMMEDIATE`` serialises on SQLite) and ``UNIQUE(outbox_id, recipient,
   channel)`` with ``ON CONFLICT DO NOTHING`` makes a repeated fan-out harmless.
   The people behind role and unit tokens are looked up here, at the first
   dispatch pass after the event (see :mod:`disputeflow.notifications.recipients`).
2. **Delivery.** Due deliveries are claimed by one conditional ``UPDATE …
   RETURNING`` (with ``SKIP LOCKED`` on PostgreSQL); only the claimer renders
   and sends, and marks the result under its own claim. A failure is retried
   with exponential backoff until ``max_attempts``, then the delivery is
   ``dead`` until an operator retries it.

Rendering happens here, never in the command's transaction.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from disputeflow.notifications.channels import Channel, ChannelError, Message, channel_class
from disputeflow.notifications.context import ContextBuilder
from disputeflow.notifications.recipients import resolve
from disputeflow.notifications.render import Renderer
from disputeflow.notifications.settings import NotifySettings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = NotifySettings().max_attempts
DELIVERY_COLUMNS = ("outbox_id", "recipient", "channel", "kind", "lang", "status", "attempts", "next_attempt_at",
                    "created_at")
_OUTBOX_COLUMNS = ("id", "created_at", "event", "case_id", "case_number", "actor", "audience", "payload")


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

    # ------------------------------------------------------------------ fan-out

    def fan_out(self, now: datetime, limit: int | None = None) -> int:
        """Turn pending outbox rows into deliveries; returns how many rows were routed."""
        limit = limit or self.settings.batch
        lock = "" if self.store.is_sqlite else " FOR UPDATE OF o SKIP LOCKED"
        with self.store.write() as tx:
            t_now = tx.t(now)
            rows = tx.query(
                "SELECT o.id, o.event, o.audience, c.unit_path FROM outbox o LEFT JOIN cases c ON c.id = o.case_id "
                "WHERE o.status = 'pending' AND o.next_attempt_at <= :now "
                "AND (o.claimed_until IS NULL OR o.claimed_until < :now) ORDER BY o.id LIMIT :limit"
                + lock,
                {"now": t_now, "limit": limit})
            if not rows:
                return 0
            deliveries: list[tuple] = []
            for oid, event, audience, unit_path in rows:
                people = resolve(tx, json.loads(audience or "[]"))
                for person in people:
                    for name in self.settings.person_channels_for(person["id"], person["role"]):
                        ch = self.channels.get(name)
                        if ch is None or ch.audience != "person" or not ch.accepts(person):
                            continue
                        deliveries.append((oid, person["id"], name, ch.kind, person["lang"] or "zh_CN", "pending", 0,
                                           t_now, t_now))
                for name, ch in self.channels.items():
                    if ch.audience == "group" and self._group_wants(ch, event, unit_path):
                        lang = ch.settings.get("lang") or self.engine.lang
                        deliveries.append((oid, "*", name, ch.kind, lang, "pending", 0, t_now, t_now))
            tx.insert_rows("notification_deliveries", DELIVERY_COLUMNS, deliveries,
                           "ON CONFLICT (outbox_id, recipient, channel) DO NOTHING")
            tx.cur.executemany(self.store.translate(
                "UPDATE outbox SET status = 'routed', sent_at = :now, attempts = attempts + 1 "
                "WHERE id = :id AND status = 'pending'"), [{"now": t_now, "id": r[0]} for r in rows])
        return len(rows)

    @staticmethod
    def _group_wants(ch: Channel, event: str, unit_path: str | None) -> bool:
        """A group channel's ``events`` patterns (default all) and ``units`` (cases under those units only)."""
        import fnmatch

        patterns = ch.settings.get("events") or ["*"]
        if not any(fnmatch.fnmatchcase(event, p) for p in patterns):
            return False
        units = ch.settings.get("units")
        if not units:
            return True
        return unit_path is not None and any(f"/{u}/" in unit_path for u in units)

    # ------------------------------------------------------------------ delivery

    def claim(self, now: datetime, limit: int) -> list[int]:
        lock = "" if self.store.is_sqlite else " FOR UPDATE SKIP LOCKED"
        due = ("status = 'pending' AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until < :now)")
        with self.store.write() as tx:
            rows = tx.query(
                f"UPDATE notification_deliveries SET claimed_by = :me, claimed_until = :until "
                f"WHERE id IN (SELECT id FROM notification_deliveries WHERE {due} ORDER BY id LIMIT :limit{lock}) "
                f"AND {due} RETURNING id",
                {"me": self.me, "until": tx.t(now + timedelta(seconds=self.settings.claim_seconds)),
                 "now": tx.t(now), "limit": limit})
        return sorted(r[0] for r in rows)

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
        with self.store.read() as tx:
            params: dict[str, Any] = {}
            marks = ", ".join(f":d{i}" for i in range(len(ids)))
            params.update({f"d{i}": v for i, v in enumerate(ids)})
            items = tx.query(
                "SELECT d.id, d.recipient, d.channel, d.lang, d.attempts, o.id, o.created_at, o.event, o.case_id, "
                "o.case_number, o.actor, o.audience, o.payload, u.name, u.email, u.role "
                f"FROM notification_deliveries d JOIN outbox o ON o.id = d.outbox_id "
                f"LEFT JOIN users u ON u.id = d.recipient WHERE d.id IN ({marks}) ORDER BY d.id", params)
            builder.load(tx, [dict(zip(_OUTBOX_COLUMNS, it[5:13])) for it in items])
        down: dict[str, str] = {}
        try:
            for i, (did, recipient, chname, lang, attempts, oid, _c, event, _cid, number, _a, _aud, _p,
                    uname, email, role) in enumerate(items):
                if self.stopping.is_set():
                    released = self._release([it[0] for it in items[i:]])
                    log.info("stopping: released %d deliveries not yet sent", released)
                    break
                if time.monotonic() > budget_ends:
                    released = self._release([it[0] for it in items[i:]])
                    log.warning("dispatch pass over its time budget: released %d deliveries", released)
                    break
                error = None
                ch = self.channels.get(chname)
                if chname in down:
                    error = f"{down[chname]} (not tried again in this pass)"
                else:
                    try:
                        if ch is None:
                            raise LookupError(f"channel {chname} is no longer configured")
                        person = {"id": recipient, "name": uname, "email": email, "role": role} \
                            if recipient != "*" else {}
                        ctx = builder.context(oid, lang, person or None)
                        out = self.renderer.render(ch.template, lang, event, ctx)
                        ch.send(Message(event=event, lang=ctx["lang"], subject=out.subject, text=out.text,
                                        html=out.html, case_number=number, outbox_id=oid, delivery_id=did,
                                        created_at=builder.rows[oid]["created_at"], recipient=person,
                                        data=_public(ctx)))
                    except Exception as exc:  # one failing channel or template must not stop the others
                        error = f"{type(exc).__name__}: {exc}"[:450]
                        log.warning("delivery %s (%s to %s) failed: %s", did, chname, recipient, error)
                        if isinstance(exc, ChannelError) and ch is not None and ch.audience == "group":
                            down[chname] = error
                if error is None:
                    self._mark_sent(did, now)
                    sent += 1
                else:
                    if self._mark_failed(did, attempts + 1, error, now):
                        dead += 1
                    failed += 1
        finally:
            for ch in self.channels.values():
                try:
                    ch.close()
                except Exception:
                    log.exception("closing channel %s failed", ch.name)
        return {"claimed": len(ids), "sent": sent, "failed": failed, "dead": dead, "released": released}

    def _release(self, ids: list[int]) -> int:
        with self.store.write() as tx:
            params = {"me": self.me, **{f"r{i}": v for i, v in enumerate(ids)}}
            marks = ", ".join(f":r{i}" for i in range(len(ids)))
            return tx.execute("UPDATE notification_deliveries SET claimed_by = NULL, claimed_until = NULL "
                              f"WHERE claimed_by = :me AND status = 'pending' AND id IN ({marks})", params)

    def _mark_sent(self, did: int, now: datetime) -> None:
        with self.store.write() as tx:
            tx.execute("UPDATE notification_deliveries SET status = 'sent', sent_at = :now, attempts = attempts + 1, "
                       "claimed_until = NULL, last_error = NULL WHERE id = :id AND claimed_by = :me",
                       {"now": tx.t(now), "id": did, "me": self.me})

    def _mark_failed(self, did: int, attempts: int, error: str, now: datetime) -> bool:
        is_dead = attempts >= self.settings.max_attempts
        nxt = now + timedelta(seconds=self.settings.backoff(attempts))
        with self.store.write() as tx:
            tx.execute("UPDATE notification_deliveries SET attempts = :a, status = :s, last_error = :e, "
                       "claimed_by = NULL, claimed_until = NULL, next_attempt_at = :next "
                       "WHERE id = :id AND claimed_by = :me",
                       {"a": attempts, "s": "dead" if is_dead else "pending", "e": error, "next": tx.t(nxt),
                        "id": did, "me": self.me})
        return is_dead

    def run(self, now: datetime, limit: int | None = None) -> dict:
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
        with self.store.read() as tx:
            if user_id is not None:
                found = tx.query("SELECT name FROM users WHERE id = :id", {"id": user_id})
                person = {"id": user_id, "name": found[0][0] if found else user_id}
            params = {f"o{i}": v for i, v in enumerate(outbox_ids)}
            rows = tx.query("SELECT " + ", ".join(_OUTBOX_COLUMNS) + " FROM outbox WHERE id IN ("
                            + ", ".join(f":o{i}" for i in range(len(outbox_ids))) + ")", params)
            builder.load(tx, [dict(zip(_OUTBOX_COLUMNS, r)) for r in rows])
        out = {}
        for oid in builder.rows:
            ctx = builder.context(oid, lang, person)
            out[oid] = self.renderer.render(kind, lang, builder.rows[oid]["event"], ctx)
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


def dispatch(engine, now: datetime, limit: int | None = None) -> dict:
    """One dispatch pass for ``engine`` (fan-out, then delivery)."""
    d = engine.notifier
    return d.run(now, limit)


DELIVERY_LIST_COLUMNS = ("id", "outbox_id", "created_at", "event", "case_number", "channel", "recipient", "status",
                         "attempts", "last_error", "next_attempt_at", "sent_at")


def listing(engine, failed_only: bool = False, limit: int = 200) -> list[dict]:
    """Deliveries, newest first (``failed_only``: dead, or pending after a failure); outbox rows not yet
    fanned out are listed as ``queued`` with no delivery id."""
    where = "WHERE d.status = 'dead' OR (d.status = 'pending' AND d.attempts > 0)" if failed_only else ""
    with engine.store.read() as tx:
        rows = tx.query(
            "SELECT d.id, d.outbox_id, o.created_at, o.event, o.case_number, d.channel, d.recipient, d.status, "
            "d.attempts, d.last_error, d.next_attempt_at, d.sent_at FROM notification_deliveries d "
            f"JOIN outbox o ON o.id = d.outbox_id {where} ORDER BY d.id DESC LIMIT :limit", {"limit": limit})
        queued = [] if failed_only else tx.query(
            "SELECT id, created_at, event, case_number FROM outbox WHERE status = 'pending' ORDER BY id DESC "
            "LIMIT :limit", {"limit": limit})
    out = []
    for oid, created, event, number in queued:
        out.append({"id": None, "outbox_id": oid, "created_at": tx.time(created), "event": event,
                    "case_number": number, "channel": None, "recipient": None, "status": "queued", "attempts": 0,
                    "last_error": None, "next_attempt_at": None, "sent_at": None})
    for r in rows:
        d = dict(zip(DELIVERY_LIST_COLUMNS, r))
        for k in ("created_at", "next_attempt_at", "sent_at"):
            d[k] = tx.time(d[k])
        out.append(d)
    return out


def retry(engine, delivery_id: int, now: datetime) -> bool:
    """Put a failed or dead delivery back in the queue, due now, with a fresh attempt count."""
    with engine.store.write() as tx:
        return tx.execute("UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = :now, "
                          "claimed_by = NULL, claimed_until = NULL WHERE id = :id AND status <> 'sent'",
                          {"now": tx.t(now), "id": delivery_id}) == 1
