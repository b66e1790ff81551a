"""disputeflow's workflow engine: the public facade.

``from workflow import Engine`` is all an embedding system needs. The facade
and the errors are loaded lazily, so importing the pure core (definitions,
guards, risk rules, the calendar, policies) never pulls in database code.
"""

from __future__ import annotations

__all__ = [
    "Engine",
    "Actor",
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
    "register_guard",
    "register_condition",
    "__version__",
]

__version__ = "0.1.0"

_LAZY = {
    "Engine": ("workflow.engine", "Engine"),
    "Actor": ("workflow.engine", "Actor"),
    "Definition": ("workflow.definition", "Definition"),
    "load_definition": ("workflow.definition", "load_definition"),
    "register_guard": ("workflow.guards", "register_guard"),
    "register_condition": ("workflow.guards", "register_condition"),
}
_ERRORS = ("DisputeflowError", "NotFound", "InvalidAction", "NotPermitted", "ValidationError",
           "Conflict", "ConfigError", "FieldError")


def __getattr__(name: str):
    import importlib

    if name in _ERRORS:
        return getattr(importlib.import_module("workflow.errors"), name)
    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'workflow' has no attribute {name!r}")
