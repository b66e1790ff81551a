"""Who an outbox row's audience is, as people.

The engine writes the audience as tokens computed from the case at the time of
the event: ``user:ID`` (someone named on the case), ``unit:ID`` (the staff of a
responsible unit) and ``role:ROLE@/unit/path/`` (people of that role whose
jurisdiction covers the path — the nearest level that has any, so a village's
mediators hear of its reports, not every mediator of the town). Inactive users
are left out. One indexed query per token kind.
"""

from __future__ import annotations

USER_COLUMNS = ("id", "name", "role", "unit_path", "email", "phone", "lang")
_SELECT = "SELECT " + ", ".join(USER_COLUMNS) + " FROM users WHERE active = :active AND "


def ancestors(path: str) -> list[str]:
    """``/t1/v1/g1/`` → ``['/t1/', '/t1/v1/', '/t1/v1/g1/']``."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _in(name: str, values: list[str], params: dict) -> str:
    keys = []
    for i, v in enumerate(values):
        params[f"{name}{i}"] = v
        keys.append(f":{name}{i}")
    return "(" + ", ".join(keys) + ")"


def resolve(tx, audience: list[str]) -> list[dict]:
    """The people ``audience`` names, each once, in a stable order."""
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
    if users:
        params = {"active": True}
        for r in tx.query(_SELECT + "id IN " + _in("u", users, params), params):
            found.setdefault(r[0], dict(zip(USER_COLUMNS, r)))
    if units:
        params = {"active": True}
        for r in tx.query(_SELECT + "unit_id IN " + _in("n", units, params), params):
            found.setdefault(r[0], dict(zip(USER_COLUMNS, r)))
    for role, path in roles:
        chain = ancestors(path)
        if not chain:
            continue
        params = {"active": True, "role": role}
        rows = tx.query(_SELECT + "role = :role AND unit_path IN " + _in("p", chain, params), params)
        if rows:
            deepest = max(len(r[3]) for r in rows)
            for r in rows:
                if len(r[3]) == deepest:
                    found.setdefault(r[0], dict(zip(USER_COLUMNS, r)))
    return sorted(found.values(), key=lambda u: u["id"])
