"""Cross-reference checks of a parsed definition: every name it uses must exist.

A definition names states, roles, guards, effects, conditions, clocks and
vocabularies by string, so a typo would otherwise surface only when a case
reaches the action. Every problem is collected, in the file's order, so the
author fixes the file once. Pure: the registries checked against hold no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from disputeflow.workflow.case_roles import OWN_CASE_COLUMNS
from disputeflow.workflow.definition_types import (
    CHILD_SUFFIX_MAX, PARENT_FIELDS, ROLE_NAME_MAX, ROLES, SYSTEM_ROLE, Action, Definition,
)

if TYPE_CHECKING:
    from disputeflow.workflow.registry import Names

Problem = tuple[str, str]  # the Chinese and the English wording


def problems(defn: Definition, known: "Names | None" = None) -> list[Problem]:
    """Every broken reference of ``defn``; empty when the definition is sound.

    ``known``: the guard, condition and effect names to check against (an
    engine's :meth:`~disputeflow.workflow.registry.Registry.names`); without it
    those names are left to the engine that loads the definition, since which
    rules exist is each engine's own.
    """
    names = {s.name for s in defn.states}
    found: list[Problem] = []
    if defn.initial not in names:
        found.append((f"初始状态 {defn.initial} 未定义", f"initial state {defn.initial} is not defined"))
    for rname in defn.roles:
        if rname in (*ROLES, SYSTEM_ROLE) or not rname.isidentifier() or len(rname) > ROLE_NAME_MAX:
            found.append((f"角色名 {rname} 无效（须为不超过 {ROLE_NAME_MAX} 个字符的标识符，且不与内置角色重名）",
                          f"role name {rname} is invalid (an identifier of at most {ROLE_NAME_MAX} characters "
                          "that is not a built-in role)"))
    known_roles = (*ROLES, SYSTEM_ROLE, *defn.roles)
    seen: set[str] = set()
    for a in (defn.intake, *defn.actions):
        if a.name in seen:
            found.append((f"动作 {a.name} 重复定义", f"action {a.name} is defined twice"))
        seen.add(a.name)
        found += _names(a, names, known_roles, known)
        found += _clocks_and_vocab(defn, a, known)
        if a is not defn.intake and not a.sources:
            found.append((f"动作 {a.name} 没有来源状态", f"action {a.name} has no source state"))
        if a.spawns is not None and (a is defn.intake or not a.spawns.isidentifier()):
            found.append((f"动作 {a.name} 的 spawns 须为子流程名（登记动作不能派生子案件）",
                          f"action {a.name}: spawns must name a child workflow (not on the intake)"))
    if defn.child is not None:
        suffix = defn.child.suffix
        if not suffix or len(suffix) > CHILD_SUFFIX_MAX or any(ch in suffix for ch in "-/%_ \t"):
            found.append((f"[child] 的 suffix 须为 1 至 {CHILD_SUFFIX_MAX} 个字符，且不含 -、/、%、_ 或空白",
                          f"[child] suffix must be 1 to {CHILD_SUFFIX_MAX} characters without -, /, %, _ or spaces"))
        found += _parent_end(defn, defn.child.on_parent_end)
    return found


def _parent_end(defn: Definition, name: str | None) -> list[Problem]:
    """``[child] on_parent_end`` must name an action of role ``system`` that ends the child."""
    if name is None:
        return []
    a = defn.action(name)
    terminal = {s.name for s in defn.states if s.terminal}
    if a is None or SYSTEM_ROLE not in a.roles or a.dest not in terminal:
        return [(f"[child] 的 on_parent_end 须为角色含 {SYSTEM_ROLE}、去往终止状态的动作（{name} 不是）",
                 f"[child] on_parent_end must name an action of role {SYSTEM_ROLE} that leads to a terminal state "
                 f"({name} does not)")]
    other = [f.name for f in a.fields if f.required and f.name not in PARENT_FIELDS]
    if other:
        return [(f"[child] on_parent_end 的动作 {name} 只能要求 {'、'.join(PARENT_FIELDS)} 字段（不能要求 {'、'.join(other)}）",
                 f"[child] on_parent_end action {name} may require only {', '.join(PARENT_FIELDS)} "
                 f"(not {', '.join(other)})")]
    return []


def spawn_problems(definitions: Mapping[str, Definition]) -> list[Problem]:
    """Every ``spawns`` among the newest ``definitions`` (by name) that cannot open its child.

    The child must be loaded and declare ``[child]``; its intake runs with the
    spawning action's input, so the action has each intake field, of the same
    type, and requires what the intake requires.
    """
    found: list[Problem] = []
    for parent in definitions.values():
        for a in parent.actions:
            if a.spawns is None:
                continue
            child = definitions.get(a.spawns)
            if child is None or child.child is None:
                found.append((f"流程 {parent.name} 动作 {a.name} 派生的子流程 {a.spawns} 未加载或未声明 [child]",
                              f"workflow {parent.name} action {a.name} spawns {a.spawns}, which is not loaded "
                              "or declares no [child]"))
                continue
            for f in child.intake.fields:
                mine = a.field(f.name)
                if mine is None or mine.type != f.type or (f.required and not mine.required):
                    found.append((f"流程 {parent.name} 动作 {a.name} 须有子流程 {child.name} 的登记字段 {f.name}"
                                  f"（类型 {f.type}{'，必填' if f.required else ''}）",
                                  f"workflow {parent.name} action {a.name} needs the intake field {f.name} of "
                                  f"{child.name} ({f.type}{', required' if f.required else ''})"))
    return found


def _names(a: Action, states: set[str], known_roles: tuple[str, ...], known: "Names | None") -> list[Problem]:
    """The action's states, roles, guards and effects that nothing defines or registers."""
    found: list[Problem] = []
    for s in (*a.sources, *([a.dest] if a.dest else [])):
        if s not in states:
            found.append((f"动作 {a.name} 引用了未定义的状态 {s}", f"action {a.name} names undefined state {s}"))
    for r in a.roles:
        if r not in known_roles:
            found.append((f"动作 {a.name} 的角色 {r} 未知", f"action {a.name} names unknown role {r}"))
    for r in a.own_cases_only:
        if r not in a.roles or r not in OWN_CASE_COLUMNS:
            found.append((f"动作 {a.name} 的 own_cases_only 角色 {r} 须是该动作的角色之一，且为"
                          f"{'、'.join(OWN_CASE_COLUMNS)}",
                          f"action {a.name}: own_cases_only role {r} must be one of the action's roles and one of "
                          f"{', '.join(OWN_CASE_COLUMNS)}"))
    for g in a.guards if known is not None else ():
        if not known.has_guard(g):  # type: ignore[union-attr]
            found.append((f"动作 {a.name} 的条件 {g} 未注册", f"action {a.name} names unregistered guard {g}"))
    for e in a.effects if known is not None else ():
        if e not in known.effects:  # type: ignore[union-attr]
            found.append((f"动作 {a.name} 的效果 {e} 未注册", f"action {a.name} names unregistered effect {e}"))
    return found


def _clocks_and_vocab(defn: Definition, a: Action, known: "Names | None") -> list[Problem]:
    """The action's clock conditions, clocks and field vocabularies that are not there.

    A definition without a ``[clocks]`` table may start any clock, so clocks are
    checked only when it lists some.
    """
    found: list[Problem] = []
    for st in a.starts:
        if st.when and known is not None and st.when not in known.conditions:
            found.append((f"动作 {a.name} 的计时条件 {st.when} 未注册",
                          f"action {a.name} names unregistered condition {st.when}"))
        if defn.clocks and st.clock not in defn.clocks:
            found.append((f"动作 {a.name} 启动了未定义的时限 {st.clock}",
                          f"action {a.name} starts undefined clock {st.clock}"))
    for f in a.fields:
        if f.vocab and f.vocab not in defn.vocab:
            found.append((f"动作 {a.name} 字段 {f.name} 的词表 {f.vocab} 未定义",
                          f"action {a.name} field {f.name} names undefined vocabulary {f.vocab}"))
    return found
