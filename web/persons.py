"""Key-person pages (重点人员稳控): the register, one person, today's contacts, contact and release forms.

Everything reads through the engine facade, which decides what each reader
sees (details only for the responsible grid officer, the lead official and
supervisors of the jurisdiction; a masked name for anyone else in the
jurisdiction) and writes every read to the person's audit chain. The pages
therefore never filter or mask on their own: they show what the facade gives.
"""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from disputeflow.web.deps import PersonId, check_csrf, current_user, engine_of, flash, lang_of, page
from disputeflow.web.deps import page_no as deps_page_no
from disputeflow.web.deps import units_of
from disputeflow.workflow import units_users
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.units_users import units_within
from disputeflow.web.nav import NavItem

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem("persons", "/persons", "重点人员稳控", "Key persons",
                     ("grid_officer", "mediator", "lead_official", "supervisor", "admin"), order=60)]

PAGE_SIZE = 50
METHODS = {"visit": ("见面走访", "visit"), "phone": ("电话联系", "phone call"), "report": ("情况报告", "report")}
DUE_STATUS = {"due": ("待完成", "due"), "met": ("已完成", "met"), "missed": ("已逾期", "missed")}
WORDS = {
    "persons": ("重点人员稳控", "Key persons"),
    "due_today": ("今日稳控任务", "Contacts due today"),
    "day": ("日期", "Day"),
    "none_due": ("今日没有稳控任务。", "Nothing is due on this day."),
    "register": ("重点人员名册", "Register"),
    "none": ("没有重点人员。", "No key persons."),
    "name": ("姓名", "Name"),
    "kind": ("类别", "Kind"),
    "risk": ("风险", "Risk"),
    "status": ("状态", "Status"),
    "unit": ("村(社区)/网格", "Unit"),
    "cases": ("关联案件", "Linked cases"),
    "since": ("列管时间", "Under control since"),
    "duty": ("职责", "Duty"),
    "due_at": ("截止时间", "Due"),
    "masked_note": ("您不是该人员的责任人，只显示脱敏信息。",
                    "You are not in charge of this person: only masked details are shown."),
    "details": ("基本情况", "Details"),
    "id_number": ("身份证号", "ID number"),
    "phone": ("电话", "Phone"),
    "address": ("住址", "Address"),
    "group_size": ("人数", "Group size"),
    "reasons": ("列管原因", "Reasons"),
    "plan": ("稳控方案", "Control plan"),
    "contacts": ("走访记录", "Contacts"),
    "duties": ("职责完成情况", "Duties"),
    "record_contact": ("记录走访", "Record a contact"),
    "method": ("方式", "Method"),
    "at": ("时间", "Time"),
    "state": ("现实表现", "Condition"),
    "alarming": ("发现异常（风险升一级并立即通知包案领导）", "Alarming (raises the risk one level and alerts the lead official)"),
    "note": ("备注", "Note"),
    "release": ("解除稳控", "Release from control"),
    "reason": ("解除理由", "Reason"),
    "released": ("已解除", "Released"),
    "contact_ok": ("已记录走访。", "Contact recorded."),
    "release_ok": ("已解除稳控。", "Released from control."),
    "fix_errors": ("请修改标红的项目后重新提交。", "Please correct the marked fields and submit again."),
    "all": ("全部", "All"),
    "apply": ("筛选", "Apply"),
    "threat": ("扬言或威胁", "Threats"),
    "mental_state": ("精神状态", "Mental state"),
    "prior_incidents": ("既往情况", "Prior incidents"),
    "lead_official": ("包案领导", "Lead official"),
    "grid_officer": ("责任网格员", "Grid officer"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "view": ("查看", "View"),
    "yes": ("是", "yes"),
    "alarm": ("异常", "alarming"),
    "release_reason": ("解除理由", "Release reason"),
    "new": ("登记重点人员", "Register a key person"),
    "new_hint": ("登记后按风险等级生成稳控职责；姓名、身份证号等只对责任网格员、包案领导和督办人员显示。",
                 "Registration sets up the control duties for the risk level; names and ID numbers are shown only to "
                 "the grid officer, the lead official and supervisors in charge."),
    "cases_hint": ("案件编号，多个用空格或逗号分隔", "case numbers, separated by spaces or commas"),
    "person": ("个人", "person"),
    "group": ("群体", "group"),
    "choose": ("请选择", "Choose"),
    "submit_new": ("登记", "Register"),
    "registered_ok": ("已登记重点人员 {name}（编号 {id}）。", "Key person {name} registered (no. {id})."),
    "unit_default": ("默认：第一起案件的单位（不关联案件时必选）", "default: the first case's unit (required without a case)"),
    "cases_optional": ("可不填：重点人员可不关联案件登记", "optional: a key person may be registered without a case"),
    "person_type": ("人员类别", "Type"),
    "stabilise_unit": ("稳控责任单位", "Unit responsible for stabilisation"),
    "resolve_unit": ("化解责任单位", "Unit responsible for resolution"),
    "keepers": ("包保责任人", "包保 officials"),
    "keeper_county": ("县级包保", "County"),
    "keeper_town": ("乡镇包保", "Town"),
    "keeper_village": ("村级包保", "Village"),
    "missed_items": ("未完成事项（漏做的日期）", "Open items (days missed)"),
    "level": ("已升级至", "Raised to"),
}


def _w(lang: str):
    def t(key: str) -> str:
        zh, en = WORDS.get(key) or METHODS.get(key) or DUE_STATUS.get(key) or (key, key)
        return en if lang.startswith("en") else zh
    return t


def _ctx(request: Request) -> dict:
    lang = lang_of(request)
    return {"pt": _w(lang), "methods": {k: v[1] if lang.startswith("en") else v[0] for k, v in METHODS.items()}}


def _day(value: str | None) -> date | None:
    """The day asked for; a malformed one is ignored (today), one past the supported years is refused."""
    from disputeflow.workflow.errors import ValidationError
    from disputeflow.workflow.timeutil import TimeFormatError, parse_date

    try:
        date.fromisoformat(value or "")
    except ValueError:
        return None
    try:
        return parse_date(value)
    except TimeFormatError as exc:
        raise ValidationError.one("day", exc.zh, exc.en) from None


@router.get("/persons")
def register_page(request: Request, user=Depends(current_user)):
    engine = engine_of(request)
    lang = lang_of(request)
    q = request.query_params
    status = q.get("status") if q.get("status") in ("controlled", "released") else None
    units = {u["id"]: u for u in units_of(engine, user)}
    unit = q.get("unit") if q.get("unit") in units else None
    page_no = deps_page_no(q)
    found = engine.persons_page(user, status=status, unit=unit, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE,
                                lang=lang)
    day = _day(q.get("day"))
    due = engine.contacts_due(user, day=day, lang=lang)
    from disputeflow.workflow.timeutil import local_date

    shown_day = day or local_date(engine.clock.now())
    villages = [u for u in units.values() if u["kind"] in ("village", "community", "grid")
                and u["path"].startswith(user.unit_path)]
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("unit", unit)) if v)
    pager = {"page": page_no, "pages": None, "total": None, "prev": page_no - 1 if page_no > 1 else None,
             "next": page_no + 1 if found["more"] else None}
    from disputeflow.workflow.persons import REGISTER_ROLES

    return page(request, "persons.html.j2", user=user, rows=found["items"], due=due, day=shown_day.isoformat(),
                villages=villages, filters={"status": status or "", "unit": unit or ""}, query=query, pager=pager,
                may_register=user.role in REGISTER_ROLES, **_ctx(request))


def _person_page(request: Request, user, person_id: int, status: int = 200, errors: dict | None = None,
                 values: dict | None = None, form: str | None = None, notice: str | None = None):
    engine = engine_of(request)
    doc = engine.person(person_id, user, lang=lang_of(request))
    may_act = not doc["masked"] and doc["status"] == "controlled"
    may_release = may_act and user.role == "supervisor"
    # the names of the people and units the record names, read for those ids only (not a city's directory)
    names = _names_in(engine, doc) if not doc["masked"] else {}
    unit_names = names
    return page(request, "person.html.j2", status=status, user=user, p=doc, may_act=may_act, names=names,
                unit_names=unit_names,
                may_release=may_release, errors=errors or {}, values=values or {}, form=form, notice=notice,
                **_ctx(request))


REGISTER_FIELDS = ("name", "kind", "group_size", "risk", "cases", "grid_officer", "lead_official", "unit",
                   "id_number", "phone", "address", "threat", "mental_state", "prior_incidents", "note",
                   "person_type", "stabilise_unit", "resolve_unit", "keeper_county", "keeper_town", "keeper_village")


def _related(path: str, mine: str) -> bool:
    """A unit above or below the reader's own: a village registers with the town's lead official."""
    return path.startswith(mine) or mine.startswith(path)


def _new_page(request: Request, user, values: dict, errors: dict | None = None, notice: str | None = None,
              status: int = 200):
    from disputeflow.workflow import person_types, risk as risk_mod

    engine = engine_of(request)
    lang = lang_of(request)
    mine = user.unit_path if user.role != "admin" else "/"
    root = "/".join(mine.split("/")[:2]) + "/"  # the reader's county (or town, without a county)
    units = {u["id"]: u for u in units_within(runtime_of(engine), root)}
    people = [u for u in _people_of(engine, user) if u["role"] in ("grid_officer", "lead_official")
              and _related(units.get(u["unit"], {}).get("path", ""), mine)]
    d = engine.definition()
    return page(request, "person_new.html.j2", status=status, user=user, values=values, errors=errors or {},
                notice=notice, units=[u for u in units.values() if u["kind"] in ("village", "community", "grid")
                                      and u["path"].startswith(mine)],
                grid_officers=[u for u in people if u["role"] == "grid_officer"],
                leads=[u for u in people if u["role"] == "lead_official"],
                # responsible units may be anywhere in the reader's county or town (a justice office, a police station)
                all_units=[u for u in units.values() if u["path"].startswith(root)],
                person_types={k: person_types.label(k, lang) for k in person_types.TYPES},
                risks={k: d.vocab_label("risk", k, lang) for k in risk_mod.LEVELS}, **_ctx(request))


def _names_in(engine, doc: dict) -> dict[str, str]:
    """Display names of the users and units among the short strings of a person's record."""
    ids: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            if 0 < len(value) <= 64:
                ids.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(doc)
    return units_users.names(runtime_of(engine), ids)


def _people_of(engine, user) -> list[dict]:
    """The users a register form may name: the reader's town and the units above it (an administrator: all)."""
    if user.role == "admin" or not user.unit_id:
        return engine.users()
    return units_users.around(runtime_of(engine), user.unit_id)[1]


def _may_register(engine, user) -> None:
    from disputeflow.workflow.errors import NotPermitted
    from disputeflow.workflow.persons import REGISTER_ROLES

    if user.role not in REGISTER_ROLES:
        raise NotPermitted(f"角色“{engine.role_label(user.role, 'zh_CN')}”不能登记重点人员",
                           f"role {user.role} may not register key persons")


@router.get("/persons/new")
def new_person_form(request: Request, user=Depends(current_user)):
    engine = engine_of(request)
    _may_register(engine, user)
    case = request.query_params.get("case", "")[:40]
    return _new_page(request, user, {"kind": "person", "cases": case,
                                     "grid_officer": user.id if user.role == "grid_officer" else ""})


@router.post("/persons/new")
def new_person(request: Request, user=Depends(current_user), form: dict = Depends(check_csrf)):
    import re

    from disputeflow.workflow.errors import NotFound, NotPermitted, ValidationError
    from disputeflow.workflow.masking import mask_name

    engine = engine_of(request)
    _may_register(engine, user)
    lang = lang_of(request)
    en = lang.startswith("en")
    values = {k: (form.get(k) or [""])[0].strip() for k in REGISTER_FIELDS}
    errors: dict[str, str] = {}
    group_size = None
    if values["kind"] == "group" and values["group_size"]:
        try:
            group_size = int(values["group_size"])
        except ValueError:
            errors["group_size"] = "must be a whole number" if en else "人数应为整数"
    fields = {
        "name": values["name"], "kind": values["kind"] or "person", "risk": values["risk"],
        "cases": [n for n in re.split(r"[\s,，、;；]+", values["cases"]) if n][:20],
        "grid_officer": values["grid_officer"], "lead_official": values["lead_official"],
        "unit": values["unit"] or None, "id_number": values["id_number"] or None, "phone": values["phone"] or None,
        "address": values["address"] or None, "group_size": group_size if values["kind"] == "group" else None,
        "reasons": {k: values[k] for k in ("threat", "mental_state", "prior_incidents", "note") if values[k]},
        "person_type": values["person_type"] or None, "stabilise_unit": values["stabilise_unit"] or None,
        "resolve_unit": values["resolve_unit"] or None,
        "keepers": {k: values[f"keeper_{k}"] for k in ("county", "town", "village") if values[f"keeper_{k}"]},
    }
    notice, status = None, 400
    if not errors:
        try:
            out = engine.add_person(user, **fields)
        except ValidationError as exc:
            for e in exc.errors:
                errors.setdefault(e.field, e.message(lang))
            if "risk" in errors and not values["risk"]:  # the engine lists the codes; the form offers labels
                errors["risk"] = "required: choose a risk level" if en else "必填，请选择风险等级"
        except (NotPermitted, NotFound) as exc:
            notice, status = exc.message(lang), exc.http_status
        else:
            flash(request, _w(lang)("registered_ok").format(name=mask_name(fields["name"]), id=out["id"]))
            return RedirectResponse(f"/persons/{out['id']}", status_code=303)
    return _new_page(request, user, values, errors, notice=notice or (_w(lang)("fix_errors") if errors else None),
                     status=status)


@router.get("/persons/{person_id}")
def person_page(request: Request, person_id: PersonId, user=Depends(current_user)):
    return _person_page(request, user, person_id)


def _local_datetime(value: str) -> datetime | None:
    """A ``datetime-local`` value is Shanghai time; a malformed or out-of-range one raises ``ValueError``."""
    from disputeflow.workflow.timeutil import LOCAL_TZ, check_time

    value = value.strip()
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    return check_time(dt.replace(tzinfo=LOCAL_TZ) if dt.tzinfo is None else dt, value)


@router.post("/persons/{person_id}/contact")
def contact(request: Request, person_id: PersonId, user=Depends(current_user), form: dict = Depends(check_csrf)):
    from disputeflow.workflow.errors import ValidationError
    from disputeflow.workflow.timeutil import TimeFormatError

    engine = engine_of(request)
    lang = lang_of(request)
    one = lambda k: (form.get(k) or [""])[0].strip()  # noqa: E731
    values = {k: one(k) for k in ("method", "at", "state", "note", "alarming")}
    errors: dict[str, str] = {}
    at = None
    try:
        at = _local_datetime(values["at"])
    except TimeFormatError as exc:  # a year past the supported range
        errors["at"] = exc.message(lang)
    except ValueError:
        errors["at"] = "时间格式有误，应写作 2026-03-05T09:30" if not lang.startswith("en") else \
            "invalid time; write e.g. 2026-03-05T09:30"
    if not errors:
        try:
            engine.record_contact(person_id, user, method=values["method"], at=at, state=values["state"],
                                  alarming=bool(values["alarming"]), note=values["note"])
        except ValidationError as exc:
            errors = {e.field: e.message(lang) for e in exc.errors}
    if errors:
        return _person_page(request, user, person_id, status=400, errors=errors, values=values, form="contact")
    flash(request, _w(lang)("contact_ok"))
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.post("/persons/{person_id}/release")
def release(request: Request, person_id: PersonId, user=Depends(current_user), form: dict = Depends(check_csrf)):
    from disputeflow.workflow.errors import ValidationError

    engine = engine_of(request)
    lang = lang_of(request)
    reason = (form.get("reason") or [""])[0].strip()
    try:
        engine.release_person(person_id, user, reason=reason)
    except ValidationError as exc:
        errors = {e.field: e.message(lang) for e in exc.errors}
        return _person_page(request, user, person_id, status=400, errors=errors, values={"reason": reason},
                            form="release", notice="；".join(errors.values()))
    flash(request, _w(lang)("release_ok"))
    return RedirectResponse(f"/persons/{person_id}", status_code=303)
