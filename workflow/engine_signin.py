"""The sign-in operations of :class:`disputeflow.Engine`: passwords, web sessions and API tokens.

A part of the facade of its own because these decide who a request is, before
any case operation runs; the rules are in :mod:`disputeflow.signin.credentials`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import Health, NewToken, TokenDoc

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class SignIn:
    """Passwords and sessions for people, tokens for other systems, and the health the web reports."""

    _rt: "Runtime"

    def set_password(self, user_id: str, password: str) -> None:
        """Set a user's web sign-in password (stored as an argon2 hash)."""
        from disputeflow.signin import credentials as auth

        auth.set_password(self._rt, user_id, password)

    def authenticate(self, user_id: str, password: str, remote: str | None = None) -> Actor:
        """Check a web sign-in; raises ``auth.AuthError`` or ``auth.LockedOut``."""
        from disputeflow.signin import credentials as auth

        return auth.authenticate(self._rt, user_id, password, remote)

    def session_generation(self, user_id: str) -> int | None:
        """The generation a web session cookie must carry to be valid (bumped by sign-out)."""
        from disputeflow.signin import credentials as auth

        return auth.session_generation(self._rt, user_id)

    def end_sessions(self, user_id: str) -> None:
        """Sign-out: void every web session of the user."""
        from disputeflow.signin import credentials as auth

        auth.end_sessions(self._rt, user_id)

    def start_session(self, user_id: str) -> str:
        """Record a web session for ``user_id`` (just signed in); returns the id the signed cookie carries.

        The session lives in the database, so every worker and host honours it and a
        sign-out anywhere ends it everywhere (:mod:`disputeflow.signin.web_sessions`).
        """
        from disputeflow.signin import web_sessions

        return web_sessions.start(self._rt, user_id)

    def session_user(self, session_id: str | None) -> str | None:
        """The user of a live web session, or None (unknown, signed out, lapsed, or the user switched off)."""
        from disputeflow.signin import web_sessions

        return web_sessions.user_of(self._rt, session_id)

    def end_session(self, session_id: str | None) -> bool:
        """Sign out one web session (this device); a copy of its cookie stops working too."""
        from disputeflow.signin import web_sessions

        return web_sessions.end(self._rt, session_id)

    def live_sessions(self, user_id: str) -> int:
        """How many web sessions of ``user_id`` are live now."""
        from disputeflow.signin import web_sessions

        return web_sessions.live_sessions(self._rt, user_id)

    def create_token(self, name: str, user_id: str, unit: str | None = None) -> NewToken:
        """Issue an API token for another system; the clear token is returned once."""
        from disputeflow.signin import credentials as auth

        return cast(NewToken, auth.create_token(self._rt, name, user_id, unit))

    def token_actor(self, token: str) -> Actor:
        """The :class:`Actor` a bearer token stands for: its user, narrowed to the token's unit.

        A host that accepts the engine's API tokens calls it once per request.

        Raises:
            NotPermitted: an unknown or revoked token, a disabled user, or a token whose
                unit is no longer in its user's jurisdiction.
        """
        from disputeflow.signin import credentials as auth

        return auth.token_actor(self._rt, token)

    def revoke_token(self, token_id: int) -> None:
        """Revoke an API token by its id (see :meth:`tokens`); it stops working at once.

        Raises:
            NotFound: no such token, or it was revoked already.
        """
        from disputeflow.signin import credentials as auth

        auth.revoke_token(self._rt, token_id)

    def tokens(self) -> list[TokenDoc]:
        """Every API token issued, for an administrator's list; never the clear token.

        Returns:
            One dict per token: ``id``, ``name``, ``user``, ``unit``, ``prefix`` (the first
            characters, to recognise it), ``created_at`` and ``revoked_at`` (ISO 8601 or ``None``).
        """
        from disputeflow.signin import credentials as auth

        return cast(list[TokenDoc], auth.tokens(self._rt))

    def health(self) -> Health:
        """Database reachability and outbox backlog, for the web health endpoint."""
        from disputeflow.signin import credentials as auth

        return cast(Health, auth.health(self._rt))
