"""The HTTP API under /api/v1: the facade's operations as JSON, for other systems.

Callers authenticate with a bearer token from ``disputeflow token create``; a
token acts as its user narrowed to its unit, so the engine's roles and
jurisdiction apply exactly as on the command line. Errors are RFC 9457 problem
documents (see :mod:`disputeflow.web.problems`); lists are paged with ``limit``/``offset``
and say where the next page starts. Each resource's routes live in a module of
their own (``api_cases``, ``api_persons``, ``api_reports``, ``api_inbox``); this one
authenticates, turns errors into problems and puts them together.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from disputeflow.web import problems
from disputeflow.web.api_cases import add_case_routes
from disputeflow.web.api_search import add_search_routes
from disputeflow.web.api_inbox import add_inbox_routes
from disputeflow.web.api_models import REPORT_TYPES, request_lang
from disputeflow.web.api_offices import add_office_routes
from disputeflow.web.api_persons import add_person_routes
from disputeflow.web.api_reports import add_report_routes
from disputeflow.web.api_screening import add_screening_routes

log = logging.getLogger(__name__)


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
        return problems.from_error(exc, request_lang(request), request.url.path)

    @api.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return problems.from_request_validation(exc, request_lang(request), request.url.path)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        lang = request_lang(request)
        detail = problems.http_detail(exc.status_code, exc.detail if isinstance(exc.detail, str) else "", lang)
        return problems.problem(exc.status_code, "http", detail, lang, request.url.path,
                                headers=problems.allow_headers(request, exc.status_code, exc.headers))

    @api.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return problems.problem(500, "internal", "internal error", request_lang(request), request.url.path)

    for add_routes in (add_search_routes, add_case_routes, add_person_routes, add_report_routes, add_inbox_routes,
                       add_office_routes, add_screening_routes):
        add_routes(api, engine, actor)

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
