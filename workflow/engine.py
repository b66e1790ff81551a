"""The Engine: the one facade the CLI, the web and embedding systems use.

It exposes the operations of DESIGN.md and nothing of how they are done: the
collaborators (database and store, definitions, deadline policy, business
calendar, clock, audit signer) are built by :func:`disputeflow.workflow.runtime.compose`
and every operation hands them to the part that does the work. The operations
are grouped by meaning: cases here, and the board (:mod:`.engine_board`), key
persons (:mod:`.engine_persons`), records (:mod:`.engine_records`), notices
(:mod:`.engine_notices`) and sign-in (:mod:`.engine_signin`) in parts of their
own. Construction does no I/O beyond creating the SQLAlchemy engine; ``init()``
creates or upgrades the schema.

Language is an argument of each operation that writes text for a person
(``lang=``, the configured default when not given), never a state of the
engine: one engine serves readers of every language at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from sqlalchemy.engine import Engine as SAEngine

from disputeflow.workflow import commands, queries, unit_of_work, units_users
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.config import Config
from disputeflow.workflow.decision import Outcome
from disputeflow.workflow.definition_types import Definition
from disputeflow.workflow.engine_attachments import Attachments
from disputeflow.workflow.engine_board import Supervision
from disputeflow.workflow.engine_directory import HostDirectory
from disputeflow.workflow.engine_notices import Notices
from disputeflow.workflow.engine_offices import OfficeWork
from disputeflow.workflow.engine_persons import KeyPersons
from disputeflow.workflow.engine_records import Records
from disputeflow.workflow.engine_rules import Rules
from disputeflow.workflow.engine_screening import Screening
from disputeflow.workflow.engine_search import Finding
from disputeflow.workflow.engine_signin import SignIn
from disputeflow.workflow.results import (ActionDoc, CaseDoc, CaseSummary, HistoryEntry, NewUnit, NewUser, UnitDoc,
                                          UserDoc)
from disputeflow.workflow.runtime import compose
from disputeflow.workflow.timesource import Clock

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy.engine import Connection

    from disputeflow.workflow.calendar import BusinessCalendar
    from disputeflow.workflow.identities import IdentityResolver
    from disputeflow.workflow.policy import Policy
    from disputeflow.workflow.unit_of_work import UnitOfWork


class Engine(Supervision, OfficeWork, KeyPersons, Screening, Records, Notices, SignIn, Finding,
             Attachments, Rules, HostDirectory):
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
            operation that writes text for a person also takes ``lang``.
        identities: a :class:`disputeflow.IdentityResolver` of the host's people: an id the
            engine's users table does not know is asked of it, so the host's people can act, be
            assigned and be notified without being copied into the engine.
        db: a SQLAlchemy engine the host owns, used with the settings of a :class:`Config` given as
            ``url_or_config`` (its ``url`` is then ignored). The engine never disposes it:
            :meth:`close` leaves the host's pool alone. The host's engine keeps its own connection
            settings; see "Threads and async" in the docs for what SQLite needs (WAL, a busy timeout).
    """

    def __init__(self, url_or_config: str | Config | SAEngine | None = None, *, clock: Clock | None = None,
                 definitions: Iterable[Definition] = (), policy: "Policy | None" = None, calendar: "BusinessCalendar | None" = None,
                 lang: str | None = None, identities: "IdentityResolver | None" = None, db: SAEngine | None = None):
        self._rt = compose(url_or_config, clock=clock, definitions=definitions, policy=policy, calendar=calendar,
                           lang=lang, identities=identities, db=db)

    # ------------------------------------------------------------------ wiring

    @property
    def config(self) -> Config:
        """The configuration the engine was built with (read-only): database URL, policy, definitions, tables."""
        return self._rt.config

    @property
    def lang(self) -> str:
        """The default language of what the engine writes for people (read-only; pass ``lang=`` per call)."""
        return self._rt.lang

    @property
    def clock(self) -> Clock:
        """Where the engine reads the time.

        Settable, so a drill or a test can move one engine to another time
        (``engine.clock = FixedClock(...)``); every operation reads it afresh.
        """
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

    def on(self, event: str, callback: Callable[..., Any], *, phase: str = "after_commit") -> Callable[[], None]:
        """Call ``callback`` for every committed ``event``; returns a function that removes it again.

        ``event`` is an action of a loaded workflow (``report``, ``accept`` …), a
        sweep event (``escalate.<step>``, ``case.tier_upgraded``, ``unit.talk_listed``),
        a key person's missed-duty step (``person.duty_<step>``), ``ledger.import``
        (one per imported batch), or ``*`` for all. Each change is told as an
        :class:`~disputeflow.Outcome`.

        ``phase="after_commit"`` (the default): ``callback(outcome)`` after the change
        is stored, in the caller's thread; an exception is logged and undoes nothing.
        In a host's transaction (``connection=``, :meth:`unit_of_work`) it runs when
        the host commits, and never if it rolls back.
        ``phase="before_commit"``: ``callback(outcome, connection)`` inside the change's
        transaction, with its SQLAlchemy ``Connection`` (write your own rows on it);
        an exception rolls the whole change back and is raised to the caller.

        Raises:
            ConfigError: ``event`` is not a known event name (the nearest one is named), or ``phase`` is unknown.
        """
        from disputeflow.workflow import events

        return events.subscribe(self._rt, event, callback, phase)

    def off(self, event: str, callback: Callable[..., Any]) -> None:
        """Stop calling ``callback`` for ``event`` (in either phase); a callback not registered is ignored."""
        from disputeflow.workflow import events

        events.unsubscribe(self._rt, event, callback)

    def unit_of_work(self, connection: "Connection") -> "AbstractContextManager[UnitOfWork]":
        """Act inside a transaction the host began: ``with engine.unit_of_work(conn) as uow: uow.act(...)``.

        ``connection`` is a SQLAlchemy ``Connection`` to the engine's database (its transaction
        begun, or begun here as SQLAlchemy's autobegin would). Nothing is committed until the
        host commits; a host rollback leaves every case untouched. Each operation is a SAVEPOINT,
        so one the engine refuses leaves the host's transaction usable.
        See :mod:`disputeflow.workflow.unit_of_work`.

        Raises:
            ConfigError: ``connection`` is not a SQLAlchemy connection to the engine's database.
        """
        from contextlib import nullcontext

        from disputeflow.workflow.unit_of_work import UnitOfWork, check_connection

        return nullcontext(UnitOfWork(self, check_connection(self._rt, connection)))

    def resolve_actor(self, actor: str | Actor | None) -> Actor | None:
        """The :class:`Actor` of a user id (an ``Actor`` is returned as is)."""
        return self._rt.resolve_actor(actor)

    def close(self) -> None:
        """Release the engine's database connections (its pool and the SQLite writer).

        Call it when the host shuts down or a test ends; the engine is not used afterwards. A
        SQLAlchemy engine the host passed in is not disposed: its pool is the host's.
        """
        self._rt.close()

    # ------------------------------------------------------------------ schema and admin

    def init(self) -> str:
        """Create or upgrade the schema (idempotent). Returns the schema revision.

        Raises:
            Unavailable: the database cannot be reached.
            Busy: the database stayed locked past the configured wait.
        """
        from disputeflow.cases.schema import current_revision, upgrade

        store = self._rt.store
        names = store.names  # the configured table prefix and schema
        try:
            upgrade(self._rt.db, names=names)
            return current_revision(self._rt.db, names) or ""
        except Exception as exc:
            store.driver_error(exc)  # no server, or locked: Unavailable / Busy, never the driver's own error
            raise

    def add_unit(self, id: str, name: str, kind: str, parent: str | None = None, short_name: str | None = None,
                 handles: Iterable[str] | None = None) -> NewUnit:
        """A unit of the jurisdiction; ``short_name`` numbers its committee's papers (default: its first
        character); an office lists the categories it ``handles`` (the routing of work orders)."""
        return units_users.add_unit(self._rt, id, name, kind, parent, short_name, handles)

    def add_user(self, id: str, name: str, role: str, unit: str, phone: str | None = None,
                 email: str | None = None, lang: str = "zh_CN") -> NewUser:
        """Create a user of the engine in ``unit`` with one ``role`` (see :meth:`known_roles`).

        For a host that keeps its own people in the engine's directory; ``lang`` is the
        language of the messages the user receives.

        Returns:
            ``{"id", "name", "role", "unit", "unit_path"}`` of the new user.

        Raises:
            ValidationError: a bad id, name, phone or e-mail, an unknown role or unit,
                or a user with this id exists already (every bad field at once).
        """
        return units_users.add_user(self._rt, id, name, role, unit, phone, email, lang)

    def units(self) -> list[UnitDoc]:
        """Every unit of the jurisdiction, by path, for pickers and host synchronisation.

        Returns:
            One dict per unit: ``id``, ``name``, ``kind``, ``parent`` (``None`` at the top),
            ``path`` (``/town/village/``), ``handles`` (the categories an office handles; ``[]``) and
            ``active`` (False once switched off).
        """
        return units_users.units(self._rt)

    def users(self, unit: str | None = None, role: str | None = None) -> list[UserDoc]:
        """The engine's users by id, optionally only those of one ``unit`` or ``role``.

        Returns:
            One dict per user: ``id``, ``name``, ``role``, ``unit`` (the unit id),
            ``unit_name``, ``phone`` and ``email`` (``None`` when not known) and ``active``.
        """
        return units_users.users(self._rt, unit, role)

    # ------------------------------------------------------------------ commands

    def report(self, actor: str | Actor, *, definition: str | None = None, connection: "Connection | None" = None,
               **fields: Any) -> Outcome:
        """Register a new dispute (登记). Returns the outcome, whose ``number`` is the case number.

        Args:
            actor: a user id, or an :class:`Actor` the embedding system vouches for.
            definition: the workflow to open the case under (``"hotline"`` …); the
                configured default when not given. The newest registered version is used.
            connection: a SQLAlchemy ``Connection`` whose transaction the host began: the case is
                written in it and committed (or rolled back) by the host (see :meth:`unit_of_work`).
            fields: the intake fields of that workflow (title, category, unit, parties …).

        Raises:
            ValidationError: names every bad or missing field.
            NotPermitted: the actor's role may not report, or the unit is outside their jurisdiction.
            Busy, Unavailable: the database stayed locked, or could not be reached.
        """
        def run() -> Outcome:
            out = commands.report(self._rt, actor, self.definition(definition), fields)
            self._rt.emit(out)
            return out

        return unit_of_work.run(self._rt, connection, run)

    def act(self, number: str, action: str, actor: str | Actor, *, expected_version: int | None = None,
            connection: "Connection | None" = None, **data: Any) -> Outcome:
        """Perform ``action`` on case ``number``, in one transaction.

        Args:
            expected_version: the case version the person saw; if someone changed
                the case since, :class:`Conflict` is raised and nothing is written.
            connection: a SQLAlchemy ``Connection`` whose transaction the host began: the action is
                written in it and committed (or rolled back) by the host (see :meth:`unit_of_work`).
            data: the action's fields (see ``actions()``), plus an optional ``note``.

        Raises:
            NotFound: no case has this number.
            InvalidAction: the action is not allowed in the case's state (the message lists those that are).
            NotPermitted: the actor's role or jurisdiction does not allow it.
            ValidationError: a field is missing or wrong (each one is named).
            Conflict: someone changed the case since it was read, or since ``expected_version``.
            Busy, Unavailable: the database stayed locked, or could not be reached.
        """
        if expected_version is not None:
            from disputeflow.workflow.numbers import check_int

            expected_version = check_int(expected_version, "expected_version")
        rt = self._rt
        if connection is None and not rt.before_listeners:  # the raw path: it commits by itself
            out = commands.act(rt, number, action, actor, data, expected_version)
            rt.emit(out)
            return out

        def run() -> Outcome:
            out = commands.act(rt, number, action, actor, data, expected_version)
            rt.emit(out)
            return out

        return unit_of_work.run(rt, connection, run)

    # ------------------------------------------------------------------ queries

    def actions(self, number: str, actor: str | Actor, *, lang: str | None = None) -> list[ActionDoc]:
        """The actions ``actor`` may take on the case now, each with its fields and any guard refusals."""
        return queries.actions(self._rt, number, actor, lang)

    def case(self, number: str, actor: str | Actor | None = None, lang: str | None = None) -> CaseDoc:
        """The case as a plain document (parties masked unless the actor's role needs them)."""
        return queries.case(self._rt, number, actor, lang or self._rt.lang)

    def offices_for(self, number: str, actor: str | Actor | None = None) -> list[dict[str, Any]]:
        """The offices of the case's town, those that handle its category first (``proposed``): where to dispatch.

        Raises:
            NotFound: no case has this number.
            NotPermitted: the actor may not read the case.
        """
        from disputeflow.workflow import work_orders

        return work_orders.offices_for(self._rt, queries.case(self._rt, number, actor, self._rt.lang))

    def history(self, number: str, actor: str | Actor | None = None, *,
                lang: str | None = None) -> list[HistoryEntry]:
        """The case's audit timeline, oldest first, masked for the actor."""
        return queries.history(self._rt, number, actor, lang)

    def list_cases(self, actor: str | Actor | None = None, *, state: str | None = None, unit: str | None = None,
                   limit: int = 200, offset: int = 0, lang: str | None = None) -> list[CaseSummary]:
        """Cases in the actor's jurisdiction, newest report first."""
        return queries.list_cases(self._rt, actor, state, unit, limit, offset, lang)

    def act_many(self, items: Iterable[tuple[str, str, str | Actor, Mapping[str, Any]]], *,
                 batch: int = 100) -> list[Outcome]:
        """Apply ``(number, action, actor, fields)`` items in order, ``batch`` per transaction.

        Each item is checked and written exactly as ``act`` would; see
        :func:`disputeflow.workflow.bulk.act_many` for what happens when one fails.
        """
        from disputeflow.workflow import bulk

        return bulk.act_many(self._rt, items, batch=batch)
