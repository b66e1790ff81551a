"""The parts of a workflow definition as plain, frozen data.

These types say what a definition holds; reading and checking one is
:mod:`disputeflow.workflow.definition`'s job, so the checks can use the types
without importing the loader that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

from disputeflow.workflow.audience import split

FIELD_TYPES = frozenset(
    {"text", "choice", "choices", "user", "unit", "datetime", "bool", "int", "parties", "clock"}
)
ROLES = ("grid_officer", "mediator", "lead_official", "supervisor", "office_staff", "admin")
SYSTEM_ROLE = "system"  # the engine's own actions (a child cancelled as its parent ends); no user holds it
PARENT_FIELDS = ("parent", "parent_action", "parent_state")  # what a child's on_parent_end action is given
ROLE_NAME_MAX = 20  # users.role is String(20)
SINGLE_LINE_MAX = 200  # a text field this short (or named title) takes no line breaks unless multiline = true
TIME_BOUNDS = ("", "past", "future")
CHILD_SUFFIX_MAX = 4  # the letters between a parent's number and a child's count (双乳-2026-000042-交1)


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
    spawns: str | None = None  # the child workflow a case of which this action opens (see ChildSpec)
    # roles that may do this action only on the cases naming them (a lead official on the cases they lead)
    own_cases_only: tuple[str, ...] = ()

    @property
    def moves(self) -> bool:
        return self.dest is not None

    @cached_property
    def notify_tokens(self) -> tuple[tuple[str, str | None, str], ...]:
        """``notify`` split once (:func:`disputeflow.workflow.audience.split`)."""
        return split(self.notify)

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

    @cached_property
    def mediator_fields(self) -> tuple[tuple[str, bool], ...]:
        """The fields landing on ``case.mediator`` as ``(field, assigns)``; ``assigns``: the field names a
        mediator (it names no roles, or ``mediator`` among them), not another workflow's handler."""
        return tuple((f.name, not f.roles or "mediator" in f.roles) for f in self.fields
                     if f.target == "case.mediator")

    @cached_property
    def lists(self) -> bool:
        """Whether a field of the action sets the case's listing level (挂牌督办)."""
        return any(f.target == "case.supervision_level" for f in self.fields)

    @cached_property
    def reads_data(self) -> bool:
        """Whether the action reads or changes the case's JSON document whatever its input (its guards, record,
        effects or clock starts); an action with data fields reads it only when one of them is given."""
        return bool(self.guards or self.record or self.effects or self.starts)

    @cached_property
    def reads_flags(self) -> bool:
        """Whether the action reads the case's flags (its guards, effects or clock starts)."""
        return bool(self.guards or self.effects or self.starts)

    def field(self, name: str) -> FieldSpec | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass(frozen=True)
class ChildSpec:
    """A workflow whose cases are children of another case (``[child]`` in TOML): work orders, sub-workflows.

    A parent's action with ``spawns = "<name>"`` opens one: the child takes the
    parent's unit, category and risk, runs the child workflow's intake with the
    action's fields (so the action declares every intake field), and is numbered
    ``<parent number>-<suffix><n>``, counted per parent.
    """

    suffix: str
    # The action (of role ``system``, leading to a terminal state) the engine takes on each open child
    # when its parent ends, in the parent's transaction; None: children outlive their parent.
    on_parent_end: str | None = None


@dataclass(frozen=True, eq=False)
class Definition:
    """A workflow as data: its states, actions, clocks, vocabularies and roles, checked when loaded.

    Made by :func:`load_definition` (a TOML file) or :func:`definition_from_dict`; a stored case
    keeps the ``(name, version)`` it was opened under, so a new version never changes running cases.
    """

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
    child: ChildSpec | None = None  # set: cases of this workflow are only opened by a parent's action
    # vocabulary → values kept valid for stored cases and imports but no longer offered in forms
    retired: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        """``(name, version)``: what a stored case records of the definition it runs under."""
        return (self.name, self.version)

    def state(self, name: str) -> State:
        """The state called ``name``.

        Raises:
            KeyError: the definition has no such state.
        """
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def action(self, name: str) -> Action | None:
        """The first action called ``name`` (an action may leave several states), or ``None``."""
        return self._actions_by_name.get(name)

    @cached_property
    def _actions_by_name(self) -> dict[str, Action]:
        out: dict[str, Action] = {}
        for a in self.actions:
            out.setdefault(a.name, a)  # the first of a name, as a scan in order finds it
        return out

    def choices(self, vocab: str, lang: str = "zh_CN") -> dict[str, str]:
        """The values a form offers for ``vocab``, with their labels (retired values left out)."""
        retired = self.retired.get(vocab, frozenset())
        return {k: v.get(lang) for k, v in self.vocab.get(vocab, {}).items() if k not in retired}

    def vocab_label(self, vocab: str, key: str, lang: str = "zh_CN") -> str:
        """The label of ``key`` in vocabulary ``vocab`` (``category``, ``risk`` …), in ``lang``; the key if unknown."""
        lab = self.vocab.get(vocab, {}).get(key)
        return lab.get(lang) if lab else key

    def state_label(self, name: str, lang: str = "zh_CN") -> str:
        """A state's name for people, in ``lang``; the state name itself if unknown."""
        try:
            return self.state(name).label.get(lang)
        except KeyError:
            return name

    def action_label(self, name: str, lang: str = "zh_CN") -> str:
        """An action's name for people, in ``lang`` (the intake and engine-made actions included)."""
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
        """The names of the states that end a case (closed, withdrawn, referred …)."""
        return tuple(s.name for s in self.states if s.terminal)
