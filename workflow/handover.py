"""Handing a case up and down the levels (上交、下交): "小事不出村、大事不出镇".

The dispute's place (``unit_path``) never moves; what moves is the level that
handles it, kept in the case's document as ``handling_unit`` (unset: the place
itself). The handling unit is always the place or one of its ancestors — up
goes to an ancestor of the current level, down to a unit between the current
level and the place — so the people of the handling unit read the case through
the ordinary jurisdiction rule (a prefix of its unit path) and no reader's scope
needs widening. Which running clocks start again on a handover is the policy's
(``[handover] restart``).

Pure: the unit ids on the case's path say everything the checks need.
"""

from __future__ import annotations

from typing import Any

from disputeflow.cases.records import ClockStop
from disputeflow.workflow import clocks
from disputeflow.workflow.documents import jsonable
from disputeflow.workflow.errors import NotPermitted, ValidationError

HAND_UP, HAND_DOWN = "hand_up", "hand_down"


def levels(unit_path: str) -> list[str]:
    """The unit ids of a path, top first (``/c/t/v/`` → ``['c', 't', 'v']``)."""
    return [p for p in unit_path.strip("/").split("/") if p]


def handling_unit(unit_path: str, data: dict | None) -> str:
    """The unit handling the case: the one recorded by the last handover, else the place."""
    ids = levels(unit_path)
    got = (data or {}).get("handling_unit")
    return got if got in ids else ids[-1]


def handling_path(unit_path: str, handling: str) -> str:
    """The materialised path of the handling unit (a prefix of the place's path)."""
    ids = levels(unit_path)
    return "/" + "/".join(ids[: ids.index(handling) + 1]) + "/"


def may_hand_over(actor, unit_path: str, data: dict | None) -> bool:
    """Whether ``actor`` sits at the handling level or above it (a level below has handed the case on)."""
    return actor is not None and actor.covers(handling_path(unit_path, handling_unit(unit_path, data)))


def targets(direction: str, unit_path: str, data: dict | None) -> list[str]:
    """The unit ids a case may be handed to: the ancestors above the handling level (nearest first) for
    ``hand_up``, the units between it and the place (nearest first) for ``hand_down``."""
    ids = levels(unit_path)
    at = ids.index(handling_unit(unit_path, data))
    return list(reversed(ids[:at])) if direction == HAND_UP else ids[at + 1:]


def apply(change: Any) -> None:
    """The ``hand_over`` effect: check the target and the actor, move the handling unit, restart the clocks."""
    case, fields = change.case, change.fields
    direction, to = change.action, fields["to"]
    assert change.data is not None and change.running is not None
    if direction not in (HAND_UP, HAND_DOWN):
        raise ValueError(f"hand_over is for {HAND_UP} and {HAND_DOWN}, not {direction}")
    if not may_hand_over(change.actor, case.unit_path, change.data):
        raise NotPermitted("只有当前办理层级（或其上级）的人员可以上交、下交本案",
                           "only the handling level (or a level above it) hands the case on")
    frm = handling_unit(case.unit_path, change.data)
    if to not in targets(direction, case.unit_path, change.data):
        if direction == HAND_UP:
            raise ValidationError.one("to", "只能上交到当前办理层级的上级单位（村 → 镇 → 县）",
                                      "hand up only to a unit above the handling level (village → town → county)")
        raise ValidationError.one("to", "只能下交到当前办理层级以下、不低于纠纷发生地的单位",
                                  "hand down only to a unit below the handling level, down to the dispute's place")
    restarted = _restart(change, change.policy.handover_restart)
    entry = {"at": change.now, "by": change.actor.id, "direction": direction, "from": frm, "to": to}
    if fields.get("reason"):
        entry["reason"] = fields["reason"]
    change.data["handling_unit"] = to
    change.data.setdefault("handovers", []).append(jsonable(entry))
    change.audit["handover"] = jsonable({"from": frm, "to": to, "direction": direction})
    if restarted:
        change.audit["clocks_restarted"] = restarted


def _restart(change: Any, names: tuple[str, ...]) -> list[str]:
    """Start the named running clocks again from now, for their full time (the new level's own time)."""
    done = []
    for name in sorted(n for n in names if n in change.running):
        new = clocks.plan_start(change.policy, change.calendar, name, change.now, change.columns["risk"],
                                change.case.category, {}, tier=(change.data or {}).get("tier"))
        if new is None:
            continue
        del change.running[name]
        change.writes.append(ClockStop(name))
        change.writes.append(new)
        change.running[name] = clocks.running_after_start(new)
        done.append(name)
    return done
