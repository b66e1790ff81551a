"""One shared ``transitions`` machine per definition version.

Every action of the definition is a transition of the machine, from each of
its source states: a moving action to its destination, an action that keeps
the state as an internal transition. The machine is what answers which actions
are open in a state and where each leads; an action's guards are the
transition's condition, so firing it with the case refuses what the guards
refuse. The definition's own lists of sources and destinations are only the
input the machine is built from.

Cases are rows, not machine models: the machine is built once with
``model=None`` and ``auto_transitions=False`` (nobody may jump with
``to_<state>()``) and fired on a throw-away token that carries only the state.
Nothing is kept per case, so the machine costs the same with ten cases or ten million.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib.util import find_spec
from typing import Any, Mapping

from transitions import Machine, MachineError, State, Transition

from disputeflow.workflow import guards
from disputeflow.workflow.definition import Definition
from disputeflow.workflow.effects import Effect
from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.registry import DEFAULT, Registry

logging.getLogger("transitions").setLevel(logging.WARNING)


class _Token:
    """The minimal model ``transitions`` needs: a ``state`` attribute."""

    __slots__ = ("state",)

    def __init__(self, state: str):
        self.state = state


class _GuardsPass:
    """A transition's condition: the action's guards refuse nothing for this case and input.

    Fired without a case (a routing question: where does this action lead), it holds.
    """

    __slots__ = ("guards",)

    def __init__(self, resolved: tuple[guards.Guard, ...]):
        self.guards = resolved

    def __call__(self, case: guards.CaseView | None = None, data: Mapping[str, Any] | None = None) -> bool:
        return case is None or not any(g(case, data or {}) is not None for g in self.guards)


def _unregistered(kind: str, name: str) -> Any:
    """A stand-in for a rule the registry does not know: the definition still draws and routes, and only
    running the rule fails, with a typed error (an engine refuses such a definition when it loads)."""
    zh = {"guard": "条件", "condition": "计时条件", "effect": "效果"}[kind]

    def missing(*_args: Any) -> Any:
        raise ConfigError(f"{zh} {name} 未注册（须在加载使用它的流程之前注册）",
                          f"{kind} {name} is not registered (register it before loading a definition that names it)")

    return missing


class CompiledWorkflow:
    """A definition compiled to its shared machine, its rules' names resolved in one registry.

    The guards, conditions and effects each action names are looked up once,
    here, so the command path calls functions without asking any table.
    """

    def __init__(self, definition: Definition, registry: Registry | None = None):
        self.definition = definition
        reg = registry if registry is not None else DEFAULT
        self.registry = reg
        acts = (definition.intake, *definition.actions)
        # action name → its resolved guards, whether they read the case's children, its effects, whether those
        # read the running clocks; condition name → predicate
        self.guards: dict[str, tuple[guards.Guard, ...]] = {
            a.name: tuple(reg.guard(g) or _unregistered("guard", g) for g in a.guards) for a in acts}
        self.reads_children: dict[str, bool] = {a.name: any(reg.reads_children(g) for g in a.guards) for a in acts}
        self.effects: dict[str, tuple[Effect, ...]] = {
            a.name: tuple(reg.effect(e) or Effect(e, _unregistered("effect", e)) for e in a.effects) for a in acts}
        self.reads_clocks: dict[str, bool] = {a.name: any(e.reads_clocks for e in self.effects[a.name]) for a in acts}
        self.conditions: dict[str, guards.Condition] = {
            st.when: reg.condition(st.when) or _unregistered("condition", st.when)
            for a in acts for st in a.starts if st.when}
        self.machine = Machine(
            model=None,
            states=[s.name for s in definition.states],
            initial=definition.initial,
            transitions=[{"trigger": a.name, "source": list(a.sources), "dest": a.dest,
                          "conditions": [_GuardsPass(self.guards[a.name])] if a.guards else []}
                         for a in definition.actions],
            auto_transitions=False,
            send_event=False,
            ignore_invalid_triggers=False,
        )
        self._open: dict[str, tuple[str, ...]] = {}  # the machine's answer per state (it never changes)
        # The actions that can end a case: asked of every item of a batch, answered once per definition.
        self.ending_actions = frozenset(name for _, dest, name in self.moves() if definition.state(dest).terminal)

    def check(self, action: str, case: guards.CaseView, data: Mapping[str, Any]) -> list[guards.Refusal]:
        """Run every guard of ``action``; all refusals (empty when the action may go ahead)."""
        out = []
        for guard in self.guards[action]:
            r = guard(case, data)
            if r is not None:
                out.append(r)
        return out

    def transition(self, action: str, state: str) -> Transition:
        """The machine's transition for ``action`` from ``state``.

        Raises:
            MachineError: there is no such action, or it is not open in ``state``.
        """
        event = self.machine.events.get(action)
        found = event.transitions.get(state) if event is not None else None
        if not found:
            raise MachineError(f"{action} is not open in state {state}")
        return found[0]

    def dest(self, action: str, state: str) -> str:
        """Where ``action`` leads from ``state`` (the same state for an action that does not move the case).

        Raises:
            MachineError: as :meth:`transition`.
        """
        return self.transition(action, state).dest or state

    def open_actions(self, state: str) -> tuple[str, ...]:
        """The actions open in ``state``, in the definition's order."""
        got = self._open.get(state)
        if got is None:
            got = self._open[state] = tuple(self.machine.get_triggers(state))
        return got

    def moves(self) -> list[tuple[str, str, str]]:
        """Every move between two states as ``(source, destination, action)``, in the definition's order."""
        out = []
        for name, event in self.machine.events.items():
            for source, found in event.transitions.items():
                for t in found:
                    if t.dest is not None:
                        out.append((source, t.dest, name))
        return out

    def fire(self, action: str, state: str, case: guards.CaseView | None = None,
             data: Mapping[str, Any] | None = None) -> str:
        """Fire ``action`` from ``state``; the state after it.

        With ``case`` (and the action's input ``data``), the action's guards are the condition.

        Raises:
            MachineError: the action is not open in ``state``, or its guards refuse.
        """
        token = _Token(state)
        event = self.machine.events.get(action)
        if event is None:
            raise MachineError(f"unknown action {action}")
        if not event.trigger(token, case, data):
            raise MachineError(f"{action} did not fire from {state}")
        return token.state

    def mermaid(self, lang: str = "zh_CN") -> str:
        """A Mermaid ``stateDiagram-v2`` of the moves, drawn by ``transitions``' own diagram support."""
        return self._diagram(lang, "mermaid")

    def dot(self, lang: str = "zh_CN") -> str:
        """The same diagram as Graphviz DOT text (the ``graphviz`` Python package writes it; no binary needed)."""
        if find_spec("graphviz") is None:
            raise ConfigError("输出 DOT 格式需要安装 graphviz（pip install graphviz）",
                              "the DOT format needs the graphviz package (pip install graphviz)")
        return self._diagram(lang, "graphviz")

    def _diagram(self, lang: str, engine: str) -> str:
        d = self.definition
        moves = [{"trigger": action, "source": src, "dest": dest, "label": d.action_label(action, lang)}
                 for src, dest, action in self.moves()]
        model = _DiagramModel()
        states = [{"name": s.name, "label": s.label.get(lang)} for s in d.states]
        _diagram_machine()(model=model, states=states, initial=d.initial, transitions=moves, auto_transitions=False,
                           graph_engine=engine, title=d.label.get(lang))
        return model.get_graph().source.rstrip("\n") + "\n"  # type: ignore[attr-defined]


class _LabelledState(State):
    """A state with the label the diagram shows (the definition's name for people)."""

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.label = label


class _DiagramModel:
    """The model a diagram machine draws (``transitions`` binds its triggers and ``get_graph`` to it)."""


@lru_cache(maxsize=1)
def _diagram_machine() -> type:
    """``transitions``' GraphMachine with labelled states, imported on first use (it loads asyncio)."""
    from transitions.extensions.diagrams import GraphMachine

    return type("_DiagramMachine", (GraphMachine,), {"state_cls": _LabelledState})


@lru_cache(maxsize=64)
def compile_definition(definition: Definition, registry: Registry | None = None) -> CompiledWorkflow:
    """Compile once per definition and registry (both hashable by identity).

    Without ``registry``, the names resolve in the process default
    (:data:`disputeflow.workflow.registry.DEFAULT`); an engine passes its own.
    """
    return CompiledWorkflow(definition, registry)
