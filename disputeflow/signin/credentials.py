"""Credentials: password sign-in with lock-out, and API tokens for other systems.

Passwords are stored as argon2 hashes; a failed sign-in is a row, so the
lock-out (too many failures within a window) holds across worker processes and
restarts. API tokens are random strings shown once; only their SHA-256 lands
in the database (a token already has full entropy, so a slow hash buys nothing
and would slow every API call). A token acts as the user it was issued for,
narrowed to one unit of that user's jurisdiction.

The time comes from the engine's clock, so lock-out windows can be tested.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from disputeflow.cases import credentials_store
from disputeflow.cases import directory, transactions
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.errors import NotFound, NotPermitted, ValidationError

MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
# Failure rows kept for names that are no user's (a flood of random names from unauthenticated
# clients): the oldest beyond this go. Rows of real users are bounded by MAX_FAILURES each.
MAX_UNKNOWN_FAILURES = 1000
MIN_PASSWORD = 8
TOKEN_PREFIX = "dfk_"


class AuthError(NotPermitted):
    """Sign-in or token refused. Says nothing about which part was wrong."""

    http_status = 401
    code = "unauthenticated"


class LockedOut(AuthError):
    """Too many failed sign-ins: the account waits until the window has passed."""

    http_status = 429
    code = "locked_out"


# argon2 cost parameters for new hashes (argon2-cffi defaults when empty); a hash
# carries its own parameters, so changing these never locks anyone out.
HASH_PARAMS: dict = {}


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher(**HASH_PARAMS)


_DUMMY_HASHES: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password under the current parameters, verified for names with no password.

    Verifying it costs what verifying a real user's hash costs, so the time a
    refused sign-in takes does not tell whether the account exists.
    """
    key = tuple(sorted(HASH_PARAMS.items()))
    got = _DUMMY_HASHES.get(key)
    if got is None:
        got = _DUMMY_HASHES[key] = _hasher().hash(secrets.token_urlsafe(24))
    return got


def set_password(engine, user_id: str, password: str) -> None:
    """Store a new password hash for an existing user and clear their failures."""
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError.one("password", f"密码至少 {MIN_PASSWORD} 个字符", f"password needs at least {MIN_PASSWORD} characters")
    digest = _hasher().hash(password)
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        if not directory.user_exists(conn, user_id):
            raise NotFound(f"用户“{user_id}”不存在", f"user {user_id!r} not found")
        credentials_store.set_password(conn, user_id, digest, now)


def authenticate(engine, user_id: str, password: str, remote: str | None = None) -> Actor:
    """Check a sign-in; return the actor, or raise after recording the failure.

    Raises:
        LockedOut: MAX_FAILURES failures within LOCK_WINDOW (checked before the password,
            so guessing during a lock-out learns nothing).
        AuthError: unknown user, disabled user, no password set, or wrong password.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    now = engine.clock.now()
    user_id = (user_id or "").strip()[:64]
    with transactions.read(engine.store) as conn:
        failures = credentials_store.failures_since(conn, user_id, now - LOCK_WINDOW)
        row = credentials_store.password_of(conn, user_id)
    if failures >= MAX_FAILURES:
        minutes = int(LOCK_WINDOW.total_seconds() // 60)
        raise LockedOut(f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试",
                        f"too many failed sign-ins: the account is locked, try again in {minutes} minutes")
    stored = row[0] if row is not None and row[1] else None
    try:  # unknown, disabled or password-less: a dummy hash costs the same as a real one
        ok = _hasher().verify(stored or _dummy_hash(), password or "") and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        with transactions.write(engine.store) as conn:
            record_failure(conn, user_id, now, remote)
        raise AuthError("用户名或密码错误", "wrong user name or password")
    with transactions.write(engine.store) as conn:
        credentials_store.clear_failures(conn, user_id)
    return engine.resolve_actor(user_id)


def record_failure(conn, user_id: str, now, remote: str | None) -> None:
    """Record a failed sign-in, keeping ``login_failures`` bounded, in the caller's write.

    Rows older than the lock-out window count for nothing and go; a name holds
    at most :data:`MAX_FAILURES` rows (enough to lock it, even when requests
    race); names that are no user's keep at most :data:`MAX_UNKNOWN_FAILURES`
    rows together, the oldest going first, so a flood of random names cannot
    grow the table nor push out the failures that lock a real account.
    """
    credentials_store.record_failure(conn, user_id, now, (remote or "")[:64], now - LOCK_WINDOW, MAX_FAILURES,
                         MAX_UNKNOWN_FAILURES)


def session_generation(engine, user_id: str) -> int | None:
    """The current session generation of a user (None: no password, so no web sessions at all).

    A session cookie records the generation it was issued under; sign-out and a
    password change bump it, so a copied or stolen cookie dies with the sign-out
    even though the cookie itself is self-contained.
    """
    with transactions.read(engine.store) as conn:
        return credentials_store.session_generation(conn, user_id)


def end_sessions(engine, user_id: str) -> None:
    """Void every session of ``user_id`` (sign-out everywhere): its records are revoked on every worker."""
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        credentials_store.end_sessions(conn, user_id, now)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine, name: str, user_id: str, unit: str | None = None) -> dict:
    """Issue a token acting as ``user_id`` within ``unit`` (default: the user's own unit).

    Returns the token in clear once (``token``), with its id, prefix and scope.
    """
    from disputeflow.workflow import inputs

    errors: list = []
    name = inputs.text("name", name, errors, max_length=inputs.NAME_MAX, required=True, label=("令牌名称", "token name"))
    if errors:
        raise ValidationError(errors)
    actor = engine.resolve_actor(user_id)
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        unit = unit or actor.unit_id
        row = directory.unit(conn, unit)
        if row is None:
            raise ValidationError.one("unit", f"单位“{unit}”不存在", f"unit {unit!r} not found")
        if not row[1].startswith(actor.unit_path):
            raise ValidationError.one("unit", f"单位“{unit}”不在用户“{user_id}”的管辖范围内",
                                      f"unit {unit!r} is outside the jurisdiction of {user_id!r}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        tid = credentials_store.add_token(conn, name, user_id, unit, _digest(token), token[:10], now)
    return {"id": tid, "name": name, "user": user_id, "unit": unit, "prefix": token[:10], "token": token}


def token_actor(engine, token: str) -> Actor:
    """The actor a bearer token stands for: its user, narrowed to the token's unit.

    Raises:
        AuthError: unknown or revoked token, or its user is disabled.
    """
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise AuthError("令牌无效", "invalid token")
    with transactions.read(engine.store) as conn:
        row = credentials_store.token(conn, _digest(token))
    if row is None or row[1] is not None or not row[5]:
        raise AuthError("令牌无效或已吊销", "invalid or revoked token")
    user_id, _, path, unit_id, role, _, name, user_path = row
    if not path.startswith(user_path):  # the user moved since: the token no longer fits
        raise AuthError("令牌的单位已不在其用户的管辖范围内", "the token's unit is no longer in its user's jurisdiction")
    # Narrowed below the user's own unit, the token's unit is an upper bound on everything it reaches;
    # a token for the user's own unit acts with the user's full reach (named roles, responsible office).
    bound = path if path != user_path else None
    return Actor(id=user_id, role=role, unit_path=path, unit_id=unit_id, name=name, bound=bound)


def revoke_token(engine, token_id: int) -> None:
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        revoked = credentials_store.revoke_token(conn, token_id, now)
    if not revoked:
        raise NotFound(f"令牌 {token_id} 不存在或已吊销", f"token {token_id} not found or already revoked")


def tokens(engine) -> list[dict]:
    from disputeflow.workflow.queries import _iso

    with transactions.read(engine.store) as conn:
        rows = credentials_store.tokens(conn)
    return [{"id": i, "name": n, "user": u, "unit": un, "prefix": p, "created_at": _iso(c), "revoked_at": _iso(r)}
            for i, n, u, un, p, c, r in rows]


def health(engine) -> dict:
    """Database reachability and the outbox backlog (pending and failed notifications)."""
    try:
        with transactions.read(engine.store) as conn:
            backlog = credentials_store.outbox_backlog(conn)
    except Exception as exc:  # reported, not raised: the health page must answer
        return {"database": False, "error": type(exc).__name__, "outbox": {}}
    return {"database": True, "outbox": backlog}
