"""The way back: which of the workflow's own actions take a case from a later state to an earlier one.

A corrected ledger may move a row backwards (已办结 → 调处中): the case is then
reopened through the definition's reopen arcs, never by writing the state
column, so the history says who reopened it, when and why. Pure: the route is
found on the definition alone; the writer applies it and the dry run reports it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from disputeflow.ledger_import.validate import STATE_ORDER
from disputeflow.workflow.machine import compile_definition


@dataclass(frozen=True)
class Route:
    """The actions from ``start`` to ``target`` (empty when there is no way), or why there is none."""

    actions: tuple[str, ...]
    zh: str = ""
    en: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.actions)


def moved_back(old_state: str | None, new_state: str | None) -> bool:
    """Whether the ledger's own state went backwards between two imports of a row."""
    return (old_state in STATE_ORDER and new_state in STATE_ORDER
            and STATE_ORDER.index(new_state) < STATE_ORDER.index(old_state))


def _rank(state: str) -> int:
    return STATE_ORDER.index(state) if state in STATE_ORDER else len(STATE_ORDER)


def back_route(definition, start: str, target: str, role: str, role_label=str) -> Route:
    """The shortest run of moving actions from ``start`` back to ``target``.

    The route uses at least one action that leaves a later state for an earlier
    one (a reopen arc), then main-line actions forward if the arc lands before
    ``target``; referral and withdrawal never lie on it. Each reopen arc must be
    one ``role`` may do. The moves are the compiled machine's.
    """
    label = definition.state_label
    moves = [(src, dest, name) for src, dest, name in compile_definition(definition).moves()
             if dest in STATE_ORDER and name not in ("refer", "withdraw")]
    back = {(src, dest, name) for src, dest, name in moves if _rank(src) > _rank(dest)}
    if not any(src == start for src, _, _ in back):
        return Route((), f"流程中没有从“{label(start)}”退回的动作，无法按台账改为“{label(target)}”，请在系统中处理",
                     f"the workflow has no action back from {start}; the ledger's {target} cannot be applied")
    seen = {(start, False)}
    queue: deque[tuple[str, tuple[str, ...], bool]] = deque([(start, (), False)])
    found: tuple[str, ...] | None = None
    while queue:
        state, path, went_back = queue.popleft()
        if state == target and went_back:
            found = path
            break
        for move in moves:
            src, dest, name = move
            if src != state:
                continue
            key = (dest, went_back or move in back)
            if key in seen:
                continue
            seen.add(key)
            queue.append((dest, path + (name,), key[1]))
    if found is None:
        lands = "、".join(dict.fromkeys(f"“{label(dest)}”" for src, dest, _ in sorted(back, key=_order(moves))
                                        if src == start))
        return Route((), f"流程中从“{label(start)}”只能退回到{lands}，无法按台账改为“{label(target)}”，请在系统中处理",
                     f"the workflow goes back from {start} only to {lands}; the ledger's {target} cannot be applied")
    # the reopen arcs are the importer's own decisions, checked like any action; the main-line
    # steps after them replay what the ledger records, as every import of a row does
    back_names = {name for _, _, name in back}
    for name in found:
        a = definition.action(name)
        if name in back_names and role not in a.roles:
            return Route((), f"“{a.label.zh}”须由{'、'.join(map(role_label, a.roles))}执行（导入人是{role_label(role)}），"
                         "无法据台账重新打开，请在系统中处理",
                         f"{name} needs role {' or '.join(a.roles)}; the importer may not move the case back")
    return Route(found)


def _order(moves: list):
    return moves.index


def fill_fields(action, reason: str) -> tuple[dict, str | None]:
    """The action's required fields filled from the ledger: text fields take ``reason``.

    Returns (data, the label of a required field the ledger cannot give, or None).
    """
    d: dict = {}
    for f in action.fields:
        if not f.required:
            continue
        if f.type in ("text", "string", "str", "textarea"):
            d[f.name] = reason
        else:
            return d, f.label.zh
    return d, None
