"""The screening page (排查登记与报送): record a round and file the period's report from a phone.

The page shows what the reader's units owe now (rounds and reports, sensitive
days included), a round form (who took part, where, the disputes found — by
number, or one new dispute opened from the form — or none found), a report
form, and the latest rounds. Everything goes through the engine facade.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from disputeflow.web import deps
from disputeflow.web.deps import check_csrf, current_user, engine_of, flash, lang_of, page
from disputeflow.web.nav import NavItem

router = APIRouter(include_in_schema=False)

ROLES = ("grid_officer", "mediator", "supervisor", "admin")
NAV_ITEMS = [NavItem("screening", "/screening", "排查登记", "Screening", ROLES, order=25)]
WORDS = {
    "title": ("排查登记与报送", "Screening and reports"),
    "owed": ("本期待完成", "Owed now"),
    "nothing_owed": ("本期排查、报告均已完成。", "Nothing is owed."),
    "round": ("登记排查", "Record a round"),
    "report": ("报送排查报告", "File the report"),
    "report_hint": ("按本期排查发现的纠纷数报送；没有发现的为零报告。敏感期内为当日的日报告。",
                    "Reports the disputes this period's rounds found; none found is a nil report. "
                    "On a sensitive day it is that day's report."),
    "unit": ("单位", "Unit"), "held_on": ("排查日期", "Date"), "participants": ("参加人员（逗号分隔）", "Who took part"),
    "coverage": ("排查范围（组、片、户）", "Areas or households"), "households": ("走访户数", "Households"),
    "cases": ("发现的已登记案件编号", "Cases on record found"), "new_title": ("新发现纠纷（登记为新案件）", "A new dispute"),
    "case_title": ("纠纷名称", "Title"),
    "category": ("类别", "Category"), "party": ("当事人", "Party"), "phone": ("电话", "Phone"),
    "none_found": ("本次未发现矛盾纠纷", "None found"), "note": ("备注", "Note"), "save": ("保存", "Save"),
    "period": ("周期内任一日期（默认今天）", "A day of the period (default today)"), "file": ("报送", "File"),
    "recent": ("最近的排查", "Recent rounds"), "none": ("未发现", "none found"),
    "round_ok": ("已登记排查。", "Round recorded."), "report_ok": ("已报送：{what}。", "Filed: {what}."),
    "nil": ("零报告", "nil report"), "found": ("发现 {n} 件", "{n} found"),
    "todo_round": ("待排查", "round owed"), "todo_report": ("待报告", "report owed"), "late": ("已逾期", "overdue"),
}


def _w(lang: str):
    def t(key: str, **kw) -> str:
        zh, en = WORDS.get(key, (key, key))
        text = en if lang.startswith("en") else zh
        return text.format(**kw) if kw else text
    return t


def _page(request: Request, user, notice: str | None = None, errors: dict | None = None, values: dict | None = None,
          status: int = 200):
    engine = engine_of(request)
    lang = lang_of(request)
    kinds = tuple(engine.policy.screening.by_kind)
    mine = user.unit_path if user.role != "admin" else "/"
    units = [u for u in deps.units_of(engine, user) if u["kind"] in kinds and u["path"].startswith(mine)]
    d = engine.definition()
    return page(request, "screening.html.j2", status=status, user=user, st=_w(lang), units=units,
                due=engine.screening_due(user, lang=lang), rounds=engine.screening_rounds(user)[:20],
                categories={k: v.get(lang) for k, v in d.vocab["category"].items()}, notice=notice,
                errors=errors or {}, values=values or {"unit": user.unit_id or ""})


@router.get("/screening")
def screening_page(request: Request, user=Depends(current_user)):
    return _page(request, user)


def _one(form: dict, key: str) -> str:
    return (form.get(key) or [""])[0].strip()


def _refused(request: Request, user, exc, values: dict):
    from disputeflow.workflow.errors import ValidationError

    lang = lang_of(request)
    errors = {e.field: e.message(lang) for e in exc.errors} if isinstance(exc, ValidationError) else {}
    return _page(request, user, exc.message(lang), errors, values, exc.http_status)


@router.post("/screening/round")
def record_round(request: Request, user=Depends(current_user), form: dict = Depends(check_csrf)):
    from disputeflow.workflow.errors import DisputeflowError

    engine = engine_of(request)
    values = {k: _one(form, k) for k in ("unit", "held_on", "participants", "coverage", "households", "cases",
                                         "new_title", "category", "party", "phone", "none_found", "note")}
    new_cases = []
    if values["new_title"]:
        party = {"name": values["party"], "role": "applicant", **({"phone": values["phone"]} if values["phone"] else {})}
        new_cases.append({"title": values["new_title"], "category": values["category"], "parties": [party]})
    try:
        households = int(values["households"]) if values["households"] else None
        engine.record_round(user, unit=values["unit"] or None, held_on=values["held_on"] or None,
                            participants=values["participants"], coverage=values["coverage"], households=households,
                            cases=[n for n in re.split(r"[\s,，、;；]+", values["cases"]) if n][:50],
                            new_cases=new_cases, none_found=values["none_found"] == "on", note=values["note"])
    except ValueError as exc:
        if isinstance(exc, DisputeflowError):
            return _refused(request, user, exc, values)
        return _page(request, user, str(exc), {"households": str(exc)}, values, 400)
    except DisputeflowError as exc:
        return _refused(request, user, exc, values)
    flash(request, _w(lang_of(request))("round_ok"))
    return RedirectResponse("/screening", status_code=303)


@router.post("/screening/report")
def file_report(request: Request, user=Depends(current_user), form: dict = Depends(check_csrf)):
    from disputeflow.workflow.errors import DisputeflowError

    engine = engine_of(request)
    t = _w(lang_of(request))
    values = {k: _one(form, k) for k in ("unit", "period", "note")}
    try:
        out = engine.file_screening_report(user, unit=values["unit"] or None, period=values["period"] or None,
                                           note=values["note"])
    except DisputeflowError as exc:
        return _refused(request, user, exc, values)
    flash(request, t("report_ok", what=t("nil") if out["nil"] else t("found", n=out["found"])))
    return RedirectResponse("/screening", status_code=303)
