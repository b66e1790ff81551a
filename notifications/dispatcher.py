"""Deliver outbox rows after commit: claim, send, mark — with retries and a dead-letter state.

A row is claimed with a conditional update (``status = 'pending'`` and not
claimed, or its claim expired), so several dispatchers never send one row
twice. A failed send is retried with exponential backoff until the policy
limit, then the row is marked ``dead`` for an operator to ``retry``.

Only the development ``log`` channel exists so far; recipients are recorded as
the audience the engine computed at the time of the event.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
CLAIM_FOR = timedelta(minutes=5)


def deliver_log(row: dict) -> None:
    log.info("notification %s %s %s -> %s", row["id"], row["event"], row["case_number"], row["audience"])


def dispatch(engine, now: datetime, limit: int = 100, send=deliver_log) -> dict:
    store = engine.store
    me = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    with store.write() as tx:
        ids = [r[0] for r in tx.query(
            "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now "
            "AND (claimed_until IS NULL OR claimed_until < :now) ORDER BY id LIMIT :limit",
            {"now": tx.t(now), "limit": limit})]
        claimed = []
        for i in ids:
            n = tx.execute("UPDATE outbox SET claimed_by = :me, claimed_until = :until WHERE id = :id "
                           "AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)",
                           {"me": me, "until": tx.t(now + CLAIM_FOR), "id": i, "now": tx.t(now)})
            if n == 1:
                claimed.append(i)
    sent = failed = 0
    for i in claimed:
        with store.read() as tx:
            r = tx.query("SELECT id, event, case_number, audience, payload, attempts FROM outbox WHERE id = :id",
                         {"id": i})[0]
        row = dict(zip(("id", "event", "case_number", "audience", "payload", "attempts"), r))
        row["audience"] = json.loads(row["audience"])
        try:
            send(row)
        except Exception as exc:  # a channel failure must not stop the others
            attempts = row["attempts"] + 1
            dead = attempts >= MAX_ATTEMPTS
            with store.write() as tx:
                tx.execute("UPDATE outbox SET attempts = :a, status = :s, last_error = :e, claimed_by = NULL, "
                           "claimed_until = NULL, next_attempt_at = :next WHERE id = :id AND claimed_by = :me",
                           {"a": attempts, "s": "dead" if dead else "pending", "e": str(exc)[:500],
                            "next": tx.t(now + BASE_DELAY * (2 ** (attempts - 1))), "id": i, "me": me})
            failed += 1
            continue
        with store.write() as tx:
            tx.execute("UPDATE outbox SET status = 'sent', sent_at = :now, attempts = attempts + 1, "
                       "claimed_until = NULL WHERE id = :id AND claimed_by = :me", {"now": tx.t(now), "id": i, "me": me})
        sent += 1
    return {"claimed": len(claimed), "sent": sent, "failed": failed}


def listing(engine, failed_only: bool = False, limit: int = 200) -> list[dict]:
    where = "WHERE status IN ('dead') OR (status = 'pending' AND attempts > 0)" if failed_only else ""
    with engine.store.read() as tx:
        rows = tx.query(f"SELECT id, created_at, event, case_number, audience, status, attempts, last_error "
                        f"FROM outbox {where} ORDER BY id DESC LIMIT :limit", {"limit": limit})
    keys = ("id", "created_at", "event", "case_number", "audience", "status", "attempts", "last_error")
    out = []
    for r in rows:
        d = dict(zip(keys, r))
        d["audience"] = json.loads(d["audience"])
        d["created_at"] = str(d["created_at"])
        out.append(d)
    return out


def retry(engine, outbox_id: int, now: datetime) -> bool:
    with engine.store.write() as tx:
        return tx.execute("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = :now, "
                          "claimed_by = NULL, claimed_until = NULL WHERE id = :id AND status <> 'sent'",
                          {"now": tx.t(now), "id": outbox_id}) == 1
