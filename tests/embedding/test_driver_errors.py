"""Driver failures reach the host as typed errors: ``Busy`` (wait and retry) and ``Unavailable`` (no database).

Never a raw ``sqlite3``, ``psycopg`` or SQLAlchemy exception out of the public methods.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
import sqlalchemy as sa

from disputeflow import Busy, Config, DisputeflowError, Engine, FixedClock, Unavailable
from tests.conftest import PARTIES, PG_URL, T0, build_town

FIELDS = dict(title="宅基地边界纠纷", category="neighbour", unit="v1-g1", parties=PARTIES, source="grid")


def test_the_errors_are_public_and_typed():
    assert issubclass(Busy, DisputeflowError) and issubclass(Unavailable, DisputeflowError)
    assert Unavailable().http_status == 503 and Unavailable().code == "unavailable"
    assert Unavailable().message("en") != Unavailable().message("zh_CN")


def test_a_postgresql_server_nobody_listens_on_is_unavailable():
    eng = Engine("postgresql+psycopg://postgres@127.0.0.1:1/test", clock=FixedClock(T0))
    try:
        with pytest.raises(Unavailable) as err:
            eng.case("X-2026-000001")
        assert not isinstance(err.value, Busy)
        with pytest.raises(Unavailable):
            eng.act("X-2026-000001", "assign", "sup", mediator="med1")
        with pytest.raises(Unavailable):
            eng.report("go", **FIELDS)
    finally:
        eng.close()


def test_init_on_a_postgresql_server_nobody_listens_on_is_unavailable():
    eng = Engine("postgresql+psycopg://postgres@127.0.0.1:1/test", clock=FixedClock(T0))
    try:
        with pytest.raises(Unavailable) as err:
            eng.init()
        assert not isinstance(err.value, Busy)
    finally:
        eng.close()


@pytest.fixture
def pg_engine(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL server's connection is what is terminated here")
    eng = Engine(db_url, clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    yield eng, db_url
    eng.close()


def _terminate(pid: int) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_terminated_in_a_host_transaction_is_unavailable_and_the_next_call_works(pg_engine):
    eng, url = pg_engine
    number = eng.report("go", **FIELDS).number
    host = sa.create_engine(url)
    conn = host.connect()
    try:
        conn.begin()
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        _terminate(pid)
        with pytest.raises(Unavailable):
            eng.act(number, "assign", "sup", mediator="med1", connection=conn)
    finally:
        try:
            conn.close()
        except Exception:  # the dead connection's own cleanup; not the engine's business
            pass
        host.dispose()
    eng.act(number, "assign", "sup", mediator="med1")
    assert eng.case(number)["mediator"] == "med1"


def test_a_connection_terminated_inside_the_engines_transaction_is_unavailable(pg_engine):
    eng, _url = pg_engine
    number = eng.report("go", **FIELDS).number

    def kill_my_connection(outcome, conn):
        _terminate(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar())

    unsubscribe = eng.on("assign", kill_my_connection, phase="before_commit")
    with pytest.raises(Unavailable):
        eng.act(number, "assign", "sup", mediator="med1")
    unsubscribe()
    assert eng.case(number)["mediator"] is None  # nothing of it committed
    eng.act(number, "assign", "sup", mediator="med1")
    assert eng.case(number)["mediator"] == "med1"


def test_a_sqlite_file_locked_by_another_writer_is_busy_after_the_busy_timeout(tmp_path):
    path = tmp_path / "cases.db"
    eng = Engine(Config(url=f"sqlite:///{path}", busy_timeout=0.3), clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    number = eng.report("go", **FIELDS).number
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(Busy):
            eng.act(number, "assign", "sup", mediator="med1")
        with pytest.raises(Busy):
            eng.report("go", **FIELDS)
        assert time.monotonic() - started < 5
    finally:
        other.rollback()
        other.close()
    eng.act(number, "assign", "sup", mediator="med1")  # the lock gone, the same engine works
    assert eng.case(number)["mediator"] == "med1"
    eng.close()
