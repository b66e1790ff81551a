"""Who on a case does the work, and what a person named on another case may not do there.

Three rules of the case's people, kept apart from the decision so that the
page listing actions and the command itself ask the same questions:

* the mediator who first does the work on a case becomes its mediator (when none
  is assigned), so the ledger, the papers and the sign-off notice name someone;
* a mediator is assigned only among those whose jurisdiction covers the case's
  place; anyone else (another village's mediator, an office's) needs a supervisor;
* an action's ``own_cases_only`` roles (data in the definition) may do it only on
  the cases that name them: a lead official resolves the cases they lead.
"""

from __future__ import annotations

from typing import Any, Callable

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.definition_types import Action
from disputeflow.workflow.errors import NotPermitted

# The case column that names each role that may be limited to its own cases.
OWN_CASE_COLUMNS = {"lead_official": "lead_official", "mediator": "mediator"}
# Roles that may assign a mediator whose jurisdiction does not cover the case's place.
CROSS_UNIT_ASSIGNERS = ("supervisor", "admin")
# Actions that do not make their mediator the case's (a note, handing the case to another level or body,
# naming someone else).
_NOT_TAKING = ("note", "hand_up", "hand_down")


def own_case_refusal(a: Action, who: Actor, mediator: str | None, lead: str | None) -> tuple[str, str] | None:
    """Why ``who`` may not do ``a`` on a case naming ``mediator`` and ``lead`` (None: they may)."""
    if who.role not in a.own_cases_only:
        return None
    named = {"mediator": mediator, "lead_official": lead}[OWN_CASE_COLUMNS[who.role]]
    if named == who.id:
        return None
    if who.role == "lead_official":
        return (f"“{a.label.zh}”只能由本案的包案领导执行（您不是本案包案领导）",
                f"only the case's lead official may {a.label.en}")
    return (f"“{a.label.zh}”只能由本案的承办调解员执行", f"only the case's mediator may {a.label.en}")


def check_own_case(a: Action, who: Actor, mediator: str | None, lead: str | None) -> None:
    """Raises NotPermitted when :func:`own_case_refusal` refuses."""
    refusal = own_case_refusal(a, who, mediator, lead)
    if refusal is not None:
        raise NotPermitted(*refusal)


def check_assignee(a: Action, clean: dict, who: Actor, unit_path: str,
                   user: Callable[[str], tuple[str, str] | None]) -> None:
    """A mediator named by ``a`` (a user field landing on ``case.mediator``) covers the case's place,
    or the assigner is a supervisor.

    Raises:
        NotPermitted: someone else assigns a mediator from another village or office.
    """
    if who.role in CROSS_UNIT_ASSIGNERS:
        return
    for name, assigns in a.mediator_fields:
        if not assigns or not clean.get(name):
            continue  # another workflow's handler (a 12345 承办人) is the dispatcher's to choose
        row = user(clean[name])
        if row is not None and not unit_path.startswith(row[1]):
            raise NotPermitted("该调解员的管辖范围不含本案所在地；跨村（社区）指派须由督办人员执行",
                               "that mediator's jurisdiction does not cover the case's place; "
                               "only a supervisor assigns across villages")


# The listing levels (the ``level`` vocabulary of 挂牌督办), by rank, and the unit kinds that hold them.
LISTING_RANK = {"town": 1, "county": 2}


def check_listing_level(a: Action, clean: dict, who: Actor, unit: Callable[[str], tuple | None]) -> None:
    """A supervisor lists a case at their own body's level or below when the body above is in the
    directory: a township's supervisor cannot put a case under the county's listing (县级挂牌 is the
    county's to decide, and its supervisors are here to do it).

    The actor's level is the kind of the nearest unit at or above theirs that is a town or a county
    (an office under the county is county level). A deployment with no county unit above the town
    records the county's listing through the town's supervisor (the ``authority`` field names who
    listed it); an actor on no such unit (the system) is not limited.

    Raises:
        NotPermitted: the chosen level belongs to a body above the actor's.
    """
    for name, kind, key in a.targets:
        if kind != "case" or key != "supervision_level" or name not in clean:
            continue
        wanted = LISTING_RANK.get(str(clean[name]))
        kinds = _level_kinds(who.unit_path, unit)  # nearest first
        if wanted is None or not kinds or wanted <= LISTING_RANK[kinds[0]]:
            continue
        if any(LISTING_RANK[k] >= wanted for k in kinds[1:]):
            raise NotPermitted("县级挂牌须由县级督办人员决定；您所在单位为乡镇（街道）级，可选镇级挂牌",
                               "county-level listing is for the county's supervisors; "
                               "your unit is at town level (choose town)")


def _level_kinds(unit_path: str, unit: Callable[[str], tuple | None]) -> list[str]:
    """The listing-level kinds of the units on ``unit_path``, from the actor's own unit up."""
    out = []
    for unit_id in reversed([p for p in unit_path.strip("/").split("/") if p]):
        row = unit(unit_id)
        if row is not None and row[0] in LISTING_RANK:
            out.append(row[0])
    return out


def take_case(a: Action, who: Actor, columns: dict[str, Any], audit: dict[str, Any]) -> None:
    """The mediator who first does the work becomes the case's mediator, recorded in this event."""
    if who.role != "mediator" or columns.get("mediator") is not None or a.name in _NOT_TAKING:
        return
    if a.mediator_fields:
        return  # an assignment names the mediator itself
    columns["mediator"] = who.id
    audit["mediator_taken"] = who.id


def assignable(users: list[dict], unit_path: str, paths: dict[str, str]) -> list[dict]:
    """The mediators among ``users`` whose jurisdiction covers ``unit_path`` (``paths``: unit id → path)."""
    return [u for u in users if u["role"] == "mediator" and unit_path.startswith(paths.get(u["unit"], "\0"))]
