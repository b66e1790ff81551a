"""The write path: report a case and act on it, each in one transaction.

A command reads the case joined with the actor, lets :func:`disputeflow.workflow.decision.decide`
check role, jurisdiction, state, input and guards and compute every row —
the case's new columns, the hash-chained audit event, clock changes, the outbox
row — then writes them and commits once. Nothing is rendered and nothing is
sent here; callbacks and deliveries run after commit.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import Any

from disputeflow.cases import batch_reads, chain_writer, outbox
from disputeflow.cases.audit import canonical_time, case_snapshot
from disputeflow.cases.audit_verify import sign_counter
from disputeflow.cases.chain import EMPTY, Head, link
from disputeflow.cases.records import (
    CaseRecord, ClockExtension, ClockStop, NewChild, NewClock, NewParty, RunningClock,
)
from disputeflow.workflow import (
    child_end, clocks, fields, guards, identities, party_particulars, repeats, risk, spawn,
)
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.definition import Definition
from disputeflow.workflow.errors import Conflict, InvalidAction, NotFound, NotPermitted
from disputeflow.workflow.decision import (  # noqa: F401  (the command path's names, kept importable from here)
    Decision, Outcome, audience, decide, dumps, jsonable, may_touch,
)

# Positions in a case row read with its actor (``case_for_actor``): the case's columns, then the actor's.
_CASE_WIDTH = len(CaseRecord._fields)
A_ROLE, A_UNIT_PATH, A_UNIT_ID, A_ACTIVE = range(_CASE_WIDTH, _CASE_WIDTH + 4)

class TxResolver:
    """What :func:`decide` asks (users, units, running clocks), answered inside the command's own transaction.

    A batch hands in what it read for all its items at once (``users``:
    id → (role, unit_path, active) or None; ``units``: id → (kind, path, name)
    or None; ``clocks``: case id → running clocks); anything else is read when asked and kept.
    """

    def __init__(self, tx, users: dict | None = None, units: dict | None = None, clocks: dict | None = None):
        self.tx = tx
        self.users = users if users is not None else {}
        self.units = units if units is not None else {}
        self.clocks = clocks if clocks is not None else {}
        self._asked = False  # the host's people, looked up on first need

    def user(self, user_id: str):
        """``(role, unit_path)`` of an active user; ``(role, unit_path, False)`` of one switched off; else None.

        An id the ``users`` table does not know is asked of the host's identity resolver, when there is one.
        """
        try:
            row = self.users[user_id]
        except KeyError:
            row = self.users[user_id] = self.tx.one("user", {"id": user_id})
        if row is None:
            host = self._host()
            row = self.users[user_id] = host.user(user_id) if host is not None else None
            if row is None:
                return None
        return (row[0], row[1]) if row[2] else (row[0], row[1], False)

    def unit(self, unit_id: str):
        """``(kind, path)`` of an active unit; ``(kind, path, False)`` of one switched off; else None."""
        try:
            row = self.units[unit_id]
        except KeyError:
            row = self.units[unit_id] = self.tx.one("unit", {"id": unit_id})
        if not row:
            return None
        return (row[0], row[1]) if len(row) < 4 or row[3] else (row[0], row[1], False)

    def _host(self):
        """The host's people for this command (asked once per id), or None without a resolver."""
        if self._asked is False:
            self._asked = identities.asked(self.tx.store, lambda uid: self.tx.one("unit", {"id": uid}))
        return self._asked

    def running_clocks(self, case_id: int) -> dict[str, RunningClock]:
        found = self.clocks.get(case_id)
        if found is None:
            found = self.clocks[case_id] = running_clocks(self.tx, case_id)
        return found

    def open_children(self, case_id: int) -> tuple[tuple[str, str, str], ...]:
        return tuple(tuple(r) for r in self.tx.all("open_children", {"parent_id": case_id}))


def load_actor(tx, actor: str | Actor) -> Actor:
    if isinstance(actor, Actor):
        return actor
    row = tx.one("actor", {"actor": actor})
    if row is None:
        found = host_actor(tx, actor)
        if found is not None:
            return found
    if row is None or not row[3]:
        raise NotPermitted(f"用户“{actor}”不存在或已停用", f"user {actor!r} does not exist or is disabled")
    return Actor(id=actor, role=row[0], unit_path=row[1], unit_id=row[2], name=row[4])


def host_actor(tx, actor: str) -> Actor | None:
    """The host's identity of an id the ``users`` table does not know, as an actor (None without a resolver)."""
    host = identities.asked(tx.store, lambda uid: tx.one("unit", {"id": uid}))
    return host.actor(actor) if host is not None else None


def report(engine, actor: str | Actor, definition: Definition, data: dict[str, Any]) -> Outcome:
    store = engine.store
    now = engine.clock.now()
    intake = definition.intake
    data = dict(data)
    note = data.pop("note", None)
    if definition.child is not None:
        raise InvalidAction(f"“{definition.label.zh}”只能由上级案件的动作派生，不能直接登记",
                            f"cases of {definition.name} are opened by an action of their parent case, not reported",
                            [])
    with store.write() as tx:
        who = load_actor(tx, actor)
        if who.role not in intake.roles:
            raise NotPermitted(f"角色“{engine.role_label(who.role)}”不能登记纠纷", f"role {who.role} may not report disputes")
        note = fields.note(note)
        clean = fields.validate(definition, intake, data, TxResolver(tx), engine.parse_time, now)
        unit_row = tx.one("unit", {"id": clean["unit"]})
        unit_path = unit_row[1]
        if not who.covers(unit_path):
            raise NotPermitted(f"“{unit_row[2]}”不在您的管辖范围内", f"{clean['unit']} is outside your jurisdiction")
        parties = clean.pop("parties")
        flags = clean.get("flags", [])
        found = repeats.at_intake(engine, tx, parties, repeats.village_path(unit_row[0], unit_path), now)
        floor = repeats.raise_floor(risk.floor(len(parties), flags), found)
        prefix = engine.number_prefix(tx, unit_path)
        year = engine.local_year(now)
        seq_no = tx.one("next_number", {"prefix": prefix, "year": year})[0]
        signer = store.signer
        if signer.signing:
            sig, kid = sign_counter(signer, prefix, year, seq_no)
            tx.run("sign_counter", {"key_id": kid, "sig": sig, "prefix": prefix, "year": year})
        number = f"{prefix}-{year}-{seq_no:06d}"
        audit_data = jsonable({**clean, "parties": parties, "risk_floor": floor,
                               "risk_reasons": risk.reasons(len(parties), flags) + found.reasons, **found.recorded})
        if note:
            audit_data["note"] = note
        audit_json = dumps(audit_data)
        case_data: dict[str, Any] = jsonable(found.recorded)
        if clean.get("occurred_at"):
            case_data["occurred_at"] = jsonable(clean["occurred_at"])
        extra = {k: jsonable(v) for k, v in clean.items()
                 if k not in ("title", "category", "unit", "description", "source", "flags", "occurred_at")}
        case_data.update(extra)
        data_text = dumps(case_data)
        party_rows = [(p["name"], p.get("role") or "applicant", p.get("phone"), p.get("id_number"), p.get("address"),
                       party_particulars.dumps({k: p[k] for k in party_particulars.KEYS if p.get(k)}))
                      for p in parties]
        fields_json = dumps(case_snapshot(definition.initial, floor, floor, dumps(flags), None, None, None, None,
                                          clean["unit"], clean["title"], clean["category"], data_text,
                                          party_rows))
        first = link(signer, EMPTY, number, now, who.id, intake.name, None, definition.initial, audit_json,
                     fields_json)
        case_id = tx.one("insert_case", {
            "number": number, "definition": definition.name, "definition_version": definition.version,
            "state": definition.initial, "title": clean["title"], "category": clean["category"],
            "source": clean.get("source", "other"), "description": clean.get("description", ""),
            "unit_id": clean["unit"], "unit_path": unit_path, "risk": floor, "risk_floor": floor,
            "flags": dumps(flags), "party_count": len(parties), "reporter": who.id, "data": data_text,
            "now": tx.t(now), "audit_hash": first.hash,
        })[0]
        tx.many("insert_party", [
            {"case_id": case_id, "seq": i + 1, "name": name, "role": role, "phone": phone, "id_number": idn,
             "address": address, "particulars": extra}
            for i, (name, role, phone, idn, address, extra) in enumerate(party_rows)
        ])
        # the case row was inserted with its head (seq 1, this event's hash): the event is all that is left
        chain_writer.append(tx, chain_writer.CASES, [(case_id, first.seq, tx.t(now), who.id, intake.name, None,
                                                      definition.initial, audit_json, first.prev_hash, first.hash,
                                                      fields_json, first.key_id)], {}, held=True)
        view = guards.CaseView(state=definition.initial, risk=floor, flags=tuple(flags), party_count=len(parties),
                               category=clean["category"])
        for st in intake.starts:
            if st.when is None or engine.registry.condition(st.when)(view, clean):
                clocks.start(engine, tx, case_id, st.clock, now, floor, clean["category"], {},
                             tier=case_data.get("tier"))
        to = audience(intake, clean, None, None, unit_path)
        if to:
            outbox.enqueue(tx, [outbox.row(tx.t(now), intake.name, case_id, number, who.id, dumps(to),
                                           dumps({"to_state": definition.initial, "seq": 1}))])
    return Outcome(intake.name, number, who.id, now, None, definition.initial, 1, 1, audit_data)


def running_clocks(tx, case_id: int) -> dict[str, RunningClock]:
    """The case's running clocks, by name."""
    return {r[1]: running_clock(tx.time, r) for r in tx.all("running_clocks", {"case_id": case_id})}


def running_clock(time, r: tuple) -> RunningClock:
    """A ``running_clocks`` row as a record; ``time`` converts the driver's times (``Tx.time``)."""
    return RunningClock(r[0], r[1], time(r[2]), time(r[3]), time(r[4]), r[5], r[6], r[7], time(r[8]), r[9])


def act(engine, number: str, action: str, actor: str | Actor, data: dict[str, Any],
        expected_version: int | None = None, *, tx=None, now: datetime | None = None) -> Outcome:
    """Apply one action in its own transaction (or inside ``tx``): read, decide, write."""
    store = engine.store
    now = now or engine.clock.now()
    data = dict(data)
    note = data.pop("note", None)
    resolver = None
    with (nullcontext(tx) if tx is not None else store.command()) as tx:
        if isinstance(actor, Actor):
            row = tx.one("case_by_number", {"number": number})
            who = actor
        else:
            user = _named_user(engine, action, data)
            if user is None:
                row = tx.one("case_for_actor", {"number": number, "actor": actor})
            else:
                row = tx.one("case_for_actor_and_user", {"number": number, "actor": actor, "user": user})
                if row is not None:
                    row, named = row[:_ACTOR_ROW], row[_ACTOR_ROW:]
                    resolver = TxResolver(tx, {user: named if named[0] is not None else None})
            who = None
        if row is None:
            raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
        if who is None:
            who = host_actor(tx, actor) if row[A_ROLE] is None else None
            if who is None and (row[A_ROLE] is None or not row[A_ACTIVE]):
                raise NotPermitted(f"用户“{actor}”不存在或已停用", f"user {actor!r} does not exist or is disabled")
            if who is None:
                who = Actor(id=actor, role=row[A_ROLE], unit_path=row[A_UNIT_PATH], unit_id=row[A_UNIT_ID])
            row = row[:_CASE_WIDTH]
        case = CaseRecord._make(row)
        decision = decide(engine.definition(case.definition, case.definition_version), engine.policy,
                          engine.calendar, case, who, action, data, now, lookups=resolver or TxResolver(tx),
                          note=note, expected_version=expected_version, registry=engine.registry)
        decisions = (decision,)
        if decision.writes and NewChild in map(type, decision.writes):
            decisions = spawn.open_children(engine, tx, decisions)
        if decision.case.closed_at is not None and decision.base.closed_at is None:  # it ends the case
            decisions, _ = child_end.end_children(engine, tx, decisions, resolver or TxResolver(tx))
        write(tx, decisions)
    return decisions[0].outcome


_ACTOR_ROW = A_ACTIVE + 1  # a case row with its actor's columns; the named user's follow


def _named_user(engine, action: str, data: dict) -> str | None:
    """The user the action's first user field names, read with the case (a guess: the case's definition is not
    known yet, so any loaded definition's action of this name counts; a wrong guess costs nothing)."""
    for name in engine._user_field_names(action):
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# The case columns an action may change: position in a case record → column name.
_CHANGEABLE = {CaseRecord._fields.index(name): name for name in (
    "state", "risk", "risk_floor", "party_count", "mediator", "lead_official", "responsible_unit",
    "supervision_level", "data", "closed_at")}
_CHANGEABLE_AT = tuple(_CHANGEABLE)
_CLOSED_AT = CaseRecord._fields.index("closed_at")


def write(tx, decisions: tuple[Decision, ...] | list[Decision]) -> None:
    """Store what :func:`decide` decided, in the items' order.

    Each audit event is linked to its case's chain here, in order (the second
    event of a batch on a case follows the first). Clock and party rows go
    first, one statement each in order (a stop before the start of the same
    clock); then the cases, the audit events and the outbox rows, one
    statement per kind (and per set of changed columns) for the lot. A case
    that several items changed is updated once, from the record the first one
    read to the one the last one left, under the version the first one read.

    Raises:
        Conflict: a case changed since it was read (its version moved, or a
            clock or party row it adds was added meanwhile), with ``position``
            set to the first decision on that case (to the decision, for a row).
    """
    if len(decisions) > 1 or decisions[0].writes:
        tx.begin()  # more than one statement: one transaction (a no-op unless the command deferred it)
    signer = tx.store.signer
    spans: dict[int, list] = {}  # case id → [record read first, record the last item left, its time, its link]
    audits, queued = [], []
    last_at = at = stamp = None
    for i, d in enumerate(decisions):
        _outcome, base, case, ev, n, writes, _running = d
        _seq, when, actor, action, from_state, to_state, data, fields_json = ev
        case_id, number = case.id, case.number
        span = spans.get(case_id)
        head = span[3] if span is not None else tuple.__new__(Head, (base.audit_seq, base.audit_hash))
        if when is not last_at:  # a batch's items share one time: converted once, for the driver and the hash
            last_at, at, stamp = when, tx.t(when), canonical_time(when)
        ln = link(signer, head, number, stamp, actor, action, from_state, to_state, data, fields_json)
        if span is None:
            spans[case_id] = [base, case, at, ln]
        else:
            span[1], span[2], span[3] = case, at, ln
        seq, prev_hash, h, key_id = ln
        audits.append((case_id, seq, at, actor, action, from_state, to_state, data, prev_hash, h, fields_json,
                       key_id))
        if n is not None:
            event, to, payload = n
            queued.append(outbox.row(at, event, case_id, number, actor, dumps(to), payload))
        for w in writes:
            try:
                tx.run(*_statement(tx, case_id, at, w))
            except Exception as exc:
                # A clock or party row another command on the same case wrote since the read (PostgreSQL reads
                # without a lock; the index waits for that command, then refuses): the case moved, a conflict.
                if tx.store.is_unique_violation(exc):
                    raise _conflict(d, i) from None
                raise
    groups: dict[tuple[int, ...], list[list]] = {}  # changed positions → head rows
    for base, case, at, ln in spans.values():
        changed, values = _case_update(tx, base, case, at, ln.hash)
        group = groups.get(changed)
        if group is None:
            groups[changed] = [values]
        else:
            group.append(values)
    heads = {_column_names(changed): rows for changed, rows in groups.items()}
    if len(decisions) == 1:
        d = decisions[0]
        chain_writer.append(tx, chain_writer.CASES, audits, heads, lambda: _conflict(d, 0), outbox=queued)
        return
    chain_writer.append(tx, chain_writer.CASES, audits, heads,
                        lambda: _first_conflict(tx, decisions, {cid: s[3].hash for cid, s in spans.items()}),
                        outbox=queued)


def _statement(tx, case_id: int, at, w) -> tuple[str, dict]:
    """The statement and parameters that write a clock or party change of a decision."""
    kind = type(w)
    if kind is ClockStop:
        return "stop_running_clock", {"case_id": case_id, "name": w.name, "now": at}
    if kind is NewClock:
        return "insert_clock", clocks.insert_params(tx.t, case_id, w)
    if kind is ClockExtension:
        return "reschedule_running_clock", {"case_id": case_id, "name": w.name, "due_at": tx.t(w.due_at),
                                            "warn_at": tx.t(w.warn_at), "extended": w.extended,
                                            "next_step": w.next_step, "next_at": tx.t(w.next_at),
                                            "calendar_rev": w.calendar_rev}
    if kind is NewParty:
        return "insert_party", {"case_id": case_id, **w._asdict()}
    raise TypeError(f"unknown write {w!r}")


def _case_update(tx, base: CaseRecord, case: CaseRecord, at, audit_hash: str) -> tuple[tuple[int, ...], list]:
    """The positions of the columns that differ between ``base`` and ``case``, and the parameters of
    :meth:`Tx.update_cases` for them."""
    changed, values = [], [case.version, at, case.audit_seq, audit_hash]
    for i in _CHANGEABLE_AT:
        new = case[i]
        if new != base[i]:
            changed.append(i)
            values.append(new if i != _CLOSED_AT else tx.t(new))
    values += (case.id, base.version)
    return tuple(changed), values


def _column_names(changed: tuple[int, ...]) -> tuple[str, ...]:
    return tuple([_CHANGEABLE[i] for i in changed])


def _conflict(d: Decision, position: int) -> Conflict:
    number = d.outcome.number
    exc = Conflict(f"案件“{number}”已被他人修改，请刷新后重试", f"case {number} was changed by someone else; reload and retry")
    exc.position = position
    return exc


def _first_conflict(tx, decisions, final: dict[int, str]) -> Conflict:
    """Which case changed under a batch: the first whose stored hash is not the one its last item left
    (each case was updated at most once, so a case not updated still holds someone else's hash)."""
    stored = batch_reads.audit_hashes(tx, final)
    for i, d in enumerate(decisions):
        if stored.get(d.case.id) != final[d.case.id]:
            return _conflict(d, i)
    return _conflict(decisions[0], 0)  # not reached: some update matched no row
