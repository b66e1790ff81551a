"""The application factory: workspace pages, the /api/v1 sub-application, health, static files.

``create_app(engine)`` builds everything from one engine facade; ``disputeflow
serve`` runs it on uvicorn with the scheduler in the same process (in each of
``--workers`` processes: :mod:`disputeflow.web.workers`).
"""

from __future__ import annotations

import importlib
import logging
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from disputeflow.web import deps
from disputeflow.web.health import SchedulerState, checked_health, health_doc  # noqa: F401  (the app's health endpoint)
from disputeflow.web.i18n import word
from disputeflow.web.mount import PrefixedRedirects, app_path

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler
    from fastapi import APIRouter

    from disputeflow.workflow.engine import Engine

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "df_session"
SESSION_MAX_AGE = 12 * 3600
# Worker threads for handlers that call the engine (plain ``def`` handlers run there, never on the
# event loop). At most the connections the pool gives (5 + 10 on PostgreSQL, 5 + 20 on SQLite): a
# thread more would only queue for a connection. ``[web] threads`` in the config file changes it.
THREADS = 16

# Feature pages added later (key persons, reports …): "module:attribute" of an APIRouter.
# Included when importable; a missing module is skipped with a log line.
FEATURE_ROUTERS: list[str] = [
    "disputeflow.web.persons:router",
    "disputeflow.web.reports:router",
    "disputeflow.web.office:router",
    "disputeflow.web.screening:router",
    "disputeflow.web.search:router",
    "disputeflow.web.attachments:router",
    "disputeflow.web.dashboard:router",
    "disputeflow.web.signout:router",
]


def _load_router(path: str):
    module, _, attr = path.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            log.info("feature router %s not installed", path)
            return None
        raise
    from disputeflow.web import nav

    for item in getattr(mod, "NAV_ITEMS", ()):
        nav.register(item)
    return getattr(mod, attr or "router")


def create_app(engine: Engine, *, secret: str | None = None, scheduler: BaseScheduler | None = None,
               lang: str | None = None, routers: Iterable[APIRouter] = (), secure_cookies: bool = False,
               threads: int | None = None) -> FastAPI:
    """The web workspace and the HTTP API (``/api/v1``) over ``engine``, as one ASGI app.

    Serve it alone (``uvicorn``) or mount it in the host's app under a prefix
    (``host.mount("/mediation", create_app(engine, secret=key))``): links, forms,
    redirects and static files stay under it (:mod:`disputeflow.web.mount`).

    Args:
        engine: the engine the workspace serves.
        secret: key that signs session cookies (default ``[web] secret``, else random:
            sessions end with the process; several workers or hosts must share one).
        scheduler: an APScheduler scheduler started and stopped with the app.
        lang: default language of pages (the engine's when not given).
        routers: extra feature routers, in addition to :data:`FEATURE_ROUTERS`.
        secure_cookies: mark the session cookie ``Secure`` (behind HTTPS).
        threads: worker threads for the handlers (default ``[web] threads`` or :data:`THREADS`).
    """
    from disputeflow.web import api, pages

    state = SchedulerState(scheduler)

    threads = int(threads or engine.config.web.get("threads") or THREADS)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None and scheduler.running:
                scheduler.shutdown(wait=True)

    app = FastAPI(title="disputeflow", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.engine = engine
    app.state.default_lang = lang or engine.lang
    app.state.scheduler = state
    app.add_middleware(SessionMiddleware, secret_key=secret or configured_secret(engine) or secrets.token_urlsafe(32),
                       session_cookie=SESSION_COOKIE, max_age=SESSION_MAX_AGE, same_site="lax",
                       https_only=secure_cookies)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                "form-action 'self'; frame-ancestors 'none'")
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(PrefixedRedirects)  # mounted under a prefix: redirects to app paths stay under it
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.mount("/api/v1", api.create_api(engine, state))

    @app.get("/healthz", include_in_schema=False)
    async def healthz():
        doc = await checked_health(app, engine, state)
        return JSONResponse(doc, status_code=200 if doc["ok"] else 503)

    app.include_router(pages.router)
    for path in FEATURE_ROUTERS:
        router = _load_router(path)
        if router is not None:
            app.include_router(router)
    for router in routers:
        app.include_router(router)

    _install_page_errors(app)
    return app


def configured_secret(engine) -> str | None:
    """``[web] secret`` of the configuration file, if set (``--secret`` and ``DISPUTEFLOW_SECRET`` come first)."""
    from disputeflow.workflow.errors import ConfigError

    value = engine.config.web.get("secret")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError("[web] secret 应为字符串", "[web] secret must be a string")
    return value


def _install_page_errors(app: FastAPI) -> None:
    from disputeflow.workflow.errors import DisputeflowError

    # The handlers are plain functions: Starlette runs them in the thread pool, so the
    # signed-in user they look up for the page's menu never holds up the event loop.
    def error_page(request: Request, status: int, title_key: str, message: str, headers: dict | None = None):
        user = None
        try:
            user = deps.current_user(request)
        except Exception:
            user = None
        response = deps.page(request, "error.html.j2", status=status, user=user,
                             title=word(title_key, deps.lang_of(request)), message=message)
        response.headers.update(headers or {})
        return response

    @app.exception_handler(deps.LoginRequired)
    async def login_required(request: Request, exc):
        from disputeflow.web.resume import login_target

        target = await login_target(request)
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)

    @app.exception_handler(deps.CsrfFailed)
    def csrf_failed(request: Request, exc):
        return error_page(request, 403, "forbidden", word("csrf_failed", deps.lang_of(request)))

    @app.exception_handler(DisputeflowError)
    def engine_error(request: Request, exc: DisputeflowError):
        key = {403: "forbidden", 404: "not_found", 409: "conflict", 503: "busy"}.get(exc.http_status, "error")
        status = exc.http_status if exc.http_status < 500 or exc.http_status == 503 else 500
        return error_page(request, status, key, exc.message(deps.lang_of(request)), retry_headers(exc))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException):
        if app_path(request).startswith("/api/"):  # an API caller gets a problem document, never a page
            from disputeflow.web.problems import http_detail, problem

            lang = deps.lang_of(request)
            detail = http_detail(exc.status_code, exc.detail if isinstance(exc.detail, str) else "", lang)
            return problem(exc.status_code, "http", detail, lang, request.url.path, headers=exc.headers)
        from disputeflow.web.problems import allow_headers, page_detail

        key = {403: "forbidden", 404: "not_found"}.get(exc.status_code, "error")
        detail = page_detail(exc.status_code, exc.detail if isinstance(exc.detail, str) else "", deps.lang_of(request))
        return error_page(request, exc.status_code, key, detail, allow_headers(request, exc.status_code, exc.headers))

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, exc: RequestValidationError):
        from disputeflow.web.problems import request_errors

        lang = deps.lang_of(request)
        return error_page(request, 400, "error", "；".join(f"{e['field']}：{e['detail']}"
                                                          for e in request_errors(exc, lang)))


def retry_headers(exc) -> dict:
    """``Retry-After`` for an error that passes by itself (busy), none for the others."""
    after = getattr(exc, "retry_after", None)
    return {"Retry-After": str(after)} if after else {}
