"""The read side of child cases: a case's parent and work orders in its document, who may read a parent
through a work order, and which office the engine proposes for a case's category.

A work order is a case of its own (:mod:`disputeflow.workflow.spawn` opens it);
here its parent lists it, with its clocks, and names it in the same words the
design's contract uses: ``work_orders`` of ``{number, to, state, deadlines}``,
and a child's ``parent``.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from disputeflow.cases import child_reads, directory, transactions
from disputeflow.workflow.errors import NotFound
from disputeflow.workflow.masking import mask_text


def family(engine, conn, c: dict, reader, lang: str, clock_dicts: Callable) -> dict:
    """``parent`` (a number or None) and ``work_orders`` of case ``c`` for ``reader``.

    Office staff see only the work orders sent to their own office. The
    children's clocks are read with one statement for them all;
    ``clock_dicts(engine, rows, lang, definition)`` shapes each child's rows.
    """
    is_child = engine.definition(c["definition"], c["definition_version"]).child is not None
    parent = child_reads.parent_number(conn, c["id"]) if is_child else None
    kids = [k for k in child_reads.children(conn, c["id"])
            if reader is None or reader.role != "office_staff" or k["responsible_unit"] == reader.unit_id]
    clock_rows = child_reads.clocks_of(conn, [k["id"] for k in kids])
    orders = []
    for k in kids:
        d = engine.listed_definition(k["definition"], k["definition_version"])
        data = json.loads(k["data"])
        if reader is not None:
            # a phone typed into the request is masked as in the case's own data
            data = mask_text(data, reader.role, engine.unmasked_roles)
        # a referral to a body outside the town names it in words (and its kind): it has no unit
        to_name = k["responsible_unit_name"] or data.get("detail") or (
            d.vocab_label("referral", data["to"], lang) if data.get("to") and "referral" in d.vocab else None)
        orders.append({
            "number": k["number"], "workflow": k["definition"], "to": k["responsible_unit"],
            "to_name": to_name, "state": k["state"], "state_label": d.state_label(k["state"], lang),
            "request": data.get("request"), "result": data.get("result"),
            "returns": len(data.get("returns") or ()),
            "deadlines": clock_dicts(engine, clock_rows.get(k["id"], []), lang, d),
        })
    return {"parent": parent, "work_orders": orders}


def reads_through_child(conn, reader, c: dict) -> bool:
    """Whether ``reader`` may read case ``c`` (read-only) because one of its work orders is sent to their unit."""
    return (reader is not None and reader.role == "office_staff" and bool(reader.unit_id)
            and reader.within(c["unit_path"]) and child_reads.unit_has_child(conn, c["id"], reader.unit_id))


def town_path(conn, unit_path: str) -> str:
    """The path of the town a unit path lies in (``/c1/t1/v1/g1/`` → ``/c1/t1/``)."""
    return directory.town_of(conn, unit_path)[0]


def office_choices(conn, unit_path: str, category: str, lang: str) -> dict[str, str]:
    """The town's offices as a form's choices (id → name), those handling ``category`` first and marked."""
    mark = " (proposed)" if lang.startswith("en") else "（推荐）"
    offices = child_reads.offices_under(conn, town_path(conn, unit_path))
    ranked = sorted(offices, key=lambda o: category not in o[2])
    return {uid: name + (mark if category in handles else "") for uid, name, handles in ranked}


def offices_for(engine, doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The offices of the town of case ``doc`` (as the reader may read it), those handling its category first.

    Every office of the town is returned (a dispatcher may choose another), each
    with ``proposed`` telling whether it lists the case's category: the routing
    table is the offices' ``handles``, changed per town without code.
    """
    with transactions.read(engine.store) as conn:
        row = directory.unit(conn, doc["unit"])
        if row is None:
            raise NotFound(f"单位“{doc['unit']}”不存在", f"unit {doc['unit']} not found")
        offices = child_reads.offices_under(conn, town_path(conn, row[1]))
    out = [{"id": uid, "name": name, "handles": handles, "proposed": doc["category"] in handles}
           for uid, name, handles in offices]
    return sorted(out, key=lambda o: not o["proposed"])
