"""The ``[notifications]`` settings: retries, templates, channels and who gets what where.

Read from the config file's ``[notifications]`` table; secrets may stay out of
the file: any string value ``"env:NAME"`` is read from the environment, and
``DISPUTEFLOW_NOTIFY_<CHANNEL>_<KEY>`` overrides a channel's key
(``DISPUTEFLOW_NOTIFY_EMAIL_PASSWORD``). Example::

    [notifications]
    max_attempts = 8            # then the delivery is dead-lettered
    backoff_seconds = 30        # 30 s, 60 s, 120 s … capped by backoff_max_seconds
    backoff_max_seconds = 21600
    claim_seconds = 300         # how long a dispatcher owns what it claimed
    dispatch_seconds = 15       # how often `scheduler run` dispatches (0: never)
    template_dir = "/etc/disputeflow/templates"   # overrides, rendered in the sandbox
    person_channels = ["inbox"]                   # every recipient
    base_url = "https://tiaojie.example.gov.cn"   # links in messages (optional)

    [notifications.roles]       # extra person channels by role
    supervisor = ["inbox", "email"]

    [notifications.users.zhang] # or by user
    channels = ["inbox", "email"]

    [notifications.channels.email]
    kind = "email"
    host = "smtp.example.gov.cn"
    sender = "tiaojie@example.gov.cn"
    password = "env:SMTP_PASSWORD"

    [notifications.channels.town-robot]
    kind = "wecom"
    url = "env:WECOM_ROBOT_URL"
    events = ["escalate.*", "supervise", "digest"]  # group channels: which events
    units = ["donggang"]                            # … and only cases under these units
    lang = "zh_CN"
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from disputeflow.notifications.channels.base import ChannelConfigError

KNOWN_KEYS = {"max_attempts", "backoff_seconds", "backoff_max_seconds", "claim_seconds", "template_dir",
              "person_channels", "roles", "users", "channels", "base_url", "batch", "dispatch_seconds"}
DEFAULT_CHANNELS = {"inbox": {"kind": "inbox"}, "log": {"kind": "log"}}


def _env_name(channel: str, key: str) -> str:
    return "DISPUTEFLOW_NOTIFY_" + re.sub(r"\W", "_", f"{channel}_{key}").upper()


def _resolve(value: Any, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in environ:
            raise ChannelConfigError(f"environment variable {name} is not set")
        return environ[name]
    return value


@dataclass
class NotifySettings:
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 6 * 3600.0
    claim_seconds: float = 300.0
    template_dir: str | None = None
    person_channels: list[str] = field(default_factory=lambda: ["inbox"])
    roles: dict[str, list[str]] = field(default_factory=dict)
    users: dict[str, list[str]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_CHANNELS.items()})
    base_url: str | None = None
    batch: int = 200

    @classmethod
    def from_config(cls, doc: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> "NotifySettings":
        """Build from the ``[notifications]`` table.

        Raises:
            ChannelConfigError: an unknown key, a bad number or an unset ``env:`` variable.
        """
        doc = dict(doc or {})
        environ = os.environ if environ is None else environ
        unknown = sorted(set(doc) - KNOWN_KEYS)
        if unknown:
            raise ChannelConfigError(f"[notifications] has unknown keys: {', '.join(unknown)}")
        s = cls()
        try:
            for key in ("max_attempts", "batch"):
                if key in doc:
                    setattr(s, key, int(doc[key]))
            for key in ("backoff_seconds", "backoff_max_seconds", "claim_seconds"):
                if key in doc:
                    setattr(s, key, float(doc[key]))
        except (TypeError, ValueError):
            raise ChannelConfigError("[notifications] numbers must be numbers") from None
        if s.max_attempts < 1:
            raise ChannelConfigError("[notifications] max_attempts must be at least 1")
        s.template_dir = doc.get("template_dir") or None
        s.base_url = doc.get("base_url") or None
        if "person_channels" in doc:
            s.person_channels = list(doc["person_channels"])
        s.roles = {r: list(v) for r, v in (doc.get("roles") or {}).items()}
        s.users = {u: list(v.get("channels", []) if isinstance(v, dict) else v) for u, v in (doc.get("users") or {}).items()}
        if "channels" in doc:
            s.channels = {"inbox": {"kind": "inbox"}}
            for name, conf in (doc.get("channels") or {}).items():
                if conf is False:
                    s.channels.pop(name, None)
                    continue
                s.channels[name] = dict(conf)
        for name, conf in s.channels.items():
            conf.setdefault("kind", name)
            conf["name"] = name
            prefix = _env_name(name, "")
            for env_key, value in environ.items():
                if env_key.startswith(prefix) and len(env_key) > len(prefix):
                    conf[env_key[len(prefix):].lower()] = value
            for key, value in list(conf.items()):
                conf[key] = _resolve(value, environ)
        return s

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure: doubling, capped."""
        return min(self.backoff_seconds * (2 ** max(attempts - 1, 0)), self.backoff_max_seconds)

    def person_channels_for(self, user_id: str, role: str) -> list[str]:
        """The person channels ``user_id`` receives on: per user, else defaults plus their role's."""
        if user_id in self.users:
            return list(dict.fromkeys(self.users[user_id]))
        return list(dict.fromkeys([*self.person_channels, *self.roles.get(role, [])]))
