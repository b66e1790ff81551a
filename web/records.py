"""What the case page and the board show of the work done: every action's inputs, who may be
assigned, how far a clock may be extended.

The timeline (办理记录) shows each event's inputs under the labels the definition gives
them, with choices, users, units and clocks by name, never raw keys; the history it reads
is already masked for the reader (:func:`disputeflow.workflow.queries.history`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from disputeflow.web.deps import local_time
from disputeflow.web.i18n import word
from disputeflow.workflow import case_roles, units_users
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timeutil import parse_time

# Audit keys that are not a field but say what the action did to the case's people.
_DONE = {"mediator_taken": "case_mediator"}


def _value(d, f, value: Any, names: dict[str, str], lang: str) -> str:
    if value in (None, "", []):
        return ""
    if f.type == "choice":
        return d.vocab_label(f.vocab or f.name, value, lang)
    if f.type == "choices":
        return "、".join(d.vocab_label(f.vocab or f.name, v, lang) for v in value)
    if f.type in ("user", "unit"):
        return names.get(value, value)
    if f.type == "clock":
        return d.clock_label(value, lang)
    if f.type == "datetime":
        return local_time(value)
    if f.type == "parties":
        return "、".join(p.get("name", "") for p in value if isinstance(p, dict))
    if f.type == "bool":
        return word("yes", lang) if value else ""
    return str(value)


def inputs(d, event: dict, names: dict[str, str], lang: str) -> list[tuple[str, str]]:
    """The event's inputs as (label, text), in the definition's field order; the intake is the facts' own."""
    a = d.action(event["action"])
    if a is None or a is d.intake:
        return []
    data = event["data"]
    out = []
    for key, what in _DONE.items():
        if data.get(key):
            out.append((word(what, lang), names.get(data[key], data[key])))
    for f in a.fields:
        text = _value(d, f, data.get(f.name), names, lang)
        if text:
            out.append((f.label.get(lang), text))
    return out


def timeline(engine, d, history: list[dict], lang: str) -> list[dict]:
    """``history`` with each event's ``inputs`` (see :func:`inputs`); names read for the ids it holds only."""
    ids = {v for e in history for v in (e.get("actor"), *e["data"].values()) if isinstance(v, str) and len(v) <= 64}
    names = units_users.names(runtime_of(engine), ids)
    for e in history:
        e["inputs"] = inputs(d, e, names, lang)
    return history


def assignees(engine, unit_id: str, role: str) -> tuple[dict[str, list[dict]], list[dict]]:
    """The users a user field may name, by role: mediators whose jurisdiction covers the case's place first;
    for a supervisor, the others after them (``mediator_other``), since only a supervisor assigns across units.
    And the offices the case may be handed to.

    Only the case's town and the units above it are read (:func:`disputeflow.cases.directory.around`):
    a city's directory would make every case page list tens of thousands of people.
    """
    unit_path, users, offices = units_users.around(runtime_of(engine), unit_id)
    paths = {u["unit"]: u["unit_path"] for u in users}
    near = case_roles.assignable(users, unit_path, paths)
    out = {"mediator": near, "mediator_other": []}
    if role in case_roles.CROSS_UNIT_ASSIGNERS:
        ids = {u["id"] for u in near}
        out["mediator_other"] = [u for u in users if u["role"] == "mediator" and u["id"] not in ids]
    for u in users:
        if u["role"] != "mediator":
            out.setdefault(u["role"], []).append(u)
    return out, offices


def extension_limits(engine, rows: list[dict], now: datetime) -> None:
    """Each board row's latest extension (``extend_limit``), counted as the clock's extension will count it."""
    policy = engine.policy
    for r in rows:
        due = parse_time(r["due_at"])
        start = now if policy.extension_cap_from == "later" and now > due else due
        try:
            r["extend_limit"] = local_time(policy.extension_limit(r["clock"], start, engine.calendar, r["risk"]))
        except Exception:  # a clock the policy does not know: the engine answers when it is tried
            r["extend_limit"] = None
