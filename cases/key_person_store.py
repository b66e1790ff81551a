"""The key-person register's own rows (the person, case links, contacts, risk, release) and what it reads.

The person's chain is written by :mod:`disputeflow.cases.chain_writer`; this
module holds the rest of what a register command stores, each statement once
(:mod:`disputeflow.cases.prepared`).
"""

from __future__ import annotations

from sqlalchemy import bindparam, null, select, update

from disputeflow.cases.prepared import Prepared, skip_existing
from disputeflow.cases.tables import cases, key_person_cases, key_person_contacts, key_persons, users

_C, _P = cases.c, key_persons.c

_USER_ROLE = Prepared(select(users.c.role, users.c.active).where(users.c.id == bindparam("id")))
_CASE_NUMBER = Prepared(select(_C.number).where(_C.id == bindparam("id")))
_ADD_CONTACT = Prepared(key_person_contacts.insert().values(
    person_id=bindparam("p"), at=bindparam("at"), recorded_at=bindparam("now"), recorded_by=bindparam("by"),
    method=bindparam("how"), state=bindparam("said"), alarming=bindparam("alarm"), note=bindparam("text"),
).returning(key_person_contacts.c.id))
_SET_RISK = Prepared(update(key_persons).where(_P.id == bindparam("id")).values(risk=bindparam("new_risk")))
_LINKED = Prepared(
    select(_C.number, _C.state, _C.definition, _C.definition_version)
    .select_from(key_person_cases.join(cases, _C.id == key_person_cases.c.case_id))
    .where(key_person_cases.c.person_id == bindparam("p")).order_by(_C.number))
_RELEASE = Prepared(update(key_persons).where(_P.id == bindparam("id")).values(
    status="released", released_at=bindparam("now"), released_by=bindparam("by"),
    release_reason=bindparam("reason"), next_roll_at=null()))
_ADD_PERSON = Prepared(key_persons.insert().values(
    kind=bindparam("kind"), name=bindparam("name"), id_number=bindparam("idn"), phone=bindparam("phone"),
    address=bindparam("addr"), group_size=bindparam("size"), reasons=bindparam("reasons"), risk=bindparam("risk"),
    unit_id=bindparam("unit"), unit_path=bindparam("path"), grid_officer=bindparam("go"),
    lead_official=bindparam("lead"), status="controlled", anchor_case_id=bindparam("anchor"),
    controlled_since=bindparam("now"), next_roll_at=null(), created_at=bindparam("now"), created_by=bindparam("by"),
    version=1, audit_seq=0, audit_hash=bindparam("genesis"), person_type=bindparam("ptype"),
    stabilise_unit=bindparam("su"), resolve_unit=bindparam("ru"), keeper_county=bindparam("kc"),
    keeper_town=bindparam("kt"), keeper_village=bindparam("kv"),
).returning(_P.id))
_CASE_SCOPE = Prepared(select(_C.id, _C.unit_id, _C.unit_path, _C.mediator, _C.lead_official, _C.responsible_unit)
                       .where(_C.number == bindparam("n")))
_ADD_LINK = Prepared(make=lambda dialect: skip_existing(dialect, key_person_cases, ("person_id", "case_id")).values(
    person_id=bindparam("p"), case_id=bindparam("c"), linked_at=bindparam("now"), linked_by=bindparam("by"),
).inline())
# Locked on PostgreSQL until the transaction ends (SQLite's write transaction holds the whole database already).
_CASE_FOR_LINK = Prepared(
    select(_C.number, _C.state, _C.risk, _C.risk_floor, _C.flags, _C.party_count, _C.audit_seq, _C.audit_hash,
           _C.version).where(_C.id == bindparam("id")).with_for_update())


def user_role(tx, user_id: str) -> tuple | None:
    """``(role, active)`` of a user, or None."""
    row = _USER_ROLE.first(tx, {"id": user_id})
    return tuple(row) if row else None


def case_number(tx, case_id: int | None) -> str | None:
    """The case's number; None for no case (a person registered without one)."""
    return None if case_id is None else _CASE_NUMBER.first(tx, {"id": case_id})[0]


def add_contact(tx, person_id: int, at, now, by: str, method: str, state: str, alarming: bool, note: str) -> int:
    """Store a contact; returns its id (times in the driver's form)."""
    return _ADD_CONTACT.first(tx, {"p": person_id, "at": at, "now": now, "by": by, "how": method, "said": state,
                                   "alarm": alarming, "text": note})[0]


def set_risk(tx, person_id: int, risk: str) -> None:
    _SET_RISK.run(tx, {"new_risk": risk, "id": person_id})


def linked_cases(tx, person_id: int) -> list:
    """``(number, state, definition, definition version)`` of every case linked to the person, by number."""
    return _LINKED.all(tx, {"p": person_id})


def mark_released(tx, person_id: int, now, by: str, reason: str) -> None:
    """The person is released: no more occurrences are rolled for them."""
    _RELEASE.run(tx, {"now": now, "by": by, "reason": reason, "id": person_id})


def add_person(tx, params: dict) -> int:
    """Store a person under control, with an empty chain; returns the id (times in the driver's form).

    ``params``: kind, name, idn, phone, addr, size, reasons, risk, unit, path, go, lead, anchor (None: no case),
    now, by, genesis, ptype (type), su / ru (stabilising / resolving unit), kc / kt / kv (包保 county / town / village).
    """
    return _ADD_PERSON.first(tx, params)[0]


def case_scope(tx, number: str) -> tuple | None:
    """``(id, unit_id, unit_path, mediator, lead_official, responsible_unit)`` of a case, or None."""
    row = _CASE_SCOPE.first(tx, {"n": number})
    return tuple(row) if row else None


def add_case_link(tx, person_id: int, case_id: int, now, by: str) -> bool:
    """Link a case to a person; False when it was linked already."""
    return _ADD_LINK.run(tx, {"p": person_id, "c": case_id, "now": now, "by": by}) == 1


def case_for_link(tx, case_id: int) -> tuple:
    """``(number, state, risk, risk_floor, flags, party_count, audit_seq, audit_hash, version)`` of a case, locked
    on PostgreSQL until the transaction ends."""
    return tuple(_CASE_FOR_LINK.first(tx, {"id": case_id}))
