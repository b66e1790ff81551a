"""The composition root: one place builds the engine's collaborators from a configuration.

Every part of the engine below the facade (the write path, the sweep, the read
side, reports, the dispatcher) receives a :class:`Runtime`: the store, the
loaded definitions, the deadline policy, the business calendar, the clock and
the audit signer. The :class:`disputeflow.Engine` facade only holds one and
delegates to those parts, so its own surface stays the operations of the
design; nothing below it reaches back up into the facade.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from sqlalchemy.engine import Engine as SAEngine

from disputeflow.cases.db import make_engine, url_from_env
from disputeflow.cases.jurisdiction import town_of
from disputeflow.cases.store import Store
from disputeflow.cases.table_names import TableNames
from disputeflow.workflow.config import Config, is_builtin_name
from disputeflow.workflow.definition import Definition, builtin, load_definition
from disputeflow.workflow import events
from disputeflow.workflow.errors import Busy, ConfigError, DefinitionNotLoaded, Unavailable
from disputeflow.workflow.machine import CompiledWorkflow, compile_definition
from disputeflow.workflow.masking import UNMASKED_ROLES
from disputeflow.workflow.registry import Registry
from disputeflow.workflow.timesource import Clock, SystemClock
from disputeflow.workflow.unloaded import UnloadedDefinition
from disputeflow.workflow.vocabulary import ROLE_LABELS

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar
    from disputeflow.workflow.policy import Policy

log = logging.getLogger(__name__)


def _signer(cfg: Config):
    """The audit key of the configuration or the environment (a key too short is a configuration error)."""
    from disputeflow.cases.audit_key import AuditKeyError, Signer

    try:
        return Signer.from_env(cfg.audit_key, cfg.audit_old_keys)
    except AuditKeyError as exc:
        raise ConfigError(*exc.args) from None


def _table_names(cfg: Config, db: SAEngine) -> TableNames:
    """Where the engine's tables are: the configured prefix, and a schema only where the database has schemas."""
    if cfg.schema and db.dialect.name != "postgresql":
        raise ConfigError("schema 仅适用于 PostgreSQL；SQLite 请用 table_prefix",
                          "schema applies to PostgreSQL only; on SQLite use table_prefix")
    return TableNames(cfg.table_prefix, cfg.schema)


class Runtime:
    """The engine's collaborators, built once from a configuration (see :func:`compose`)."""

    def __init__(self, config: Config, db: SAEngine, clock: Clock, policy: "Policy | None" = None,
                 calendar: "BusinessCalendar | None" = None, lang: str | None = None, identities=None):
        self.config = config
        # The default language of what the engine writes for people; each reading operation takes its own
        # ``lang``, so one runtime serves readers of every language at once and this is never changed.
        self.lang = lang or config.lang
        self.db = db
        self.clock = clock
        self.store = Store(db, busy=Busy, names=_table_names(config, db))
        self.store.unavailable = Unavailable
        self.store.signer = _signer(config)
        # The host's people (``Engine(identities=...)``): asked about ids the users table does not know.
        self.store.identities = None
        if identities is not None:
            from disputeflow.workflow.identities import HostPeople

            self.store.identities = HostPeople(identities, self.known_roles)
        self._definitions: dict[tuple[str, int], Definition] = {}
        self._latest: dict[str, Definition] = {}
        self._user_fields: dict[str, tuple[str, ...]] = {}
        self._roles: dict[str, tuple[str, str]] = {}  # roles added by loaded definitions
        self._policy = policy
        self._calendar = calendar
        self._prefixes: dict[str, str] = {}
        self._towns: dict[str, tuple[str, str]] = {}  # unit path → (town path, town name); see forget_places
        self.listeners: dict[str, list[Callable]] = defaultdict(list)  # after commit (see workflow/events.py)
        self.before_listeners: dict[str, list[Callable]] = defaultdict(list)  # inside the change's transaction
        self.extra_channels: dict[str, Any] = {}
        self._notifier = None
        # This engine's guards, conditions and effects: the process default as it is now, plus the engine's own.
        self.registry = Registry.default_copy()
        # The roles that see contact details in full here: the built-in ones and those this engine's
        # definitions declare with ``personal_data`` (never another engine's).
        self.unmasked_roles: frozenset[str] = UNMASKED_ROLES
        self._missing: set[tuple[str, int]] = set()  # unloaded definitions already warned about

    # ------------------------------------------------------------------ definitions

    def register_definition(self, definition: Definition) -> None:
        """Make a definition available; the newest version of a name is used for new cases.

        Raises:
            ConfigError: the definition names a guard, condition or effect this engine's registry lacks.
        """
        from disputeflow.workflow.definition_check import problems

        found = problems(definition, self.registry.names())
        if found:
            which = f"{definition.name} 版本 {definition.version}", f"{definition.name} version {definition.version}"
            raise ConfigError(f"流程定义 {which[0]} 有误：" + "；".join(p[0] for p in found),
                              f"invalid workflow definition {which[1]}: " + "; ".join(p[1] for p in found))
        self._definitions[definition.key] = definition
        self._user_fields.clear()
        for spec in definition.roles.values():
            self._roles[spec.name] = (spec.label.zh, spec.label.en)
            if spec.personal_data:
                self.unmasked_roles = self.unmasked_roles | {spec.name}
        cur = self._latest.get(definition.name)
        if cur is None or definition.version >= cur.version:
            self._latest[definition.name] = definition
        compile_definition(definition, self.registry)

    def definitions(self) -> Iterable[Definition]:
        return self._definitions.values()

    def definition(self, name: str | None = None, version: int | None = None) -> Definition:
        name = name or self.config.default_definition
        d = self._latest.get(name) if version is None else self._definitions.get((name, version))
        if d is None:
            raise DefinitionNotLoaded(name, version)
        return d

    def listed_definition(self, name: str, version: int) -> "Definition | UnloadedDefinition":
        """The definition a listed case runs under; if it is not loaded, a stand-in that labels the case's
        state as under an unloaded workflow (and one warning in the log per engine and definition).

        For boards and lists: such a case is shown, marked, instead of breaking the list, while its
        own operations raise :class:`DefinitionNotLoaded` (and the sweep leaves its clocks alone).
        """
        d = self._definitions.get((name, version))
        if d is not None:
            return d
        if (name, version) not in self._missing:
            self._missing.add((name, version))
            log.warning("workflow %s version %s is not loaded: lists show its cases marked, their own operations "
                        "fail, the sweep leaves their clocks alone", name, version)
        return UnloadedDefinition(name, version)

    def definition_keys(self) -> tuple[tuple[str, int], ...]:
        """Every loaded definition as (name, version), sorted."""
        return tuple(sorted(self._definitions))

    def compiled(self, definition: Definition) -> CompiledWorkflow:
        """``definition`` compiled with this engine's registry (its rules' names resolved once)."""
        return compile_definition(definition, self.registry)

    def _user_field_names(self, action: str) -> tuple[str, ...]:
        """The user fields of the actions named ``action`` in every loaded definition (read with the case)."""
        got = self._user_fields.get(action)
        if got is None:
            names: dict[str, None] = {}
            for d in self._definitions.values():
                a = d.action(action)
                for spec in a.fields if a is not None else ():
                    if spec.type == "user":
                        names[spec.name] = None
            got = self._user_fields[action] = tuple(names)
        return got

    def role_label(self, role: str, lang: str | None = None) -> str:
        zh, en = ROLE_LABELS.get(role) or self._roles.get(role) or (role, role)
        return en if (lang or self.lang).startswith("en") else zh

    def known_roles(self) -> tuple[str, ...]:
        """The built-in roles and those the loaded definitions add, in that order."""
        from disputeflow.workflow.definition import ROLES

        return (*ROLES, *(r for r in self._roles if r not in ROLES))

    # ------------------------------------------------------------------ policy and calendar

    @property
    def policy(self) -> "Policy":
        if self._policy is None:
            from disputeflow.workflow.policy import Policy

            self._policy = Policy.load(self.config.policy)
        return self._policy

    @property
    def calendar(self) -> "BusinessCalendar":
        if self._calendar is None:
            from disputeflow.workflow.calendar import BusinessCalendar

            self._calendar = BusinessCalendar.load(self.config.calendar_overrides)
        return self._calendar

    def check_policy(self) -> None:
        """Load the deadline policy now and refuse to start if it is broken or misses a clock.

        Done at construction so that an operator's mistake in the policy file
        stops ``scheduler run`` or ``serve`` at start, with the file, the line
        and the reason, rather than failing the first report of the morning.

        Raises:
            ConfigError: the policy file is unreadable or wrong (a ``PolicyError``
                naming the line), or a loaded workflow uses a clock it does not define or
                has no supervision level the automatic listing names.
        """
        from disputeflow.workflow.definition_check import policy_problems, spawn_problems

        found = spawn_problems(self._latest)
        if found:
            raise ConfigError("流程定义有误：" + "；".join(p[0] for p in found),
                              "invalid workflow definitions: " + "; ".join(p[1] for p in found))
        policy = self.policy
        for d in self._definitions.values():
            found = policy_problems(d, policy)
            if found:
                raise ConfigError("；".join(p.zh for p in found), "; ".join(p.en for p in found))

    # ------------------------------------------------------------------ small rules the write path asks

    def parse_time(self, text: str) -> datetime:
        from disputeflow.workflow.timeutil import parse_time

        return parse_time(text)

    def local_year(self, at: datetime) -> int:
        from disputeflow.workflow.timeutil import LOCAL_TZ

        return at.astimezone(LOCAL_TZ).year

    def town(self, tx, unit_path: str) -> tuple[str, str]:
        """``(path, name)`` of the town of a unit path (:func:`disputeflow.cases.jurisdiction.town_of`), cached:
        the command path asks on every new case; the directory's changes in this engine clear it
        (:meth:`forget_places`)."""
        got = self._towns.get(unit_path)
        if got is None:
            got = self._towns[unit_path] = town_of(unit_path, lambda uid: tx.one("unit", {"id": uid}))
        return got

    def number_prefix(self, tx, unit_path: str) -> str:
        """The configured prefix, or the short name of the case's town (双乳镇 → 双乳), each town its own."""
        if self.config.number_prefix:
            return self.config.number_prefix
        path, name = self.town(tx, unit_path)
        if path not in self._prefixes:
            for suffix in ("街道办事处", "街道", "镇", "乡"):
                if name.endswith(suffix) and len(name) > len(suffix):
                    name = name[: -len(suffix)]
                    break
            self._prefixes[path] = name
        return self._prefixes[path]

    def forget_places(self) -> None:
        """Drop the cached towns and number prefixes: a unit was renamed, re-kinded or moved."""
        self._towns.clear()
        self._prefixes.clear()

    def resolve_actor(self, actor):
        from disputeflow.workflow.actor import Actor

        if actor is None or isinstance(actor, Actor):
            return actor
        from disputeflow.workflow.commands import load_actor

        with self.store.read() as tx:
            return load_actor(tx, actor)

    # ------------------------------------------------------------------ after commit

    def emit(self, outcome) -> None:
        """Tell the listeners of ``outcome.event`` (and of ``*``) of a change (``events.emit``)."""
        events.emit(self, outcome)

    @property
    def notifier(self):
        """The dispatcher (channels, templates, retry policy), built from ``[notifications]`` on first use.

        Raises:
            ConfigError: the notification settings or a channel's settings are wrong.
        """
        from disputeflow.notifications.channels import ChannelConfigError
        from disputeflow.notifications.dispatcher import dispatcher_for

        try:
            return dispatcher_for(self)
        except (ChannelConfigError, LookupError) as exc:
            raise ConfigError(f"通知配置有误：{exc}", f"notification settings are wrong: {exc}") from None

    def add_channel(self, channel, name: str, everyone: bool) -> None:
        """Add an embedding system's channel to the dispatcher (see :meth:`disputeflow.Engine.add_channel`)."""
        channel.name = name
        self.extra_channels[name] = channel
        d = self.notifier
        d.channels[name] = channel
        if everyone and channel.audience == "person" and name not in d.settings.person_channels:
            d.settings.person_channels.append(name)

    def hold_delivery(self, hold: bool) -> None:
        """Ask a running dispatch pass to stop between sends (``hold``), or let delivery go on again.

        Only a dispatcher already built is told: shutting down must not build one.
        """
        d = self._notifier
        if d is not None and hasattr(d, "stopping"):
            if hold:
                d.stopping.set()
            else:
                d.stopping.clear()

    owns_db = True  # False for a SQLAlchemy engine the host passed in: never disposed here

    def close(self) -> None:
        self.store.close()
        if self.owns_db:
            self.db.dispose()


def compose(url_or_config: "str | Config | SAEngine | None" = None, *, clock: Clock | None = None,
            definitions: Iterable[Definition] = (), policy: "Policy | None" = None,
            calendar: "BusinessCalendar | None" = None, lang: str | None = None, identities=None,
            db: SAEngine | None = None) -> Runtime:
    """Build the runtime: database, store and signer, definitions (built-in, configured, given), policy, calendar.

    Raises:
        ConfigError: the default workflow is not defined, the policy is broken or misses a clock, or the
            audit key is unusable.
    """
    if isinstance(url_or_config, SAEngine):
        if db is not None:
            raise ConfigError("数据库只能给一次：url_or_config 与 db 都是 SQLAlchemy 引擎",
                              "give the database once: both url_or_config and db are SQLAlchemy engines")
        url_or_config, db = None, url_or_config
    cfg = url_or_config if isinstance(url_or_config, Config) else Config(url=url_or_config or "")
    owned = db is None  # a host's engine is the host's to dispose
    if db is None:
        cfg.url = url_from_env(cfg.url or None)
        db = make_engine(cfg.url, synchronous=cfg.sqlite_synchronous, busy_timeout=cfg.busy_timeout)
    rt = Runtime(cfg, db, clock or SystemClock(), policy, calendar, lang, identities)
    rt.owns_db = owned
    rt.register_definition(builtin("grassroots"))
    rt.register_definition(builtin("work_order"))  # the child workflow grassroots' dispatch opens
    rt.register_definition(builtin("referral"))  # the child workflow grassroots' refer opens
    for entry in cfg.definitions:
        rt.register_definition(builtin(entry) if is_builtin_name(entry) else load_definition(entry))
    for d in definitions:
        rt.register_definition(d)
    if cfg.default_definition not in rt._latest:
        raise ConfigError(f"默认流程 {cfg.default_definition} 未定义", f"default workflow {cfg.default_definition} is not defined")
    rt.check_policy()
    return rt


def runtime_of(engine) -> Runtime:
    """The runtime an :class:`disputeflow.Engine` was composed from.

    The facade keeps its collaborators off its public surface; the engine's own
    tools that work below it (the operator commands over the outbox and the
    calendar, the scheduler, tests and benchmarks) reach them here, in one
    greppable place, instead of through the facade's private attributes.
    """
    return engine._rt
