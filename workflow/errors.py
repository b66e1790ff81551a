"""Typed errors with one root.

Every error carries enough structure to be rendered in the reader's language
(Simplified Chinese by default, English on request) and maps to one CLI exit
code and one HTTP status, so the CLI and the web never guess from a message.
"""

from __future__ import annotations

from dataclasses import dataclass


class DisputeflowError(Exception):
    """Root of every error the engine raises on purpose."""

    exit_code = 1
    http_status = 500
    code = "error"

    def __init__(self, zh: str, en: str | None = None):
        super().__init__(en or zh)
        self.zh = zh
        self.en = en or zh

    def message(self, lang: str = "zh_CN") -> str:
        """The one readable line for this error, in ``lang``."""
        return self.en if lang.startswith("en") else self.zh

    def to_dict(self, lang: str = "zh_CN") -> dict:
        """The error as JSON for an API answer: ``error`` (the stable ``code``) and ``message`` in ``lang``.

        Subclasses add their own keys (``allowed``, ``fields``).
        """
        return {"error": self.code, "message": self.message(lang)}


class NotFound(DisputeflowError, LookupError):
    """No such case, user, unit, token or record (or the reader may not know it exists)."""

    exit_code = 5
    http_status = 404
    code = "not_found"


class NotPermitted(DisputeflowError, PermissionError):
    """The actor may not do this: outside their jurisdiction, or their role does not allow it."""

    exit_code = 3
    http_status = 403
    code = "not_permitted"


class Conflict(DisputeflowError):
    """Someone else changed the case first; nothing of this command was written."""

    exit_code = 4
    http_status = 409
    code = "conflict"


class Busy(DisputeflowError):
    """The database stayed locked by another writer for longer than the wait budget.

    Nothing of the command was written; trying again shortly usually succeeds.
    The web answers 503 with ``Retry-After`` instead of holding the request for
    as long as the lock lasts; the CLI exits 1 with the same message.
    """

    exit_code = 1
    http_status = 503
    code = "busy"
    retry_after = 5  # seconds a client should wait before trying again

    def __init__(self, zh: str = "系统繁忙，请稍后重试", en: str = "the system is busy; please try again shortly"):
        super().__init__(zh, en)


class Unavailable(DisputeflowError):
    """The database could not be reached, or the connection to it was lost (the server stopped or ended it).

    Nothing of the command was written, or — when the connection was lost
    while committing — the database alone knows; reading the case again tells.
    A later call opens a fresh connection. The web answers 503; the CLI exits 1.
    """

    exit_code = 1
    http_status = 503
    code = "unavailable"
    retry_after = 30  # seconds a client should wait before trying again

    def __init__(self, zh: str = "数据库暂时无法连接，请稍后重试",
                 en: str = "the database cannot be reached; please try again later"):
        super().__init__(zh, en)


class InvalidAction(DisputeflowError):
    """The action does not apply to the case's current state.

    ``allowed`` lists the actions that do apply, so a person knows what to do instead.
    """

    exit_code = 2
    http_status = 409
    code = "invalid_action"

    def __init__(self, zh: str, en: str, allowed: list[str] | None = None):
        super().__init__(zh, en)
        self.allowed = list(allowed or [])

    def to_dict(self, lang: str = "zh_CN") -> dict:
        """``error``, ``message`` and ``allowed`` (the actions that do apply now)."""
        d = super().to_dict(lang)
        d["allowed"] = self.allowed
        return d


@dataclass(frozen=True)
class FieldError:
    """One bad field: which one, and why, in both languages."""

    field: str
    zh: str
    en: str

    def message(self, lang: str = "zh_CN") -> str:
        """Why the field is wrong, in ``lang``."""
        return self.en if lang.startswith("en") else self.zh


class ValidationError(DisputeflowError, ValueError):
    """Bad input. Names every bad field at once, not just the first."""

    exit_code = 2
    http_status = 400
    code = "validation"

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        zh = "；".join(f"{e.field}：{e.zh}" for e in self.errors)
        en = "; ".join(f"{e.field}: {e.en}" for e in self.errors)
        super().__init__("输入有误 — " + zh, "invalid input — " + en)

    @classmethod
    def one(cls, field: str, zh: str, en: str) -> "ValidationError":
        """The error for a single bad ``field``, with its reason in Chinese and English."""
        return cls([FieldError(field, zh, en)])

    def to_dict(self, lang: str = "zh_CN") -> dict:
        """``error``, ``message`` and ``fields``: each bad field's name mapped to its reason in ``lang``."""
        d = super().to_dict(lang)
        d["fields"] = {e.field: e.message(lang) for e in self.errors}
        return d


class ConfigError(DisputeflowError):
    """A configuration, definition or policy file that cannot be used."""

    exit_code = 2
    http_status = 500
    code = "config"


class DefinitionNotLoaded(ConfigError):
    """A case runs under a workflow definition (name and version) this engine has not loaded.

    Only that case's own operations fail with it; boards, lists and the sweep
    skip such cases (or show them marked) and log a warning, so one missing
    definition never breaks the rest. ``name`` and ``version`` say which.
    """

    code = "definition_not_loaded"

    def __init__(self, name: str, version: int | None):
        which = f"{name} 版本 {version}" if version is not None else name
        which_en = f"{name} version {version}" if version is not None else name
        super().__init__(
            f"流程 {which} 未加载：请在创建引擎时加载它（Engine(..., definitions=[...]) 或配置项 definitions），"
            "或调用 engine.register_definition(...)",
            f"workflow {which_en} is not loaded: load it when building the engine (Engine(..., definitions=[...]) "
            "or the definitions setting), or call engine.register_definition(...)")
        self.name = name
        self.version = version
