"""Case actions inside a transaction the host application began: its rows and the case commit together.

::

    with host_db.begin() as conn:
        conn.execute(insert(host_table), ...)
        with engine.unit_of_work(conn) as uow:
            out = uow.report("clerk", title=..., ...)
            uow.act(out.number, "accept", "mediator", ...)
    # committed here, or nothing at all

Nothing is committed until the host commits; a host rollback leaves the case,
its audit events and its notification (outbox) rows as they were. Each
operation runs in a SAVEPOINT of the host's transaction
(:mod:`disputeflow.cases.joined`): an operation the engine refuses (a
:class:`~disputeflow.workflow.errors.Conflict`, an invalid action …) is
undone alone and the host's transaction stays usable, on PostgreSQL too.
Listeners (``engine.on``) of a change made here run when the host commits
(``after_commit``) or inside the operation (``before_commit``); see
:mod:`disputeflow.workflow.events`.

The connection must reach the engine's own database through the same driver
(the engine's SQLAlchemy engine, or one made from the same URL): the case is
written with the host's connection, so a connection to another database is
refused with :class:`~disputeflow.workflow.errors.ConfigError`.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from sqlalchemy.engine import Connection

from disputeflow.cases import joined as joined_tx
from disputeflow.workflow import events
from disputeflow.workflow.errors import ConfigError

T = TypeVar("T")


def _identity(url) -> tuple:
    database = url.database
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        database = str(Path(database).resolve())
    return (url.drivername, url.username, url.host, url.port, database, tuple(sorted(url.query.items())))


def check_connection(rt, conn: Any) -> Connection:
    """``conn`` is a SQLAlchemy ``Connection`` to the engine's own database, through the engine's driver."""
    if not isinstance(conn, Connection):
        raise ConfigError("connection 应为 SQLAlchemy 的 Connection（例如 engine.begin() 给出的连接）",
                          f"connection must be a SQLAlchemy Connection (as engine.begin() gives), not "
                          f"{type(conn).__name__}")
    if conn.engine is rt.db or _identity(conn.engine.url) == _identity(rt.db.url):
        return conn
    raise ConfigError(
        f"宿主连接指向的数据库（{conn.engine.url.render_as_string(hide_password=True)}）不是本引擎的数据库"
        f"（{rt.db.url.render_as_string(hide_password=True)}），案件无法在宿主事务中写入",
        f"the host connection's database ({conn.engine.url.render_as_string(hide_password=True)}) is not the "
        f"engine's ({rt.db.url.render_as_string(hide_password=True)}): the case cannot be written in the host's "
        f"transaction")


@contextmanager
def joined(rt, conn: Connection) -> Iterator[Connection]:
    """Run the engine's storage on ``conn`` for the block, as one SAVEPOINT of its transaction.

    Changes told to ``after_commit`` listeners inside a block that fails are
    forgotten with it (the savepoint undid them).
    """
    store = rt.store
    outer = store.joined.get()
    token = store.joined.set(conn)
    waiting = events.pending(conn) if rt.listeners else None
    mark = len(waiting) if waiting is not None else 0
    try:
        with joined_tx.savepoint(conn, store.is_sqlite):
            yield conn
    except BaseException as exc:
        if waiting is not None:
            del waiting[mark:]
        if outer is None and isinstance(exc, Exception):
            store.driver_error(exc)
        raise
    finally:
        store.joined.reset(token)


@contextmanager
def owned(rt) -> Iterator[None]:
    """The engine's own SQLAlchemy transaction, joined, when a ``before_commit`` listener needs a connection.

    Otherwise (none registered, or already inside a joined transaction) nothing: the
    engine's raw path commits by itself, as fast as ever.
    """
    if rt.store.joined.get() is not None or not events.wants_transaction(rt):
        yield
        return
    try:
        with rt.db.begin() as own, joined(rt, own):
            yield
    except Exception as exc:
        rt.store.driver_error(exc)
        raise


def run(rt, connection: Connection | None, fn: Callable[[], T]) -> T:
    """``fn()`` in the host's transaction (``connection``), or as :func:`owned` decides."""
    if connection is not None:
        with joined(rt, check_connection(rt, connection)):
            return fn()
    with owned(rt):
        return fn()


class UnitOfWork:
    """The engine's commands on a host's transaction (made by :meth:`disputeflow.Engine.unit_of_work`).

    Each method is the engine's method of the same name, run in a SAVEPOINT of the
    host's transaction; ``outcomes`` lists what was done, in order.
    """

    def __init__(self, engine, connection: Connection):
        self._engine = engine
        self.connection = connection
        self.outcomes: list = []

    def report(self, actor, *, definition: str | None = None, **fields: Any):
        """:meth:`disputeflow.Engine.report` in the host's transaction."""
        out = self._engine.report(actor, definition=definition, connection=self.connection, **fields)
        self.outcomes.append(out)
        return out

    def act(self, number: str, action: str, actor, *, expected_version: int | None = None, **data: Any):
        """:meth:`disputeflow.Engine.act` in the host's transaction."""
        out = self._engine.act(number, action, actor, expected_version=expected_version,
                               connection=self.connection, **data)
        self.outcomes.append(out)
        return out

    def act_many(self, items: Iterable, *, batch: int = 100) -> list:
        """:meth:`disputeflow.Engine.act_many` in the host's transaction: all items or, on a failing item, none."""
        rt = self._engine._rt
        with joined(rt, self.connection):
            got = self._engine.act_many(items, batch=batch)
        self.outcomes.extend(got)
        return got
