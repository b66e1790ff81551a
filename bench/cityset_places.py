"""The city's directory: counties, towns, villages (and communities), grids, offices, and the people in them.

Units follow the product's tree (``disputeflow.workflow.units_users``): county → town → village or
community → grid, with offices (站所) under a town (司法所, 派出所, 自然资源所) or a county (县司法局,
县信访局). A grid is a unit of kind ``grid`` under its village, and its grid officer a user of
role ``grid_officer`` in it, so a grid officer's jurisdiction is the grid. Roles are the product's
built-in ones; where a brief names finer ones (a town or a county supervisor, a village, town or
justice-office mediator) they are the same role in a unit of that level.

Head counts (local practice, not a published norm): one grid officer per grid, the users
beyond them shared out by ``SHARES``, the rest village mediators (four or five per village
committee): fifteen mediators per town, a handful at each 司法所, supervisors and lead officials per
town and county, a few admins per county.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from bench.cityset_names import PlaceNames, mobile, person_name

TOWN_OFFICES = (("SFS", "司法所", ["contract", "damages", "marriage_family", "neighbour", "other"]),
                ("PCS", "派出所", ["damages", "neighbour"]),
                ("ZRS", "自然资源所", ["land", "house_site", "demolition"]))
COUNTY_OFFICES = (("SFJ", "司法局", ["contract", "labour", "medical", "consumer"]),
                  ("XFJ", "信访局", []))
# Shares of the users beyond one grid officer per grid; each login bucket gets at least MIN_BUCKET where the
# shape has room (village mediators give way first).
SHARES = {"mediator_town": 0.15, "mediator_office": 0.05, "office_staff": 0.05, "supervisor_town": 0.06,
          "supervisor_county": 0.02, "lead_town": 0.08, "lead_county": 0.02, "admin": 0.01}
MIN_BUCKET = 20
ROLE_OF = {"grid_officer": "grid_officer", "mediator_village": "mediator", "mediator_town": "mediator",
           "mediator_office": "mediator", "office_staff": "office_staff", "supervisor_town": "supervisor",
           "supervisor_county": "supervisor", "lead_town": "lead_official", "lead_county": "lead_official",
           "admin": "admin"}
PREFIX = {"grid_officer": "wg", "mediator_village": "tjc", "mediator_town": "tjz", "mediator_office": "tjs",
          "office_staff": "zs", "supervisor_town": "dcz", "supervisor_county": "dcx", "lead_town": "ldz",
          "lead_county": "ldx", "admin": "gly"}


@dataclass
class Places:
    """Units and users of a shape, with the look-ups a case draw needs."""

    units: list[tuple] = field(default_factory=list)  # (id, name, kind, parent, path, handles)
    users: list[tuple] = field(default_factory=list)  # (id, name, role, unit, path, phone, bucket)
    path: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    kind: dict[str, str] = field(default_factory=dict)
    counties: list[str] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    grids: list[str] = field(default_factory=list)
    by_unit: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (unit, bucket) -> user ids
    buckets: dict[str, list[str]] = field(default_factory=dict)

    @property
    def case_units(self) -> list[tuple]:
        return [(u[0], u[1], u[2], u[4]) for u in self.units]

    def add_unit(self, uid: str, name: str, kind: str, parent: str | None, handles=None) -> None:
        path = (self.path[parent] if parent else "/") + uid + "/"
        self.units.append((uid, name, kind, parent, path, json.dumps(handles) if handles else None))
        self.path[uid], self.names[uid], self.kind[uid] = path, name, kind
        if parent:
            self.parent[uid] = parent

    def add_user(self, rng: random.Random, bucket: str, unit: str) -> str:
        uid = f"{PREFIX[bucket]}{len(self.buckets.setdefault(bucket, [])) + 1:05d}"
        self.users.append((uid, person_name(rng), ROLE_OF[bucket], unit, self.path[unit], mobile(rng), bucket))
        self.buckets[bucket].append(uid)
        self.by_unit.setdefault((unit, bucket), []).append(uid)
        return uid

    # ------------------------------------------------------------------ look-ups for a case

    def up(self, unit: str, kind: str) -> str | None:
        while unit is not None and self.kind[unit] != kind:
            unit = self.parent.get(unit)
        return unit

    def town_of(self, unit: str) -> str:
        return self.up(unit, "town")

    def village_of(self, unit: str) -> str | None:
        return self.up(unit, "village") or self.up(unit, "community")

    def case_unit(self, rng: random.Random, source: str) -> str:
        """Grid patrol finds most cases in a grid; visits and hotlines land on the village or, some, the town."""
        grid = rng.choice(self.grids)
        if source == "grid" and rng.random() < 0.85:
            return grid
        return self.village_of(grid) if rng.random() < 0.9 else self.town_of(grid)

    def _one(self, rng: random.Random, unit: str | None, bucket: str) -> str | None:
        got = self.by_unit.get((unit, bucket)) if unit else None
        return rng.choice(got) if got else None

    def mediator_for(self, rng: random.Random, unit: str, risk: str) -> str:
        town = self.town_of(unit)
        r = rng.random() + (0.3 if risk in ("high", "critical") else 0.0)
        if r < 0.65:
            got = self._one(rng, self.village_of(unit), "mediator_village")
            if got:
                return got
        if r < 1.1:
            got = self._one(rng, town, "mediator_town")
            if got:
                return got
        return (self._one(rng, self.office_of(town), "mediator_office") or self._one(rng, town, "mediator_town")
                or rng.choice(self.buckets["mediator_village"]))

    def lead_for(self, rng: random.Random, town: str) -> str | None:
        return self._one(rng, town, "lead_town")

    def supervisor_for(self, rng: random.Random, town: str) -> str:
        return self._one(rng, town, "supervisor_town") or rng.choice(self.buckets["supervisor_county"])

    def office_of(self, town: str) -> str:
        return f"{town}-SFS"

    def grid_officer_of(self, unit: str) -> str | None:
        got = self.by_unit.get((unit, "grid_officer"))
        return got[0] if got else None

    def reporter_for(self, rng: random.Random, unit: str, source: str, mediator: str) -> str:
        if self.kind[unit] == "grid":
            return self.grid_officer_of(unit) or mediator
        if source == "grid":
            village = self.village_of(unit)
            grids = [g for g in self.by_village.get(village, ())] if village else []
            if grids:
                return self.grid_officer_of(rng.choice(grids)) or mediator
        return mediator

    @property
    def by_village(self) -> dict[str, list[str]]:
        got = getattr(self, "_by_village", None)
        if got is None:
            got = self._by_village = {}
            for g in self.grids:
                got.setdefault(self.parent[g], []).append(g)
        return got

    def logins(self, per_role: int = 40) -> dict[str, list[str]]:
        """Up to ``per_role`` user ids per bucket, and the product roles mixed (``mediator``, ``lead``,
        ``supervisor``), spread over the towns rather than the first unit's people."""
        out = {b: _spread_pick(ids, per_role) for b, ids in self.buckets.items()}
        out["mediator"] = _mix(out, ("mediator_village", "mediator_town", "mediator_office"), per_role)
        out["lead"] = _mix(out, ("lead_town", "lead_county"), per_role)
        out["supervisor"] = _mix(out, ("supervisor_town", "supervisor_county"), per_role)
        return out


def _spread_pick(ids: list[str], n: int) -> list[str]:
    if len(ids) <= n:
        return list(ids)
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]


def _mix(out: dict, buckets: tuple[str, ...], n: int) -> list[str]:
    mixed = [u for group in zip(*(out.get(b, []) for b in buckets)) for u in group]
    for b in buckets:
        mixed += [u for u in out.get(b, []) if u not in mixed]
    return mixed[:n]


def build(shape, seed: int) -> Places:
    """The units and users of ``shape`` (seeded: the same shape gives the same directory)."""
    rng = random.Random(seed)
    names = PlaceNames(rng)
    p = Places()
    towns_per = _split(shape.towns, shape.counties)
    villages_per = _split(shape.villages, shape.towns)
    grids_per = _split(shape.grids, shape.villages)
    t = v = 0
    for c in range(shape.counties):
        cid = f"C{c + 1:02d}"
        p.add_unit(cid, names.next("县"), "county", None)
        p.counties.append(cid)
        for code, label, handles in COUNTY_OFFICES:
            p.add_unit(f"{cid}-{code}", f"{p.names[cid]}{label}", "office", cid, handles)
        for _ in range(towns_per[c]):
            tid = f"{cid}-T{t + 1:03d}"
            p.add_unit(tid, names.next("镇"), "town", cid)
            p.towns.append(tid)
            for code, label, handles in TOWN_OFFICES:
                p.add_unit(f"{tid}-{code}", f"{p.names[tid][:-1]}{label}", "office", tid, handles)
            for _ in range(villages_per[t]):
                kind = "community" if rng.random() < 0.15 else "village"
                vid = f"{tid}-V{v + 1:04d}"
                p.add_unit(vid, names.next("社区" if kind == "community" else "村"), kind, tid)
                p.villages.append(vid)
                for g in range(grids_per[v]):
                    gid = f"{vid}-G{g + 1:02d}"
                    p.add_unit(gid, f"{p.names[vid]}第{g + 1}网格", "grid", vid)
                    p.grids.append(gid)
                v += 1
            t += 1
    _people(p, shape, rng)
    return p


def _split(n: int, parts: int) -> list[int]:
    base = n // parts
    return [base + (1 if i < n - base * parts else 0) for i in range(parts)]


def _people(p: Places, shape, rng: random.Random) -> None:
    """Users per level: see the module documentation for the head counts."""
    rest = max(0, shape.users - len(p.grids))
    want = {b: max(min(MIN_BUCKET, rest // 12), round(share * rest)) for b, share in SHARES.items()}
    want["admin"] = max(3, min(want["admin"], 5 * shape.counties + shape.towns // 10))
    village_med = max(len(p.villages), rest - sum(want.values()))
    for g in p.grids:
        p.add_user(rng, "grid_officer", g)
    for i in range(village_med):
        p.add_user(rng, "mediator_village", p.villages[i % len(p.villages)])
    for bucket, n in want.items():
        at_county = bucket in ("supervisor_county", "lead_county", "admin")
        for i in range(n):
            if bucket == "mediator_office":
                unit = f"{p.towns[i % len(p.towns)]}-SFS"
            elif bucket == "office_staff":
                town = p.towns[(i // 3) % len(p.towns)]
                unit = f"{town}-{TOWN_OFFICES[i % 3][0]}"
            else:
                unit = p.counties[i % len(p.counties)] if at_county else p.towns[i % len(p.towns)]
            p.add_user(rng, bucket, unit)
