"""The command path's connections: the held SQLite writer and the PostgreSQL checkout check.

SQLite keeps one write connection per process instead of a pool checkout per
command; it must survive failed commands and share the database with other
threads. PostgreSQL checks a pooled connection's socket instead of sending
``SELECT 1``: a connection the server has closed must be replaced, not handed
to a command.
"""

from __future__ import annotations

import select
import threading
import time

import pytest

from tests.conftest import PG_URL, build_town
from disputeflow import Engine
from disputeflow.workflow.errors import ValidationError
from disputeflow.workflow.runtime import runtime_of


def _report(engine) -> str:
    return engine.report("go", title="邻里纠纷", category="neighbour", unit="v1-g1", parties=["张三"]).number


def test_failed_command_leaves_the_writer_usable_and_nothing_written(engine):
    number = _report(engine)
    before = engine.history(number)
    with pytest.raises(ValidationError):
        engine.act(number, "assess", "med1", risk="enormous")
    assert engine.history(number) == before
    engine.act(number, "assess", "med1", risk="low")
    assert engine.case(number)["state"] == "assessed"
    assert len(engine.history(number)) == len(before) + 1


def test_threads_write_side_by_side(engine):
    numbers = [_report(engine) for _ in range(4)]
    errors: list[BaseException] = []

    def work(number: str) -> None:
        try:
            for i in range(5):
                engine.act(number, "note", "med1", text=f"第{i}次")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for n in numbers:
        assert [e["action"] for e in engine.history(n)].count("note") == 5
    assert engine.verify_audit()["problems"] == []


def test_close_gives_the_writer_back(tmp_path, clock):
    eng = Engine(f"sqlite:///{tmp_path / 'c.db'}", clock=clock)
    eng.init()
    build_town(eng)
    number = _report(eng)
    eng.close()
    assert runtime_of(eng).store._writer is None
    eng2 = Engine(f"sqlite:///{tmp_path / 'c.db'}", clock=clock)
    eng2.act(number, "note", "med1", text="关闭后再写")
    assert eng2.history(number)[-1]["action"] == "note"
    eng2.close()


@pytest.mark.skipif(not PG_URL, reason="DISPUTEFLOW_TEST_PG is not set: PostgreSQL variant not run")
def test_connection_closed_by_the_server_is_replaced(tmp_path, clock):
    from tests.conftest import _pg_admin, make_db_url

    url, drop = make_db_url("postgresql", tmp_path)
    eng = Engine(url, clock=clock)
    try:
        eng.init()
        build_town(eng)
        number = _report(eng)
        conn = runtime_of(eng).db.raw_connection()
        pid = conn.dbapi_connection.info.backend_pid
        fd = conn.dbapi_connection.fileno()
        conn.close()  # back to the pool, idle
        with _pg_admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while not select.select([fd], [], [], 0.05)[0] and time.monotonic() < deadline:
            pass  # wait until the server's goodbye has reached the socket
        engine_pids = set()
        eng.act(number, "note", "med1", text="服务器断开后")
        with runtime_of(eng).store.read() as tx:
            engine_pids.add(tx.query("SELECT pg_backend_pid()")[0][0])
        assert pid not in engine_pids
        assert eng.history(number)[-1]["action"] == "note"
    finally:
        eng.close()
        drop()
