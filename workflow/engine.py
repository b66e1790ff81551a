"""The Engine: the one facade the CLI, the web and embedding systems use.

It owns the database handle, the clock, the compiled definitions, the deadline
policy and the business calendar, and exposes the operations of DESIGN.md.
Construction does no I/O beyond creating the SQLAlchemy engine; ``init()``
creates or upgrades the schema.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from sqlalchemy.engine import Engine as SAEngine

from disputeflow.cases.db import make_engine, url_from_env
from disputeflow.cases.store import Store
from disputeflow.workflow import commands, queries
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.clock import Clock, SystemClock
from disputeflow.workflow.config import Config
from disputeflow.workflow.definition import Definition, builtin, load_definition
from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.machine import CompiledWorkflow, compile_definition

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar
    from disputeflow.workflow.policy import Policy

from disputeflow.workflow.vocabulary import ROLE_LABELS, UNIT_KINDS  # noqa: F401  (kept importable from here)

log = logging.getLogger(__name__)

def _signer(cfg: Config):
    """The audit key of the configuration or the environment (a key too short is a configuration error)."""
    from disputeflow.cases.audit_key import AuditKeyError, Signer

    try:
        return Signer.from_env(cfg.audit_key, cfg.audit_old_keys)
    except AuditKeyError as exc:
        raise ConfigError(*exc.args) from None


class Engine:
    """The dispute workflow engine.

    Args:
        url_or_config: a database URL, a :class:`Config`, or a SQLAlchemy engine
            owned by the host application. ``None`` uses ``DISPUTEFLOW_DB`` or the
            embedded SQLite file ``disputeflow.db``.
        clock: where the engine reads the time (a fixed clock for drills and tests).
        definitions: extra workflow definitions an embedding system supplies.
        policy: a deadline policy to use instead of the configured one.
        calendar: a business calendar to use instead of the configured one.
        lang: the language of messages and documents (``zh_CN`` unless set).
    """

    def __init__(self, url_or_config: str | Config | SAEngine | None = None, *, clock: Clock | None = None,
                 definitions: Iterable[Definition] = (), policy: "Policy | None" = None, calendar: "BusinessCalendar | None" = None,
                 lang: str | None = None):
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
            self.db = make_engine(cfg.url, synchronous=cfg.sqlite_synchronous, busy_timeout=cfg.busy_timeout)
        from disputeflow.workflow.errors import Busy

        self.store = Store(self.db, busy=Busy)
        self.store.signer = _signer(cfg)
        self._definitions: dict[tuple[str, int], Definition] = {}
        self._user_fields: dict[str, tuple[str, ...]] = {}
        self._roles: dict[str, tuple[str, str]] = {}  # roles added by loaded definitions
        self._latest: dict[str, Definition] = {}
        self.register_definition(builtin("grassroots"))
        from disputeflow.workflow.config import is_builtin_name

        for entry in cfg.definitions:
            self.register_definition(builtin(entry) if is_builtin_name(entry) else load_definition(entry))
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
        self._user_fields.clear()
        for spec in definition.roles.values():
            self._roles[spec.name] = (spec.label.zh, spec.label.en)
            if spec.personal_data:
                from disputeflow.workflow.masking import allow_personal_data

                allow_personal_data(spec.name)
        cur = self._latest.get(definition.name)
        if cur is None or definition.version >= cur.version:
            self._latest[definition.name] = definition
        compile_definition(definition)

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

    def parse_time(self, text: str) -> datetime:
        from disputeflow.workflow.timeutil import parse_time

        return parse_time(text)

    def local_year(self, at: datetime) -> int:
        from disputeflow.workflow.timeutil import LOCAL_TZ

        return at.astimezone(LOCAL_TZ).year

    def role_label(self, role: str, lang: str | None = None) -> str:
        zh, en = ROLE_LABELS.get(role) or self._roles.get(role) or (role, role)
        return en if (lang or self.lang).startswith("en") else zh

    def known_roles(self) -> tuple[str, ...]:
        """The built-in roles and those the loaded definitions add, in that order."""
        from disputeflow.workflow.definition import ROLES

        return (*ROLES, *(r for r in self._roles if r not in ROLES))

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
        from disputeflow.cases.schema import current_revision, upgrade

        upgrade(self.db)
        return current_revision(self.db) or ""

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

        Args:
            actor: a user id, or an :class:`Actor` the embedding system vouches for.
            definition: the workflow to open the case under (``"hotline"`` …); the
                configured default when not given. The newest registered version is used.
            fields: the intake fields of that workflow (title, category, unit, parties …).

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
            NotFound: no case has this number.
            InvalidAction: the action is not allowed in the case's state (the message lists those that are).
            NotPermitted: the actor's role or jurisdiction does not allow it.
            ValidationError: a field is missing or wrong (each one is named).
            Conflict: someone changed the case since it was read, or since ``expected_version``.
        """
        if expected_version is not None:
            from disputeflow.workflow.numbers import check_int

            expected_version = check_int(expected_version, "expected_version")
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
        from disputeflow.workflow import board

        return board.overdue(self, as_of or self.clock.now(), unit, actor)

    def overdue_page(self, as_of: datetime | None = None, unit: str | None = None,
                     actor: str | Actor | None = None, *, clock: str | None = None, level: str | None = None,
                     risk: str | None = None, limit: int = 50, offset: int = 0, count: bool = True) -> dict:
        """One page of the board, filtered, ordered and paged in the database: ``{"items", "total"}``.

        ``count=False`` skips the count query (``total`` is then None), for a caller that knows it.
        """
        from disputeflow.workflow import board

        return board.page(self, as_of or self.clock.now(), unit, actor, clock=clock, level=level, risk=risk,
                          limit=limit, offset=offset, count=count)

    def overdue_counts(self, as_of: datetime | None = None, unit: str | None = None,
                       actor: str | Actor | None = None) -> dict[str, int]:
        """How many overdue clocks each unit has on the reader's board, by unit id."""
        from disputeflow.workflow import board

        return board.counts_by_unit(self, as_of or self.clock.now(), unit, actor)

    def unit_talks(self, month: str | None = None, actor: str | Actor | None = None) -> list[dict]:
        """Units the sweep put on the supervisor's list for a formal talk (约谈), optionally for one month (YYYY-MM)."""
        from disputeflow.workflow import queries

        return queries.unit_talks(self, actor, month)

    def sweep(self, now: datetime | None = None, batch: int = 500) -> list[dict]:
        """One escalation pass: raise every ladder step that has come due, exactly once."""
        from disputeflow.workflow import sweep

        return sweep.run(self, now or self.clock.now(), batch)

    def dispatch(self, now: datetime | None = None, limit: int = 100) -> dict:
        """Deliver pending notifications from the outbox (after commit, with retries)."""
        from disputeflow.notifications.dispatcher import dispatch

        return dispatch(self, now or self.clock.now(), limit)

    def verify_audit(self) -> dict:
        """Walk every case's signed chain and compare its replay with the stored case, its parties and the
        number counters; ``problems`` is tampering, ``status`` also says what could not be checked
        (see :class:`disputeflow.cases.audit_verify.Tally`)."""
        from disputeflow.cases.audit_verify import verify_cases

        with self.store.read() as tx:
            return verify_cases(tx, self.store.signer)

    def resign_audit(self) -> dict:
        """Sign every unsigned or legacy event (and counter) with the current key, after checking it is intact."""
        from disputeflow.workflow.audit_resign import resign

        return resign(self)

    def resolve_actor(self, actor: str | Actor | None) -> Actor | None:
        if actor is None or isinstance(actor, Actor):
            return actor
        with self.store.read() as tx:
            return commands.load_actor(tx, actor)

    def close(self) -> None:
        self.store.close()
        self.db.dispose()

    # --- key persons (重点人员稳控) ---

    def add_person(self, actor: str | Actor, **fields: Any) -> dict:
        """Register a key person or group under control (see :func:`disputeflow.workflow.persons.register` for the fields)."""
        from disputeflow.workflow import persons

        return persons.register(self, actor, **fields)

    def link_person(self, person_id: int, number: str, actor: str | Actor) -> dict:
        """Link another case to a key person; raises that case's risk floor."""
        from disputeflow.workflow import persons

        return persons.link(self, actor, person_id, number)

    def record_contact(self, person_id: int, actor: str | Actor, **fields: Any) -> dict:
        """Record a contact or report (``method``, ``at``, ``state``, ``alarming``, ``note``); meets due duties."""
        from disputeflow.workflow import persons

        return persons.record_contact(self, actor, person_id, **fields)

    def release_person(self, person_id: int, actor: str | Actor, *, reason: str) -> dict:
        """Release a key person from control: a supervisor's decision, once every linked case is resolved."""
        from disputeflow.workflow import persons

        return persons.release(self, actor, person_id, reason=reason)

    def persons(self, actor: str | Actor, *, status: str | None = None, unit: str | None = None, limit: int = 200,
                offset: int = 0, lang: str | None = None) -> list[dict]:
        """The key-person register as ``actor`` may see it (names masked unless in their charge); each read audited."""
        from disputeflow.workflow import person_queries

        return person_queries.persons(self, actor, status=status, unit=unit, limit=limit, offset=offset, lang=lang)

    def persons_page(self, actor: str | Actor, *, status: str | None = None, unit: str | None = None,
                     limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
        """One page of the register, ``{"items", "more"}``; only the persons returned are logged as read."""
        from disputeflow.workflow import person_queries

        return person_queries.persons_page(self, actor, status=status, unit=unit, limit=limit, offset=offset,
                                           lang=lang)

    def person(self, person_id: int, actor: str | Actor, lang: str | None = None) -> dict:
        """One key person: details for the grid officer, lead official and supervisors of the jurisdiction; audited."""
        from disputeflow.workflow import person_queries

        return person_queries.person(self, person_id, actor, lang=lang)

    def contacts_due(self, actor: str | Actor, day=None, lang: str | None = None) -> list[dict]:
        """Duties ``actor`` owes on the local ``day`` (a ``date``; default today) for the key persons in their charge."""
        from disputeflow.workflow import person_queries

        return person_queries.contacts_due(self, actor, day, lang=lang)

    def control_rate(self, unit: str, start: datetime, end: datetime, actor: str | Actor | None = None) -> dict:
        """The key-person control rate (稳控率) for ``unit`` over ``[start, end)``; the definition is in
        :func:`disputeflow.workflow.person_queries.control_rate`. With ``actor``, only inside their jurisdiction."""
        from disputeflow.workflow import person_queries

        return person_queries.control_rate(self, unit, start, end, actor)

    def verify_person_audit(self) -> dict:
        """Walk every key person's audit chain (changes and reads)."""
        from disputeflow.workflow.person_access import verify

        with self.store.read() as tx:
            return verify(tx, self.store.signer)
    # --- notifications ---

    def _actor_id(self, actor: str | Actor) -> str:
        return actor.id if isinstance(actor, Actor) else str(actor)

    @staticmethod
    def _bound(actor: str | Actor) -> str | None:
        """The unit path a narrowed actor's inbox is limited to (see :attr:`Actor.bound`)."""
        return actor.bound if isinstance(actor, Actor) else None

    def inbox(self, actor: str | Actor, *, unread_only: bool = False, limit: int = 50, offset: int = 0,
              lang: str | None = None) -> list[dict]:
        """The actor's in-app messages, newest first.

        Each is ``{id, event, case_number, title, body, created_at, read_at}``
        (times aware UTC). With ``lang`` different from the language a message
        was stored in, it is rendered again in ``lang``.
        """
        from disputeflow.notifications import inbox

        me = self._actor_id(actor)
        rows = inbox.messages(self.store, me, unread_only=unread_only, limit=limit, offset=offset,
                              bound=self._bound(actor))
        if lang:
            from disputeflow.notifications.render import normalise_lang

            want = normalise_lang(lang)
            other = [r["outbox_id"] for r in rows if normalise_lang(r["lang"]) != want]
            again = self.notifier.render_for(other, want, user_id=me) if other else {}
            for r in rows:
                if r["outbox_id"] in again:
                    r["title"], r["body"] = again[r["outbox_id"]].subject, again[r["outbox_id"]].text
        keys = ("id", "event", "case_number", "title", "body", "created_at", "read_at")
        return [{k: r[k] for k in keys} for r in rows]

    def mark_read(self, actor: str | Actor, ids: list[int] | None = None) -> int:
        """Mark the actor's messages read (all when ``ids`` is None); returns how many changed."""
        from disputeflow.notifications import inbox

        return inbox.mark_read(self.store, self._actor_id(actor), ids, self.clock.now(), self._bound(actor))

    def unread_count(self, actor: str | Actor) -> int:
        from disputeflow.notifications import inbox

        return inbox.unread_count(self.store, self._actor_id(actor), self._bound(actor))

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

    def check_notifications(self) -> list[str]:
        """Build the channels and load the templates now; returns the channel names.

        Raises:
            ConfigError: a wrong ``[notifications]`` setting, an unknown channel kind or a missing channel setting.
        """
        return sorted(self.notifier.channels)

    def add_channel(self, channel, *, name: str | None = None, everyone: bool = False) -> None:
        """Add a channel instance (a :class:`disputeflow.notifications.channels.base.Channel`) of the embedding system.

        A group channel receives every notification (or those its ``events``
        setting matches); a person channel is used for people configured to
        use it, or for everyone when ``everyone`` is true.
        """
        name = name or channel.name
        channel.name = name
        extra = self.__dict__.setdefault("_extra_channels", {})
        extra[name] = channel
        d = self.notifier
        d.channels[name] = channel
        if everyone and channel.audience == "person" and name not in d.settings.person_channels:
            d.settings.person_channels.append(name)

    def queue_digest(self, now: datetime | None = None) -> int:
        """Queue the supervisors' daily digest of overdue items (one per supervisor with any); returns how many."""
        from disputeflow.workflow.digest import queue

        return queue(self, now or self.clock.now())
    # --- ledger import ---

    def import_ledger(self, path: str | os.PathLike, *, actor: str | Actor, sheet: str | None = None,
                      mapping: str | os.PathLike | None = None, dry_run: bool = False, skip_bad: bool = False,
                      errors_path: str | os.PathLike | None = None, namespace: str | None = None, batch: int = 500,
                      progress: Callable[[str, int, int], None] | None = None, lang: str | None = None) -> dict:
        """Import cases from an Excel (.xlsx) or CSV ledger (台账), each in the state its row records.

        Every row is validated before anything is written. Rows are keyed by
        their ledger number (or a hash of report day, unit and parties), so a
        second import of the same file creates nothing and a corrected file
        updates only the rows that changed, through audited events. A row whose
        state went backwards since the last import reopens its case through the
        workflow's reopen action (or is reported where the workflow has no way back).

        Args:
            actor: a supervisor or administrator; every event is recorded as theirs.
            sheet: the worksheet's name or 1-based position (default: the first).
            mapping: an operator's mapping file (TOML) laid over the default column names.
            dry_run: validate and forecast only; nothing is written.
            skip_bad: import the good rows of a file with errors, and write the bad
                ones, with reasons, to ``errors_path`` (default ``<file>.errors.csv``).
            namespace: the key space of ledger numbers (one per ledger whose numbers may repeat).
            batch: rows per transaction.
            progress: ``callback(phase, done, total)`` with phase ``read`` (once, before the file is
                loaded; ``total`` None) / ``validate`` / ``check`` / ``write``.

        Returns:
            The report: counts (rows, blank, valid, bad_rows, created, updated,
            unchanged, reopened), ``problems``, ``warnings`` and ``notices`` (the reopenings)
            as (row, column, message), ``error_file``.

        Raises:
            ImportRejected: bad rows and no ``skip_bad`` (nothing written; ``.report`` has them all).
            ValidationError: the file has no recognisable heading or misses a required column.
            NotFound: no such file or sheet. NotPermitted: the actor may not import.
        """
        from disputeflow.workflow.ledger_import import import_ledger

        return import_ledger(self, path, actor=actor, sheet=sheet, mapping=mapping, dry_run=dry_run,
                             skip_bad=skip_bad, errors_path=errors_path, namespace=namespace, batch=batch,
                             progress=progress, lang=lang)

    # --- bulk ---

    def act_many(self, items, *, batch: int = 100) -> list[commands.Outcome]:
        """Apply ``(number, action, actor, fields)`` items in order, ``batch`` per transaction.

        Each item is checked and written exactly as ``act`` would; see
        :func:`disputeflow.workflow.bulk.act_many` for what happens when one fails.
        """
        from disputeflow.workflow import bulk

        return bulk.act_many(self, items, batch=batch)
    # --- web ---

    def set_password(self, user_id: str, password: str) -> None:
        """Set a user's web sign-in password (stored as an argon2 hash)."""
        from disputeflow.workflow import auth

        auth.set_password(self, user_id, password)

    def authenticate(self, user_id: str, password: str, remote: str | None = None) -> Actor:
        """Check a web sign-in; raises ``auth.AuthError`` or ``auth.LockedOut``."""
        from disputeflow.workflow import auth

        return auth.authenticate(self, user_id, password, remote)

    def session_generation(self, user_id: str) -> int | None:
        """The generation a web session cookie must carry to be valid (bumped by sign-out)."""
        from disputeflow.workflow import auth

        return auth.session_generation(self, user_id)

    def end_sessions(self, user_id: str) -> None:
        """Sign-out: void every web session of the user."""
        from disputeflow.workflow import auth

        auth.end_sessions(self, user_id)

    def create_token(self, name: str, user_id: str, unit: str | None = None) -> dict:
        """Issue an API token for another system; the clear token is returned once."""
        from disputeflow.workflow import auth

        return auth.create_token(self, name, user_id, unit)

    def token_actor(self, token: str) -> Actor:
        from disputeflow.workflow import auth

        return auth.token_actor(self, token)

    def revoke_token(self, token_id: int) -> None:
        from disputeflow.workflow import auth

        auth.revoke_token(self, token_id)

    def tokens(self) -> list[dict]:
        from disputeflow.workflow import auth

        return auth.tokens(self)

    def health(self) -> dict:
        """Database reachability and outbox backlog, for the web health endpoint."""
        from disputeflow.workflow import auth

        return auth.health(self)

    def my_work(self, actor: str | Actor, *, limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
        """Open cases in the actor's jurisdiction, nearest deadline first: ``{"total", "items"}``."""
        from disputeflow.workflow import worklist

        return worklist.my_work(self, actor, limit=limit, offset=offset, lang=lang)

    def supervised_cases(self, actor: str | Actor, *, limit: int = 50, offset: int = 0,
                         lang: str | None = None) -> dict:
        """Cases listed for supervision (挂牌督办) in the actor's jurisdiction, nearest deadline first."""
        from disputeflow.workflow import worklist

        return worklist.supervised(self, actor, limit=limit, offset=offset, lang=lang)
    # --- reports ---

    def report_file(self, kind: str, *, fmt: str | None = None, actor: str | Actor | None = None,
                    lang: str | None = None, **params: Any) -> tuple[str, bytes, str]:
        """One report as ``(filename, bytes, mimetype)``: ledger, stats, nil, agenda or case paperwork.

        See :mod:`disputeflow.workflow.reports.files` for the kinds, formats and parameters.

        Raises:
            ValidationError: an unknown kind or format, or a bad parameter (each one is named).
            NotPermitted: the actor's role or jurisdiction may not have this report.
            NotFound: the unit or case named does not exist.
        """
        from disputeflow.workflow.reports.files import report_file

        return report_file(self, kind, fmt=fmt, actor=actor, lang=lang or self.lang, **params)

    def report_data(self, kind: str, *, actor: str | Actor | None = None, **params: Any) -> dict:
        """The JSON dataset a jurisdiction report is rendered from (ledger, stats, nil, agenda)."""
        from disputeflow.workflow.reports.files import _actor, dataset

        return dataset(self, kind, _actor(self, actor), params)
