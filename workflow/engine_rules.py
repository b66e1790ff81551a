"""The rule registration of :class:`disputeflow.Engine`: guards, conditions and effects of this engine alone.

A part of the facade of its own because it is about what definitions may name,
not about cases. Each engine holds its own registry
(:class:`disputeflow.workflow.registry.Registry`), copied from the process default
when the engine is built; what is registered here is unknown to every other
engine in the process. Prefer these methods to the module-level
``disputeflow.register_guard`` and friends, which add to the process default
that every engine built afterwards copies.

Register a rule before loading a definition that names it: build the engine,
register, then :meth:`~disputeflow.Engine.register_definition`. A definition
naming a rule this engine does not know is refused when it loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from disputeflow.workflow.effects import EffectFn
from disputeflow.workflow.guards import Condition, Guard
from disputeflow.workflow.registry import Names

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class Rules:
    """Guards, conditions and effects registered on one engine."""

    _rt: "Runtime"

    def register_guard(self, name: str, fn: Guard | None = None, *, children: bool = False) -> Any:
        """Register guard ``fn`` under ``name`` on this engine only; without ``fn``, a decorator that does.

        A guard takes a :class:`disputeflow.CaseView` and the action's input and
        returns None (pass) or a :class:`disputeflow.Refusal`. ``children``: the
        guard reads ``CaseView.children`` (the case's open child cases), which the
        engine then reads for actions naming it. Other engines in the process do
        not see it; register it before loading a definition that names it.
        """

        def deco(f: Guard) -> Guard:
            self._rt.registry.register_guard(name, f, children=children)
            return f

        return deco(fn) if fn is not None else deco

    def register_condition(self, name: str, fn: Condition | None = None) -> Any:
        """Register condition ``fn`` under ``name`` on this engine only; without ``fn``, a decorator that does.

        A condition decides whether a clock an action starts (``starts = [{clock, when}]``)
        runs: it takes a :class:`disputeflow.CaseView` and the action's input and
        returns a bool. Register it before loading a definition that names it.
        """

        def deco(f: Condition) -> Condition:
            self._rt.registry.register_condition(name, f)
            return f

        return deco(fn) if fn is not None else deco

    def register_effect(self, name: str, fn: EffectFn | None = None, *, reads_clocks: bool = False) -> Any:
        """Register effect ``fn`` under ``name`` on this engine only; without ``fn``, a decorator that does.

        An effect edits the :class:`disputeflow.Change` an action is making (the
        case's columns and document, the audit event, the rows to write);
        ``reads_clocks``: it needs the case's running clocks in ``change.running``.
        Other engines in the process never run it; register it before loading a
        definition that names it.
        """

        def deco(f: EffectFn) -> EffectFn:
            self._rt.registry.register_effect(name, f, reads_clocks=reads_clocks)
            return f

        return deco(fn) if fn is not None else deco

    def rule_names(self) -> Names:
        """The guard, guard-family, condition and effect names this engine knows (plain frozensets).

        What a definition checked for this engine may name: the value has
        ``guards``, ``families``, ``conditions`` and ``effects``.
        """
        return self._rt.registry.names()
