"""Effects: what an action does beyond setting its fields, registered by name.

A definition names the effects of an action (``effects = ["delist"]``) the way
it names guards, so an embedding system adds one with :func:`register_effect`
and a definition that uses it, without touching the engine. A definition naming
an effect that is not registered is refused when it loads.

An effect receives the :class:`Change` the action is making and edits it in
place: the case's columns and JSON document, what the audit event records, and
the clock and party rows to write. It reads no storage; an effect that needs
the case's running clocks says so when it registers (``reads_clocks=True``) and
finds them in ``change.running``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

from disputeflow.cases.audit import party_digest
from disputeflow.cases.records import CaseRecord, NewParty, RunningClock
from disputeflow.workflow import clocks, handover, inputs, party_particulars, risk
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.documents import jsonable
from disputeflow.workflow.errors import ValidationError


@dataclass(slots=True)
class Change:
    """The case as one action is changing it.

    ``data`` and ``flags`` are None when the action neither reads nor changes them (an action with
    effects always has them). ``columns`` holds the promoted columns (risk, mediator, lead_official,
    responsible_unit, supervision_level); ``data`` the case's JSON document;
    ``audit`` what the audit event records (``recorded``: after-values its
    ``fields`` holds beyond the columns, such as a new party's digest); ``writes`` the clock and party rows
    to write, in the order they must run; ``running`` the case's running clocks
    by name when the action reads them, else None.
    """

    case: CaseRecord
    actor: Actor
    action: str
    fields: Mapping[str, Any]
    now: datetime
    policy: Any
    calendar: Any
    columns: dict[str, Any]
    data: dict[str, Any] | None
    flags: list[str] | None
    party_count: int
    risk_floor: str
    audit: dict[str, Any]
    writes: list
    running: dict[str, RunningClock] | None
    recorded: dict[str, str]


EffectFn = Callable[[Change], None]


@dataclass(frozen=True)
class Effect:
    name: str
    apply: EffectFn
    reads_clocks: bool = False


EFFECTS: dict[str, Effect] = {}


def register_effect(name: str, fn: EffectFn | None = None, *, reads_clocks: bool = False) -> Any:
    """Register ``fn`` as effect ``name``; without ``fn``, a decorator that does.

    Register before loading a definition that names the effect.
    """

    def deco(f: EffectFn) -> EffectFn:
        EFFECTS[name] = Effect(name, f, reads_clocks)
        return f

    return deco(fn) if fn is not None else deco


def reads_clocks(names: tuple[str, ...]) -> bool:
    """Whether any of the named effects reads the case's running clocks."""
    return any(EFFECTS[n].reads_clocks for n in names)


def apply(names: tuple[str, ...], change: Change) -> None:
    for n in names:
        EFFECTS[n].apply(change)


def delist(case_data: dict[str, Any], cols: dict[str, Any], now: datetime, by: str, reason: str | None = None) -> dict:
    """Delist the case (摘牌): the listing moves to the case's supervision history.

    ``reason`` is set when the listing ends because the case did (``case_closed`` …).
    Returns the history entry.
    """
    entry: dict[str, Any] = {"level": cols["supervision_level"],
                             "authority": case_data.pop("supervision_authority", None),
                             "deadline": case_data.pop("supervision_deadline", None), "delisted_at": now, "by": by}
    if reason is not None:
        entry["reason"] = reason
    ended = jsonable(entry)
    case_data.setdefault("supervision_history", []).append(ended)
    cols["supervision_level"] = None
    return ended


@register_effect("delist")
def _delist(change: Change) -> None:
    assert change.data is not None
    delist(change.data, change.columns, change.now, change.actor.id)


@register_effect("extend_clock", reads_clocks=True)
def _extend_clock(change: Change) -> None:
    f = change.fields
    assert change.running is not None and change.data is not None
    ext, after, info = clocks.plan_extend(change.policy, change.calendar, change.running, f["clock"], f["until"],
                                          change.now, change.columns["risk"], change.case.category,
                                          change.data.get("tier"))
    change.writes.append(ext)
    change.running[f["clock"]] = after
    change.audit["extension"] = jsonable(info)


@register_effect("add_party")
def _add_party(change: Change) -> None:
    added = change.fields["party"]
    total = change.party_count + len(added)
    if total > inputs.PARTIES_MAX:
        raise ValidationError([inputs.too_many_parties("party", total)])
    for p in added:
        change.party_count += 1
        party = NewParty(change.party_count, p["name"], p.get("role") or "applicant", p.get("phone"),
                         p.get("id_number"), p.get("address"),
                         party_particulars.dumps({k: p[k] for k in party_particulars.KEYS if p.get(k)}))
        change.writes.append(party)
        change.recorded[f"party:{party.seq}"] = party_digest(
            party.name, party.role, party.phone, party.id_number, party.address, party.particulars)
    new_floor = risk.floor(change.party_count, change.flags or [])
    if risk.rank(new_floor) > risk.rank(change.risk_floor):
        change.risk_floor = new_floor
        change.audit["risk_floor"] = new_floor
    if risk.rank(change.risk_floor) > risk.rank(change.columns["risk"]):
        change.columns["risk"] = change.risk_floor
        change.audit["risk_raised_to_floor"] = change.risk_floor


@register_effect("hand_over", reads_clocks=True)
def _hand_over(change: Change) -> None:
    """上交、下交: the handling level moves (:mod:`disputeflow.workflow.handover`); the place does not."""
    handover.apply(change)
