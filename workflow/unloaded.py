"""What lists show for a case whose workflow definition this engine has not loaded.

A database can hold cases of a definition the engine reading it does not load
(another engine's, or one taken out of the configuration). Such a case must not
break every board and list: lists show it with its stored values, its state
marked as under an unloaded workflow, while the case's own operations raise
:class:`disputeflow.workflow.errors.DefinitionNotLoaded`. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any


class UnloadedDefinition:
    """A stand-in for a definition that is not loaded: the label look-ups of lists, answering raw names.

    ``loaded`` is False (a real :class:`Definition` has no such attribute; test with
    ``getattr(d, "loaded", True)``). The state label carries the marker a reader sees.
    """

    loaded = False
    child = None
    states: tuple = ()
    actions: tuple = ()
    terminal_states: tuple[str, ...] = ()

    def __init__(self, name: str, version: int):
        self.name = name
        self.version = version
        self.key = (name, version)
        self.vocab: dict[str, Any] = {}
        self.clocks: dict[str, Any] = {}
        self.roles: dict[str, Any] = {}

    def state_label(self, name: str, lang: str = "zh_CN") -> str:
        """The stored state, marked: the reader learns the case is there and why it shows raw names."""
        if lang.startswith("en"):
            return f"{name} (workflow {self.name} version {self.version} not loaded)"
        return f"{name}（流程 {self.name} 版本 {self.version} 未加载）"

    def vocab_label(self, vocab: str, key: str, lang: str = "zh_CN") -> str:
        """The stored value itself."""
        return key

    def action_label(self, name: str, lang: str = "zh_CN") -> str:
        """The action's name itself."""
        return name

    def clock_label(self, name: str, lang: str = "zh_CN", policy: Any = None) -> str:
        """The clock's name, or a key-person duty's description (those do not depend on the definition)."""
        if name.startswith("kp."):
            from disputeflow.workflow.duties import describe_clock

            return describe_clock(name, lang, policy)
        return name

    def action(self, name: str) -> None:
        """No action is known."""
        return None
