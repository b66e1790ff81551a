"""Engine configuration: a TOML file, the environment, or keyword arguments.

Everything an operator may change (database, policy file, calendar overrides,
extra workflow definitions, case number prefix, channels) is here; nothing is
read from code defaults hidden deeper in the engine.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from disputeflow.workflow.errors import ConfigError


def is_builtin_name(entry: str) -> bool:
    """``definitions`` entries without a path separator or ``.toml`` name a definition shipped
    with the package (``"hotline"``); the others are files."""
    return "/" not in entry and "\\" not in entry and not entry.endswith(".toml")


_PREFIX = re.compile(r"[a-z][a-z0-9_]*")
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]*")


def _check_names(prefix: Any, schema: Any) -> None:
    """A prefix and a schema are written into SQL as they are: only lower-case letters, digits and ``_``."""
    if not isinstance(prefix, str) or (prefix and (not _PREFIX.fullmatch(prefix) or len(prefix) > 20)):
        raise ConfigError(f"table_prefix 应以小写字母开头，只含小写字母、数字和下划线（至多 20 个字符，如 df_），而不是 {prefix!r}",
                          "table_prefix must start with a lower-case letter and hold only lower-case letters, digits "
                          f"and underscores (at most 20 characters, e.g. df_), not {prefix!r}")
    if schema is not None and (not isinstance(schema, str) or not _SCHEMA.fullmatch(schema) or len(schema) > 63
                               or schema.startswith("pg_")):
        raise ConfigError(f"schema 应为小写字母、数字和下划线组成的 PostgreSQL 模式名（不以 pg_ 开头），而不是 {schema!r}",
                          "schema must be a PostgreSQL schema name of lower-case letters, digits and underscores "
                          f"(not starting with pg_), not {schema!r}")


@dataclass
class Config:
    """What an operator may change, in one object: database, workflows, policy, calendar, channels.

    Build it in code (``Config(url="sqlite:///cases.db")``) or read it from a TOML file with
    :meth:`load`; every field is described in the configuration reference. Unknown keys and
    bad values are refused when the engine starts (``ConfigError``), never half-used.
    """

    url: str = ""
    definitions: list[str] = field(default_factory=list)
    default_definition: str = "grassroots"
    policy: str | None = None
    calendar_overrides: str | None = None
    number_prefix: str | None = None
    lang: str = "zh_CN"
    allow_now_override: bool = True
    sqlite_synchronous: str = "NORMAL"
    busy_timeout: float = 5.0  # seconds a write waits for another writer's lock before it is refused as busy
    notifications: dict[str, Any] = field(default_factory=dict)
    scheduler: dict[str, Any] = field(default_factory=dict)
    web: dict[str, Any] = field(default_factory=dict)
    # Attachments: ``dir`` (a folder; default next to an SQLite file), ``max_mb``, or ``store`` (module:factory).
    attachments: dict[str, Any] = field(default_factory=dict)
    report_templates: str | None = None  # a directory whose templates override templates/reports/
    # The audit key (HMAC-SHA256) and the keys rotated out; else DISPUTEFLOW_AUDIT_KEY / DISPUTEFLOW_AUDIT_OLD_KEYS.
    # Kept here or in the environment, never in the database (docs/operations.md).
    audit_key: str | None = None
    audit_old_keys: list[str] = field(default_factory=list)
    # Beside a host application's tables: every table, index and Alembic's version table named ``{prefix}…``,
    # and on PostgreSQL in ``schema`` (created by ``init()`` if missing). See docs/operations.md.
    table_prefix: str = ""
    schema: str | None = None

    def __post_init__(self) -> None:
        t = self.busy_timeout
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 600:
            raise ConfigError(f"busy_timeout 应为 0 到 600 之间的秒数，而不是 {t!r}",
                              f"busy_timeout must be a number of seconds between 0 and 600, not {t!r}")
        _check_names(self.table_prefix, self.schema)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, **overrides: Any) -> "Config":
        """Read ``path`` (or ``DISPUTEFLOW_CONFIG``), then apply ``overrides``.

        Raises:
            ConfigError: the file is unreadable, malformed or has unknown keys.
        """
        doc: dict[str, Any] = {}
        path = path or os.environ.get("DISPUTEFLOW_CONFIG")
        if path:
            p = Path(path)
            try:
                doc = tomllib.loads(p.read_text(encoding="utf-8"))
            except OSError as exc:
                raise ConfigError(f"无法读取配置文件 {p}：{exc.strerror}", f"cannot read config {p}: {exc.strerror}") from None
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"配置文件 {p} 格式错误：{exc}", f"config file {p} is malformed: {exc}") from None
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(doc) - known)
            if unknown:
                raise ConfigError(f"配置文件 {p} 有未知配置项：{'、'.join(unknown)}",
                                  f"config file {p} has unknown keys: {', '.join(unknown)}")
            base = p.parent
            for key in ("policy", "calendar_overrides", "report_templates"):
                if doc.get(key):
                    doc[key] = str((base / doc[key]).resolve())
            doc["definitions"] = [d if is_builtin_name(d) else str((base / d).resolve())
                                  for d in doc.get("definitions", [])]
            files = doc.get("attachments")
            if isinstance(files, dict) and files.get("dir"):
                files["dir"] = str((base / files["dir"]).resolve())
            notify = doc.get("notifications")
            if isinstance(notify, dict) and notify.get("template_dir"):
                notify["template_dir"] = str((base / notify["template_dir"]).resolve())
        doc.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**doc)
