"""People who live in the host application: the resolver hook and what the engine makes of its answers.

An embedding system that keeps its own staff list passes ``Engine(...,
identities=resolver)``. The engine's own ``users`` table stays the first
answer: the resolver is asked only about an id that table does not know. So a
user switched off in the table stays switched off (the resolver cannot revive
them), and a host that syncs everyone into the table never needs a resolver.

A host identity names its unit by id; the unit must be one of the engine's
(synced with :meth:`disputeflow.Engine.sync_units`), because jurisdiction is
judged by the unit's path. An identity whose role is unknown or whose unit is
missing or switched off is treated as unknown (and logged), never half-trusted.

What the resolver reaches: acting (reporting, acting, reading), being named in
a user field (the mediator an assignment names, a lead official) and being
notified by id (a case's mediator or lead official, a field's user). A key
person's grid officer and lead official are the engine's own users only. A
notification addressed to a role at a place (``role:mediator@/t1/v1/``) reaches
only the engine's own users: a resolver answers for an id, it cannot list
people. Each answer is kept for the one operation that asked (a command, a
dispatch pass), never across operations, so a change in the host is seen by
the next call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

from disputeflow.workflow.actor import Actor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """A person as the host knows them.

    ``unit`` is the id of one of the engine's units (the person's jurisdiction
    is that unit's subtree); ``role`` one of the engine's roles
    (:meth:`disputeflow.Engine.known_roles`).
    """

    id: str
    name: str
    role: str
    unit: str
    phone: str | None = None
    email: str | None = None
    lang: str = "zh_CN"


@runtime_checkable
class IdentityResolver(Protocol):
    """What an embedding system implements to let its own people act and be notified."""

    def resolve(self, user_id: str) -> Identity | None:
        """The identity of ``user_id``, or None when the host does not know them (or they may not act)."""
        ...


# The unit lookup a caller lends: unit id → (kind, path, name[, active]) or None.
UnitLookup = Callable[[str], "tuple | None"]


class HostPeople:
    """The engine's view of a resolver: identities checked and turned into actors, user rows and recipients.

    One instance serves the whole engine; the answers are cached in a :class:`Asked` per operation.
    """

    def __init__(self, resolver: IdentityResolver, roles: Callable[[], tuple[str, ...]]):
        if not callable(getattr(resolver, "resolve", None)):
            from disputeflow.workflow.errors import ConfigError

            raise ConfigError("identities 须提供 resolve(user_id) 方法", "identities must have a resolve(user_id) method")
        self.resolver = resolver
        self.roles = roles

    def asked(self, unit: UnitLookup) -> "Asked":
        """A per-operation cache over ``unit`` (the operation's own unit lookup)."""
        return Asked(self, unit)


class Asked:
    """One operation's answers: each id asked once, each identity checked against the engine's units and roles."""

    def __init__(self, people: HostPeople, unit: UnitLookup):
        self.people = people
        self.unit = unit
        self._found: dict[str, tuple[Identity, str] | None] = {}

    def find(self, user_id: str) -> tuple[Identity, str] | None:
        """``(identity, unit path)`` of a usable host identity, or None."""
        if user_id in self._found:
            return self._found[user_id]
        got = None
        ident = self.people.resolver.resolve(user_id)
        if ident is not None:
            row = self.unit(ident.unit)
            if ident.id != user_id:
                log.warning("identity resolver answered %r for %r: ignored", ident.id, user_id)
            elif ident.role not in self.people.roles():
                log.warning("host identity %r has unknown role %r: ignored", user_id, ident.role)
            elif row is None or (len(row) > 3 and not row[3]):
                log.warning("host identity %r names unit %r, which is unknown or switched off", user_id, ident.unit)
            else:
                got = (ident, row[1])
        self._found[user_id] = got
        return got

    def actor(self, user_id: str) -> Actor | None:
        """The :class:`Actor` of a host identity, or None."""
        got = self.find(user_id)
        if got is None:
            return None
        ident, path = got
        return Actor(id=ident.id, role=ident.role, unit_path=path, unit_id=ident.unit, name=ident.name)

    def user(self, user_id: str) -> tuple[str, str, bool] | None:
        """``(role, unit_path, active)`` of a host identity (the shape of the ``users`` read), or None."""
        got = self.find(user_id)
        return None if got is None else (got[0].role, got[1], True)

    def person(self, user_id: str) -> dict | None:
        """A recipient's facts (:data:`disputeflow.notifications.recipients.USER_COLUMNS`), or None."""
        got = self.find(user_id)
        if got is None:
            return None
        ident, path = got
        return {"id": ident.id, "name": ident.name, "role": ident.role, "unit_path": path, "email": ident.email,
                "phone": ident.phone, "lang": ident.lang}


def asked(store, unit: UnitLookup) -> Asked | None:
    """The per-operation cache of the host people the store's engine was given, or None without a resolver."""
    people = getattr(store, "identities", None)
    return None if people is None else people.asked(unit)
