"""Who an outbox row's audience is, as people.

The engine writes the audience as tokens computed from the case at the time of
the event: ``user:ID`` (someone named on the case), ``unit:ID`` (the staff of a
responsible unit) and ``role:ROLE@/unit/path/`` (people of that role whose
jurisdiction covers the path — the nearest level that has any, so a village's
mediators hear of its reports, not every mediator of the town). Inactive users
are left out (the directory returns active people only). A batch of rows is
resolved together: one lookup per token kind (per role) for the whole batch.
"""

from __future__ import annotations

from typing import NamedTuple

from disputeflow.cases.people import Directory, Person

USER_COLUMNS = ("id", "name", "role", "unit_path", "email", "phone", "lang")


class Tokens(NamedTuple):
    users: list[str]
    units: list[str]
    roles: list[tuple[str, str]]  # (role, unit path)


def ancestors(path: str) -> list[str]:
    """``/t1/v1/g1/`` → ``['/t1/', '/t1/v1/', '/t1/v1/g1/']``."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def parse(audience: list[str]) -> Tokens:
    """The tokens of an audience by kind; malformed ones are ignored."""
    tokens = Tokens([], [], [])
    for token in audience:
        kind, _, rest = token.partition(":")
        if kind == "user" and rest:
            tokens.users.append(rest)
        elif kind == "unit" and rest:
            tokens.units.append(rest)
        elif kind == "role" and "@" in rest:
            role, _, path = rest.partition("@")
            tokens.roles.append((role, path))
    return tokens


def resolve_all(people: Directory, audiences: list[list[str]], host=None) -> list[list[dict]]:
    """The people each audience names, each once, in a stable order (dicts of :data:`USER_COLUMNS`).

    ``host``: the host's people for this pass (:class:`disputeflow.workflow.identities.Asked`), asked about a
    ``user:ID`` the users table does not know (any other token reaches the table's people only).
    """
    parsed = [parse(a) for a in audiences]
    wanted = sorted({u for t in parsed for u in t.users})
    by_id: dict = {p.id: p for p in people.by_ids(wanted)}
    if host is not None:
        known = people.known_ids([u for u in wanted if u not in by_id])
        for uid in wanted:
            if uid not in by_id and uid not in known:
                found = host.person(uid)
                if found is not None:
                    by_id[uid] = Person(**found, unit_id="")
    by_unit: dict[str, list[Person]] = {}
    for p in people.of_units(sorted({u for t in parsed for u in t.units})):
        by_unit.setdefault(p.unit_id, []).append(p)
    paths: dict[str, set[str]] = {}
    for t in parsed:
        for role, path in t.roles:
            paths.setdefault(role, set()).update(ancestors(path))
    on_path: dict[tuple[str, str], list[Person]] = {}
    for role in sorted(paths):
        for p in people.with_role_on(role, sorted(paths[role])):
            on_path.setdefault((role, p.unit_path), []).append(p)
    out = []
    for t in parsed:
        found: dict[str, Person] = {u: by_id[u] for u in t.users if u in by_id}
        for unit in t.units:
            found.update((p.id, p) for p in by_unit.get(unit, ()))
        for role, path in t.roles:
            nearest = [p for level in ancestors(path) for p in on_path.get((role, level), ())]
            if nearest:
                deepest = max(len(p.unit_path) for p in nearest)
                found.update((p.id, p) for p in nearest if len(p.unit_path) == deepest)
        out.append([{k: found[i][n] for n, k in enumerate(USER_COLUMNS)} for i in sorted(found)])
    return out


def resolve(people: Directory, audience: list[str]) -> list[dict]:
    """The people one audience names (see :func:`resolve_all`)."""
    return resolve_all(people, [audience])[0]
