"""What every command receives: the global options, the engine built from them on first use, and output.

Kept apart from the command modules so that each of them (cases, key persons, the web
server, reports, import, audit) depends on this one module and never on another command module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import click


@dataclass
class Ctx:
    db: str | None
    user: str | None
    as_json: bool
    lang: str
    now: str | None
    config: str | None
    command: str | None = None  # the top-level command being run
    _engine: Any = None

    @property
    def en(self) -> bool:
        return self.lang.startswith("en")

    def t(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def engine(self):
        if self._engine is None:
            from disputeflow.cases.db import url_from_env
            from disputeflow.cli.errors import require_database
            from disputeflow.workflow.timesource import FixedClock
            from disputeflow.workflow.config import Config
            from disputeflow.workflow.engine import Engine
            from disputeflow.workflow.errors import ConfigError

            cfg = Config.load(self.config, url=self.db, lang=self.lang)
            if self.command != "init":
                require_database(url_from_env(cfg.url or None))
            clock = None
            if self.now:
                if not cfg.allow_now_override:
                    raise ConfigError("本部署已禁止使用 --now 指定时间", "this deployment forbids --now")
                clock = FixedClock(parse_cli_time(self.now, "--now"))
            self._engine = Engine(cfg, clock=clock)
        return self._engine

    def runtime(self):
        """The collaborators below the engine, for the operator commands that work on them directly
        (the outbox, the calendar's recalculation, report snapshots)."""
        from disputeflow.workflow.runtime import runtime_of

        return runtime_of(self.engine())

    def actor(self) -> str:
        from disputeflow.workflow.errors import ValidationError

        if not self.user:
            raise ValidationError.one("--as", "请用 --as 指明操作人（或设置 DISPUTEFLOW_USER）",
                                      "say who is acting with --as (or DISPUTEFLOW_USER)")
        return self.user

    def out(self, doc: Any, human: str) -> None:
        """Print ``doc`` as JSON (exact: JSON escapes control characters) or ``human`` made safe for a terminal."""
        if self.as_json:
            click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        else:
            from disputeflow.workflow.terminal import printable

            click.echo(printable(human))


def parse_cli_time(text: str, field: str):
    from disputeflow.workflow.errors import ValidationError
    from disputeflow.workflow.timeutil import parse_time

    try:
        return parse_time(text)
    except ValueError as exc:
        zh = getattr(exc, "zh", None) or str(exc)
        en = getattr(exc, "en", None) or str(exc)
        raise ValidationError.one(field, zh, en) from None


pass_ctx = click.make_pass_decorator(Ctx)
