"""Many commands in few transactions: importing a backlog of paper cases, replaying a batch.

Each item goes through exactly the checks and writes of :func:`workflow.commands.act`
(role, jurisdiction, state, fields, guards, the hash chain, clocks, the outbox);
only the transaction is shared, ``batch`` items at a time, which spares a commit
(and on SQLite the write lock, on PostgreSQL a round trip or two) per item.

Items are applied in order, so two items on the same case see each other's
effects. A batch commits whole or not at all: when an item fails, its batch is
rolled back, the batches before it stay committed, and the item's own typed
error is raised with ``index`` (the failing item's position), ``number`` and
``committed`` (how many items before it are stored) set on it, so an import can
resume from ``committed``.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from workflow import commands
from workflow.errors import DisputeflowError, ValidationError

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
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) not in (3, 4):
        raise ValidationError.one(f"items[{i}]", "每项应为（案件编号, 动作, 操作人, 字段）",
                                  "each item must be (number, action, actor, fields)")
    number, action, actor = item[0], item[1], item[2]
    data = item[3] if len(item) == 4 and item[3] is not None else {}
    return number, action, actor, data


def _apply(engine, chunk: list[tuple[int, tuple]], out: list[commands.Outcome]) -> None:
    committed = len(out)
    done: list[commands.Outcome] = []
    now = engine.clock.now()
    index, number = None, None
    try:
        with engine.store.write() as tx:
            for index, (number, action, actor, data) in chunk:
                data = dict(data)
                expected = data.pop("expected_version", None)
                done.append(commands.act(engine, number, action, actor, data, expected, tx=tx, now=now))
    except DisputeflowError as exc:
        exc.index, exc.number, exc.committed = index, number, committed
        raise
    out.extend(done)
    for outcome in done:
        engine._emit(outcome)
