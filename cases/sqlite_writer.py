"""SQLite: the process's one held write connection, and the WAL checkpoint setting of a long run of writes.

A mixin of :class:`disputeflow.cases.store.Store`; on PostgreSQL nothing here is used.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Any, Iterator


class SQLiteWriter:
    """The held write connection: opened on first use, reopened after a fork, dropped when broken."""

    is_sqlite: bool
    engine: Any

    def _init_writer(self) -> None:
        # SQLite has one writer at a time anyway: the process keeps one connection for
        # its writes instead of checking one out of the pool per command (which costs
        # as much as a statement). Taken without waiting; a second writer in the
        # process (another thread) uses a pooled connection and SQLite's own lock.
        self._writer = None
        self._writer_pid = 0
        self._writer_lock = threading.Lock()
        self._checkpoint_runs = 0  # checkpoint_every runs in progress, and the setting before the first
        self._checkpoint_before = 1000

    def _held_writer(self):
        """The process's SQLite write connection (the DBAPI one), opened on first use and after a fork."""
        if self._writer is None or self._writer_pid != os.getpid():
            self._writer = self.engine.raw_connection()
            self._writer_pid = os.getpid()
        return self._writer.dbapi_connection

    def _drop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None and self._writer_pid == os.getpid():
            try:
                writer.invalidate()
            except Exception:  # already broken: nothing left to release
                pass

    @contextmanager
    def checkpoint_every(self, pages: int) -> Iterator[None]:
        """SQLite: during a long run of write transactions (a sweep, an import), copy the WAL back only every ``pages`` pages.

        By default a commit that leaves more than 1,000 pages (4 MB) in the WAL
        copies them into the database file and syncs it; a sweep batch writes
        about that much, so every batch paid a checkpoint, and the pages several
        batches touch (index leaves, the newest table pages) were copied again
        each time. Raised for the run, restored after, and one passive checkpoint
        at the end leaves the WAL as the default would. Applies to the process's
        held write connection, when no other thread is writing on it.
        PostgreSQL: nothing to do.
        """
        if not self.is_sqlite or not self._writer_lock.acquire(blocking=False):
            yield
            return
        try:
            conn = self._held_writer()
            if self._checkpoint_runs == 0:  # nested runs (a sweep during an import) restore the first setting
                self._checkpoint_before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
            current = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
            conn.execute(f"PRAGMA wal_autocheckpoint={max(int(pages), int(current))}")
            self._checkpoint_runs += 1
        finally:
            self._writer_lock.release()
        try:
            yield
        finally:
            with self._writer_lock:
                self._checkpoint_runs -= 1
                if self._checkpoint_runs == 0 and self._writer is not None and self._writer_pid == os.getpid():
                    conn = self._writer.dbapi_connection
                    try:
                        conn.execute(f"PRAGMA wal_autocheckpoint={int(self._checkpoint_before)}")
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    except self.engine.dialect.dbapi.Error:  # a broken connection: the load's own error tells
                        self._drop_writer()

    def close(self) -> None:
        """Give back the held write connection (before the engine's pool is disposed)."""
        with self._writer_lock:
            writer, self._writer = self._writer, None
            if writer is not None and self._writer_pid == os.getpid():
                writer.close()
