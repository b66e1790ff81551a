"""Opening child cases: the work orders (交办单) and other sub-workflows a parent's action hands out.

A parent's action that ``spawns`` a child workflow is decided like any other
(:func:`disputeflow.workflow.decision.decide` checks its fields against the
action and leaves a :class:`NewChild` among its writes); the command then opens
the child here, in the same transaction, before it writes the parent. The child
is a case of its own: its number is the parent's with the child workflow's
suffix and a count per parent (``双乳-2026-000042-交1``), its own hash-chained
log starting with the child workflow's intake, its own clocks and notification.
It takes the parent's unit, category and risk, so jurisdiction, clocks per
category and the ladder work on it unchanged, and names the parent in
``parent_id``; the parent's event records the child's number.
"""

from __future__ import annotations

import json
from typing import Sequence

from disputeflow.cases import chain_writer, outbox
from disputeflow.cases.audit import case_snapshot
from disputeflow.cases.audit_verify import sign_counter
from disputeflow.cases.canonical import dumps
from disputeflow.cases.chain import EMPTY, link
from disputeflow.cases.records import NewChild
from disputeflow.workflow import audience as audiences, clocks, guards
from disputeflow.workflow.documents import jsonable
from disputeflow.workflow.errors import ValidationError

CHILD_COUNTER_YEAR = 0  # a parent's child counter: ``case_counters`` keyed (parent number, 0)


def open_children(engine, tx, decisions: Sequence) -> list:
    """Open the children ``decisions`` ask for; returns the decisions without those writes, each parent
    event naming the child it opened (``spawned``)."""
    out = []
    for d in decisions:
        kids = [w for w in d.writes if type(w) is NewChild] if d.writes else None
        if not kids:
            out.append(d)
            continue
        tx.begin()
        numbers = [open_child(engine, tx, d.case, w, d.outcome.at) for w in kids]
        audit = json.loads(d.audit.data)
        audit["spawned"] = numbers[0] if len(numbers) == 1 else numbers
        d.outcome.data["spawned"] = audit["spawned"]
        out.append(d._replace(audit=d.audit._replace(data=dumps(audit)),
                              writes=tuple(w for w in d.writes if type(w) is not NewChild)))
    return out


def child_number(tx, signer, parent_number: str, suffix: str) -> str:
    """The next child number of ``parent_number`` (the counter is signed like a town's)."""
    seq = tx.one("next_number", {"prefix": parent_number, "year": CHILD_COUNTER_YEAR})[0]
    if signer.signing:
        sig, kid = sign_counter(signer, parent_number, CHILD_COUNTER_YEAR, seq)
        tx.run("sign_counter", {"key_id": kid, "sig": sig, "prefix": parent_number, "year": CHILD_COUNTER_YEAR})
    return f"{parent_number}-{suffix}{seq}"


def open_child(engine, tx, parent, w: NewChild, now) -> str:
    """Insert the child case ``w`` of ``parent`` (the parent's record as its action leaves it); returns its number.

    The child's mediator is whoever is to check its result: the dispatcher if a
    mediator, else the parent's mediator; the dispatcher is its reporter.
    """
    definition = engine.definition(w.workflow)
    intake = definition.intake
    title, unit_id, source = tx.one("case_extras", {"id": parent.id})
    signer = tx.store.signer
    number = child_number(tx, signer, parent.number, definition.child.suffix)
    clean = {f.name: w.fields[f.name] for f in intake.fields if w.fields.get(f.name) not in (None, "")}
    cols = {"risk": parent.risk, "mediator": w.by if w.by_role == "mediator" else parent.mediator,
            "responsible_unit": None}
    data: dict = {}
    for name, kind, key in intake.targets:
        if name in clean:
            if kind == "case":
                cols[key] = clean[name]
            else:
                data[key] = jsonable(clean[name])
    _same_town(engine, tx, cols["responsible_unit"], parent.unit_path)
    data_text = dumps(data)
    audit_json = dumps(jsonable({**clean, "parent": parent.number}))
    fields_json = dumps(case_snapshot(definition.initial, cols["risk"], cols["risk"], "[]", cols["mediator"], None,
                                      cols["responsible_unit"], None, unit_id, title, parent.category, data_text, []))
    first = link(signer, EMPTY, number, now, w.by, intake.name, None, definition.initial, audit_json, fields_json)
    child_id = tx.one("insert_child_case", {
        "number": number, "definition": definition.name, "definition_version": definition.version,
        "state": definition.initial, "title": title, "category": parent.category, "source": source,
        "description": "", "unit_id": unit_id, "unit_path": parent.unit_path, "risk": cols["risk"],
        "risk_floor": cols["risk"], "reporter": w.by, "mediator": cols["mediator"],
        "responsible_unit": cols["responsible_unit"], "data": data_text, "now": tx.t(now),
        "audit_hash": first.hash, "parent_id": parent.id,
    })[0]
    chain_writer.append(tx, chain_writer.CASES, [(child_id, first.seq, tx.t(now), w.by, intake.name, None,
                                                  definition.initial, audit_json, first.prev_hash, first.hash,
                                                  fields_json, first.key_id)], {}, held=True)
    _start_clocks(engine, tx, intake, child_id, cols, parent.category, clean, now)
    slots = audiences.case_slots(cols["mediator"], None, cols["responsible_unit"])
    to = audiences.audience(intake.notify, parent.unit_path, slots, clean)
    if to:
        outbox.enqueue(tx, [outbox.row(tx.t(now), intake.name, child_id, number, w.by, dumps(to),
                                       dumps({"to_state": definition.initial, "seq": 1, "parent": parent.number}))])
    return number


def _same_town(engine, tx, unit_id: str | None, case_path: str) -> None:
    """A child goes to a unit of the parent's own town (a town's offices do not take another town's cases).

    Raises:
        ValidationError: on ``to``, naming the unit.
    """
    if unit_id is None:
        return
    row = tx.one("unit", {"id": unit_id})
    if row is not None and engine.town(tx, row[1])[0] != engine.town(tx, case_path)[0]:
        raise ValidationError.one("to", f"“{row[2]}”不属于本案所在乡镇", f"{unit_id} is not in the case's town")


def _start_clocks(engine, tx, intake, child_id: int, cols: dict, category: str, clean: dict, now) -> None:
    view = guards.CaseView(state="", risk=cols["risk"], mediator=cols["mediator"],
                           responsible_unit=cols["responsible_unit"], category=category)
    for st in intake.starts:
        if st.when is None or engine.registry.condition(st.when)(view, clean):
            due = clean.get(st.due_field) if st.due_field else None
            clocks.start(engine, tx, child_id, st.clock, now, cols["risk"], category, {}, due_at=due)
