"""The append-only, hash-chained audit log.

Each event's hash covers the previous event's hash and every stored field of
the event, so editing, deleting or reordering any event breaks the chain from
that point on; the case row keeps the last sequence number and hash, so
removing the newest events is detected too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from disputeflow.cases.types import from_db

GENESIS = "0" * 64


_last_time: tuple[datetime | None, str] = (None, "")


def canonical_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC (isoformat: the C fast path, a tenth of strftime's cost).

    The last value's text is kept: a batch stamps every event with the same time.
    """
    global _last_time
    last, text = _last_time
    if value is last:
        return text
    utc = value if value.tzinfo is timezone.utc else value.astimezone(timezone.utc)
    text = utc.replace(tzinfo=None).isoformat("T", "microseconds") + "Z"
    _last_time = (value, text)
    return text


def event_hash(prev_hash: str, number: str, seq: int, at: datetime | str, actor: str, action: str,
               from_state: str | None, to_state: str, data_json: str) -> str:
    """The event's hash; ``at`` is a datetime or its :func:`canonical_time` (a batch converts it once)."""
    when = canonical_time(at) if isinstance(at, datetime) else at
    parts = (prev_hash, number, str(seq), when, actor, action, from_state or "", to_state, data_json)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    number: str
    seq: int | None
    zh: str
    en: str

    def message(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh


def verify(tx, batch: int = 5000) -> tuple[int, int, list[Problem]]:
    """Walk every case's chain.

    Returns:
        (cases checked, events checked, problems found).
    """
    problems: list[Problem] = []
    n_cases = n_events = 0
    cases = tx.query("SELECT id, number, audit_seq, audit_hash FROM cases ORDER BY id")
    heads = {cid: (number, seq, h) for cid, number, seq, h in cases}
    expect: dict[int, tuple[int, str]] = {cid: (1, GENESIS) for cid in heads}
    last_id = 0
    while True:
        rows = tx.query(
            "SELECT id, case_id, seq, at, actor, action, from_state, to_state, data, prev_hash, hash "
            "FROM audit_events WHERE id > :last ORDER BY id LIMIT :lim",
            {"last": last_id, "lim": batch},
        )
        if not rows:
            break
        for eid, cid, seq, at, actor, action, frm, to, data, prev, h in rows:
            last_id = eid
            n_events += 1
            if cid not in heads:
                problems.append(Problem(str(cid), seq, "审计事件指向不存在的案件", "audit event for a missing case"))
                continue
            number = heads[cid][0]
            want_seq, want_prev = expect[cid]
            if seq != want_seq:
                problems.append(Problem(number, seq, f"审计事件序号不连续（应为 {want_seq}，实为 {seq}），有事件缺失或被插入",
                                        f"audit sequence broken (expected {want_seq}, found {seq}): an event is missing or inserted"))
            if prev != want_prev:
                problems.append(Problem(number, seq, "审计链断裂：前序哈希不符", "audit chain broken: previous hash does not match"))
            if event_hash(prev, number, seq, from_db(at), actor, action, frm, to, data) != h:
                problems.append(Problem(number, seq, "审计事件内容被篡改（哈希不符）", "audit event was altered (hash mismatch)"))
            expect[cid] = (seq + 1, h)
    for cid, (number, seq, h) in heads.items():
        n_cases += 1
        got_seq, got_hash = expect[cid]
        if got_seq - 1 != seq or got_hash != h:
            problems.append(Problem(number, None, f"案件记录的最后审计事件（第 {seq} 条）与日志不符，可能有事件被删除",
                                    f"case head (event {seq}) does not match the log: events may have been deleted"))
    return n_cases, n_events, problems
