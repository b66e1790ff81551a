"""Verify a chained audit log against the records it describes.

One walker serves both chains: cases (:func:`verify_cases`) and key persons (:func:`verify_persons`). For each chain it checks that the
events link (sequence, previous hash), that each event's hash is its content's
(HMAC under the key that signed it, SHA-256 when unsigned, the legacy form for
events written before signing existed), that the record's head names the
newest event, and that replaying the events' ``fields`` gives the stored row —
so a column changed behind the log's back is named. Cases are also checked
against their number counters: a case deleted together with its events leaves
a gap in the numbers.

Problems are tampering (or damage). Notices are what limits the check without
being evidence of it: events not signed (legacy, or written without a key),
and signed events whose key is not configured here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from disputeflow.cases.audit import FULL, GENESIS, digest, event_hash, message, party_digest
from disputeflow.cases.audit_key import UNSIGNED
from disputeflow.cases.types import from_db

# How a field is named in a message, and whether its values may be shown (no personal data, no digests).
FIELD_LABELS = {
    "state": ("状态", "state", True), "risk": ("风险等级", "risk", True), "risk_floor": ("风险下限", "risk floor", True),
    "flags": ("标记", "flags", True), "mediator": ("调解员", "mediator", True),
    "lead_official": ("包案领导", "lead official", True), "responsible_unit": ("责任单位", "responsible unit", True),
    "supervision_level": ("督办级别", "supervision level", True), "unit_id": ("所属单位", "unit", True),
    "title": ("标题", "title", False), "category": ("类别", "category", True), "data": ("案件资料", "case data", False),
    "status": ("稳控状态", "status", True), "kind": ("类型", "kind", True), "name": ("姓名", "name", False),
    "id_number": ("身份证号", "ID number", False), "phone": ("电话", "phone", False), "address": ("住址", "address", False),
    "group_size": ("人数", "group size", True), "reasons": ("列管原因", "reasons", False),
    "grid_officer": ("责任网格员", "grid officer", True),
}
NUMBER = re.compile(r"^(.+)-(\d{4})-(\d{6,})$")


@dataclass(frozen=True)
class Problem:
    number: str
    seq: int | None
    zh: str
    en: str
    field: str | None = None

    def message(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh


@dataclass
class Tally:
    """What a verification found: counts, problems (tampering) and notices (limits of the check)."""

    chains: int = 0
    events: int = 0
    signed: int = 0  # verified under a configured key
    unsigned: int = 0  # hashed without a key
    legacy: int = 0  # written before signing existed
    unverifiable: int = 0  # signed, but no key is configured here
    unsigned_counters: int = 0
    problems: list[Problem] = field(default_factory=list)
    unsigned_chains: list[str] = field(default_factory=list)

    def status(self, signer) -> str:
        """``tampered``; ``no_key`` (signed events, no key to check them); ``incomplete`` (unsigned or legacy
        events under a configured key); ``unsigned`` (no key anywhere); else ``ok``."""
        if self.problems:
            return "tampered"
        if self.unverifiable:
            return "no_key"
        if not signer.has_keys:
            return "unsigned" if (self.unsigned or self.legacy or self.unsigned_counters) else "ok"
        if self.unsigned or self.legacy or self.unsigned_counters:
            return "incomplete"
        return "ok"

    def report(self, signer) -> dict:
        return {"status": self.status(signer), "signing_key": signer.key_id or None, "events": self.events,
                "signed": self.signed, "unsigned": self.unsigned, "legacy": self.legacy,
                "unverifiable": self.unverifiable, "unsigned_counters": self.unsigned_counters,
                "unsigned_chains": self.unsigned_chains[:20], "problems": self.problems}


def _label(name: str) -> tuple[str, str, bool]:
    if name.startswith("party:"):
        return f"当事人 {name[6:]}", f"party {name[6:]}", False
    return FIELD_LABELS.get(name, (name, name, False))


def field_problem(chain: str, name: str, logged, actual) -> Problem:
    zh_name, en_name, show = _label(name)
    if logged is None and name.startswith("party:"):
        return Problem(chain, None, f"{zh_name}不在审计日志中：可能被直接写入数据库",
                       f"{en_name} is not in the audit log: it may have been written to the database directly", name)
    if actual is None and name.startswith("party:"):
        return Problem(chain, None, f"{zh_name}已从记录中消失：可能被直接删除",
                       f"{en_name} is missing from the record: it may have been deleted directly", name)
    values_zh = f"（日志：{logged}，记录：{actual}）" if show else ""
    values_en = f" (log: {logged}, record: {actual})" if show else ""
    return Problem(chain, None, f"记录的“{zh_name}”与审计日志不符{values_zh}：可能被直接修改",
                   f"the record's {en_name} does not match the audit log{values_en}: it may have been changed directly",
                   name)


class Walker:
    """Checks chains one at a time, accumulating into a :class:`Tally`.

    Args:
        signer: the keys to check signatures with.
        legacy_to: for a legacy event, the ``to_state`` values it may have been hashed with given the stored one
            (key persons stored none; their legacy hash covers the status then).
    """

    def __init__(self, signer, legacy_to: Callable[[str | None], Iterable[str]] | None = None):
        self.signer = signer
        self.tally = Tally()
        self._legacy_to = legacy_to or (lambda to: (to,))

    def walk(self, chain: str, events: list[tuple], head: tuple[int, str], actual: dict | None) -> None:
        """Check one chain.

        Args:
            events: ``(seq, at, actor, action, from_state, to_state, data, fields, key_id, prev_hash, hash)``
                in sequence order.
            head: the ``(audit_seq, audit_hash)`` the record keeps.
            actual: the record's fields as :func:`disputeflow.cases.audit.case_snapshot` gives them (None: not compared).
        """
        t = self.tally
        t.chains += 1
        want_seq, want_prev = 1, GENESIS
        replay: dict = {}
        seen_new = seen_signed = False
        unsigned_here = False
        for seq, at, actor, action, frm, to, data, fields, kid, prev, h in events:
            t.events += 1
            if seq != want_seq:
                t.problems.append(Problem(chain, seq, f"审计事件序号不连续（应为 {want_seq}，实为 {seq}），有事件缺失或被插入",
                                          f"audit sequence broken (expected {want_seq}, found {seq}): an event is missing or inserted"))
            if prev != want_prev:
                t.problems.append(Problem(chain, seq, "审计链断裂：前序哈希不符", "audit chain broken: previous hash does not match"))
            when = from_db(at)
            if kid is None:
                t.legacy += 1
                unsigned_here = True
                if seen_new:
                    t.problems.append(Problem(chain, seq, "旧格式事件出现在新格式事件之后：可能被改写后重新计算哈希",
                                              "a legacy-form event follows newer events: it may have been rewritten and re-hashed"))
                ok = any(event_hash(prev, chain, seq, when, actor, action, frm, cand, data) == h
                         for cand in self._legacy_to(to))
            else:
                seen_new = True
                ok = self.signer.check(kid, message(prev, chain, seq, when, actor, action, frm, to, data, fields), h)
                if kid == UNSIGNED:
                    t.unsigned += 1
                    unsigned_here = True
                    if seen_signed:
                        t.problems.append(Problem(chain, seq, "未签名事件出现在已签名事件之后：可能被改写后重新计算哈希",
                                                  "an unsigned event follows signed events: it may have been rewritten and re-hashed"))
                else:
                    seen_signed = True
                    if ok is None:
                        if self.signer.has_keys:
                            t.problems.append(Problem(chain, seq, f"事件由未配置的密钥 {kid} 签名（轮换后须在 DISPUTEFLOW_AUDIT_OLD_KEYS 中保留旧密钥）",
                                                      f"event signed with key {kid}, which is not configured (keep rotated keys in DISPUTEFLOW_AUDIT_OLD_KEYS)"))
                        else:
                            t.unverifiable += 1
                        ok = True  # nothing more to say about this one
                    elif ok:
                        t.signed += 1
                try:
                    replay.update(json.loads(fields or "{}"))
                except ValueError:
                    ok = False
            if not ok:
                t.problems.append(Problem(chain, seq, "审计事件内容被篡改（哈希或签名不符）",
                                          "audit event was altered (hash or signature mismatch)"))
            want_seq, want_prev = seq + 1, h
        if unsigned_here:
            t.unsigned_chains.append(chain)
        if (want_seq - 1, want_prev) != tuple(head):
            t.problems.append(Problem(chain, None, f"记录的最后审计事件（第 {head[0]} 条）与日志不符，可能有事件被删除",
                                      f"record head (event {head[0]}) does not match the log: events may have been deleted"))
        if actual is not None:
            self.compare(chain, replay, actual)

    def compare(self, chain: str, replay: dict, actual: dict) -> None:
        """Report every field whose replayed value differs from the record's."""
        for name, logged in replay.items():
            if name != FULL and actual.get(name) != logged:
                self.tally.problems.append(field_problem(chain, name, logged, actual.get(name)))
        if replay.get(FULL):
            for name, value in actual.items():
                if name.startswith("party:") and name not in replay:
                    self.tally.problems.append(field_problem(chain, name, None, value))


CASE_SELECT = ("SELECT id, number, audit_seq, audit_hash, state, risk, risk_floor, flags, mediator, lead_official, "
               "responsible_unit, supervision_level, unit_id, title, category, data FROM cases")
EVENT_SELECT = ("SELECT case_id, seq, at, actor, action, from_state, to_state, data, fields, key_id, prev_hash, hash "
                "FROM audit_events")


def verify_cases(tx, signer, chunk: int = 1000) -> dict:
    """Verify every case's chain, its row and parties, and the number counters. Returns :meth:`Tally.report`
    plus ``cases``."""
    walker = Walker(signer)
    ids = [r[0] for r in tx.query("SELECT id FROM cases ORDER BY id")]
    for lo in range(0, len(ids), chunk):
        bounds = {"a": ids[lo], "b": ids[min(lo + chunk, len(ids)) - 1]}
        where = " WHERE case_id >= :a AND case_id <= :b ORDER BY case_id, seq"
        events: dict[int, list] = {}
        for row in tx.query(EVENT_SELECT + where, bounds):
            events.setdefault(row[0], []).append(row[1:])
        parties: dict[int, dict] = {}
        for cid, seq, *p in tx.query("SELECT case_id, seq, name, role, phone, id_number, address, particulars FROM parties" + where,
                                     bounds):
            parties.setdefault(cid, {})[f"party:{seq}"] = party_digest(*p)
        for cid, number, seq, h, *cols in tx.query(CASE_SELECT + " WHERE id >= :a AND id <= :b ORDER BY id", bounds):
            actual = dict(zip(("state", "risk", "risk_floor", "flags", "mediator", "lead_official",
                               "responsible_unit", "supervision_level", "unit_id", "title", "category"), cols[:-1]))
            actual["data"] = digest(cols[-1])
            actual.update(parties.get(cid, {}))
            walker.walk(number, events.get(cid, []), (seq, h), actual)
    t = walker.tally
    for cid, seq in tx.query("SELECT e.case_id, e.seq FROM audit_events e LEFT JOIN cases c ON c.id = e.case_id "
                             "WHERE c.id IS NULL ORDER BY e.case_id, e.seq"):
        t.problems.append(Problem(str(cid), seq, "审计事件指向不存在的案件", "audit event for a missing case"))
    check_counters(tx, signer, t)
    return {"cases": len(ids), **t.report(signer)}


# The person's columns an event records after-values of (``register`` records them all).
PERSON_FIELDS = ("kind", "name", "id_number", "phone", "address", "group_size", "reasons", "risk", "unit_id",
                 "grid_officer", "lead_official", "status")


def chain_key(person_id: int) -> str:
    """The identifier a key person's events are hashed under (cases use their number)."""
    return f"KP-{person_id}"


def verify_persons(tx, signer) -> dict:
    """Verify every key person's chain and compare its replay with the person's row. Returns
    :meth:`Tally.report` plus ``persons``.

    Key-person events store no states: a legacy event's hash covered the status then, so either status is
    tried for it.
    """
    walker = Walker(signer, legacy_to=lambda _to: ("controlled", "released"))
    events: dict[int, list] = {}
    for pid, *row in tx.query("SELECT person_id, seq, at, actor, action, data, fields, key_id, prev_hash, hash "
                              "FROM key_person_events ORDER BY person_id, seq"):
        seq, at, actor, action, data, fields, kid, prev, h = row
        events.setdefault(pid, []).append((seq, at, actor, action, None, "" if kid is not None else None, data,
                                           fields, kid, prev, h))
    cols = ", ".join(PERSON_FIELDS)
    persons = tx.query(f"SELECT id, audit_seq, audit_hash, {cols} FROM key_persons ORDER BY id")
    for pid, seq, h, *values in persons:
        walker.walk(chain_key(pid), events.pop(pid, []), (seq, h), dict(zip(PERSON_FIELDS, values)))
    t = walker.tally
    for pid in sorted(events):
        t.problems.append(Problem(chain_key(pid), None, "审计事件指向不存在的重点人员", "audit events of a missing person"))
    return {"persons": len(persons), **t.report(signer)}


def verify(tx, signer) -> dict:
    """Both chains at once: ``{"cases": verify_cases(...), "persons": verify_persons(...)}``."""
    return {"cases": verify_cases(tx, signer), "persons": verify_persons(tx, signer)}


def counter_message(prefix: str, year: int, last: int) -> bytes:
    return f"counter\x1f{prefix}\x1f{year}\x1f{last}".encode("utf-8")


def sign_counter(signer, prefix: str, year: int, last: int) -> tuple[str, str]:
    """``(signature, key id)`` of a number counter's value."""
    return signer.sign(counter_message(prefix, year, last))


def check_counters(tx, signer, t: Tally) -> None:
    """Every number a counter has handed out must still be a case: a gap is a case deleted with its events.

    A counter's value is signed, so lowering it to hide the newest case's
    deletion is detected as well (unless an older signed value is put back:
    see docs/operations.md).
    """
    have: dict[tuple[str, int], set[int]] = {}
    for (number,) in tx.query("SELECT number FROM cases"):
        m = NUMBER.match(number)
        if m:
            have.setdefault((m[1], int(m[2])), set()).add(int(m[3]))
    for prefix, year, last, kid, sig in tx.query("SELECT prefix, year, last, key_id, sig FROM case_counters "
                                                 "ORDER BY prefix, year"):
        label = f"{prefix}-{year}"
        numbers = have.pop((prefix, year), set())
        for n in range(1, last + 1):
            if n not in numbers:
                number = f"{prefix}-{year}-{n:06d}"
                t.problems.append(Problem(number, None, f"案件编号 {number} 已分配但案件不存在：案件及其审计事件可能被删除",
                                          f"case number {number} was issued but the case is gone: it may have been "
                                          f"deleted with its audit events"))
        beyond = sorted(n for n in numbers if n > last)
        if beyond:
            t.problems.append(Problem(label, None, f"编号计数器（{last}）落后于已有案件（最大 {beyond[-1]}）：计数器可能被改小",
                                      f"the number counter ({last}) is behind the cases (up to {beyond[-1]}): it may have been lowered"))
        if not kid:
            t.unsigned_counters += 1
            continue
        ok = signer.check(kid, counter_message(prefix, year, last), sig or "")
        if ok is None and not signer.has_keys:
            t.unverifiable += 1
        elif not ok:
            t.problems.append(Problem(label, None, "编号计数器的签名不符：计数器可能被改动",
                                      "the number counter's signature does not match: it may have been altered"))
    for prefix, year in sorted(have):
        t.problems.append(Problem(f"{prefix}-{year}", None, "案件编号没有对应的计数器：计数器可能被删除",
                                  "case numbers without their counter: the counter may have been deleted"))
