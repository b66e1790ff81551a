"""The directory kept in step with a host: units and users saved, moved and switched off.

``add_unit``/``add_user`` (:mod:`.units_users`) refuse an id that exists; an
embedding system that owns its organisation needs "make it so" instead. The
functions here work inside a transaction the caller holds (``*_in``), so a
bulk sync (:mod:`.directory_sync`) is one transaction, all or nothing; the
single-item calls open their own.

What a change does to the cases:

- **Moving** a unit rewrites the materialised path of the unit, its subtree and
  every row that copies it (users, cases open and closed, key persons,
  screening rounds and reports) in the same transaction: a moved village's
  cases are listed for the new town's readers as soon as it commits. The
  case's hash-chained history records the unit's id, not its path, so the
  chain stays valid; directory changes are not part of any case's history
  (as adding a unit never was) and are logged. A move across towns is allowed:
  case numbers are identities (printed on papers, linked in the audit chain)
  and are never rewritten, so the village's earlier cases keep the old town's
  prefix and its new cases take the new town's; counters are per prefix and
  year, and papers are numbered per committee, so no number can repeat.
  Notifications already queued keep the audience computed when they were
  queued. A unit cannot go under itself or its own subtree.
- **Switching off** a unit: no new cases, users or child units there; its
  cases stay readable and workable by whoever holds them. Refused while it has
  active child units or open cases unless ``force`` (which switches off the
  whole subtree and leaves the open cases with their holders).
- **Switching off** a user: they cannot sign in or act, cannot be named in a
  user field (assigned as mediator …), and are no longer notified; the cases
  they hold keep their history and are returned as needing someone else.
"""

from __future__ import annotations

import json
import logging

from disputeflow.cases import directory, directory_writes as writes, transactions
from disputeflow.workflow.errors import InvalidAction, NotFound, ValidationError
from disputeflow.workflow.units_users import (
    _check_parent_kind, clean_unit, clean_user, parent_path, user_unit_path,
)

log = logging.getLogger(__name__)

KEEP = object()  # "leave as stored" for an optional argument of an update


def unit_dict(row) -> dict:
    """A unit row (:data:`disputeflow.cases.directory_writes.UNIT_COLUMNS`) as the public dict."""
    d = dict(zip(writes.UNIT_COLUMNS, row))
    d["handles"] = json.loads(d["handles"]) if d["handles"] else []
    d["active"] = bool(d["active"])
    return d


def user_dict(row) -> dict:
    """A user row (:data:`disputeflow.cases.directory_writes.USER_COLUMNS`) as the public dict."""
    d = dict(zip(writes.USER_COLUMNS, row))
    d["active"] = bool(d["active"])
    return d


# ---------------------------------------------------------------------- units


def save_unit_in(engine, conn, clean: tuple, parent=KEEP, active: bool = True) -> tuple[dict, str]:
    """Create or update one unit from :func:`clean_unit`'s output; ``(unit, "created"|"updated"|"unchanged")``.

    ``parent`` is :data:`KEEP` or the parent the caller names (``None``: the top); ``clean``'s own parent
    is ignored. ``short_name`` and ``handles`` of ``None`` in ``clean`` leave an existing unit's values.
    """
    uid, name, kind, _parent, short_name, handled, handles_given = clean
    row = writes.unit_row(conn, uid)
    if row is None:
        where = None if parent is KEEP else parent
        path = f"{parent_path(conn, kind, where)}{uid}/"
        directory.add_unit(conn, uid, name, kind, where, path, engine.clock.now(), short_name or None,
                           json.dumps(handled) if handled else None)
        if not active:
            writes.update_unit(conn, uid, active=False)
        return unit_dict(writes.unit_row(conn, uid)), "created"
    values: dict = {}
    if name != row.name:
        values["name"] = name
    if kind != row.kind:
        _check_kind(conn, row, kind)
        values["kind"] = kind
    if short_name is not None and (short_name or None) != row.short_name:
        values["short_name"] = short_name or None
    stored = json.loads(row.handles) if row.handles else []
    if handles_given and handled != stored:
        values["handles"] = json.dumps(handled) if handled else None
    if bool(row.active) != active:
        values["active"] = active
    moved = parent is not KEEP and parent != row.parent_id
    if values:
        writes.update_unit(conn, uid, **values)
    if moved:
        move_in(engine, conn, uid, parent)
    if values or moved:
        engine.forget_places()
        return unit_dict(writes.unit_row(conn, uid)), "updated"
    return unit_dict(row), "unchanged"


def _check_kind(conn, row, kind: str) -> None:
    """A unit's new kind must suit its parent and its children (a county holds only towns and offices)."""
    if row.parent_id:
        parent = directory.unit(conn, row.parent_id)
        if parent is not None:
            _check_parent_kind(kind, parent[0])
    for child in writes.all_unit_rows(conn).values():
        if child.parent_id == row.id:
            _check_parent_kind(child.kind, kind)


def save_unit(engine, id: str, name: str, kind: str, parent=KEEP, short_name: str | None = None,
              handles=None) -> tuple[dict, bool]:
    """Create or update a unit in a transaction of its own; ``(unit, changed)``."""
    clean = (*clean_unit(engine, id, name, kind, None, short_name, handles), handles is not None)
    if parent is not KEEP and parent is not None:
        parent = clean_unit(engine, id, name, kind, parent, None, None)[3]
    with transactions.write(engine.store) as conn:
        unit, status = save_unit_in(engine, conn, clean, parent)
    return unit, status != "unchanged"


def move_in(engine, conn, unit_id: str, new_parent: str | None) -> dict[str, int]:
    """Re-parent a unit and its subtree inside ``conn``; how many rows of each table got the new path.

    Raises:
        NotFound: no such unit.
        ValidationError: the new parent is missing, switched off, of a kind that may not hold this unit,
            or the unit itself or one of its own descendants.
    """
    row = writes.unit_row(conn, unit_id)
    if row is None:
        raise NotFound(f"单位“{unit_id}”不存在", f"unit {unit_id!r} not found")
    if new_parent == row.parent_id:
        return {}
    target = directory.unit(conn, new_parent) if new_parent else None
    if target is not None and target[1].startswith(row.path):
        raise ValidationError.one("parent", f"不能把“{row.name}”移到它自己或它的下级单位之下",
                                  f"unit {unit_id!r} cannot move under itself or its own subtree")
    new = f"{parent_path(conn, row.kind, new_parent)}{unit_id}/"
    counts = writes.move_paths(conn, row.path, new)
    writes.update_unit(conn, unit_id, parent_id=new_parent)
    engine.forget_places()
    log.info("unit %s moved from %s to %s: %s", unit_id, row.path, new, counts)
    return counts


def move_unit(engine, unit_id: str, new_parent: str | None) -> dict:
    """Move a unit (and its subtree) under ``new_parent`` in one transaction; the unit and the rows moved."""
    with transactions.write(engine.store) as conn:
        counts = move_in(engine, conn, unit_id, new_parent or None)
        row = writes.unit_row(conn, unit_id)
    return {**unit_dict(row), "moved": {"units": counts.get("units", 0), "users": counts.get("users", 0),
                                        "cases": counts.get("cases", 0)}}


def deactivate_in(engine, conn, unit_id: str, force: bool) -> bool:
    """Switch a unit off inside ``conn`` (its subtree too with ``force``); whether anything changed.

    Raises:
        NotFound: no such unit.
        InvalidAction: it has active child units or open cases and ``force`` is not given.
    """
    row = writes.unit_row(conn, unit_id)
    if row is None:
        raise NotFound(f"单位“{unit_id}”不存在", f"unit {unit_id!r} not found")
    children = writes.active_children(conn, unit_id)
    count, numbers = writes.open_cases_under(conn, row.path)
    if not force and children:
        raise InvalidAction(f"“{row.name}”还有未停用的下级单位（{'、'.join(children)}），请先停用或迁移它们，"
                            "或使用强制停用（force）",
                            f"unit {unit_id!r} has active child units ({', '.join(children)}): deactivate or move "
                            "them first, or use force", [])
    if not force and count:
        raise InvalidAction(f"“{row.name}”还有 {count} 件未办结的案件（{'、'.join(numbers)}{'等' if count > len(numbers) else ''}），"
                            "请先办结或迁移，或使用强制停用（force）",
                            f"unit {unit_id!r} has {count} open cases ({', '.join(numbers)}): close or move them "
                            "first, or use force", [])
    changed = False
    for uid, r in writes.all_unit_rows(conn).items():
        if r.active and (uid == unit_id or (force and r.path.startswith(row.path))):
            writes.update_unit(conn, uid, active=False)
            changed = True
    return changed


def deactivate_unit(engine, unit_id: str, force: bool = False) -> dict:
    """Switch a unit off in a transaction of its own; the unit with ``changed``."""
    with transactions.write(engine.store) as conn:
        changed = deactivate_in(engine, conn, unit_id, force)
        row = writes.unit_row(conn, unit_id)
    return {**unit_dict(row), "changed": changed}


# ---------------------------------------------------------------------- users


def check_lang(lang) -> str:
    """A language tag the engine stores (``zh_CN``, ``en`` …)."""
    if not isinstance(lang, str) or not lang.strip() or len(lang.strip()) > 10:
        raise ValidationError.one("lang", f"语言“{lang}”无效（如 zh_CN、en）", f"language {lang!r} is invalid (zh_CN, en …)")
    return lang.strip()


def save_user_in(engine, conn, clean: tuple, role: str, unit: str, lang: str, active: bool) -> tuple[dict, str]:
    """Create or update one user (``clean``: :func:`clean_user`'s output); ``(user, status)``.

    Every field is set as given (``phone=None`` clears a phone): the caller states the whole user.
    """
    uid, name, phone, email = clean
    row = writes.user_row(conn, uid)
    if row is None:
        path = user_unit_path(conn, unit)
        directory.add_user(conn, id=uid, name=name, role=role, unit_id=unit, unit_path=path, phone=phone,
                           email=email, lang=lang, now=engine.clock.now())
        if not active:
            writes.update_user(conn, uid, engine.clock.now(), active=False)
        return user_dict(writes.user_row(conn, uid)), "created"
    want = {"name": name, "role": role, "phone": phone, "email": email, "lang": lang, "active": active}
    values = {k: v for k, v in want.items() if (bool(row.active) if k == "active" else getattr(row, k)) != v}
    if unit != row.unit_id:
        values.update(unit_id=unit, unit_path=user_unit_path(conn, unit))
    if not values:
        return user_dict(row), "unchanged"
    writes.update_user(conn, uid, engine.clock.now(), **values)
    return user_dict(writes.user_row(conn, uid)), "updated"


def save_user(engine, id: str, name: str, role: str, unit: str, phone, email, lang, active: bool) -> tuple[dict, bool]:
    """Create or update a user in a transaction of its own; ``(user, changed)``."""
    clean = clean_user(engine, id, name, role, phone, email)
    lang = check_lang(lang)
    with transactions.write(engine.store) as conn:
        user, status = save_user_in(engine, conn, clean, role, unit, lang, bool(active))
    return user, status != "unchanged"


def deactivate_user(engine, user_id: str) -> dict:
    """Switch a user off; the user with ``changed`` and ``held``: the open cases that need someone else.

    Raises:
        NotFound: no such user.
    """
    with transactions.write(engine.store) as conn:
        row = writes.user_row(conn, user_id)
        if row is None:
            raise NotFound(f"用户“{user_id}”不存在", f"user {user_id!r} not found")
        if row.active:
            writes.update_user(conn, user_id, engine.clock.now(), active=False)
        held = writes.open_cases_held(conn, user_id)
        now = writes.user_row(conn, user_id)
    return {**user_dict(now), "changed": bool(row.active), "held": held}
