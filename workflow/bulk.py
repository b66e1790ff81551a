"""Many commands in few transactions: importing a backlog of paper cases, replaying a batch.

Each item goes through exactly the checks and writes of :func:`disputeflow.workflow.commands.act`
(role, jurisdiction, state, fields, guards, the hash chain, clocks, the outbox):
the same :func:`disputeflow.workflow.decision.decide`. What a batch of ``batch`` items
shares is the transaction and the statements: it reads all its cases, actors,
the users and units its fields name and the running clocks it may touch with
one statement each, decides every item in memory, then writes each kind of row
with one ``executemany``. That spares, per item, a commit (on SQLite the write
lock) and most of the statements.

Items are decided in order, each on the case row (version, audit sequence and
hash, running clocks) the item before it on the same case left, so two items on
the same case see each other's effects. A batch commits whole or not at all: when an item fails, its batch is
rolled back, the batches before it stay committed, and the item's own typed
error is raised with ``index`` (the failing item's position), ``number`` and
``committed`` (how many items before it are stored) set on it, so an import can
resume from ``committed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from disputeflow.workflow import child_end, commands, spawn
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.definition import Definition
from disputeflow.workflow.errors import DisputeflowError, NotFound, NotPermitted, ValidationError
from disputeflow.cases import batch_reads
from disputeflow.workflow.decision import decide, may_touch_clocks
from disputeflow.workflow.unit_of_work import owned

Item = Sequence[Any]  # (number, action, actor, fields)


def act_many(engine, items: Iterable[Item], *, batch: int = 100) -> list[commands.Outcome]:
    """Apply ``(number, action, actor, fields)`` items in order, ``batch`` per transaction.

    ``fields`` are the action's fields as for ``Engine.act`` (``note`` and
    ``expected_version`` included); every item of a batch is stamped with the
    same time, read from the engine's clock when the batch starts.

    Returns:
        The outcomes, in the order of the items; listeners (``engine.on``) are
        called after each batch commits.

    Raises:
        ValidationError: ``batch`` is not positive, or an item is not a
            ``(number, action, actor[, fields])`` tuple.
        DisputeflowError: the first failing item's error, with ``index``,
            ``number`` and ``committed`` set; its batch is not written.
    """
    if batch < 1:
        raise ValidationError.one("batch", "每批数量必须为正整数", "batch must be a positive integer")
    out: list[commands.Outcome] = []
    chunk: list[tuple[int, tuple]] = []
    for i, item in enumerate(items):
        chunk.append((i, _unpack(i, item)))
        if len(chunk) == batch:
            _apply(engine, chunk, out)
            chunk = []
    if chunk:
        _apply(engine, chunk, out)
    return out


def _unpack(i: int, item: Item) -> tuple:
    if type(item) is tuple and len(item) == 4 and item[3] is not None:  # the usual item: no ABC checks
        return item
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) not in (3, 4):
        raise ValidationError.one(f"items[{i}]", "每项应为（案件编号, 动作, 操作人, 字段）",
                                  "each item must be (number, action, actor, fields)")
    number, action, actor = item[0], item[1], item[2]
    data = item[3] if len(item) == 4 and item[3] is not None else {}
    return number, action, actor, data


def _apply(engine, chunk: list[tuple[int, tuple]], out: list[commands.Outcome]) -> None:
    committed = len(out)
    now = engine.clock.now()
    index, number = None, None
    try:
        with owned(engine):  # a before_commit listener: the batch on a SQLAlchemy connection, told inside
            with engine.store.write() as tx:
                batch = _Batch(engine, now, *_read(engine, tx, chunk))
                decisions = []
                for index, (number, action, actor, data) in chunk:
                    decisions.append(batch.decide(number, action, actor, data))
                decisions = spawn.open_children(engine, tx, decisions)  # the work orders items dispatch
                # the open children of the cases items end, ended with them (a no-op for a batch that ends none)
                decisions, owners = child_end.end_children(engine, tx, decisions, batch.lookups, batch.cases)
                try:
                    commands.write(tx, decisions)
                except DisputeflowError as exc:  # a case changed under the batch (PostgreSQL)
                    index, (number, *_) = chunk[owners[getattr(exc, "position", 0)]]
                    raise
            done = [d.outcome for d in decisions[:len(chunk)]]
            for outcome in done:
                engine.emit(outcome)
    except DisputeflowError as exc:
        exc.index, exc.number, exc.committed = index, number, committed
        raise
    out.extend(done)


class _Batch:
    """One batch's reads, kept current as its items are decided in order."""

    def __init__(self, engine, now, lookups, cases, actors):
        self.engine, self.now = engine, now
        self.policy, self.calendar = engine.policy, engine.calendar
        self.definitions: dict[tuple[str, int], Definition] = {}
        self.lookups = lookups  # users, units and running clocks (by case id, as the items so far leave them)
        self.cases = cases  # number → the case as the items so far leave it
        self.actors = actors

    def decide(self, number, action, actor, data) -> commands.Decision:
        if "expected_version" in data or "note" in data:
            data = dict(data)
            expected = data.pop("expected_version", None)
            note = data.pop("note", None)
        else:
            expected = note = None
        case = self.cases.get(number)
        if case is None:
            raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
        if isinstance(actor, Actor):
            who = actor
        else:
            who = self.actors.get(actor)
            known = self.lookups.users.get(actor)  # an active user of the table is in self.actors already
            if who is None and (known is None or known[2]):  # not in the users table: one of the host's?
                who = self.actors[actor] = commands.host_actor(self.lookups.tx, actor)
            if who is None:
                raise NotPermitted(f"用户“{actor}”不存在或已停用", f"user {actor!r} does not exist or is disabled")
        key = (case.definition, case.definition_version)
        definition = self.definitions.get(key)
        if definition is None:
            definition = self.definitions[key] = self.engine.definition(*key)
        d = decide(definition, self.policy, self.calendar, case, who, action, data, self.now, lookups=self.lookups,
                   note=note, expected_version=expected, registry=self.engine.registry)
        self.cases[number] = d.case
        if d.running is not None:
            self.lookups.clocks[case.id] = d.running
        return d


def _read(engine, tx, chunk):
    """Everything the chunk's items read, one statement per kind.

    Returns:
        (the lookups holding the users and units the fields name and the running
        clocks of the cases whose action may touch them, cases by number,
        active actors by id).
    """
    numbers = {item[0] for _, item in chunk}
    rows = {r.number: r for r in batch_reads.cases(tx, numbers)}
    user_ids = {item[2] for _, item in chunk if isinstance(item[2], str)}
    unit_ids: set[str] = set()
    clock_cases: set[int] = set()
    kinds: dict[tuple, tuple | None] = {}  # (definition, version, action) → what its items read
    for _, (number, action, _actor, data) in chunk:
        row = rows.get(number)
        if row is None or not (type(data) is dict or isinstance(data, Mapping)):
            continue  # its item fails in turn, with its own error
        key = (row.definition, row.definition_version, action)
        kind = kinds.get(key, False)
        if kind is False:
            kind = kinds[key] = _reads(engine, *key)
        if kind is None:
            continue
        lookups, touches_clocks = kind
        for name, is_user in lookups:
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                (user_ids if is_user else unit_ids).add(value.strip())
        if touches_clocks:
            clock_cases.add(row.id)
    users: dict = {uid: None for uid in user_ids}
    actors: dict[str, Actor] = {}
    for uid, role, unit_path, unit_id, active in batch_reads.users(tx, user_ids):
        users[uid] = (role, unit_path, active)
        if active:
            actors[uid] = Actor(id=uid, role=role, unit_path=unit_path, unit_id=unit_id)
    units: dict = {uid: None for uid in unit_ids}
    if unit_ids:
        for uid, unit_kind, path, name, active in batch_reads.units(tx, unit_ids):
            units[uid] = (unit_kind, path, name, active)
    running: dict[int, dict] = {}
    if clock_cases:
        running = {cid: {} for cid in clock_cases}
        for r in batch_reads.running_clocks(tx, clock_cases):
            running[r[-1]][r[1]] = commands.running_clock(tx.time, r)
    return commands.TxResolver(tx, users, units, running), rows, actors


def _reads(engine, definition: str, version: int, action: str) -> tuple | None:
    """What an item of this action reads: its user and unit fields ``(name, is_user)``, and whether it may
    touch the case's clocks; None if the action or its definition is unknown (the item fails in decide)."""
    try:
        d = engine.definition(definition, version)
    except DisputeflowError:
        return None
    a = d.action(action)
    if a is None:
        return None
    lookups = tuple((spec.name, spec.type == "user") for spec in a.fields if spec.type in ("user", "unit"))
    return lookups, may_touch_clocks(d, a, engine.registry)
