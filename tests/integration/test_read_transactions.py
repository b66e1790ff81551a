"""The read side's connections keep the store's promises: one snapshot per read (SQLite; reports everywhere), all-or-nothing writes,
a lock held too long answered as busy, and a NUL character refused as bad input."""

from __future__ import annotations

import pytest

from disputeflow.workflow.runtime import runtime_of
from disputeflow.cases import case_reads, directory, transactions
from disputeflow.workflow.errors import Busy, NotFound, ValidationError


def _store(engine):
    return runtime_of(engine).store


def test_a_report_read_sees_one_snapshot_while_others_write(engine):
    store = _store(engine)
    with transactions.snapshot(store) as conn:
        before = len(directory.all_units(conn))
        engine.add_unit("v9", "新村", "village", "t1")  # committed by another connection meanwhile
        assert len(directory.all_units(conn)) == before
    with transactions.snapshot(store) as conn:
        assert len(directory.all_units(conn)) == before + 1


def test_a_read_on_sqlite_sees_one_snapshot(engine, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL reads are READ COMMITTED, as the store's own reads (reports ask for a snapshot)")
    with transactions.read(_store(engine)) as conn:
        before = len(directory.all_units(conn))
        engine.add_unit("v9", "新村", "village", "t1")
        assert len(directory.all_units(conn)) == before


def test_a_write_that_fails_leaves_nothing(engine, clock):
    store = _store(engine)
    with pytest.raises(RuntimeError):
        with transactions.write(store) as conn:
            directory.add_unit(conn, "v8", "半途村", "village", "t1", "/t1/v8/", clock.now())
            raise RuntimeError("stop")
    with transactions.read(store) as conn:
        assert directory.unit(conn, "v8") is None


def test_a_database_locked_past_the_budget_is_busy(db_url, clock):
    if not db_url.startswith("sqlite"):
        pytest.skip("the held write lock of this check is SQLite's (PostgreSQL readers never wait)")
    from disputeflow import Engine
    from disputeflow.workflow.config import Config

    Engine(db_url, clock=clock).init()
    eng = Engine(Config(url=db_url, busy_timeout=0.2), clock=clock)
    try:
        store = runtime_of(eng).store
        with store.write():  # the process's write lock, held
            import threading

            errors: list[BaseException] = []

            def other():
                try:
                    with transactions.write(store) as conn:
                        directory.add_unit(conn, "v7", "等候村", "village", "t1", "/t1/v7/", clock.now())
                except BaseException as exc:  # surfaced below
                    errors.append(exc)

            t = threading.Thread(target=other)
            t.start()
            t.join(30)
        assert len(errors) == 1 and isinstance(errors[0], Busy)
    finally:
        eng.close()


def test_a_nul_in_a_filter_is_bad_input_not_a_server_error(engine):
    with pytest.raises((ValidationError, NotFound)):
        engine.case("A\x00B", "admin")
    with transactions.read(_store(engine)) as conn:
        assert case_reads.case(conn, "no-such-case") is None
