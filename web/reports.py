"""Report pages (报表): pick a ledger, statistics, nil report or meeting agenda and download it; case paperwork.

The page only gathers parameters; ``engine.report_file`` decides who may have
which report (roles that oversee cases, inside their own jurisdiction) and
builds the file, so the web, the CLI and the facade give the same bytes.
Downloads are plain GET links (a report is a read, and a bookmark of "this
month's ledger" is useful); the file name goes out in RFC 5987 form so that
Chinese names survive every browser, with an ASCII fallback.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from disputeflow.web import deps
from disputeflow.web.deps import current_user, engine_of, lang_of, page
from disputeflow.web.nav import NavItem

router = APIRouter(include_in_schema=False)

REPORT_ROLES = ("mediator", "lead_official", "supervisor", "admin")
NAV_ITEMS = [NavItem("reports", "/reports", "报表", "Reports", REPORT_ROLES, order=70)]

# Which fields each form sends on to the facade (empty ones are dropped).
PARAMS = ("unit", "month", "year", "start", "end", "date", "since")
PAPER_KINDS = ("application", "acceptance", "notice", "investigation", "record", "agreement", "oral", "visit", "file",
               "index")
# Report HTML carries its own inline stylesheet (operators may edit the templates) and never scripts.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'"

WORDS = {
    "reports": ("报表", "Reports"),
    "ledger": ("矛盾纠纷排查调处台账", "Dispute ledger"),
    "stats": ("统计报表", "Statistics"),
    "month_form": ("月度统计表（上报）", "Monthly statistics form (to send upward)"),
    "month_hint": ("人民调解工作统计表：各村（社区）分行，件/人，附指标口径。", "Units as rows, cases/people, with definitions."),
    "nil": ("零报告", "Nil report"),
    "offices": ("交办办理情况（按承办站所）", "Work orders by receiving office"),
    "offices_hint": ("各站所的交办数、按时签收率、按时反馈率、退回数。", "Per office: dispatched, signed and reported back on time, returns."),
    "agenda": ("研判会议程", "Review-meeting agenda"),
    "month": ("月份", "Month"),
    "year": ("年度", "Year"),
    "start": ("开始日期", "From"),
    "end": ("结束日期", "To"),
    "period_hint": ("默认按月份统计；填了年度或起止日期则按其统计。", "By month unless a year or a date range is given."),
    "unit": ("单位", "Unit"),
    "format": ("格式", "Format"),
    "date": ("会议日期", "Meeting date"),
    "since": ("上次会议日期（默认前七天）", "Last meeting (default: a week before)"),
    "download": ("下载", "Download"),
    "nil_hint": ("按各单位已报送的排查报告出具；有单位未报送、或排查发现纠纷时不能出具，并说明原因。",
                 "Printed from the screening reports the units filed; refused, with the reason, when a unit has "
                 "not filed or a report found disputes."),
    "paperwork": ("文书", "Paperwork"),
    "agreement": ("调解协议书", "Mediation agreement"),
    "record": ("调解记录", "Mediation record"),
    "visit": ("回访记录", "Return visits"),
    "index": ("卷宗目录", "File index"),
    "error_title": ("无法生成报表", "The report could not be produced"),
}
FORMATS = {"ledger": ("xlsx", "csv", "html"), "stats": ("html", "xlsx", "csv"), "month": ("xlsx",), "nil": ("html",),
           "agenda": ("html", "md"), "offices": ("html", "csv")}


def _w(lang: str):
    def t(key: str) -> str:
        zh, en = WORDS.get(key, (key, key))
        return en if lang.startswith("en") else zh
    return t


def _check_role(engine, user) -> None:
    from disputeflow.workflow.errors import NotPermitted

    if user.role not in REPORT_ROLES:
        raise NotPermitted(f"角色“{engine.role_label(user.role, 'zh_CN')}”不能生成报表", f"role {user.role} may not produce reports")


def _form_page(request: Request, user, status: int = 200, error: str | None = None, errors: dict | None = None,
               values: dict | None = None):
    from disputeflow.workflow.timeutil import local_date

    engine = engine_of(request)
    _check_role(engine, user)
    today = local_date(engine.clock.now())
    last_month = (today.replace(day=1).toordinal() - 1)
    from datetime import date

    prev = date.fromordinal(last_month)
    units = [u for u in deps.units_of(engine, user) if u["kind"] in ("town", "village", "community", "grid")
             and (user.role == "admin" or u["path"].startswith(user.unit_path))]
    defaults = {"month": prev.strftime("%Y-%m"), "date": today.isoformat(), "unit": user.unit_id or ""}
    return page(request, "reports.html.j2", status=status, user=user, rt=_w(lang_of(request)), units=units,
                formats=FORMATS, values={**defaults, **(values or {})}, error=error, errors=errors or {})


@router.get("/reports")
def reports_page(request: Request, user=Depends(current_user)):
    return _form_page(request, user)


def content_disposition(filename: str, inline: bool = False) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''percent-encoded`` (RFC 6266 with RFC 5987 encoding)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "report"
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(name: str, body: bytes, mime: str, inline: bool = False) -> Response:
    headers = {"Content-Disposition": content_disposition(name, inline), "Cache-Control": "no-store"}
    if mime.startswith("text/html"):
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(body, media_type=mime, headers=headers)


@router.get("/reports/download")
def download(request: Request, user=Depends(current_user)):
    from disputeflow.workflow.errors import ValidationError

    engine = engine_of(request)
    _check_role(engine, user)
    lang = lang_of(request)
    q = request.query_params
    kind = q.get("kind", "")
    fmt = q.get("format") or None
    params = {k: q.get(k).strip() for k in PARAMS if (q.get(k) or "").strip()}
    # The month comes pre-filled: a year or a date range typed on the form is the reader's real choice.
    if params.get("start") and params.get("end"):
        params.pop("month", None), params.pop("year", None)
    elif params.get("year"):
        params.pop("month", None)
    try:
        name, body, mime = engine.report_file(kind, fmt=fmt, actor=user, lang=lang, **params)
    except ValidationError as exc:
        errors = {e.field: e.message(lang) for e in exc.errors}
        return _form_page(request, user, status=400, error="；".join(errors.values()), errors=errors,
                          values={**params, "kind": kind, "format": fmt or ""})
    return file_response(name, body, mime, inline=mime.startswith("text/html"))


@router.get("/cases/{number}/paper/{kind}")
def paperwork(request: Request, number: str, kind: str, user=Depends(current_user)):
    """A case's paper as a printable page, or ``?format=docx`` as a Word download; the case's read rule applies."""
    from starlette.exceptions import HTTPException

    fmt = request.query_params.get("format") or "html"
    if kind not in PAPER_KINDS or fmt not in ("html", "docx"):
        raise HTTPException(404, "")
    engine = engine_of(request)
    name, body, mime = engine.report_file(kind, fmt=fmt, actor=user, lang=lang_of(request), number=number)
    return file_response(name, body, mime, inline=fmt == "html")
