"""Risk levels and the intake rules that raise a case's risk floor.

The floor is what the facts alone demand (many parties, a civil-to-criminal
signal, a key person, violence); an assessment may raise the risk above the
floor but never below it.
"""

from __future__ import annotations

from typing import Iterable

LEVELS = ("low", "medium", "high", "critical")
_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}

GROUP_PARTIES = 5  # 群体性: five or more parties


def rank(level: str | None) -> int:
    return _RANK.get(level or "low", 0)


def higher(a: str | None, b: str | None) -> str:
    """The higher of two risk levels (``None`` counts as low)."""
    return (a or "low") if rank(a) >= rank(b) else (b or "low")


def floor(party_count: int, flags: Iterable[str]) -> str:
    """The lowest risk the facts allow.

    Args:
        party_count: number of parties on the case.
        flags: intake flags (``civil_to_criminal``, ``key_person``, ``violence``).
    """
    flags = set(flags)
    level = "low"
    if party_count >= GROUP_PARTIES:
        level = higher(level, "high")
    if flags & {"civil_to_criminal", "key_person"}:
        level = higher(level, "high")
    if "violence" in flags:
        level = higher(level, "critical")
    return level


def reasons(party_count: int, flags: Iterable[str]) -> list[str]:
    """Why the floor is what it is, as codes (for the audit log and the case page)."""
    flags = set(flags)
    out = []
    if party_count >= GROUP_PARTIES:
        out.append("group")
    out.extend(sorted(flags & {"civil_to_criminal", "key_person", "violence"}))
    return out
