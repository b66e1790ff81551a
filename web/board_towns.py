"""The board's unit keys and its by-town section: the parts of the board page that know the unit tree.

Counts on a town's board are by village (the unit right below the town on a
case's path); a county reader's board adds one row per town and the cases
listed at county level. Neither may take a path's first segment for the town:
with a county above, that is the county.
"""

from __future__ import annotations

from disputeflow.cases.jurisdiction import town_of


def village_of(path: str, lookup) -> str | None:
    """The unit right below the town on ``path`` (a village, a community, an office), else the town itself."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    town = town_of(path, lookup)[0].strip("/").split("/")
    return parts[len(town)] if len(parts) > len(town) else town[-1]


def unit_lookup(units: list[dict]):
    """``lookup(id) → (kind, path, name)`` over the engine's unit list, as :func:`town_of` asks."""
    by_id = {u["id"]: (u["kind"], u["path"], u["name"]) for u in units}
    return by_id.get


def by_town(engine, user, as_of, lang: str) -> dict | None:
    """The by-town section for a reader who answers for more than one town (a county's); else None."""
    got = engine.town_board(as_of=as_of, actor=user, lang=lang)
    if len(got["towns"]) < 2 and not got["county_listed"]:
        return None
    return got
