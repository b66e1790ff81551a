"""Workflow definitions as plain data.

A definition is loaded from a TOML file (or built from a dict by an embedding
system) and validated once. It names states, actions, the roles allowed for
each action, guards and clock rules *by name*; the functions behind those names
live in :mod:`disputeflow.workflow.guards` and :mod:`disputeflow.workflow.effects`; which actions are
open in a state is the compiled machine's answer (:mod:`disputeflow.workflow.machine`). Nothing here touches a database or a clock, so
a definition can be checked, drawn and tested on its own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from disputeflow.workflow.errors import ConfigError

FIELD_TYPES = frozenset(
    {"text", "choice", "choices", "user", "unit", "datetime", "bool", "int", "parties", "clock"}
)
ROLES = ("grid_officer", "mediator", "lead_official", "supervisor", "admin")
ROLE_NAME_MAX = 20  # users.role is String(20)
SINGLE_LINE_MAX = 200  # a text field this short (or named title) takes no line breaks unless multiline = true
TIME_BOUNDS = ("", "past", "future")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def get(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh


@dataclass(frozen=True)
class RoleSpec:
    """A role a definition adds to the built-in ones (``[roles.<name>]`` in TOML).

    ``personal_data``: holders of the role work with the parties directly and
    see phone and ID numbers unmasked, as mediators do.
    """

    name: str
    label: Label
    personal_data: bool = False


@dataclass(frozen=True)
class State:
    name: str
    label: Label
    stage: str = ""
    terminal: bool = False
    open: bool = True  # an open case is on the ledger's "in progress" list


@dataclass(frozen=True)
class FieldSpec:
    """One input field of an action.

    ``target`` says where the value lands: ``case.<column>`` for the promoted
    columns (risk, responsible_unit, mediator, lead_official), ``data.<key>``
    for the case's JSON document, or empty to keep it only in the audit log.
    """

    name: str
    type: str
    label: Label
    required: bool = False
    vocab: str | None = None
    roles: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    target: str = ""
    max_length: int = 2000
    multiline: bool = True  # a text field may hold line breaks (never a title, never a short text)
    bound: str = ""  # a datetime field: "past" (not after now) or "future" (not before now)


@dataclass(frozen=True)
class ClockStart:
    clock: str
    when: str | None = None  # a condition name from disputeflow.workflow.guards.CONDITIONS
    due_field: str | None = None  # the due time is given by this field (supervision)


@dataclass(frozen=True)
class Action:
    name: str
    label: Label
    sources: tuple[str, ...]
    dest: str | None  # None: the action does not move the state
    roles: tuple[str, ...]
    fields: tuple[FieldSpec, ...] = ()
    guards: tuple[str, ...] = ()
    starts: tuple[ClockStart, ...] = ()
    stops: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    record: str | None = None  # append the action's fields to data[record]
    notify: tuple[str, ...] = ()

    @property
    def moves(self) -> bool:
        return self.dest is not None

    @cached_property
    def notify_tokens(self) -> tuple[tuple[str, str, str], ...]:
        """``notify`` as ``(token, kind, what)``: ``field:mediator`` → ``("field:mediator", "field", "mediator")``."""
        out = []
        for token in self.notify:
            kind, _, what = token.partition(":")
            out.append((token, kind, what))
        return tuple(out)

    @cached_property
    def targets(self) -> tuple[tuple[str, str, str], ...]:
        """The fields with a target as ``(field, kind, key)``: ``case.mediator`` → ``(name, "case", "mediator")``."""
        out = []
        for f in self.fields:
            if f.target:
                kind, _, key = f.target.partition(".")
                out.append((f.name, kind, key))
        return tuple(out)

    @cached_property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    @cached_property
    def data_fields(self) -> tuple[str, ...]:
        """The fields whose value lands in the case's JSON document (a target other than ``case.*``)."""
        return tuple(f.name for f in self.fields if f.target and not f.target.startswith("case."))

    def field(self, name: str) -> FieldSpec | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass(frozen=True, eq=False)
class Definition:
    name: str
    version: int
    label: Label
    initial: str
    states: tuple[State, ...]
    intake: Action
    actions: tuple[Action, ...]
    vocab: Mapping[str, Mapping[str, Label]] = field(default_factory=dict)
    clocks: Mapping[str, Label] = field(default_factory=dict)
    roles: Mapping[str, RoleSpec] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)

    def state(self, name: str) -> State:
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def action(self, name: str) -> Action | None:
        return self._actions_by_name.get(name)

    @cached_property
    def _actions_by_name(self) -> dict[str, Action]:
        out: dict[str, Action] = {}
        for a in self.actions:
            out.setdefault(a.name, a)  # the first of a name, as a scan in order finds it
        return out

    def vocab_label(self, vocab: str, key: str, lang: str = "zh_CN") -> str:
        lab = self.vocab.get(vocab, {}).get(key)
        return lab.get(lang) if lab else key

    def state_label(self, name: str, lang: str = "zh_CN") -> str:
        try:
            return self.state(name).label.get(lang)
        except KeyError:
            return name

    def action_label(self, name: str, lang: str = "zh_CN") -> str:
        if name == self.intake.name:
            return self.intake.label.get(lang)
        a = self.action(name)
        if a is None and name == "key_person_linked":
            return "关联重点人员" if not lang.startswith("en") else "key person linked"
        return a.label.get(lang) if a else name

    def clock_label(self, name: str, lang: str = "zh_CN", policy=None) -> str:
        """The clock's label; a key-person duty occurrence is labelled from ``policy`` (the engine's)."""
        lab = self.clocks.get(name)
        if lab is None and name.startswith("kp."):  # a key-person duty occurrence (disputeflow.workflow.duties)
            from disputeflow.workflow.duties import describe_clock

            return describe_clock(name, lang, policy)
        return lab.get(lang) if lab else name

    @property
    def terminal_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if s.terminal)


# --------------------------------------------------------------------------- loading


def _label(d: Mapping[str, Any], where: str, key: str = "label") -> Label:
    zh = d.get(f"{key}_zh") or d.get(key)
    en = d.get(f"{key}_en") or zh
    if not zh:
        raise ConfigError(f"{where} 缺少中文名称（{key}_zh）", f"{where} has no Chinese label ({key}_zh)")
    return Label(str(zh), str(en))


def _field(name: str, d: Mapping[str, Any], where: str) -> FieldSpec:
    ftype = d.get("type", "text")
    if ftype not in FIELD_TYPES:
        raise ConfigError(
            f"{where} 字段 {name} 的类型 {ftype!r} 未知（可选：{', '.join(sorted(FIELD_TYPES))}）",
            f"{where} field {name} has unknown type {ftype!r} (one of {', '.join(sorted(FIELD_TYPES))})",
        )
    max_length = int(d.get("max_length", 2000))
    bound = d.get("bound", "")
    if bound not in TIME_BOUNDS or (bound and ftype != "datetime"):
        raise ConfigError(f"{where} 字段 {name} 的 bound 只能用于时间字段，取 past 或 future",
                          f"{where} field {name}: bound is for datetime fields, past or future")
    return FieldSpec(
        name=name,
        type=ftype,
        label=_label(d, f"{where} 字段 {name}"),
        required=bool(d.get("required", False)),
        vocab=d.get("vocab"),
        roles=tuple(d.get("roles", ())),
        kinds=tuple(d.get("kinds", ())),
        target=d.get("target", ""),
        max_length=max_length,
        multiline=bool(d.get("multiline", name != "title" and max_length > SINGLE_LINE_MAX)),
        bound=bound,
    )


def _action(d: Mapping[str, Any], where: str) -> Action:
    name = d.get("name")
    if not name:
        raise ConfigError(f"{where} 缺少 name", f"{where} has no name")
    where = f"动作 {name}"
    fields = tuple(_field(fname, fd, where) for fname, fd in d.get("fields", {}).items())
    starts = []
    for s in d.get("starts", ()):
        if isinstance(s, str):
            starts.append(ClockStart(s))
        else:
            starts.append(ClockStart(s["clock"], s.get("when"), s.get("due_field")))
    sources = d.get("sources", ())
    if isinstance(sources, str):
        sources = (sources,)
    return Action(
        name=name,
        label=_label(d, where),
        sources=tuple(sources),
        dest=d.get("dest") or None,
        roles=tuple(d.get("roles", ())),
        fields=fields,
        guards=tuple(d.get("guards", ())),
        starts=tuple(starts),
        stops=tuple(d.get("stops", ())),
        effects=tuple(d.get("effects", ())),
        record=d.get("record"),
        notify=tuple(d.get("notify", ())),
    )


def definition_from_dict(doc: Mapping[str, Any]) -> Definition:
    """Build and validate a definition from plain data (what a TOML file holds).

    Raises:
        ConfigError: the definition refers to a state, vocabulary, guard or role
            that does not exist, or misses a required key; the message says which.
    """
    from disputeflow.workflow import effects as effect_registry, guards as guard_registry  # pure modules, no I/O

    try:
        states = tuple(
            State(
                name=s["name"],
                label=_label(s, f"状态 {s['name']}"),
                stage=s.get("stage", ""),
                terminal=bool(s.get("terminal", False)),
                open=bool(s.get("open", not s.get("terminal", False))),
            )
            for s in doc["states"]
        )
        vocab = {
            vname: {k: Label(v[0], v[1] if len(v) > 1 else v[0]) for k, v in entries.items()}
            for vname, entries in doc.get("vocab", {}).items()
        }
        clocks = {k: Label(v[0], v[1] if len(v) > 1 else v[0]) for k, v in doc.get("clocks", {}).items()}
        roles = {rname: RoleSpec(rname, _label(rd, f"角色 {rname}"), bool(rd.get("personal_data", False)))
                 for rname, rd in doc.get("roles", {}).items()}
        intake = _action({**doc["intake"], "name": doc["intake"].get("name", "report")}, "登记")
        actions = tuple(_action(a, f"第 {i + 1} 个动作") for i, a in enumerate(doc.get("actions", ())))
        defn = Definition(
            name=doc["name"],
            version=int(doc["version"]),
            label=_label(doc, "流程"),
            initial=doc["initial"],
            states=states,
            intake=intake,
            actions=actions,
            vocab=vocab,
            clocks=clocks,
            roles=roles,
        )
    except KeyError as exc:
        raise ConfigError(f"流程定义缺少必填项 {exc.args[0]}", f"workflow definition misses key {exc.args[0]}") from None

    names = {s.name for s in defn.states}
    problems: list[tuple[str, str]] = []
    if defn.initial not in names:
        problems.append((f"初始状态 {defn.initial} 未定义", f"initial state {defn.initial} is not defined"))
    for rname in defn.roles:
        if rname in ROLES or not rname.isidentifier() or len(rname) > ROLE_NAME_MAX:
            problems.append((f"角色名 {rname} 无效（须为不超过 {ROLE_NAME_MAX} 个字符的标识符，且不与内置角色重名）",
                             f"role name {rname} is invalid (an identifier of at most {ROLE_NAME_MAX} characters "
                             "that is not a built-in role)"))
    known_roles = (*ROLES, *defn.roles)
    seen: set[str] = set()
    for a in (defn.intake, *defn.actions):
        if a.name in seen:
            problems.append((f"动作 {a.name} 重复定义", f"action {a.name} is defined twice"))
        seen.add(a.name)
        for s in (*a.sources, *([a.dest] if a.dest else [])):
            if s not in names:
                problems.append((f"动作 {a.name} 引用了未定义的状态 {s}", f"action {a.name} names undefined state {s}"))
        for r in a.roles:
            if r not in known_roles:
                problems.append((f"动作 {a.name} 的角色 {r} 未知", f"action {a.name} names unknown role {r}"))
        for g in a.guards:
            if g not in guard_registry.GUARDS:
                problems.append((f"动作 {a.name} 的条件 {g} 未注册", f"action {a.name} names unregistered guard {g}"))
        for e in a.effects:
            if e not in effect_registry.EFFECTS:
                problems.append((f"动作 {a.name} 的效果 {e} 未注册", f"action {a.name} names unregistered effect {e}"))
        for st in a.starts:
            if st.when and st.when not in guard_registry.CONDITIONS:
                problems.append((f"动作 {a.name} 的计时条件 {st.when} 未注册", f"action {a.name} names unregistered condition {st.when}"))
            if clocks and st.clock not in clocks:
                problems.append((f"动作 {a.name} 启动了未定义的时限 {st.clock}", f"action {a.name} starts undefined clock {st.clock}"))
        for f in a.fields:
            if f.vocab and f.vocab not in defn.vocab:
                problems.append((f"动作 {a.name} 字段 {f.name} 的词表 {f.vocab} 未定义", f"action {a.name} field {f.name} names undefined vocabulary {f.vocab}"))
        if a is not defn.intake and not a.sources:
            problems.append((f"动作 {a.name} 没有来源状态", f"action {a.name} has no source state"))
    if problems:
        raise ConfigError("流程定义有误：" + "；".join(p[0] for p in problems), "invalid workflow definition: " + "; ".join(p[1] for p in problems))
    return defn


def load_definition(path: str | Path) -> Definition:
    """Load a definition from a TOML file; errors name the file and the line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"无法读取流程定义文件 {p}：{exc.strerror}", f"cannot read workflow definition {p}: {exc.strerror}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"流程定义文件 {p} 格式错误：{exc}", f"workflow definition {p} is malformed: {exc}") from None
    try:
        return definition_from_dict(doc)
    except ConfigError as exc:
        raise ConfigError(f"{p}：{exc.zh}", f"{p}: {exc.en}") from None


_BUILTIN: dict[str, Definition] = {}


def builtin(name: str = "grassroots") -> Definition:
    """A definition shipped with the package (loaded once per process)."""
    if name not in _BUILTIN:
        ref = resources.files("disputeflow.workflow") / "definitions" / f"{name}.toml"
        if not ref.is_file():
            raise ConfigError(f"没有名为 {name} 的内置流程", f"no built-in workflow named {name}")
        with resources.as_file(ref) as p:
            _BUILTIN[name] = load_definition(p)
    return _BUILTIN[name]
