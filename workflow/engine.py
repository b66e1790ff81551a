"""The Engine: the one facade the CLI, the web and embedding systems use.

It exposes the operations of DESIGN.md and nothing of how they are done: the
collaborators (database and store, definitions, deadline policy, business
calendar, clock, audit signer) are built by :func:`disputeflow.workflow.runtime.compose`
and every operation hands them to the part that does the work. Construction
does no I/O beyond creating the SQLAlchemy engine; ``init()`` creates or
upgrades the schema.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from sqlalchemy.engine import Engine as SAEngine

from disputeflow.workflow import commands, queries
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.config import Config
from disputeflow.workflow.definition import Definition
from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.runtime import compose
from disputeflow.workflow.timesource import Clock

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar
    from disputeflow.workflow.policy import Policy


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
        lang: the default language of messages and documents (``zh_CN`` unless set); each
            reading operation also takes ``lang``.
    """

    def __init__(self, url_or_config: str | Config | SAEngine | None = None, *, clock: Clock | None = None,
                 definitions: Iterable[Definition] = (), policy: "Policy | None" = None, calendar: "BusinessCalendar | None" = None,
                 lang: str | None = None):
        self._rt = compose(url_or_config, clock=clock, definitions=definitions, policy=policy, calendar=calendar)
        if lang:
            self._rt.lang = lang

    # ------------------------------------------------------------------ wiring

    @property
    def config(self) -> Config:
        return self._rt.config

    @property
    def lang(self) -> str:
        """The default language of what the engine writes for people."""
        return self._rt.lang

    @lang.setter
    def lang(self, lang: str) -> None:
        # A copy of the engine made for one language keeps its own runtime view (sharing the store,
        # definitions and policy), so setting it never changes another copy's language.
        import copy

        self._rt = copy.copy(self._rt)
        self._rt.lang = lang

    @property
    def clock(self) -> Clock:
        return self._rt.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self._rt.clock = clock

    @property
    def policy(self) -> "Policy":
        """The deadline policy in force (read-only)."""
        return self._rt.policy

    @property
    def calendar(self) -> "BusinessCalendar":
        """The business calendar in force (read-only)."""
        return self._rt.calendar

    def register_definition(self, definition: Definition) -> None:
        """Make a definition available; the newest version of a name is used for new cases."""
        self._rt.register_definition(definition)
        self._rt.check_policy()

    def definition(self, name: str | None = None, version: int | None = None) -> Definition:
        """A loaded definition: the newest version of ``name`` (the default workflow when not given)."""
        return self._rt.definition(name, version)

    def role_label(self, role: str, lang: str | None = None) -> str:
        """A role's name for people, in ``lang``."""
        return self._rt.role_label(role, lang)

    def known_roles(self) -> tuple[str, ...]:
        """The built-in roles and those the loaded definitions add, in that order."""
        return self._rt.known_roles()

    def on(self, event: str, callback: Callable[[commands.Outcome], Any]) -> None:
        """Call ``callback(outcome)`` after every committed ``event`` (an action name, or ``*``).

        Callbacks run after commit, in the caller's thread; an exception in one
        is logged and does not undo the change or stop the other callbacks.
        """
        self._rt.listeners[event].append(callback)

    # ------------------------------------------------------------------ schema and admin

    def init(self) -> str:
        """Create or upgrade the schema (idempotent). Returns the schema revision."""
        from disputeflow.cases.schema import current_revision, upgrade

        upgrade(self._rt.db)
        return current_revision(self._rt.db) or ""

    def add_unit(self, id: str, name: str, kind: str, parent: str | None = None) -> dict:
        return queries.add_unit(self._rt, id, name, kind, parent)

    def add_user(self, id: str, name: str, role: str, unit: str, phone: str | None = None,
                 email: str | None = None, lang: str = "zh_CN") -> dict:
        return queries.add_user(self._rt, id, name, role, unit, phone, email, lang)

    def units(self) -> list[dict]:
        return queries.units(self._rt)

    def users(self, unit: str | None = None, role: str | None = None) -> list[dict]:
        return queries.users(self._rt, unit, role)

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
        out = commands.report(self._rt, actor, self.definition(definition), fields)
        self._rt.emit(out)
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
        out = commands.act(self._rt, number, action, actor, data, expected_version)
        self._rt.emit(out)
        return out

    # ------------------------------------------------------------------ queries

    def actions(self, number: str, actor: str | Actor) -> list[dict]:
        """The actions ``actor`` may take on the case now, each with its fields and any guard refusals."""
        return queries.actions(self._rt, number, actor)

    def case(self, number: str, actor: str | Actor | None = None, lang: str | None = None) -> dict:
        """The case as a plain document (parties masked unless the actor's role needs them)."""
        return queries.case(self._rt, number, actor, lang or self.lang)

    def history(self, number: str, actor: str | Actor | None = None) -> list[dict]:
        return queries.history(self._rt, number, actor)

    def list_cases(self, actor: str | Actor | None = None, *, state: str | None = None, unit: str | None = None,
                   limit: int = 200, offset: int = 0) -> list[dict]:
        return queries.list_cases(self._rt, actor, state, unit, limit, offset)

    def overdue(self, as_of: datetime | None = None, unit: str | None = None, actor: str | Actor | None = None) -> list[dict]:
        """The supervisor's board: every running clock past its due time, worst first."""
        from disputeflow.workflow import board

        return board.overdue(self._rt, as_of or self.clock.now(), unit, actor)

    def overdue_page(self, as_of: datetime | None = None, unit: str | None = None,
                     actor: str | Actor | None = None, *, clock: str | None = None, level: str | None = None,
                     risk: str | None = None, limit: int = 50, offset: int = 0, count: bool = True) -> dict:
        """One page of the board, filtered, ordered and paged in the database: ``{"items", "total"}``.

        ``count=False`` skips the count query (``total`` is then None), for a caller that knows it.
        """
        from disputeflow.workflow import board

        return board.page(self._rt, as_of or self.clock.now(), unit, actor, clock=clock, level=level, risk=risk,
                          limit=limit, offset=offset, count=count)

    def overdue_counts(self, as_of: datetime | None = None, unit: str | None = None,
                       actor: str | Actor | None = None) -> dict[str, int]:
        """How many overdue clocks each unit has on the reader's board, by unit id."""
        from disputeflow.workflow import board

        return board.counts_by_unit(self._rt, as_of or self.clock.now(), unit, actor)

    def unit_talks(self, month: str | None = None, actor: str | Actor | None = None) -> list[dict]:
        """Units the sweep put on the supervisor's list for a formal talk (约谈), optionally for one month (YYYY-MM)."""
        from disputeflow.workflow import queries

        return queries.unit_talks(self._rt, actor, month)

    def sweep(self, now: datetime | None = None, batch: int = 500) -> list[dict]:
        """One escalation pass: raise every ladder step that has come due, exactly once."""
        from disputeflow.workflow import sweep

        return sweep.run(self._rt, now or self.clock.now(), batch)

    def dispatch(self, now: datetime | None = None, limit: int = 100) -> dict:
        """Deliver pending notifications from the outbox (after commit, with retries)."""
        from disputeflow.notifications.dispatcher import dispatch

        return dispatch(self._rt, now or self.clock.now(), limit)

    def verify_audit(self) -> dict:
        """Walk every case's signed chain and compare its replay with the stored case, its parties and the
        number counters; ``problems`` is tampering, ``status`` also says what could not be checked
        (see :class:`disputeflow.cases.audit_verify.Tally`)."""
        from disputeflow.cases.audit_verify import verify_cases

        with self._rt.store.read() as tx:
            return verify_cases(tx, self._rt.store.signer)

    def resign_audit(self) -> dict:
        """Sign every unsigned or legacy event (and counter) with the current key, after checking it is intact."""
        from disputeflow.workflow.audit_resign import resign

        return resign(self._rt)

    def resolve_actor(self, actor: str | Actor | None) -> Actor | None:
        """The :class:`Actor` of a user id (an ``Actor`` is returned as is)."""
        return self._rt.resolve_actor(actor)

    def close(self) -> None:
        self._rt.close()

    # --- key persons (重点人员稳控) ---

    def add_person(self, actor: str | Actor, **fields: Any) -> dict:
        """Register a key person or group under control (see :func:`disputeflow.workflow.persons.register` for the fields)."""
        from disputeflow.workflow import persons

        return persons.register(self._rt, actor, **fields)

    def link_person(self, person_id: int, number: str, actor: str | Actor) -> dict:
        """Link another case to a key person; raises that case's risk floor."""
        from disputeflow.workflow import persons

        return persons.link(self._rt, actor, person_id, number)

    def record_contact(self, person_id: int, actor: str | Actor, **fields: Any) -> dict:
        """Record a contact or report (``method``, ``at``, ``state``, ``alarming``, ``note``); meets due duties."""
        from disputeflow.workflow import persons

        return persons.record_contact(self._rt, actor, person_id, **fields)

    def release_person(self, person_id: int, actor: str | Actor, *, reason: str) -> dict:
        """Release a key person from control: a supervisor's decision, once every linked case is resolved."""
        from disputeflow.workflow import persons

        return persons.release(self._rt, actor, person_id, reason=reason)

    def persons(self, actor: str | Actor, *, status: str | None = None, unit: str | None = None, limit: int = 200,
                offset: int = 0, lang: str | None = None) -> list[dict]:
        """The key-person register as ``actor`` may see it (names masked unless in their charge); each read audited."""
        from disputeflow.workflow import person_queries

        return person_queries.persons(self._rt, actor, status=status, unit=unit, limit=limit, offset=offset, lang=lang)

    def persons_page(self, actor: str | Actor, *, status: str | None = None, unit: str | None = None,
                     limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
        """One page of the register, ``{"items", "more"}``; only the persons returned are logged as read."""
        from disputeflow.workflow import person_queries

        return person_queries.persons_page(self._rt, actor, status=status, unit=unit, limit=limit, offset=offset,
                                           lang=lang)

    def person(self, person_id: int, actor: str | Actor, lang: str | None = None) -> dict:
        """One key person: details for the grid officer, lead official and supervisors of the jurisdiction; audited."""
        from disputeflow.workflow import person_queries

        return person_queries.person(self._rt, person_id, actor, lang=lang)

    def contacts_due(self, actor: str | Actor, day=None, lang: str | None = None) -> list[dict]:
        """Duties ``actor`` owes on the local ``day`` (a ``date``; default today) for the key persons in their charge."""
        from disputeflow.workflow import person_queries

        return person_queries.contacts_due(self._rt, actor, day, lang=lang)

    def control_rate(self, unit: str, start: datetime, end: datetime, actor: str | Actor | None = None) -> dict:
        """The key-person control rate (稳控率) for ``unit`` over ``[start, end)``; the definition is in
        :func:`disputeflow.workflow.person_queries.control_rate`. With ``actor``, only inside their jurisdiction."""
        from disputeflow.workflow import person_queries

        return person_queries.control_rate(self._rt, unit, start, end, actor)

    def verify_person_audit(self) -> dict:
        """Walk every key person's audit chain (changes and reads), with the cases' verifier."""
        from disputeflow.cases.audit_verify import verify_persons

        with self._rt.store.read() as tx:
            return verify_persons(tx, self._rt.store.signer)
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
        rows = inbox.messages(self._rt.store, me, unread_only=unread_only, limit=limit, offset=offset,
                              bound=self._bound(actor))
        if lang:
            from disputeflow.notifications.render import normalise_lang

            want = normalise_lang(lang)
            other = [r["outbox_id"] for r in rows if normalise_lang(r["lang"]) != want]
            again = self._rt.notifier.render_for(other, want, user_id=me) if other else {}
            for r in rows:
                if r["outbox_id"] in again:
                    r["title"], r["body"] = again[r["outbox_id"]].subject, again[r["outbox_id"]].text
        keys = ("id", "event", "case_number", "title", "body", "created_at", "read_at")
        return [{k: r[k] for k in keys} for r in rows]

    def mark_read(self, actor: str | Actor, ids: list[int] | None = None) -> int:
        """Mark the actor's messages read (all when ``ids`` is None); returns how many changed."""
        from disputeflow.notifications import inbox

        return inbox.mark_read(self._rt.store, self._actor_id(actor), ids, self.clock.now(), self._bound(actor))

    def unread_count(self, actor: str | Actor) -> int:
        from disputeflow.notifications import inbox

        return inbox.unread_count(self._rt.store, self._actor_id(actor), self._bound(actor))

    def check_notifications(self) -> list[str]:
        """Build the channels and load the templates now; returns the channel names.

        Raises:
            ConfigError: a wrong ``[notifications]`` setting, an unknown channel kind or a missing channel setting.
        """
        return sorted(self._rt.notifier.channels)

    def add_channel(self, channel, *, name: str | None = None, everyone: bool = False) -> None:
        """Add a channel instance (a :class:`disputeflow.notifications.channels.base.Channel`) of the embedding system.

        A group channel receives every notification (or those its ``events``
        setting matches); a person channel is used for people configured to
        use it, or for everyone when ``everyone`` is true.
        """
        name = name or channel.name
        channel.name = name
        self._rt.extra_channels[name] = channel
        d = self._rt.notifier
        d.channels[name] = channel
        if everyone and channel.audience == "person" and name not in d.settings.person_channels:
            d.settings.person_channels.append(name)

    def queue_digest(self, now: datetime | None = None) -> int:
        """Queue the supervisors' daily digest of overdue items (one per supervisor with any); returns how many."""
        from disputeflow.workflow.digest import queue

        return queue(self._rt, now or self.clock.now())
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
        from disputeflow.ledger_import import import_ledger

        return import_ledger(self._rt, path, actor=actor, sheet=sheet, mapping=mapping, dry_run=dry_run,
                             skip_bad=skip_bad, errors_path=errors_path, namespace=namespace, batch=batch,
                             progress=progress, lang=lang)

    # --- bulk ---

    def act_many(self, items, *, batch: int = 100) -> list[commands.Outcome]:
        """Apply ``(number, action, actor, fields)`` items in order, ``batch`` per transaction.

        Each item is checked and written exactly as ``act`` would; see
        :func:`disputeflow.workflow.bulk.act_many` for what happens when one fails.
        """
        from disputeflow.workflow import bulk

        return bulk.act_many(self._rt, items, batch=batch)
    # --- web ---

    def set_password(self, user_id: str, password: str) -> None:
        """Set a user's web sign-in password (stored as an argon2 hash)."""
        from disputeflow.signin import credentials as auth

        auth.set_password(self._rt, user_id, password)

    def authenticate(self, user_id: str, password: str, remote: str | None = None) -> Actor:
        """Check a web sign-in; raises ``auth.AuthError`` or ``auth.LockedOut``."""
        from disputeflow.signin import credentials as auth

        return auth.authenticate(self._rt, user_id, password, remote)

    def session_generation(self, user_id: str) -> int | None:
        """The generation a web session cookie must carry to be valid (bumped by sign-out)."""
        from disputeflow.signin import credentials as auth

        return auth.session_generation(self._rt, user_id)

    def end_sessions(self, user_id: str) -> None:
        """Sign-out: void every web session of the user."""
        from disputeflow.signin import credentials as auth

        auth.end_sessions(self._rt, user_id)

    def create_token(self, name: str, user_id: str, unit: str | None = None) -> dict:
        """Issue an API token for another system; the clear token is returned once."""
        from disputeflow.signin import credentials as auth

        return auth.create_token(self._rt, name, user_id, unit)

    def token_actor(self, token: str) -> Actor:
        from disputeflow.signin import credentials as auth

        return auth.token_actor(self._rt, token)

    def revoke_token(self, token_id: int) -> None:
        from disputeflow.signin import credentials as auth

        auth.revoke_token(self._rt, token_id)

    def tokens(self) -> list[dict]:
        from disputeflow.signin import credentials as auth

        return auth.tokens(self._rt)

    def health(self) -> dict:
        """Database reachability and outbox backlog, for the web health endpoint."""
        from disputeflow.signin import credentials as auth

        return auth.health(self._rt)

    def my_work(self, actor: str | Actor, *, limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
        """Open cases in the actor's jurisdiction, nearest deadline first: ``{"total", "items"}``."""
        from disputeflow.workflow import worklist

        return worklist.my_work(self._rt, actor, limit=limit, offset=offset, lang=lang)

    def supervised_cases(self, actor: str | Actor, *, limit: int = 50, offset: int = 0,
                         lang: str | None = None) -> dict:
        """Cases listed for supervision (挂牌督办) in the actor's jurisdiction, nearest deadline first."""
        from disputeflow.workflow import worklist

        return worklist.supervised(self._rt, actor, limit=limit, offset=offset, lang=lang)
    # --- reports ---

    def report_file(self, kind: str, *, fmt: str | None = None, actor: str | Actor | None = None,
                    lang: str | None = None, **params: Any) -> tuple[str, bytes, str]:
        """One report as ``(filename, bytes, mimetype)``: ledger, stats, nil, agenda or case paperwork.

        See :mod:`disputeflow.reports.files` for the kinds, formats and parameters.

        Raises:
            ValidationError: an unknown kind or format, or a bad parameter (each one is named).
            NotPermitted: the actor's role or jurisdiction may not have this report.
            NotFound: the unit or case named does not exist.
        """
        from disputeflow.reports.files import report_file

        return report_file(self._rt, kind, fmt=fmt, actor=actor, lang=lang or self.lang, **params)

    def report_data(self, kind: str, *, actor: str | Actor | None = None, **params: Any) -> dict:
        """The JSON dataset a jurisdiction report is rendered from (ledger, stats, nil, agenda)."""
        from disputeflow.reports.files import _actor, dataset

        return dataset(self._rt, kind, _actor(self._rt, actor), params)
