"""The guards, conditions and effects one engine knows, by name.

A definition names its rules by string; which function a name stands for is
the engine's business, not the process's. Each engine holds its own
:class:`Registry`: a copy, made when the engine is built, of the process
default (the built-in rules and whatever was registered through the
module-level ``register_guard``/``register_condition``/``register_effect``),
plus what the embedding system registers on that engine alone
(``engine.register_guard`` …). Two engines in one process therefore never
change each other's rules.

The process default is the module-level tables of :mod:`disputeflow.workflow.guards`
and :mod:`disputeflow.workflow.effects` themselves, so the older module-level
registration keeps working: it adds to what every engine built afterwards copies.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from disputeflow.workflow import effects as effect_table, guards as guard_table
from disputeflow.workflow import procedure_guards  # noqa: F401  (registers the mediation-procedure guards)
from disputeflow.workflow.effects import Effect, EffectFn
from disputeflow.workflow.guards import Condition, Guard

@dataclass(frozen=True)
class Names:
    """The names a registry knows, as plain sets (what a definition checker is handed).

    ``families`` are the guard families: ``family:param`` is a known guard for any non-empty ``param``.
    """

    guards: frozenset[str]
    families: frozenset[str]
    conditions: frozenset[str]
    effects: frozenset[str]

    def has_guard(self, name: str) -> bool:
        """Whether ``name`` is a registered guard or ``family:param`` of a registered family."""
        if name in self.guards:
            return True
        family, sep, param = name.partition(":")
        return bool(sep and param) and family in self.families


class Registry:
    """Guards, guard families, conditions and effects by name: one engine's rules.

    Built from the process default with :meth:`default_copy`; registering on it
    changes only this registry. Register a rule before loading a definition that
    names it: a definition is checked against, and compiled with, the registry of
    the engine it is loaded into.
    """

    def __init__(self, guards: dict[str, Guard], families: dict[str, Callable[[str], Guard]],
                 conditions: dict[str, Condition], child_guards: set[str], effects: dict[str, Effect]):
        self._guards = guards
        self._families = families
        self._conditions = conditions
        self._child_guards = child_guards
        self._effects = effects

    @classmethod
    def default_copy(cls) -> "Registry":
        """A new registry holding what the process default holds now (built-ins and module-level registrations)."""
        return cls(dict(guard_table.GUARDS), dict(guard_table.GUARD_FAMILIES), dict(guard_table.CONDITIONS),
                   set(guard_table.CHILD_GUARDS), dict(effect_table.EFFECTS))

    # ------------------------------------------------------------------ registering

    def register_guard(self, name: str, fn: Guard, *, children: bool = False) -> None:
        """Register guard ``fn`` under ``name`` (``children``: it reads ``CaseView.children``)."""
        self._guards[name] = fn
        if children:
            self._child_guards.add(name)
        else:
            self._child_guards.discard(name)

    def register_guard_family(self, name: str, factory: Callable[[str], Guard]) -> None:
        """Register a guard family: ``name:param`` in a definition is ``factory(param)``."""
        self._families[name] = factory

    def register_condition(self, name: str, fn: Condition) -> None:
        """Register condition ``fn`` (a yes/no predicate deciding whether a clock starts) under ``name``."""
        self._conditions[name] = fn

    def register_effect(self, name: str, fn: EffectFn, *, reads_clocks: bool = False) -> None:
        """Register effect ``fn`` under ``name`` (``reads_clocks``: it reads ``change.running``)."""
        self._effects[name] = Effect(name, fn, reads_clocks)

    # ------------------------------------------------------------------ looking up

    def guard(self, name: str) -> Guard | None:
        """The guard ``name`` stands for (a family's guard for ``family:param``, built once); None if unknown."""
        got = self._guards.get(name)
        if got is None:
            family, sep, param = name.partition(":")
            factory = self._families.get(family) if sep and param else None
            if factory is not None:
                got = self._guards[name] = factory(param)
        return got

    def reads_children(self, name: str) -> bool:
        """Whether guard ``name`` reads the case's open children."""
        return name in self._child_guards

    def condition(self, name: str) -> Condition | None:
        """The condition ``name`` stands for; None if unknown."""
        return self._conditions.get(name)

    def effect(self, name: str) -> Effect | None:
        """The effect ``name`` stands for; None if unknown."""
        return self._effects.get(name)

    def names(self) -> Names:
        """Every name this registry knows, for a checker that takes plain sets."""
        return Names(frozenset(self._guards), frozenset(self._families), frozenset(self._conditions),
                     frozenset(self._effects))


# The process default: the module-level tables themselves (module-level registration adds here).
DEFAULT = Registry(guard_table.GUARDS, guard_table.GUARD_FAMILIES, guard_table.CONDITIONS, guard_table.CHILD_GUARDS,
                   effect_table.EFFECTS)
