"""The scheduler's leader lock on both databases: one holder, freed when the holder dies, one per schema.

PostgreSQL: a session advisory lock on a connection of its own; the holder's
death is its session ending (``pg_terminate_backend``, what a killed process or
a dropped connection amounts to). SQLite: a file lock the OS frees when the
holding process is killed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from disputeflow import Engine
from disputeflow.cases.leader_lock import LeaderLock
from disputeflow.workflow.leader import Leadership
from disputeflow.workflow.runtime import runtime_of
from tests.conftest import _pg_admin, make_db_url


@pytest.fixture
def two(db_url, clock):
    a, b = Engine(db_url, clock=clock), Engine(db_url, clock=clock)
    a.init()
    yield a, b
    a.close()
    b.close()


def _lock(engine) -> LeaderLock:
    return LeaderLock(runtime_of(engine).store)


def test_one_holder_at_a_time_and_a_release_hands_over(two):
    a, b = _lock(two[0]), _lock(two[1])
    assert a.try_acquire() is True
    assert b.try_acquire() is False and not b.held
    assert a.try_acquire() is True  # holding: a try is a check
    a.release()
    assert b.try_acquire() is True
    assert a.try_acquire() is False
    b.release()


def test_leadership_calls_on_lead_once_when_it_takes_the_lock(two):
    led: list[int] = []
    first, second = Leadership(two[0], on_lead=lambda: led.append(1)), Leadership(two[1], on_lead=lambda: led.append(2))
    assert first.tick() and first.tick()
    assert not second.tick()
    assert led == [1]
    first.release()
    assert second.tick() and led == [1, 2]
    second.release()


def test_the_holder_dying_frees_the_lock(two, tmp_path):
    a, b = two
    if runtime_of(a).store.is_sqlite:
        code = ("import sys, time\nfrom disputeflow import Engine\nfrom disputeflow.cases.leader_lock import LeaderLock\n"
                "from disputeflow.workflow.runtime import runtime_of\n"
                f"lock = LeaderLock(runtime_of(Engine({a.config.url!r})).store)\n"
                "print(lock.try_acquire(), flush=True)\ntime.sleep(120)\n")
        holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "True"
            lock = _lock(b)
            assert lock.try_acquire() is False
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=10)
        assert lock.try_acquire() is True  # the OS freed the killed holder's lock
        lock.release()
        return
    holder, standby = _lock(a), _lock(b)
    assert holder.try_acquire()
    pid = holder._conn.exec_driver_sql("select pg_backend_pid()").scalar()
    assert not standby.try_acquire()
    with _pg_admin() as admin:  # the holder's session ends, as when its process is killed
        admin.execute("select pg_terminate_backend(%s)", (pid,))
    for _ in range(100):  # bounded: the server ends the session at once, the lock with it
        if standby.try_acquire():
            break
        time.sleep(0.05)
    assert standby.held
    assert holder.check() is False and not holder.held  # the old leader notices it no longer leads
    standby.release()


def test_each_schema_has_a_leader_of_its_own(db_url, clock, tmp_path):
    (tmp_path / "x").mkdir()
    other_url, drop = make_db_url("postgresql" if db_url.startswith("postgresql") else "sqlite", tmp_path / "x")
    one, two_ = Engine(db_url, clock=clock), Engine(other_url, clock=clock)
    try:
        one.init()
        two_.init()
        a, b = _lock(one), _lock(two_)
        assert a.try_acquire() and b.try_acquire()
        a.release()
        b.release()
    finally:
        one.close()
        two_.close()
        drop()


@pytest.mark.parametrize("bad", [0, -1, 301, "20", True])
def test_a_bad_leader_interval_is_refused_when_the_scheduler_is_built(tmp_path, bad):
    from disputeflow.workflow import scheduler
    from disputeflow.workflow.config import Config
    from disputeflow.workflow.errors import ConfigError

    eng = Engine(Config(url=f"sqlite:///{tmp_path / 'cases.db'}", scheduler={"leader_seconds": bad}))
    try:
        with pytest.raises(ConfigError, match="leader_seconds"):
            scheduler.build(eng)
    finally:
        eng.close()
