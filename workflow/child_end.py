"""Ending a parent ends its open children: a withdrawn or closed case leaves no work order behind.

When a parent's action ends it (any terminal state: closed, withdrawn, declined,
referred …), each of its open child cases whose workflow names an
``on_parent_end`` action in ``[child]`` (a work order: ``cancel``, 已撤销) gets
that action, taken by the engine (:data:`disputeflow.workflow.actor.SYSTEM`),
in the parent's transaction. The child's action is decided by
:func:`disputeflow.workflow.decision.decide` like any other — the event on the
child's own chain names the parent and the parent's action, ending the child
stops its clocks, its ``notify`` tells the office — and written by the same
:func:`disputeflow.workflow.commands.write` call as the parent's event. The
parent's event names the children it ended (``children_ended``).

:func:`spawn.open_children <disputeflow.workflow.spawn.open_children>` is the
other half: children opened by a parent's action, in its transaction.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Mapping, Sequence

from disputeflow.cases import batch_reads
from disputeflow.cases.canonical import dumps
from disputeflow.workflow.actor import SYSTEM
from disputeflow.workflow.decision import decide
from disputeflow.workflow.definition_types import PARENT_FIELDS


@lru_cache(maxsize=64)
def _spawns(definition) -> bool:
    """Whether cases of ``definition`` can have children (one of its actions spawns)."""
    return any(a.spawns for a in definition.actions)


def ends_case(engine, d) -> bool:
    """Whether decision ``d`` ends a case that may have children (the one check on the command path)."""
    return (d.case.closed_at is not None and d.base.closed_at is None
            and _spawns(engine.definition(d.case.definition, d.case.definition_version)))


def end_children(engine, tx, decisions: Sequence, lookups, known: Mapping | None = None) -> tuple[list, list[int]]:
    """``decisions`` followed by the actions that end the open children of the cases they end.

    Args:
        lookups: the command's :class:`~disputeflow.workflow.commands.TxResolver` (the children's running clocks).
        known: case number → record as the batch's items so far leave it (a child acted on earlier in the batch).

    Returns:
        The decisions to write, and for each the position in ``decisions`` of the item it comes from (a
        child's action is the parent's item: a conflict on it is reported there).
    """
    out, owners = list(decisions), list(range(len(decisions)))
    for i, d in enumerate(decisions):
        if d.case.closed_at is None or not ends_case(engine, d):
            continue
        tx.begin()
        numbers = [r[0] for r in tx.all("open_children", {"parent_id": d.case.id})]
        if not numbers:
            continue
        children = {r.number: r for r in batch_reads.cases(tx, numbers)}
        ended = []
        for number in numbers:
            child = (known or {}).get(number) or children.get(number)
            made = _end_one(engine, child, d, lookups) if child is not None else None
            if made is not None:
                if known is not None:
                    known[number] = made.case  # type: ignore[index]
                out.append(made)
                owners.append(i)
                ended.append(number)
        if ended:
            out[i] = _naming(out[i], ended)
    return out, owners


def _end_one(engine, child, parent, lookups):
    """The child's ``on_parent_end`` action as the engine takes it, or None if the child has none or is not
    in one of its sources (an embedder's child that outlives its parent)."""
    if child.closed_at is not None:
        return None
    definition = engine.definition(child.definition, child.definition_version)
    name = definition.child.on_parent_end if definition.child is not None else None
    action = definition.action(name) if name else None
    if action is None or child.state not in action.sources:
        return None
    given = dict(zip(PARENT_FIELDS, (parent.case.number, parent.outcome.event, parent.outcome.to_state)))
    fields = {k: v for k, v in given.items() if k in action.field_names}  # those the action keeps
    return decide(definition, engine.policy, engine.calendar, child, SYSTEM, name, fields, parent.outcome.at,
                  lookups=lookups, registry=engine.registry)


def _naming(d, ended: list[str]):
    """The parent's decision with its event naming the children its action ended."""
    audit = json.loads(d.audit.data)
    audit["children_ended"] = ended
    d.outcome.data["children_ended"] = ended
    return d._replace(audit=d.audit._replace(data=dumps(audit)))
