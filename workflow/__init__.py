"""disputeflow's workflow engine: the public facade.

``from workflow import Engine`` is all an embedding system needs. The facade
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
    "FieldError",
    "Definition",
    "load_definition",
    "definition_from_dict",
    "builtin_definition",
    "register_guard",
    "register_condition",
    "CaseView",
    "Refusal",
    "PUBLIC_MODULES",
    "__version__",
]

__version__ = "0.2.0"

# Modules whose documented names are public. Everything else is internal.
PUBLIC_MODULES = (
    "workflow",
    "workflow.engine",
    "workflow.errors",
    "workflow.definition",
    "workflow.guards",
    "workflow.actor",
    "workflow.clock",
    "workflow.config",
    "workflow.policy",
)

_LAZY = {
    "Engine": ("workflow.engine", "Engine"),
    "Actor": ("workflow.actor", "Actor"),
    "Outcome": ("workflow.commands", "Outcome"),
    "Config": ("workflow.config", "Config"),
    "Clock": ("workflow.clock", "Clock"),
    "SystemClock": ("workflow.clock", "SystemClock"),
    "FixedClock": ("workflow.clock", "FixedClock"),
    "Definition": ("workflow.definition", "Definition"),
    "load_definition": ("workflow.definition", "load_definition"),
    "definition_from_dict": ("workflow.definition", "definition_from_dict"),
    "builtin_definition": ("workflow.definition", "builtin"),
    "register_guard": ("workflow.guards", "register_guard"),
    "register_condition": ("workflow.guards", "register_condition"),
    "CaseView": ("workflow.guards", "CaseView"),
    "Refusal": ("workflow.guards", "Refusal"),
}
_ERRORS = ("DisputeflowError", "NotFound", "InvalidAction", "NotPermitted", "ValidationError",
           "Conflict", "ConfigError", "FieldError")

if TYPE_CHECKING:  # what type checkers see; at run time the names load on first use
    from workflow.actor import Actor
    from workflow.clock import Clock, FixedClock, SystemClock
    from workflow.commands import Outcome
    from workflow.config import Config
    from workflow.definition import Definition, definition_from_dict, load_definition
    from workflow.definition import builtin as builtin_definition
    from workflow.engine import Engine
    from workflow.errors import (Conflict, ConfigError, DisputeflowError, FieldError, InvalidAction, NotFound,
                                 NotPermitted, ValidationError)
    from workflow.guards import CaseView, Refusal, register_condition, register_guard


def __getattr__(name: str) -> Any:
    import importlib

    if name in _ERRORS:
        return getattr(importlib.import_module("workflow.errors"), name)
    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'workflow' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
