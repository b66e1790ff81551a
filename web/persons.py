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

from web.deps import check_csrf, current_user, engine_for, flash, lang_of, page
from web.nav import NavItem

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
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/persons")
def register_page(request: Request, user=Depends(current_user)):
    engine = engine_for(request)
    lang = lang_of(request)
    q = request.query_params
    status = q.get("status") if q.get("status") in ("controlled", "released") else None
    units = {u["id"]: u for u in engine.units()}
    unit = q.get("unit") if q.get("unit") in units else None
    try:
        page_no = max(1, int(q.get("page", "1")))
    except ValueError:
        page_no = 1
    rows = engine.persons(user, status=status, unit=unit, limit=PAGE_SIZE + 1, offset=(page_no - 1) * PAGE_SIZE,
                          lang=lang)
    day = _day(q.get("day"))
    due = engine.contacts_due(user, day=day, lang=lang)
    from workflow.timeutil import local_date

    shown_day = day or local_date(engine.clock.now())
    villages = [u for u in units.values() if u["kind"] in ("village", "community", "grid")
                and u["path"].startswith(user.unit_path)]
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("unit", unit)) if v)
    pager = {"page": page_no, "pages": None, "total": None, "prev": page_no - 1 if page_no > 1 else None,
             "next": page_no + 1 if len(rows) > PAGE_SIZE else None}
    return page(request, "persons.html.j2", user=user, rows=rows[:PAGE_SIZE], due=due, day=shown_day.isoformat(),
                villages=villages, filters={"status": status or "", "unit": unit or ""}, query=query, pager=pager,
                **_ctx(request))


def _person_page(request: Request, user, person_id: int, status: int = 200, errors: dict | None = None,
                 values: dict | None = None, form: str | None = None, notice: str | None = None):
    engine = engine_for(request)
    doc = engine.person(person_id, user, lang=lang_of(request))
    may_act = not doc["masked"] and doc["status"] == "controlled"
    may_release = may_act and user.role == "supervisor"
    names = {u["id"]: u["name"] for u in engine.users()} if not doc["masked"] else {}
    return page(request, "person.html.j2", status=status, user=user, p=doc, may_act=may_act, names=names,
                may_release=may_release, errors=errors or {}, values=values or {}, form=form, notice=notice,
                **_ctx(request))


@router.get("/persons/{person_id}")
def person_page(request: Request, person_id: int, user=Depends(current_user)):
    return _person_page(request, user, person_id)


def _local_datetime(value: str) -> datetime | None:
    """A ``datetime-local`` value is Shanghai time; anything unparseable is left to the caller to report."""
    from workflow.timeutil import LOCAL_TZ

    value = value.strip()
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    return dt.replace(tzinfo=LOCAL_TZ) if dt.tzinfo is None else dt


@router.post("/persons/{person_id}/contact")
async def contact(request: Request, person_id: int, user=Depends(current_user)):
    from workflow.errors import ValidationError

    form = await check_csrf(request)
    engine = engine_for(request)
    lang = lang_of(request)
    one = lambda k: (form.get(k) or [""])[0].strip()  # noqa: E731
    values = {k: one(k) for k in ("method", "at", "state", "note", "alarming")}
    errors: dict[str, str] = {}
    try:
        at = _local_datetime(values["at"])
    except ValueError:
        at = None
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
async def release(request: Request, person_id: int, user=Depends(current_user)):
    from workflow.errors import ValidationError

    form = await check_csrf(request)
    engine = engine_for(request)
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
