"""Who an outbox row's audience is, as people.

The engine writes the audience as tokens computed from the case at the time of
the event: ``user:ID`` (someone named on the case), ``unit:ID`` (the staff of a
responsible unit) and ``role:ROLE@/unit/path/`` (people of that role whose
jurisdiction covers the path — the nearest level that has any, so a village's
mediators hear of its reports, not every mediator of the town). Inactive users
are left out (the directory returns active people only). One lookup per token kind.
"""

from __future__ import annotations

from disputeflow.cases.people import Directory

USER_COLUMNS = ("id", "name", "role", "unit_path", "email", "phone", "lang")


def ancestors(path: str) -> list[str]:
    """``/t1/v1/g1/`` → ``['/t1/', '/t1/v1/', '/t1/v1/g1/']``."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def resolve(people: Directory, audience: list[str]) -> list[dict]:
    """The people ``audience`` names, each once, in a stable order (as dicts of :data:`USER_COLUMNS`)."""
    users: list[str] = []
    units: list[str] = []
    roles: list[tuple[str, str]] = []
    for token in audience:
        kind, _, rest = token.partition(":")
        if kind == "user" and rest:
            users.append(rest)
        elif kind == "unit" and rest:
            units.append(rest)
        elif kind == "role" and "@" in rest:
            role, _, path = rest.partition("@")
            roles.append((role, path))
    found: dict[str, dict] = {}
    for person in (*people.by_ids(users), *people.of_units(units)):
        found.setdefault(person.id, person._asdict())
    for role, path in roles:
        nearest = people.with_role_on(role, ancestors(path))
        if nearest:
            deepest = max(len(p.unit_path) for p in nearest)
            for person in nearest:
                if len(person.unit_path) == deepest:
                    found.setdefault(person.id, person._asdict())
    return sorted(found.values(), key=lambda u: u["id"])
