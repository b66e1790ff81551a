"""The Engine: the one facade the CLI, the web and embedding systems use.

It owns the database handle, the clock, the compiled definitions, the deadline
policy and the business calendar, and exposes the operations of DESIGN.md.
Construction does no I/O beyond creating the SQLAlchemy engine; ``init()``
creates or upgrades the schema.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any, Callable, Iterable

from sqlalchemy.engine import Engine as SAEngine

from cases.db import make_engine, url_from_env
from cases.store import Store
from workflow import commands, queries
from workflow.actor import Actor
from workflow.clock import Clock, SystemClock
from workflow.config import Config
from workflow.definition import Definition, builtin, load_definition
from workflow.errors import ConfigError
from workflow.machine import CompiledWorkflow, compile_definition

log = logging.getLogger(__name__)

ROLE_LABELS = {
    "grid_officer": ("网格员", "grid officer"),
    "mediator": ("调解员", "mediator"),
    "lead_official": ("包案领导", "lead official"),
    "supervisor": ("督办人员", "supervisor"),
    "admin": ("管理员", "administrator"),
    "system": ("系统", "system"),
}
UNIT_KINDS = {
    "town": ("镇", "town"),
    "village": ("村", "village"),
    "community": ("社区", "community"),
    "grid": ("网格", "grid"),
    "office": ("站所", "office"),
}


class Engine:
    """The dispute workflow engine.

    Args:
        url_or_config: a database URL, a :class:`Config`, or a SQLAlchemy engine
            owned by the host application. ``None`` uses ``DISPUTEFLOW_DB`` or the
            embedded SQLite file ``disputeflow.db``.
        clock: where the engine reads the time (a fixed clock for drills and tests).
        definitions: extra workflow definitions an embedding system supplies.
        policy, calendar: a deadline policy and business calendar to use instead
            of the configured ones.
    """

    def __init__(self, url_or_config: str | Config | SAEngine | None = None, *, clock: Clock | None = None,
                 definitions: Iterable[Definition] = (), policy=None, calendar=None, lang: str | None = None):
        if isinstance(url_or_config, Config):
            cfg = url_or_config
        elif isinstance(url_or_config, SAEngine):
            cfg = Config()
        else:
            cfg = Config(url=url_or_config or "")
        self.config = cfg
        self.lang = lang or cfg.lang
        self.clock: Clock = clock or SystemClock()
        if isinstance(url_or_config, SAEngine):
            self.db = url_or_config
        else:
            cfg.url = url_from_env(cfg.url or None)
            self.db = make_engine(cfg.url, synchronous=cfg.sqlite_synchronous)
        self.store = Store(self.db)
        self._definitions: dict[tuple[str, int], Definition] = {}
        self._latest: dict[str, Definition] = {}
        self.register_definition(builtin("grassroots"))
        for path in cfg.definitions:
            self.register_definition(load_definition(path))
        for d in definitions:
            self.register_definition(d)
        if cfg.default_definition not in self._latest:
            raise ConfigError(f"默认流程 {cfg.default_definition} 未定义", f"default workflow {cfg.default_definition} is not defined")
        self._policy = policy
        self._calendar = calendar
        self.check_policy()
        self._listeners: dict[str, list[Callable]] = defaultdict(list)
        self._prefixes: dict[str, str] = {}

    # ------------------------------------------------------------------ wiring

    def register_definition(self, definition: Definition) -> None:
        """Make a definition available; the newest version of a name is used for new cases."""
        self._definitions[definition.key] = definition
        cur = self._latest.get(definition.name)
        if cur is None or definition.version >= cur.version:
            self._latest[definition.name] = definition
        compile_definition(definition)

    def definition(self, name: str | None = None, version: int | None = None) -> Definition:
        name = name or self.config.default_definition
        if version is None:
            d = self._latest.get(name)
        else:
            d = self._definitions.get((name, version))
        if d is None:
            raise ConfigError(f"流程 {name} 版本 {version} 未加载", f"workflow {name} version {version} is not loaded")
        return d

    def compiled(self, definition: Definition) -> CompiledWorkflow:
        return compile_definition(definition)

    def check_policy(self) -> None:
        """Load the deadline policy now and refuse to start if it is broken or misses a clock.

        Done at construction so that an operator's mistake in the policy file
        stops ``scheduler run`` or ``serve`` at start, with the file, the line
        and the reason, rather than failing the first report of the morning.

        Raises:
            ConfigError: the policy file is unreadable or wrong (a ``PolicyError``
                naming the line), or a loaded workflow uses a clock it does not define.
        """
        policy = self.policy
        for d in self._definitions.values():
            missing = policy.missing_clocks(d.clocks)
            if missing:
                raise ConfigError(
                    f"政策文件 {policy.source} 没有规定流程 {d.name} 的时限：{'、'.join(missing)}",
                    f"policy {policy.source} has no rule for the clocks of workflow {d.name}: {', '.join(missing)}")

    @property
    def policy(self):
        if self._policy is None:
            from workflow.policy import Policy

            self._policy = Policy.load(self.config.policy)
        return self._policy

    @property
    def calendar(self):
        if self._calendar is None:
            from workflow.calendar import BusinessCalendar

            self._calendar = BusinessCalendar.load(self.config.calendar_overrides)
        return self._calendar

    def parse_time(self, text: str) -> datetime:
        from workflow.timeutil import parse_time

        return parse_time(text)

    def local_year(self, at: datetime) -> int:
        from workflow.timeutil import LOCAL_TZ

        return at.astimezone(LOCAL_TZ).year

    def role_label(self, role: str, lang: str | None = None) -> str:
        zh, en = ROLE_LABELS.get(role, (role, role))
        return en if (lang or self.lang).startswith("en") else zh

    def number_prefix(self, tx, unit_path: str) -> str:
        """The configured prefix, or the short name of the case's town (双乳镇 → 双乳)."""
        if self.config.number_prefix:
            return self.config.number_prefix
        root = unit_path.strip("/").split("/")[0]
        if root not in self._prefixes:
            row = tx.one("unit", {"id": root})
            name = row[2] if row else root
            for suffix in ("街道办事处", "街道", "镇", "乡"):
                if name.endswith(suffix) and len(name) > len(suffix):
                    name = name[: -len(suffix)]
                    break
            self._prefixes[root] = name
        return self._prefixes[root]

    def on(self, event: str, callback: Callable[[commands.Outcome], Any]) -> None:
        """Call ``callback(outcome)`` after every committed ``event`` (an action name, or ``*``).

        Callbacks run after commit, in the caller's thread; an exception in one
        is logged and does not undo the change or stop the other callbacks.
        """
        self._listeners[event].append(callback)

    def _emit(self, outcome: commands.Outcome) -> None:
        for cb in (*self._listeners.get(outcome.event, ()), *self._listeners.get("*", ())):
            try:
                cb(outcome)
            except Exception:  # a listener must not break the command that already committed
                log.exception("listener for %s failed", outcome.event)

    # ------------------------------------------------------------------ schema and admin

    def init(self) -> str:
        """Create or upgrade the schema (idempotent). Returns the schema revision."""
        from cases.schema import current_revision, upgrade

        upgrade(self.db)
        return current_revision(self.db)

    def add_unit(self, id: str, name: str, kind: str, parent: str | None = None) -> dict:
        return queries.add_unit(self, id, name, kind, parent)

    def add_user(self, id: str, name: str, role: str, unit: str, phone: str | None = None,
                 email: str | None = None, lang: str = "zh_CN") -> dict:
        return queries.add_user(self, id, name, role, unit, phone, email, lang)

    def units(self) -> list[dict]:
        return queries.units(self)

    def users(self, unit: str | None = None, role: str | None = None) -> list[dict]:
        return queries.users(self, unit, role)

    # ------------------------------------------------------------------ commands

    def report(self, actor: str | Actor, *, definition: str | None = None, **fields: Any) -> commands.Outcome:
        """Register a new dispute (登记). Returns the outcome, whose ``number`` is the case number.

        Raises:
            ValidationError: names every bad or missing field.
            NotPermitted: the actor's role may not report, or the unit is outside their jurisdiction.
        """
        out = commands.report(self, actor, self.definition(definition), fields)
        self._emit(out)
        return out

    def act(self, number: str, action: str, actor: str | Actor, *, expected_version: int | None = None,
            **data: Any) -> commands.Outcome:
        """Perform ``action`` on case ``number``, in one transaction.

        Args:
            expected_version: the case version the person saw; if someone changed
                the case since, :class:`Conflict` is raised and nothing is written.
            data: the action's fields (see ``actions()``), plus an optional ``note``.

        Raises:
            NotFound, InvalidAction, NotPermitted, ValidationError, Conflict.
        """
        out = commands.act(self, number, action, actor, data, expected_version)
        self._emit(out)
        return out

    # ------------------------------------------------------------------ queries

    def actions(self, number: str, actor: str | Actor) -> list[dict]:
        """The actions ``actor`` may take on the case now, each with its fields and any guard refusals."""
        return queries.actions(self, number, actor)

    def case(self, number: str, actor: str | Actor | None = None, lang: str | None = None) -> dict:
        """The case as a plain document (parties masked unless the actor's role needs them)."""
        return queries.case(self, number, actor, lang or self.lang)

    def history(self, number: str, actor: str | Actor | None = None) -> list[dict]:
        return queries.history(self, number, actor)

    def list_cases(self, actor: str | Actor | None = None, *, state: str | None = None, unit: str | None = None,
                   limit: int = 200, offset: int = 0) -> list[dict]:
        return queries.list_cases(self, actor, state, unit, limit, offset)

    def overdue(self, as_of: datetime | None = None, unit: str | None = None, actor: str | Actor | None = None) -> list[dict]:
        """The supervisor's board: every running clock past its due time, worst first."""
        from workflow import board

        return board.overdue(self, as_of or self.clock.now(), unit, actor)

    def unit_talks(self, month: str | None = None, actor: str | Actor | None = None) -> list[dict]:
        """Units the sweep put on the supervisor's list for a formal talk (约谈), optionally for one month (YYYY-MM)."""
        from workflow import queries

        return queries.unit_talks(self, actor, month)

    def sweep(self, now: datetime | None = None, batch: int = 500) -> list[dict]:
        """One escalation pass: raise every ladder step that has come due, exactly once."""
        from workflow import sweep

        return sweep.run(self, now or self.clock.now(), batch)

    def dispatch(self, now: datetime | None = None, limit: int = 100) -> dict:
        """Deliver pending notifications from the outbox (after commit, with retries)."""
        from notifications.dispatcher import dispatch

        return dispatch(self, now or self.clock.now(), limit)

    def verify_audit(self) -> dict:
        """Walk every case's hash chain; report tampered, missing or inserted events."""
        from cases.audit import verify

        with self.store.read() as tx:
            n_cases, n_events, problems = verify(tx)
        return {"cases": n_cases, "events": n_events, "problems": problems}

    def resolve_actor(self, actor: str | Actor | None) -> Actor | None:
        if actor is None or isinstance(actor, Actor):
            return actor
        with self.store.read() as tx:
            return commands.load_actor(tx, actor)

    def close(self) -> None:
        self.db.dispose()

    # --- reports ---

    def report_file(self, kind: str, *, fmt: str | None = None, actor: str | Actor | None = None,
                    lang: str | None = None, **params: Any) -> tuple[str, bytes, str]:
        """One report as ``(filename, bytes, mimetype)``: ledger, stats, nil, agenda or case paperwork.

        See :mod:`workflow.reports.files` for the kinds, formats and parameters.

        Raises:
            ValidationError, NotPermitted, NotFound.
        """
        from workflow.reports.files import report_file

        return report_file(self, kind, fmt=fmt, actor=actor, lang=lang or self.lang, **params)

    def report_data(self, kind: str, *, actor: str | Actor | None = None, **params: Any) -> dict:
        """The JSON dataset a jurisdiction report is rendered from (ledger, stats, nil, agenda)."""
        from workflow.reports.files import _actor, dataset

        return dataset(self, kind, _actor(self, actor), params)
