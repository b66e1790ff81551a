"""The HTTP API under /api/v1: the facade's operations as JSON, for other systems.

Callers authenticate with a bearer token from ``disputeflow token create``; a
token acts as its user narrowed to its unit, so the engine's roles and
jurisdiction apply exactly as on the command line. Errors are RFC 9457 problem
documents (see :mod:`disputeflow.web.problems`); lists are paged with ``limit``/``offset``
and say where the next page starts.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Optional

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from disputeflow.web import problems
from disputeflow.workflow.timeutil import parse_time
from disputeflow.web.deps import ID_MAX, PersonId

log = logging.getLogger(__name__)

MAX_OFFSET = 1_000_000_000
RESERVED = frozenset({"number", "action", "actor", "expected_version"})


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    instance: Optional[str] = None
    errors: Optional[list[dict[str, str]]] = None
    allowed: Optional[list[str]] = None


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    role: Optional[str] = Field(None, max_length=40)
    phone: Optional[str] = Field(None, max_length=40)
    id_number: Optional[str] = Field(None, max_length=40)
    address: Optional[str] = Field(None, max_length=500)


class ReportIn(BaseModel):
    """A new dispute (登记). Field meanings as in ``disputeflow case open``."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=500)
    category: str = Field(max_length=40)
    unit: str = Field(max_length=64)
    parties: list[PartyIn] = Field(max_length=200)
    description: Optional[str] = Field(None, max_length=10000)
    source: Optional[str] = Field(None, max_length=40)
    flags: Optional[list[str]] = Field(None, max_length=20)
    occurred_at: Optional[str] = Field(None, max_length=64)


class ActIn(BaseModel):
    """One action on a case: its fields in ``data``; ``expected_version`` guards against lost updates."""

    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any] = Field(default_factory=dict)
    note: Optional[str] = Field(None, max_length=2000)
    expected_version: Optional[int] = Field(None, ge=0, le=2**31)


class ContactIn(BaseModel):
    """A contact with a key person (走访): ``method`` is visit, phone or report; ``at`` defaults to now."""

    model_config = ConfigDict(extra="forbid")
    method: str = Field(max_length=20)
    at: Optional[str] = Field(None, max_length=64)
    state: str = Field("", max_length=2000)
    alarming: bool = False
    note: str = Field("", max_length=2000)


class PersonIn(BaseModel):
    """A key person or group to put under control (重点人员登记). Field meanings as in ``disputeflow person add``."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    cases: list[str] = Field(max_length=50)
    risk: str = Field(max_length=20)
    grid_officer: str = Field(max_length=64)
    lead_official: str = Field(max_length=64)
    unit: Optional[str] = Field(None, max_length=64)
    kind: str = Field("person", max_length=20)
    group_size: Optional[int] = Field(None, ge=0, le=100_000)
    id_number: Optional[str] = Field(None, max_length=40)
    phone: Optional[str] = Field(None, max_length=40)
    address: Optional[str] = Field(None, max_length=500)
    reasons: Optional[dict[str, str]] = Field(None, max_length=10)


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: Optional[list[Annotated[int, Field(ge=1, le=ID_MAX)]]] = Field(None, max_length=1000)


# What a report download may be besides its JSON dataset (disputeflow/reports/files.py).
REPORT_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/html",
                "text/markdown")
ERRORS = {status: {"model": Problem, "content": {"application/problem+json": {}}}
          for status in (400, 401, 403, 404, 409)}


def _lang(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in ("zh_CN", "en"):
        return q
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh_CN"


def create_api(engine, scheduler_state) -> FastAPI:
    """The /api/v1 sub-application over ``engine``."""
    from disputeflow.workflow.errors import DisputeflowError

    def actor(request: Request):
        from disputeflow.signin.credentials import AuthError

        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("需要令牌（Authorization: Bearer …）", "a bearer token is required")
        return engine.token_actor(token.strip())

    api = FastAPI(title="disputeflow API", version="1", openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  description="矛盾纠纷排查调处 — cases, actions, deadlines and notifications. "
                              "Errors are RFC 9457 problem documents.")

    @api.exception_handler(DisputeflowError)
    async def engine_error(request: Request, exc: DisputeflowError):
        if exc.http_status >= 500:
            log.error("engine error on %s: %s", request.url.path, exc)
        return problems.from_error(exc, _lang(request), request.url.path)

    @api.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return problems.from_request_validation(exc, _lang(request), request.url.path)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        lang = _lang(request)
        detail = problems.http_detail(exc.status_code, exc.detail if isinstance(exc.detail, str) else "", lang)
        return problems.problem(exc.status_code, "http", detail, lang, request.url.path,
                                headers=problems.allow_headers(request, exc.status_code, exc.headers))

    @api.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return problems.problem(500, "internal", "internal error", _lang(request), request.url.path)

    def page(items: list, limit: int, offset: int, total: int | None = None) -> dict:
        more = len(items) > limit
        doc = {"items": items[:limit], "limit": limit, "offset": offset,
               "next_offset": offset + limit if more else None}
        if total is not None:
            doc["total"] = total
        return doc

    Limit = Query(50, ge=1, le=200)
    Offset = Query(0, ge=0, le=MAX_OFFSET)

    @api.post("/cases", status_code=201, responses=ERRORS, summary="Report a dispute (登记)")
    def open_case(body: ReportIn, request: Request, who=Depends(actor)):
        fields = body.model_dump(exclude_none=True)
        out = engine.report(who, **fields)
        return {"number": out.number, "state": out.to_state, "version": out.version}

    @api.get("/cases", responses=ERRORS, summary="List cases in the caller's jurisdiction")
    def list_cases(request: Request, state: Optional[str] = Query(None, max_length=40),
                   unit: Optional[str] = Query(None, max_length=64), limit: int = Limit, offset: int = Offset,
                   who=Depends(actor)):
        rows = engine.list_cases(who, state=state, unit=unit, limit=limit + 1, offset=offset, lang=_lang(request))
        return page(rows, limit, offset)

    @api.get("/cases/{number}", responses=ERRORS, summary="One case (parties masked by role)")
    def show(number: str, request: Request, who=Depends(actor)):
        return engine.case(number, who, _lang(request))

    @api.get("/cases/{number}/actions", responses=ERRORS, summary="Actions the caller may take now")
    def actions(number: str, request: Request, who=Depends(actor)):
        return {"items": engine.actions(number, who, lang=_lang(request))}

    @api.post("/cases/{number}/actions/{action}", responses=ERRORS, summary="Perform an action")
    def act(number: str, action: str, body: ActIn, request: Request, who=Depends(actor)):
        from disputeflow.workflow.errors import FieldError, ValidationError

        bad = sorted(RESERVED & set(body.data))
        if bad:
            raise ValidationError([FieldError(f"data.{k}", "不能作为动作字段", "not an action field") for k in bad])
        data = dict(body.data)
        if body.note:
            data["note"] = body.note
        out = engine.act(number, action, who, expected_version=body.expected_version, **data)
        return {"number": out.number, "action": out.event, "from_state": out.from_state, "to_state": out.to_state,
                "version": out.version, "seq": out.seq}

    @api.get("/cases/{number}/history", responses=ERRORS, summary="The case's audit timeline")
    def history(number: str, request: Request, limit: int = Limit, offset: int = Offset, who=Depends(actor)):
        rows = engine.history(number, who, lang=_lang(request))
        return page(rows[offset:offset + limit + 1], limit, offset, total=len(rows))

    @api.get("/overdue", responses=ERRORS, summary="The supervisor's board: overdue clocks, worst first")
    def overdue(request: Request, unit: Optional[str] = Query(None, max_length=64),
                clock: Optional[str] = Query(None, max_length=40), level: Optional[str] = Query(None, max_length=20),
                risk: Optional[str] = Query(None, max_length=20), as_of: Optional[str] = Query(None, max_length=64),
                limit: int = Limit, offset: int = Offset, who=Depends(actor)):
        from disputeflow.workflow.errors import ValidationError

        when = None
        if as_of:
            try:
                when = parse_time(as_of)
            except ValueError as exc:
                raise ValidationError.one("as_of", getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))) from None
        found = engine.overdue_page(as_of=when, unit=unit, actor=who, clock=clock, level=level, risk=risk,
                               limit=limit + 1, offset=offset, lang=_lang(request))
        return page(found["items"], limit, offset, total=found["total"])

    @api.get("/persons", responses=ERRORS, summary="The key-person register (重点人员) within the caller's jurisdiction")
    def persons(request: Request, status: Optional[str] = Query(None, pattern="^(controlled|released)$"),
                unit: Optional[str] = Query(None, max_length=64), limit: int = Limit, offset: int = Offset,
                who=Depends(actor)):
        """Names are masked for callers not in charge of the person; every person listed is logged as read."""
        found = engine.persons_page(who, status=status, unit=unit, limit=limit, offset=offset,
                                          lang=_lang(request))
        return {"items": found["items"], "limit": limit, "offset": offset,
                "next_offset": offset + limit if found["more"] else None}

    @api.post("/persons", status_code=201, responses=ERRORS, summary="Register a key person or group (登记重点人员)")
    def register_person(body: PersonIn, request: Request, who=Depends(actor)):
        """Grid officers, mediators, lead officials and supervisors register within their jurisdiction; the
        person's duties (visits, reports) start at once and the linked cases' risk floor rises to the person's.
        Returns the new id, the risk, the linked cases and the duties; the identity stays on the person's page."""
        return engine.add_person(who, **body.model_dump(exclude_none=True))

    @api.get("/persons/{person_id}", responses=ERRORS, summary="One key person (details only for those in charge)")
    def person(person_id: PersonId, request: Request, who=Depends(actor)):
        """Details (identity, reasons, contacts, duties) for the responsible grid officer, the lead official and
        supervisors of the jurisdiction; a masked summary for others in the jurisdiction. Every read is logged."""
        return engine.person(person_id, who, lang=_lang(request))

    @api.post("/persons/{person_id}/contacts", status_code=201, responses=ERRORS,
              summary="Record a contact with a key person (走访记录)")
    def person_contact(person_id: PersonId, body: ContactIn, request: Request, who=Depends(actor)):
        """Meets the duties the method satisfies for the period the contact falls in; an alarming contact
        raises the person's risk one level and alerts the lead official."""
        from disputeflow.workflow.errors import ValidationError

        at = None
        if body.at:
            try:
                at = parse_time(body.at)
            except ValueError as exc:
                raise ValidationError.one("at", getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))) from None
        return engine.record_contact(person_id, who, method=body.method, at=at, state=body.state,
                                     alarming=body.alarming, note=body.note)

    @api.get("/reports/{kind}", responses={**ERRORS, 200: {"description": "The report as a file, or its dataset "
                                                                    "as JSON with format=json"}},
             summary="A jurisdiction report (台账, 统计, 零报告, 例会议程) as a file or as data")
    def jurisdiction_report(kind: str = Path(..., pattern="^(ledger|stats|nil|agenda)$"), *, request: Request,
                            format: Optional[str] = Query(None, pattern="^(csv|xlsx|html|md|json)$"),
                            unit: Optional[str] = None, month: Optional[str] = None, year: Optional[str] = None,
                            start: Optional[str] = None, end: Optional[str] = None,
                            date: Optional[str] = Query(None, description="agenda: the meeting day"),
                            since: Optional[str] = Query(None, description="agenda: the last meeting day"),
                            who=Depends(actor)):
        """The same reports as ``disputeflow report`` and the workspace's 报表 page, for the token's jurisdiction:
        figures replayed from the audit log as of the period's end. ``format=json`` gives the dataset."""
        from disputeflow.web.reports import file_response

        params = {k: v.strip() for k, v in (("unit", unit), ("month", month), ("year", year), ("start", start),
                                            ("end", end), ("date", date), ("since", since)) if v and v.strip()}
        if format == "json":
            return engine.report_data(kind, actor=who, **params)
        name, body, mime = engine.report_file(kind, fmt=format, actor=who, lang=_lang(request), **params)
        return file_response(name, body, mime)

    def _inbox(e):
        from disputeflow.workflow.errors import DisputeflowError as Base

        if not all(hasattr(e, m) for m in ("inbox", "mark_read", "unread_count")):
            err = Base("本版本未包含站内消息功能", "the in-app inbox is not part of this build")
            err.http_status, err.code = 501, "not_implemented"
            raise err

    @api.get("/notifications", responses={**ERRORS, 501: ERRORS[400]}, summary="The caller's in-app messages")
    def notifications(request: Request, unread_only: bool = False, limit: int = Limit, offset: int = Offset,
                      who=Depends(actor)):
        _inbox(engine)
        rows = engine.inbox(who, unread_only=unread_only, limit=limit + 1, offset=offset, lang=_lang(request))
        from disputeflow.workflow.timeutil import iso

        for r in rows:  # the API's one time format: ISO 8601 with the +08:00 offset, as everywhere else
            for k in ("created_at", "read_at"):
                if r.get(k) is not None and not isinstance(r[k], str):
                    r[k] = iso(r[k])
        doc = page(rows, limit, offset)
        doc["unread"] = engine.unread_count(who)
        return doc

    @api.post("/notifications/read", responses={**ERRORS, 501: ERRORS[400]}, summary="Mark messages read")
    def notifications_read(body: ReadIn, request: Request, who=Depends(actor)):
        _inbox(engine)
        return {"marked": engine.mark_read(who, body.ids)}

    @api.get("/health", summary="Database, scheduler and outbox backlog",
             responses={503: {"description": "The database or the scheduler is down (the same document)"}})
    async def health(request: Request):
        from fastapi.responses import JSONResponse

        from disputeflow.web.health import checked_health

        doc = await checked_health(request.app, engine, scheduler_state)
        return JSONResponse(doc, status_code=200 if doc["ok"] else 503)

    from disputeflow.web.openapi import truthful

    truthful(api, {"/reports/{kind}": REPORT_TYPES})
    return api
