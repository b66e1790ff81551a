"""One shared ``transitions`` machine per definition version.

Cases are rows, not machine models: the machine is built once with
``model=None`` and ``auto_transitions=False`` (nobody may jump with
``to_<state>()``) and fired as ``machine.events[name].trigger(token)`` on a
throw-away token that carries only the state. Nothing is kept per case, so the
machine costs the same with ten cases or ten million.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from transitions import Machine, MachineError

from disputeflow.workflow.definition import Definition

logging.getLogger("transitions").setLevel(logging.WARNING)


class _Token:
    """The minimal model ``transitions`` needs: a ``state`` attribute."""

    __slots__ = ("state",)

    def __init__(self, state: str):
        self.state = state


class CompiledWorkflow:
    """A definition compiled to a shared machine, plus the lookups the engine needs."""

    def __init__(self, definition: Definition):
        self.definition = definition
        transitions = []
        for a in definition.actions:
            for src in a.sources:
                transitions.append({"trigger": a.name, "source": src, "dest": a.dest})
        self.machine = Machine(
            model=None,
            states=[s.name for s in definition.states],
            initial=definition.initial,
            transitions=transitions,
            auto_transitions=False,
            send_event=False,
            ignore_invalid_triggers=False,
        )

    def fire(self, action: str, state: str) -> str:
        """The state after ``action`` from ``state``.

        Raises:
            MachineError: the action does not apply to ``state``.
        """
        token = _Token(state)
        event = self.machine.events.get(action)
        if event is None:
            raise MachineError(f"unknown action {action}")
        if not event.trigger(token):
            raise MachineError(f"{action} did not fire from {state}")
        return token.state

    def mermaid(self, lang: str = "zh_CN") -> str:
        """A Mermaid ``stateDiagram-v2`` of the moving actions (no Graphviz needed)."""
        d = self.definition
        lines = ["stateDiagram-v2"]
        for s in d.states:
            lines.append(f"    {s.name} : {s.label.get(lang)}")
        lines.append(f"    [*] --> {d.initial} : {d.intake.label.get(lang)}")
        for a in d.actions:
            if a.dest is None:
                continue
            for src in a.sources:
                lines.append(f"    {src} --> {a.dest} : {a.label.get(lang)}")
        for s in d.states:
            if s.terminal:
                lines.append(f"    {s.name} --> [*]")
        return "\n".join(lines) + "\n"

    def dot(self, lang: str = "zh_CN") -> str:
        """The same diagram in Graphviz DOT, for those who have it."""
        d = self.definition
        out = ["digraph workflow {", "  rankdir=LR;", '  node [shape=box, style=rounded, fontname="Noto Sans CJK SC"];']
        for s in d.states:
            shape = ", peripheries=2" if s.terminal else ""
            out.append(f'  {s.name} [label="{s.label.get(lang)}"{shape}];')
        for a in d.actions:
            if a.dest is None:
                continue
            for src in a.sources:
                out.append(f'  {src} -> {a.dest} [label="{a.label.get(lang)}"];')
        out.append("}")
        return "\n".join(out) + "\n"


@lru_cache(maxsize=32)
def compile_definition(definition: Definition) -> CompiledWorkflow:
    """Compile once per definition (definitions are frozen and hashable by identity)."""
    return CompiledWorkflow(definition)
