"""The jurisdiction as reports group it: units by id, and the village each case belongs to.

Statistics are reported by village or community (村/社区), whatever grid a case
was registered under; a case registered at the town itself is counted under
the town (镇本级).
"""

from __future__ import annotations

from dataclasses import dataclass

from disputeflow.cases import directory, transactions
from disputeflow.workflow.errors import NotFound

VILLAGE_KINDS = ("village", "community")


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str
    parent: str | None
    path: str


class Units:
    """All units, read once per report (a county has a few thousand)."""

    def __init__(self, rows):
        self.by_id = {r[0]: Unit(*r[:5]) for r in rows}
        self._village: dict[str, str] = {}

    @classmethod
    def load(cls, engine, within: str | None = None) -> "Units":
        """Every unit, or those at or under ``within`` and above it (a reader's part of a city's directory)."""
        with transactions.read(engine.store) as conn:
            return cls(directory.all_units(conn) if within is None else directory.units_within(conn, within))

    def get(self, unit_id: str) -> Unit:
        u = self.by_id.get(unit_id)
        if u is None:
            raise NotFound(f"单位“{unit_id}”不存在", f"unit {unit_id} not found")
        return u

    def name(self, unit_id: str | None) -> str:
        u = self.by_id.get(unit_id) if unit_id else None
        return u.name if u else (unit_id or "")

    def village_of(self, unit_path: str) -> str:
        """The village or community a unit path lies in; the deepest town/office above it otherwise."""
        got = self._village.get(unit_path)
        if got is None:
            ids = [s for s in unit_path.strip("/").split("/") if s]
            got = next((i for i in ids if i in self.by_id and self.by_id[i].kind in VILLAGE_KINDS), None)
            if got is None:
                got = next((i for i in reversed(ids) if i in self.by_id and self.by_id[i].kind != "grid"), ids[-1])
            self._village[unit_path] = got
        return got

    def villages_under(self, path: str) -> list[Unit]:
        """Villages and communities inside ``path`` (for the zero rows of the by-village table)."""
        return [u for u in self.by_id.values() if u.kind in VILLAGE_KINDS and u.path.startswith(path)]


def user_names(engine, ids) -> dict[str, str]:
    with transactions.read(engine.store) as conn:
        return directory.user_names(conn, ids)
