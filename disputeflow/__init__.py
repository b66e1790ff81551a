"""disputeflow: the dispute case-workflow engine's one public facade.

``from disputeflow import Engine`` is all an embedding system needs. The facade
and the errors are loaded lazily, so importing the pure core (definitions,
guards, risk rules, the calendar, policies) never pulls in database code.

Stability rule (semantic versioning, see CHANGELOG.md): the names in
``__all__`` and the modules in ``PUBLIC_MODULES`` are the public API. A
change that breaks them raises the major version. Every other module of the
distribution is internal: it may change in any release, and embedding code
should not import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "Engine",
    "Actor",
    "Outcome",
    "Config",
    "Clock",
    "SystemClock",
    "FixedClock",
    "DisputeflowError",
    "NotFound",
    "InvalidAction",
    "NotPermitted",
    "ValidationError",
    "Conflict",
    "ConfigError",
    "DefinitionNotLoaded",
    "FieldError",
    "DefinitionError",
    "DefinitionProblem",
    "Busy",
    "Unavailable",
    "UnitOfWork",
    "Definition",
    "load_definition",
    "definition_from_dict",
    "builtin_definition",
    "register_guard",
    "register_condition",
    "register_effect",
    "Change",
    "CaseView",
    "Refusal",
    "IdentityResolver",
    "Identity",
    "PUBLIC_MODULES",
    "__version__",
]

__version__ = "0.2.0"

# Modules whose documented names are public. Everything else is internal.
PUBLIC_MODULES = (
    "disputeflow",
    "disputeflow.workflow.engine",
    "disputeflow.workflow.errors",
    "disputeflow.workflow.definition",
    "disputeflow.workflow.definition_errors",
    "disputeflow.workflow.guards",
    "disputeflow.workflow.effects",
    "disputeflow.workflow.actor",
    "disputeflow.workflow.timesource",
    "disputeflow.workflow.config",
    "disputeflow.workflow.policy",
    "disputeflow.workflow.unit_of_work",
    "disputeflow.workflow.identities",
)

_LAZY = {
    "Engine": ("disputeflow.workflow.engine", "Engine"),
    "Actor": ("disputeflow.workflow.actor", "Actor"),
    "Outcome": ("disputeflow.workflow.commands", "Outcome"),
    "Config": ("disputeflow.workflow.config", "Config"),
    "Clock": ("disputeflow.workflow.timesource", "Clock"),
    "SystemClock": ("disputeflow.workflow.timesource", "SystemClock"),
    "FixedClock": ("disputeflow.workflow.timesource", "FixedClock"),
    "Definition": ("disputeflow.workflow.definition", "Definition"),
    "DefinitionError": ("disputeflow.workflow.definition_errors", "DefinitionError"),
    "DefinitionProblem": ("disputeflow.workflow.definition_errors", "DefinitionProblem"),
    "load_definition": ("disputeflow.workflow.definition", "load_definition"),
    "definition_from_dict": ("disputeflow.workflow.definition", "definition_from_dict"),
    "builtin_definition": ("disputeflow.workflow.definition", "builtin"),
    "register_guard": ("disputeflow.workflow.guards", "register_guard"),
    "register_condition": ("disputeflow.workflow.guards", "register_condition"),
    "register_effect": ("disputeflow.workflow.effects", "register_effect"),
    "Change": ("disputeflow.workflow.effects", "Change"),
    "CaseView": ("disputeflow.workflow.guards", "CaseView"),
    "Refusal": ("disputeflow.workflow.guards", "Refusal"),
    "UnitOfWork": ("disputeflow.workflow.unit_of_work", "UnitOfWork"),
    "IdentityResolver": ("disputeflow.workflow.identities", "IdentityResolver"),
    "Identity": ("disputeflow.workflow.identities", "Identity"),
}
_ERRORS = ("DisputeflowError", "NotFound", "InvalidAction", "NotPermitted", "ValidationError",
           "Conflict", "ConfigError", "FieldError", "DefinitionNotLoaded", "Busy", "Unavailable")

if TYPE_CHECKING:  # what type checkers see; at run time the names load on first use
    from disputeflow.workflow.actor import Actor
    from disputeflow.workflow.timesource import Clock, FixedClock, SystemClock
    from disputeflow.workflow.commands import Outcome
    from disputeflow.workflow.config import Config
    from disputeflow.workflow.definition import Definition, definition_from_dict, load_definition
    from disputeflow.workflow.definition import builtin as builtin_definition
    from disputeflow.workflow.definition_errors import DefinitionError, DefinitionProblem
    from disputeflow.workflow.engine import Engine
    from disputeflow.workflow.errors import (Busy, Conflict, ConfigError, DefinitionNotLoaded, DisputeflowError,
                                             FieldError, InvalidAction, NotFound, NotPermitted, Unavailable,
                                             ValidationError)
    from disputeflow.workflow.unit_of_work import UnitOfWork
    from disputeflow.workflow.effects import Change, register_effect
    from disputeflow.workflow.guards import CaseView, Refusal, register_condition, register_guard
    from disputeflow.workflow.identities import Identity, IdentityResolver


def __getattr__(name: str) -> Any:
    import importlib

    if name in _ERRORS:
        return getattr(importlib.import_module("disputeflow.workflow.errors"), name)
    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'disputeflow' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
