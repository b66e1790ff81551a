"""The directory's admin writes and lists: units (with an office's categories and the county/town/village
nesting) and users. Kept apart from the case reads: they change the people and places those reads are about."""

from __future__ import annotations

import json

from disputeflow.cases import directory, transactions
from disputeflow.workflow.errors import ValidationError
from disputeflow.workflow.results import NewUnit, NewUser, UnitDoc, UserDoc


def _handles(engine, kind: str, handles) -> list[str]:
    """The categories an office handles, checked against the default workflow's categories."""
    from disputeflow.workflow.errors import FieldError

    wanted = [h.strip() for item in (handles or ()) for h in str(item).split(",") if h.strip()]
    if not wanted:
        return []
    known = engine.definition().vocab.get("category", {})
    errors = []
    if kind != "office":
        errors.append(FieldError("handles", "只有站所（office）可以登记受理的纠纷类型",
                                 "only an office lists the categories it handles"))
    bad = [h for h in wanted if h not in known]
    if bad:
        errors.append(FieldError("handles", f"纠纷类型“{'、'.join(bad)}”无效（可选：{'、'.join(known)}）",
                                 f"unknown categories {', '.join(bad)} (one of {', '.join(known)})"))
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(wanted))


def _check_parent_kind(kind: str, parent_kind: str) -> None:
    """A town sits at the top or under a county; nothing but a town goes straight under a county
    except its own offices (a county's justice bureau, letters-and-calls office …)."""
    if kind == "county":
        raise ValidationError.one("parent", "县（区）是最高一级单位，不能有上级单位",
                                  "a county is the top unit and has no parent")
    if kind == "town" and parent_kind != "county":
        raise ValidationError.one("parent", "镇的上级单位只能是县（区）", "a town's parent can only be a county")
    if parent_kind == "county" and kind not in ("town", "office"):
        raise ValidationError.one("parent", "县（区）下只能设镇或站所", "under a county only towns and offices")


def clean_unit(engine, id: str, name: str, kind: str, parent: str | None, short_name: str | None,
               handles) -> tuple[str, str, str, str | None, str | None, list[str]]:
    """A unit's fields checked and trimmed: ``(id, name, kind, parent, short_name, handles)``.

    Raises:
        ValidationError: names every bad field.
    """
    from disputeflow.workflow import inputs
    from disputeflow.workflow.vocabulary import UNIT_KINDS
    from disputeflow.workflow.errors import FieldError

    errors: list[FieldError] = []
    checked = [inputs.text("id", id, errors, max_length=inputs.ID_MAX, label=("单位编号", "unit id")),
               inputs.text("name", name, errors, max_length=inputs.NAME_MAX, required=True, label=("单位名称", "unit name")),
               inputs.optional_text("parent", parent, errors, max_length=inputs.ID_MAX, label=("上级单位", "parent unit"))]
    if errors:
        raise ValidationError(errors)
    id, name, parent = checked
    # Jurisdiction is a LIKE on the unit path: its wildcards may not appear in an id.
    if not id or any(ch in id for ch in "/%_\\"):
        errors.append(FieldError("id", "单位编号不能为空，且不能含有 /、%、_ 或 \\（可用连字符 -）",
                                 "unit id must be non-empty without /, %, _ or \\ (use a hyphen)"))
    if kind not in UNIT_KINDS:
        errors.append(FieldError("kind", f"单位类型“{kind}”无效（可选：{'、'.join(UNIT_KINDS)}）",
                                 f"unit kind {kind!r} is invalid (one of {', '.join(UNIT_KINDS)})"))
    if short_name is not None and short_name.strip() and not (len(short_name.strip()) <= 4
                                                              and short_name.strip().isalnum()):
        errors.append(FieldError("short_name", "简称应为 1 至 4 个字（用于文书编号，如“东调字”）",
                                 "short name must be 1 to 4 characters (it numbers the papers, as in 东调字)"))
    if errors:
        raise ValidationError(errors)
    short_name = short_name.strip() if short_name is not None else None  # "": none (an update clears it)
    return id, name.strip(), kind, parent, short_name, _handles(engine, kind, handles)


def parent_path(conn, kind: str, parent: str | None) -> str:
    """The path a unit of ``kind`` gets its own path under: its parent's (checked: present, active, of a kind
    that may hold it), or ``/`` at the top.

    Raises:
        ValidationError: the parent is missing, switched off, or may not hold a unit of this kind.
    """
    if not parent:
        return "/"
    row = directory.unit(conn, parent)
    if row is None:
        raise ValidationError.one("parent", f"上级单位“{parent}”不存在", f"parent unit {parent!r} not found")
    if not row[3]:
        raise ValidationError.one("parent", f"上级单位“{parent}”已停用", f"parent unit {parent!r} is deactivated")
    _check_parent_kind(kind, row[0])
    return row[1]


def add_unit(engine, id: str, name: str, kind: str, parent: str | None, short_name: str | None = None,
             handles=None) -> NewUnit:
    id, name, kind, parent, short_name, handled = clean_unit(engine, id, name, kind, parent, short_name, handles)
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        path = parent_path(conn, kind, parent)
        if directory.unit(conn, id) is not None:
            raise ValidationError.one("id", f"单位“{id}”已存在", f"unit {id!r} exists already")
        path = f"{path}{id}/"
        directory.add_unit(conn, id, name, kind, parent, path, now, short_name or None,
                           json.dumps(handled) if handled else None)
    return {"id": id, "name": name, "kind": kind, "parent": parent, "path": path, "short_name": short_name or None,
            "handles": handled, "active": True}


def clean_user(engine, id: str, name: str, role: str, phone, email) -> tuple[str, str, str | None, str | None]:
    """A user's fields checked and trimmed: ``(id, name, phone, email)``.

    Raises:
        ValidationError: names every bad field.
    """
    from disputeflow.workflow import inputs
    from disputeflow.workflow.errors import FieldError

    errors: list[FieldError] = []
    id = inputs.text("id", id, errors, max_length=inputs.ID_MAX, label=("用户名", "user id"))
    name = inputs.text("name", name, errors, max_length=inputs.NAME_MAX, required=True, label=("姓名", "name"))
    if phone not in (None, ""):
        phone = inputs.phone("phone", phone, errors)
    else:
        phone = None
    email = inputs.optional_text("email", email, errors, max_length=inputs.EMAIL_MAX, label=("电子邮箱", "e-mail"))
    if errors:
        raise ValidationError(errors)
    if not id or any(ch.isspace() for ch in id):
        errors.append(FieldError("id", "用户名不能为空且不能含空格", "user id must be non-empty without spaces"))
    ROLES = engine.known_roles()
    if role not in ROLES:
        errors.append(FieldError("role", f"角色“{role}”无效（可选：{'、'.join(ROLES)}）",
                                 f"role {role!r} is invalid (one of {', '.join(ROLES)})"))
    if email and "@" not in email:
        errors.append(FieldError("email", f"电子邮箱“{email}”格式有误", f"e-mail {email!r} is malformed"))
    if errors:
        raise ValidationError(errors)
    return id, name.strip(), phone, email or None


def user_unit_path(conn, unit: str) -> str:
    """The path of the unit a user is put in (present and active).

    Raises:
        ValidationError: the unit is missing or switched off.
    """
    row = directory.unit(conn, unit)
    if row is None:
        raise ValidationError.one("unit", f"单位“{unit}”不存在", f"unit {unit!r} not found")
    if not row[3]:
        raise ValidationError.one("unit", f"单位“{unit}”已停用，不能再添加用户",
                                  f"unit {unit!r} is deactivated: no new users there")
    return row[1]


def add_user(engine, id: str, name: str, role: str, unit: str, phone, email, lang) -> NewUser:
    id, name, phone, email = clean_user(engine, id, name, role, phone, email)
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        path = user_unit_path(conn, unit)
        if directory.user_exists(conn, id):
            raise ValidationError.one("id", f"用户“{id}”已存在", f"user {id!r} exists already")
        directory.add_user(conn, id=id, name=name, role=role, unit_id=unit, unit_path=path, phone=phone,
                           email=email, lang=lang, now=now)
    return {"id": id, "name": name, "role": role, "unit": unit, "unit_path": path}


def units_within(engine, unit_path: str) -> list[UnitDoc]:
    """The units at or under ``unit_path`` and those above it (:func:`disputeflow.cases.directory.units_within`)."""
    with transactions.read(engine.store) as conn:
        rows = directory.units_within(conn, unit_path)
    return [_unit_doc(r) for r in rows]


def units(engine) -> list[UnitDoc]:
    with transactions.read(engine.store) as conn:
        rows = directory.all_units(conn)
    return [_unit_doc(r) for r in rows]


def _unit_doc(r) -> UnitDoc:
    return {**dict(zip(("id", "name", "kind", "parent", "path"), r)),  # type: ignore[typeddict-item]
            "handles": json.loads(r[5]) if r[5] else [], "active": bool(r[6])}


def around(engine, unit_id: str) -> tuple[str, list[dict], list[UnitDoc]]:
    """Whom and where a case on ``unit_id`` may be given to: the unit's path, the users of its town and of
    the units above it (each with ``unit_path``), and the offices in its town or under the units above it."""
    with transactions.read(engine.store) as conn:
        row = directory.unit(conn, unit_id)
        path = row[1] if row is not None else "/"
        users, offices = directory.around(conn, path)
    people = [{**r._mapping, "active": bool(r.active)} for r in users]
    return path, people, [_unit_doc(r) for r in offices]


def names(engine, ids) -> dict[str, str]:
    """Display names of the users and units among ``ids``."""
    with transactions.read(engine.store) as conn:
        return directory.names(conn, ids)


def users(engine, unit: str | None, role: str | None) -> list[UserDoc]:
    with transactions.read(engine.store) as conn:
        return [{**r._mapping, "active": bool(r.active)} for r in directory.users_of(conn, unit, role)]
