"""Cross-reference checks of a parsed definition: every name it uses must exist.

A definition names states, roles, guards, effects, conditions, clocks and
vocabularies by string, so a typo would otherwise surface only when a case
reaches the action. Every problem is collected, in the file's order, so the
author fixes the file once. Pure: the registries checked against hold no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from disputeflow.workflow.case_roles import OWN_CASE_COLUMNS
from disputeflow.workflow.definition_errors import Path, Problem, nearest
from disputeflow.workflow.definition_refs import field_problems, intake_problems, notify_problems
from disputeflow.workflow.definition_types import (
    CHILD_SUFFIX_MAX, PARENT_FIELDS, ROLE_NAME_MAX, ROLES, SYSTEM_ROLE, Action, Definition,
)

if TYPE_CHECKING:
    from disputeflow.workflow.registry import Names


def problems(defn: Definition, names: "Names | None" = None) -> list[Problem]:
    """Every broken reference of ``defn``; empty when the definition is sound.

    ``names``: the guard, condition and effect names to check against (an engine's
    :meth:`~disputeflow.workflow.registry.Registry.names`; default: the process default registry's).
    """
    if names is None:
        from disputeflow.workflow.registry import DEFAULT

        names = DEFAULT.names()
    states = {s.name for s in defn.states}
    found: list[Problem] = []
    if defn.initial not in states:
        found.append(Problem(f"初始状态 {defn.initial} 未定义", f"initial state {defn.initial} is not defined",
                             ("initial",), nearest(defn.initial, states)))
    for rname in defn.roles:
        if rname in (*ROLES, SYSTEM_ROLE) or not rname.isidentifier() or len(rname) > ROLE_NAME_MAX:
            found.append(Problem(f"角色名 {rname} 无效（须为不超过 {ROLE_NAME_MAX} 个字符的标识符，且不与内置角色重名）",
                                 f"role name {rname} is invalid (an identifier of at most {ROLE_NAME_MAX} characters "
                                 "that is not a built-in role)", ("roles", rname)))
    known_roles = (*ROLES, SYSTEM_ROLE, *defn.roles)
    seen: set[str] = set()
    for i, a in enumerate((defn.intake, *defn.actions)):
        where = ("intake",) if i == 0 else ("actions", i - 1)
        if a.name in seen:
            found.append(Problem(f"动作 {a.name} 重复定义", f"action {a.name} is defined twice", (*where, "name")))
        seen.add(a.name)
        found += _names(a, where, states, known_roles, names)
        found += _clocks_and_vocab(defn, a, where, names)
        found += field_problems(a, where, known_roles) + notify_problems(a, where, known_roles)
        if a is not defn.intake and not a.sources:
            found.append(Problem(f"动作 {a.name} 没有来源状态", f"action {a.name} has no source state", where))
        if a.spawns is not None and (a is defn.intake or not a.spawns.isidentifier()):
            found.append(Problem(f"动作 {a.name} 的 spawns 须为子流程名（登记动作不能派生子案件）",
                                 f"action {a.name}: spawns must name a child workflow (not on the intake)",
                                 (*where, "spawns")))
    if defn.child is None:
        found += intake_problems(defn.intake)
    else:
        suffix = defn.child.suffix
        if not suffix or len(suffix) > CHILD_SUFFIX_MAX or any(ch in suffix for ch in "-/%_ \t"):
            found.append(Problem(f"[child] 的 suffix 须为 1 至 {CHILD_SUFFIX_MAX} 个字符，且不含 -、/、%、_ 或空白",
                                 f"[child] suffix must be 1 to {CHILD_SUFFIX_MAX} characters without -, /, %, _ "
                                 "or spaces", ("child", "suffix")))
        found += _parent_end(defn, defn.child.on_parent_end)
    return found


def _parent_end(defn: Definition, name: str | None) -> list[Problem]:
    """``[child] on_parent_end`` must name an action of role ``system`` that ends the child."""
    if name is None:
        return []
    a = defn.action(name)
    terminal = {s.name for s in defn.states if s.terminal}
    if a is None or SYSTEM_ROLE not in a.roles or a.dest not in terminal:
        return [Problem(f"[child] 的 on_parent_end 须为角色含 {SYSTEM_ROLE}、去往终止状态的动作（{name} 不是）",
                 f"[child] on_parent_end must name an action of role {SYSTEM_ROLE} that leads to a terminal state "
                        f"({name} does not)", ("child", "on_parent_end"))]
    other = [f.name for f in a.fields if f.required and f.name not in PARENT_FIELDS]
    if other:
        return [Problem(f"[child] on_parent_end 的动作 {name} 只能要求 {'、'.join(PARENT_FIELDS)} 字段（不能要求 {'、'.join(other)}）",
                 f"[child] on_parent_end action {name} may require only {', '.join(PARENT_FIELDS)} "
                        f"(not {', '.join(other)})", ("child", "on_parent_end"))]
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
                found.append(Problem(f"流程 {parent.name} 动作 {a.name} 派生的子流程 {a.spawns} 未加载或未声明 [child]",
                              f"workflow {parent.name} action {a.name} spawns {a.spawns}, which is not loaded "
                              "or declares no [child]"))
                continue
            for f in child.intake.fields:
                mine = a.field(f.name)
                if mine is None or mine.type != f.type or (f.required and not mine.required):
                    found.append(Problem(f"流程 {parent.name} 动作 {a.name} 须有子流程 {child.name} 的登记字段 {f.name}"
                                  f"（类型 {f.type}{'，必填' if f.required else ''}）",
                                  f"workflow {parent.name} action {a.name} needs the intake field {f.name} of "
                                  f"{child.name} ({f.type}{', required' if f.required else ''})"))
    return found


def _names(a: Action, where: Path, states: set[str], known_roles: tuple[str, ...],
           names: "Names") -> list[Problem]:
    """The action's states, roles, guards and effects that nothing defines or registers."""
    found: list[Problem] = []
    for key, s in (*(("sources", s) for s in a.sources), *([("dest", a.dest)] if a.dest else [])):
        if s not in states:
            found.append(Problem(f"动作 {a.name} 引用了未定义的状态 {s}", f"action {a.name} names undefined state {s}",
                                 (*where, key), nearest(s, states)))
    for r in a.roles:
        if r not in known_roles:
            found.append(Problem(f"动作 {a.name} 的角色 {r} 未知", f"action {a.name} names unknown role {r}",
                                 (*where, "roles"), nearest(r, known_roles)))
    for r in a.own_cases_only:
        if r not in a.roles or r not in OWN_CASE_COLUMNS:
            found.append(Problem(f"动作 {a.name} 的 own_cases_only 角色 {r} 须是该动作的角色之一，且为"
                                 f"{'、'.join(OWN_CASE_COLUMNS)}",
                                 f"action {a.name}: own_cases_only role {r} must be one of the action's roles and "
                                 f"one of {', '.join(OWN_CASE_COLUMNS)}", (*where, "own_cases_only"),
                                 nearest(r, set(a.roles) & set(OWN_CASE_COLUMNS))))
    for g in a.guards:
        if not names.has_guard(g):
            found.append(Problem(f"动作 {a.name} 的条件 {g} 未注册", f"action {a.name} names unregistered guard {g}",
                                 (*where, "guards"), nearest(g, names.guards)))
    for e in a.effects:
        if e not in names.effects:
            found.append(Problem(f"动作 {a.name} 的效果 {e} 未注册", f"action {a.name} names unregistered effect {e}",
                                 (*where, "effects"), nearest(e, names.effects)))
    return found


def _clocks_and_vocab(defn: Definition, a: Action, where: Path, names: "Names") -> list[Problem]:
    """The action's clock conditions, clocks, due fields and field vocabularies that are not there.

    A definition that starts or stops a clock must list it under ``[clocks]``;
    one without that table (or with an empty one) is refused at the first clock it uses.
    """
    found: list[Problem] = []
    for st in a.starts:
        if st.when and st.when not in names.conditions:
            found.append(Problem(f"动作 {a.name} 的计时条件 {st.when} 未注册",
                                 f"action {a.name} names unregistered condition {st.when}", (*where, "starts"),
                                 nearest(st.when, names.conditions)))
        if st.due_field and st.due_field not in a.field_names | _case_data_keys(defn):
            found.append(Problem(f"动作 {a.name} 的计时字段 {st.due_field} 既不是该动作的字段，也不是案件记录的数据项",
                                 f"action {a.name}: due_field {st.due_field} is neither one of its fields nor a "
                                 "key of the case's data", (*where, "starts"),
                                 nearest(st.due_field, a.field_names | _case_data_keys(defn))))
    for key, clock in (*(("starts", st.clock) for st in a.starts), *(("stops", c) for c in a.stops)):
        if not defn.clocks:
            found.append(Problem(f"动作 {a.name} 使用时限 {clock}，但流程定义没有 [clocks] 表（须列出每个时限及其名称）",
                                 f"action {a.name} uses clock {clock}, but the definition has no [clocks] table "
                                 "(list every clock with its label)", (*where, key)))
            return found
        if clock not in defn.clocks:
            verb = ("启动", "starts") if key == "starts" else ("停止", "stops")
            found.append(Problem(f"动作 {a.name} {verb[0]}了未定义的时限 {clock}",
                                 f"action {a.name} {verb[1]} undefined clock {clock}", (*where, key),
                                 nearest(clock, defn.clocks)))
    for f in a.fields:
        if f.vocab and f.vocab not in defn.vocab:
            found.append(Problem(f"动作 {a.name} 字段 {f.name} 的词表 {f.vocab} 未定义",
                                 f"action {a.name} field {f.name} names undefined vocabulary {f.vocab}",
                                 (*where, "fields", f.name, "vocab"), nearest(f.vocab, defn.vocab)))
    return found


def _case_data_keys(defn: Definition) -> frozenset[str]:
    """The keys of a case's data some action writes: ``data.<key>`` targets, and the intake's own fields."""
    return frozenset({key for b in (defn.intake, *defn.actions) for _n, kind, key in b.targets if kind == "data"}
                     | defn.intake.field_names)


def policy_problems(defn: Definition, policy) -> list[Problem]:
    """What ``policy`` (a :class:`disputeflow.workflow.policy.Policy`) lacks to run ``defn``.

    Every clock of the definition needs a duration in the policy, and the
    automatic listing, when on, must use one of the definition's supervision
    levels. Each problem points at the definition's line that needs it.
    """
    found = [Problem(f"政策文件 {policy.source} 没有规定流程 {defn.name} 的时限 {name} 的时长",
                     f"policy {policy.source} has no duration for clock {name} of workflow {defn.name}",
                     ("clocks", name), nearest(name, set(policy.clocks) - set(defn.clocks)))  # a misspelt rule
             for name in policy.missing_clocks(defn.clocks)]
    levels, listing = defn.vocab.get("level"), policy.auto_listing
    if levels is not None and listing.enabled and listing.level not in levels:
        found.append(Problem(f"政策文件 {policy.source} 的 auto_listing.level “{listing.level}”不是流程 {defn.name} 的"
                             f"挂牌级别（{'、'.join(levels)}）",
                             f"auto_listing.level {listing.level!r} of policy {policy.source} is not a supervision "
                             f"level of workflow {defn.name} ({', '.join(levels)})", ("vocab", "level"),
                             nearest(listing.level, levels)))
    return found
