"""Bulk upsert of units and users from a host's list: one transaction, idempotent.

A host (an HR system, a county's organisation register) sends its whole list
as often as it likes; each run makes the engine's directory say the same and
reports what that took. A second run with the same list changes nothing and
says so (every row ``unchanged``). Every row is checked before anything is
written; one bad row refuses the run (its id is named) and nothing is saved.

Rows are mappings. A unit row: ``id``, ``name``, ``kind`` and optionally
``parent`` (present means authoritative: ``None`` is the top; absent keeps an
existing unit where it is), ``short_name`` and ``handles`` (absent or ``None``:
keep). A user row: ``id``, ``name``, ``role``, ``unit`` and optionally
``phone``, ``email``, ``lang`` (default ``zh_CN``), ``active`` (default true) —
the row is the whole user, so a missing phone clears the stored one.

A unit or user the list names is switched on again if it was off (a user row
may say ``active: false``). ``deactivate_missing`` switches off what the list leaves out: users, or units
(deepest first; their open cases stay readable and with their holders). It
switches off the engine's own accounts too if the list does not name them.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from disputeflow.cases import directory_writes as writes, transactions
from disputeflow.workflow.directory_admin import KEEP, check_lang, deactivate_in, save_unit_in, save_user_in
from disputeflow.workflow.errors import FieldError, ValidationError
from disputeflow.workflow.units_users import clean_unit, clean_user


def _counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0, "deactivated": 0}


def _rows(rows: Iterable[Mapping[str, Any]], what: tuple[str, str]) -> list[Mapping[str, Any]]:
    """The rows as a list of mappings, each with an ``id``, no id twice."""
    out, seen, errors = [], set(), []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), str) or not row["id"].strip():
            errors.append(FieldError(f"rows[{i}]", f"第 {i + 1} 行不是带编号（id）的{what[0]}",
                                     f"row {i + 1} is not a {what[1]} with an id"))
            continue
        if row["id"] in seen:
            errors.append(FieldError(f"rows[{i}]", f"{what[0]}“{row['id']}”重复出现", f"{what[1]} {row['id']!r} repeats"))
        seen.add(row["id"])
        out.append(row)
    if errors:
        raise ValidationError(errors)
    return out


def _checked(rows, check) -> list:
    """``check(row)`` of every row; their errors named by row id, all at once."""
    out, errors = [], []
    for row in rows:
        try:
            out.append(check(row))
        except ValidationError as exc:
            errors.extend(FieldError(f"{row['id']}.{e.field}", e.zh, e.en) for e in exc.errors)
    if errors:
        raise ValidationError(errors)
    return out


def _parents_first(rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Rows ordered so that a unit's parent in the list comes before it (by depth within the list)."""
    parent = {r["id"]: r.get("parent") if isinstance(r.get("parent"), str) else None for r in rows}

    def depth(uid: str) -> int:
        n, seen = 0, {uid}
        while parent.get(uid) in parent and parent[uid] not in seen:
            uid = parent[uid]
            seen.add(uid)
            n += 1
        return n

    return sorted(rows, key=lambda r: depth(r["id"]))


def sync_units(engine, rows: Iterable[Mapping[str, Any]], deactivate_missing: bool = False) -> dict[str, int]:
    """Make the units say what ``rows`` say, in one transaction; counts of what that took."""
    rows = _parents_first(_rows(rows, ("单位", "unit")))
    cleaned = _checked(rows, lambda r: (*clean_unit(engine, r["id"], r.get("name"), r.get("kind"), r.get("parent"),
                                                    r.get("short_name"), r.get("handles")),
                                        r.get("handles") is not None))
    counts = _counts()
    with transactions.write(engine.store) as conn:
        for row, clean in zip(rows, cleaned):
            parent = clean[3] if "parent" in row else KEEP
            try:
                _unit, status = save_unit_in(engine, conn, clean, parent)
            except ValidationError as exc:
                raise ValidationError([FieldError(f"{row['id']}.{e.field}", e.zh, e.en) for e in exc.errors]) from None
            counts[status] += 1
        if deactivate_missing:
            named = {r["id"] for r in rows}
            gone = [r for uid, r in writes.all_unit_rows(conn).items() if uid not in named and r.active]
            for r in sorted(gone, key=lambda r: -len(r.path)):
                counts["deactivated"] += deactivate_in(engine, conn, r.id, force=True)
    engine.forget_places()
    return counts


def _clean_user_row(engine, row: Mapping[str, Any]) -> tuple:
    clean = clean_user(engine, row["id"], row.get("name"), row.get("role"), row.get("phone"), row.get("email"))
    if not isinstance(row.get("active", True), bool):
        raise ValidationError.one("active", "active 应为 true 或 false", "active must be true or false")
    if not isinstance(row.get("unit"), str):
        raise ValidationError.one("unit", "请写明所属单位编号", "say which unit (its id)")
    return clean, check_lang(row.get("lang") or "zh_CN")


def sync_users(engine, rows: Iterable[Mapping[str, Any]], deactivate_missing: bool = False) -> dict[str, int]:
    """Make the users say what ``rows`` say, in one transaction; counts of what that took."""
    rows = _rows(rows, ("用户", "user"))
    cleaned = _checked(rows, lambda r: _clean_user_row(engine, r))
    counts = _counts()
    with transactions.write(engine.store) as conn:
        for row, (clean, lang) in zip(rows, cleaned):
            try:
                _user, status = save_user_in(engine, conn, clean, row["role"], row["unit"], lang,
                                             row.get("active", True))
            except ValidationError as exc:
                raise ValidationError([FieldError(f"{row['id']}.{e.field}", e.zh, e.en) for e in exc.errors]) from None
            counts[status] += 1
        if deactivate_missing:
            named = {r["id"] for r in rows}
            for uid, r in writes.all_user_rows(conn).items():
                if uid not in named and r.active:
                    writes.update_user(conn, uid, engine.clock.now(), active=False)
                    counts["deactivated"] += 1
    return counts
