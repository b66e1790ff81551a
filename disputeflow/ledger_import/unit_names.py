"""Finding a unit by the name a ledger writes: its id, its name, or a committee or office named after it.

Ledgers name the body that handled a case, not the unit: 承办单位 = 东岗村人民调解委员会
is the village 东岗村, 双乳镇人民调解委员会 the town, and 劳动保障所 the town's labour
office (双乳镇劳动保障所, which handles labour disputes). The rule: an exact id or name
first; then the name with a committee's or office's suffix taken off; then the unit
whose name the text contains (the longest such name, so 东岗村第一网格 is not read as
东岗村); for offices, the office whose name contains the text, narrowed to the row's
town and to the offices that handle the row's category when several fit.
"""

from __future__ import annotations

import json

# What a ledger adds after a unit's name to name its committee or office (longest first).
SUFFIXES = ("人民调解委员会", "村民委员会", "居民委员会", "社区居民委员会", "人民调解工作室", "人民调解室",
            "调解委员会", "调委会", "调解室", "村委会", "居委会", "人民政府", "党委", "政府")


def strip_suffix(text: str) -> str:
    for s in sorted(SUFFIXES, key=len, reverse=True):
        if text.endswith(s) and len(text) > len(s):
            return text[: -len(s)]
    return text


def handles(unit: tuple) -> list[str]:
    raw = unit[4] if len(unit) > 4 else None
    try:
        return list(json.loads(raw)) if raw else []
    except (TypeError, ValueError):
        return []


def find(units: list[tuple], text: str, kinds: tuple[str, ...], *, within: str | None = None,
         category: str | None = None) -> tuple[list[tuple], bool]:
    """(the units the text names, whether found by containment), best first; empty when none fits.

    ``within`` is the path of the row's own unit (an office is looked for in its town first);
    ``category`` the row's category (an office that handles it is preferred).
    """
    base = strip_suffix(text)
    exact = [u for u in units if u[1] in (text, base)]
    if exact:
        return _prefer(exact, kinds), False
    inside = [u for u in units if u[2] in kinds and len(u[1]) >= 2 and u[1] in text]
    if inside:
        longest = max(len(u[1]) for u in inside)
        return [u for u in inside if len(u[1]) == longest], True
    if "office" in kinds and len(base) >= 2:
        offices = [u for u in units if u[2] == "office" and base in u[1]]
        if within and len(offices) > 1:
            town = [u for u in offices if _shares_town(u[3], within)]
            offices = town or offices
        if category and len(offices) > 1:
            fit = [u for u in offices if category in handles(u)]
            offices = fit or offices
        return offices, True
    return [], False


def _prefer(found: list[tuple], kinds: tuple[str, ...]) -> list[tuple]:
    return [u for u in found if u[2] in kinds] or found


def _shares_town(path: str, within: str) -> bool:
    """Whether an office (at ``path``) belongs to the town or village the row's unit (at ``within``) lies in."""
    parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
    return parent != "/" and within.startswith(parent)
