"""What ``disputeflow demo`` prints: the county, each town, the offices and what they handle, cases and
work orders by state.

Counted from the database (not from the demo's tables), so that a demo loaded
earlier is described as it is.
"""

from __future__ import annotations

import re

LAW_SAVVY_RESIDENTS = 71  # 双乳镇's 法律明白人 (the seed's figure; not stored as users)


def _town_of(path: str, towns: dict[str, dict]) -> str | None:
    """The id of the nearest town on a unit path."""
    for uid in reversed(path.strip("/").split("/")):
        if uid in towns:
            return uid
    return None


def _child_kinds(engine) -> tuple[re.Pattern, dict[str, object]]:
    """What ends a child case's number (…-交1, …-移2), and the workflow each suffix belongs to."""
    from disputeflow.workflow.runtime import runtime_of

    kinds = {d.child.suffix: d for d in runtime_of(engine).definitions() if d.child is not None}
    return re.compile(rf"-({'|'.join(map(re.escape, sorted(kinds)))})\d+$"), kinds


def _towns(engine, units: list[dict]) -> tuple[dict[str, dict], dict[str, str | None], int]:
    """Per town its units, offices and people; the town of each unit; the county's supervisors."""
    by_id = {u["id"]: u for u in units}
    towns = {u["id"]: u for u in units if u["kind"] == "town"}
    town_of_unit = {u["id"]: _town_of(u["path"], towns) for u in units}
    per_town: dict[str, dict] = {t: {"id": t, "name": towns[t]["name"], "villages": 0, "communities": 0, "grids": 0,
                                     "offices": [], "grid_officers": 0, "mediators": 0, "legal_advisers": 0,
                                     "office_staff": 0, "supervisors": 0, "cases": 0, "prefix": None}
                                 for t in towns}
    for u in units:
        t = per_town.get(town_of_unit[u["id"]] or "")
        plural = {"village": "villages", "community": "communities", "grid": "grids"}.get(u["kind"])
        if t is not None and plural:
            t[plural] += 1
        elif t is not None and u["kind"] == "office":
            t["offices"].append({"id": u["id"], "name": u["name"], "handles": u["handles"], "staff": 0})
    offices = {o["id"]: o for t in per_town.values() for o in t["offices"]}
    county_supervisors = 0
    for user in engine.users():
        t = per_town.get(town_of_unit.get(user["unit"]) or "")
        role = user["role"]
        if t is None:
            county_supervisors += role == "supervisor" and by_id[user["unit"]]["kind"] == "county"
            continue
        key = {"grid_officer": "grid_officers", "mediator": "mediators", "office_staff": "office_staff",
               "supervisor": "supervisors"}.get(role)
        if key:
            t[key] += 1
        t["legal_advisers"] += user["id"].startswith("fg-")
        if role == "office_staff" and user["unit"] in offices:
            offices[user["unit"]]["staff"] += 1
    return per_town, town_of_unit, county_supervisors


def _cases(engine, per_town: dict[str, dict], town_of_unit: dict) -> tuple[dict, dict]:
    """Cases by state and town (each town's case count and number prefix on the way), and child cases
    by workflow, state and town."""
    child, kinds = _child_kinds(engine)
    by_state: dict[str, dict[str, int]] = {}
    children: dict[str, dict[str, dict[str, int]]] = {}  # child workflow → state → town → count
    for c in engine.list_cases(limit=100000):
        t = per_town.get(town_of_unit.get(c["unit"]) or "")
        kid = child.search(c["number"])
        table = children.setdefault(kinds[kid.group(1)].name, {}) if kid else by_state
        row = table.setdefault(c["state_label"], {})
        row[t["name"] if t else "—"] = row.get(t["name"] if t else "—", 0) + 1
        if t and not kid:
            t["cases"] += 1
            t["prefix"] = t["prefix"] or c["number"].rsplit("-", 2)[0]
    labels = {d.name: d.label.get(engine.lang) for d in kinds.values()}
    return by_state, {k: {"label": labels[k], "by_town_and_state": rows} for k, rows in children.items()}


def summarize(engine, loaded: bool) -> dict:
    units = engine.units()
    per_town, town_of_unit, county_supervisors = _towns(engine, units)
    by_state, children = _cases(engine, per_town, town_of_unit)
    orders = children.pop("work_order", {}).get("by_town_and_state", {})
    counties = [u for u in units if u["kind"] == "county"]
    main = per_town.get("shuangru") or next(iter(per_town.values()), None) or {}
    ordered = sorted(per_town.values(), key=lambda t: (t is not main, t["id"]))
    d = engine.definition()
    return {
        "loaded": loaded,
        "county": counties[0]["name"] if counties else None,
        "county_supervisors": county_supervisors,
        "towns": ordered,
        "town": main.get("name"),
        **{k: main.get(k, 0) for k in ("villages", "communities", "grids", "grid_officers", "mediators",
                                       "legal_advisers", "office_staff")},
        "offices": [o["name"] for o in main.get("offices", [])],
        "routing": [{"town": t["name"], "office": o["name"], "staff": o["staff"],
                     "handles": [d.vocab_label("category", h, engine.lang) for h in o["handles"]]}
                    for t in ordered for o in t["offices"]],
        "law_savvy_residents": LAW_SAVVY_RESIDENTS,
        "cases": sum(t["cases"] for t in per_town.values()),
        "cases_by_state": {s: sum(row.values()) for s, row in by_state.items()},
        "cases_by_town_and_state": by_state,
        "children": children,  # child cases other than work orders (referrals …)
        "work_orders": sum(sum(row.values()) for row in orders.values()),
        "work_orders_by_state": {s: sum(row.values()) for s, row in orders.items()},
        "work_orders_by_town_and_state": orders,
    }


def summary_text(s: dict, lang: str = "zh_CN") -> str:
    from disputeflow.cli.texttable import render

    en = lang.startswith("en")
    t = (lambda zh, e: e if en else zh)
    lines = []
    if s.get("county"):
        lines.append(t(f"{s['county']}：{len(s['towns'])} 个镇，县综治中心督办人员 {s['county_supervisors']} 名。",
                       f"{s['county']}: {len(s['towns'])} towns, {s['county_supervisors']} county supervisors."))
    for town in s["towns"]:
        demo = town["name"] == s["town"]
        lines.append(t(
            f"{'示范镇 ' if demo else ''}{town['name']}（案件编号 {town['prefix'] or '—'}-…）：{town['villages']} 个村、"
            + (f"{town['communities']} 个社区、" if town["communities"] else "")
            + f"{town['grids']} 个网格，网格员 {town['grid_officers']} 名，调解员 {town['mediators']} 名"
            + (f"（含村（社区）法律顾问 {town['legal_advisers']} 名）" if town["legal_advisers"] else "")
            + f"，站所 {len(town['offices'])} 个、工作人员 {town['office_staff']} 名，案件 {town['cases']} 件"
            + (f"；法律明白人 {s['law_savvy_residents']} 名。" if demo else "。"),
            f"{'Demo town ' if demo else ''}{town['name']} (numbers {town['prefix'] or '—'}-…): {town['villages']} villages, "
            + (f"{town['communities']} communities, " if town["communities"] else "")
            + f"{town['grids']} grids, {town['grid_officers']} grid officers, {town['mediators']} mediators"
            + (f" (incl. {town['legal_advisers']} legal advisers)" if town["legal_advisers"] else "")
            + f", {len(town['offices'])} offices with {town['office_staff']} staff, {town['cases']} cases"
            + (f"; {s['law_savvy_residents']} law-savvy residents." if demo else ".")))
    if not s["loaded"]:
        lines[-1] += t("（已载入，未重复载入）", " (already loaded)")
    names = [town["name"] for town in s["towns"]]
    offices = render(t("镇 站所 受理的纠纷类型 工作人员", "town office handles staff").split(),
                     [(r["town"], r["office"], "、".join(r["handles"]) or "—", r["staff"]) for r in s["routing"]],
                     max_col=48)
    cases = _by_town(s["cases_by_town_and_state"], t("案件状态", "case state"), names)
    tables = [offices, cases, _by_town(s["work_orders_by_town_and_state"], t("交办单状态", "work order state"), names)]
    tables += [_by_town(k["by_town_and_state"], t(f"{k['label']}状态", f"{k['label']} state"), names)
               for k in s["children"].values()]
    return "\n".join(lines) + "\n\n" + "\n\n".join(tables)


def _by_town(by_state: dict[str, dict[str, int]], head: str, towns: list[str]) -> str:
    """A table of states (most first) against towns."""
    from disputeflow.cli.texttable import render

    return render([head, *towns], [(state, *(row.get(n, 0) for n in towns))
                                   for state, row in sorted(by_state.items(), key=lambda kv: -sum(kv[1].values()))])
