"""One leader per database: the process that runs the scheduler's sweep while others stand by.

The sweep is exactly-once by the database whoever runs it (:mod:`disputeflow.cases.sweep_store`);
the leader only keeps N workers on M hosts from all sweeping the same rows at the same time.

* PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) taken on a
  connection kept for it alone. When the leader's process dies, or its connection
  drops, the server ends the session and the lock is free; a standby's next try
  takes it. The key is derived from the database, the schema and the table prefix,
  so engines beside each other in one database each have their own leader.
* SQLite (one host by nature): an exclusive ``flock`` on a file beside the
  database file. The operating system releases it when the process dies, as
  PostgreSQL does the advisory lock; no lease, no clock. An in-memory database is
  one process: it always leads.
"""

from __future__ import annotations

import hashlib
import logging
import os
from typing import Any

from sqlalchemy import func, select

log = logging.getLogger(__name__)


def _key(text: str) -> int:
    """A signed 64-bit advisory-lock key for ``text``."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


class LeaderLock:
    """Try, hold, check and release leadership of ``name`` for one store; not thread-safe (one scheduler job)."""

    def __init__(self, store, name: str = "scheduler"):
        self.store = store
        self.name = name
        self.held = False
        self._conn: Any = None  # PostgreSQL: the connection holding the lock
        self._fd: int | None = None  # SQLite: the locked file
        names = store.engine.get_execution_options().get("disputeflow_table_names")
        self._prefix = names.prefix if names else ""
        self._schema = (names.schema if names else None) or ""

    def try_acquire(self) -> bool:
        """Take leadership if nobody holds it; True when this process leads (already or now)."""
        if self.held:
            return self.check()
        self.held = self._pg_acquire() if self.store.dialect == "postgresql" else self._file_acquire()
        return self.held

    def check(self) -> bool:
        """Whether leadership still holds: on PostgreSQL the lock's connection must still answer."""
        if not self.held or self._conn is None:
            return self.held
        try:
            self._conn.execute(select(1)).scalar()
        except Exception as exc:  # the connection is gone, and the server has freed the lock with it
            log.warning("leader connection lost (%s): leadership given up", type(exc).__name__)
            self._drop_conn(invalidate=True)
            self.held = False
        return self.held

    def release(self) -> None:
        """Give leadership up (shutdown): a standby takes it at its next try."""
        if self._conn is not None:
            try:
                self._conn.execute(select(func.pg_advisory_unlock(self._pg_key())))
                self._drop_conn(invalidate=False)
            except Exception:
                self._drop_conn(invalidate=True)
        if self._fd is not None:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self.held = False

    # -------------------------------------------------------------------- PostgreSQL

    def _pg_key(self) -> int:
        return self._key_value

    def _pg_acquire(self) -> bool:
        conn = self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            where = conn.execute(select(func.current_database(), func.current_schema())).one()
            self._key_value = _key(f"disputeflow:{self.name}:{where[0]}:{self._schema or where[1]}:{self._prefix}")
            got = bool(conn.execute(select(func.pg_try_advisory_lock(self._key_value))).scalar())
        except Exception as exc:
            log.warning("leader lock not tried: %s", type(exc).__name__)
            conn.invalidate()
            conn.close()
            return False
        if not got:
            conn.close()  # not holding anything: the connection may go back to the pool
            return False
        self._conn = conn
        return True

    def _drop_conn(self, invalidate: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if invalidate:  # never back to the pool: a session that may still hold the lock must end
                conn.invalidate()
            conn.close()
        except Exception:
            pass

    # -------------------------------------------------------------------- SQLite

    def lock_path(self) -> str | None:
        """The file whose lock is leadership, beside the SQLite database (None: in memory)."""
        db = self.store.engine.url.database
        if not db or db == ":memory:" or db.startswith("file::memory:"):
            return None
        return f"{db}.{self._prefix}{self.name}.lock"

    def _file_acquire(self) -> bool:
        path = self.lock_path()
        if path is None:
            return True
        try:
            import fcntl
        except ImportError:  # no flock (Windows): one process per database is the operator's to keep
            return True
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True
