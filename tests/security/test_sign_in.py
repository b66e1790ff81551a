"""Sign-in: the time a refusal takes does not tell whether the account exists, and failed sign-ins
from unauthenticated clients cannot grow ``login_failures`` without limit.

Both run on a real database (SQLite file and PostgreSQL) with real argon2 hashes.
"""

from __future__ import annotations

import secrets
import statistics
import time

import pytest

from disputeflow.signin import credentials as auth
from disputeflow.workflow.runtime import runtime_of

# Costly enough that a verification dwarfs the database work around it, cheap enough for a test.
TIMED_HASHES = {"time_cost": 2, "memory_cost": 8192, "parallelism": 1}
CHEAP_HASHES = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def failures(engine) -> int:
    with runtime_of(engine).store.read() as tx:
        return tx.query("SELECT COUNT(*) FROM login_failures")[0][0]


def refused_in(engine, user: str) -> float:
    """Seconds one refused sign-in of ``user`` takes."""
    start = time.perf_counter()
    with pytest.raises(auth.AuthError) as err:
        engine.authenticate(user, "wrong-password-1")
    assert not isinstance(err.value, auth.LockedOut)
    return time.perf_counter() - start


def test_unknown_and_known_users_take_the_same_time_to_refuse(engine, clock, monkeypatch):
    monkeypatch.setattr(auth, "HASH_PARAMS", TIMED_HASHES)
    engine.set_password("med1", "correct-horse-9")
    refused_in(engine, "nobody-warm-up")  # the first refusal may build the dummy hash once
    known, unknown = [], []
    for i in range(6):
        known.append(refused_in(engine, "med1"))
        unknown.append(refused_in(engine, f"nobody-{i}"))
        clock.advance(minutes=16)  # past the lock-out window: every try is a fresh failure
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2, (ratio, known, unknown)


def test_a_flood_of_random_names_keeps_the_table_bounded_and_lockout_working(engine, clock, monkeypatch):
    monkeypatch.setattr(auth, "HASH_PARAMS", CHEAP_HASHES)
    monkeypatch.setattr(auth, "MAX_UNKNOWN_FAILURES", 40, raising=False)
    engine.set_password("med1", "correct-horse-9")
    for i in range(3):
        with pytest.raises(auth.AuthError):
            engine.authenticate("med1", "guess-%d" % i, remote="203.0.113.9")
    for i in range(150):  # random names from many clients
        with pytest.raises(auth.AuthError):
            engine.authenticate("u-" + secrets.token_hex(6), "x", remote=f"198.51.100.{i % 250}")
        assert failures(engine) <= 40 + 3
    # the real account's failures survived the flood: two more lock it
    for i in range(2):
        with pytest.raises(auth.AuthError):
            engine.authenticate("med1", "guess-x%d" % i)
    with pytest.raises(auth.LockedOut):
        engine.authenticate("med1", "correct-horse-9")
    # one name holds no more rows than it takes to lock it, however often it is tried
    for _ in range(8):
        with pytest.raises(auth.AuthError):
            engine.authenticate("same-name", "x")
    with runtime_of(engine).store.read() as tx:
        assert tx.query("SELECT COUNT(*) FROM login_failures WHERE user_id = 'same-name'")[0][0] == auth.MAX_FAILURES
        assert tx.query("SELECT COUNT(*) FROM login_failures WHERE user_id = 'med1'")[0][0] == auth.MAX_FAILURES
    assert failures(engine) <= 40 + auth.MAX_FAILURES
    # past the window the next failure purges what no longer counts, in the same write
    clock.advance(seconds=auth.LOCK_WINDOW.total_seconds() + 1)
    with pytest.raises(auth.AuthError):
        engine.authenticate("someone", "x")
    assert failures(engine) == 1
    assert engine.authenticate("med1", "correct-horse-9").id == "med1"
