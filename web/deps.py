"""What every page needs: the signed-in actor, the language, CSRF checks and rendering.

Sessions are Starlette's signed cookie (itsdangerous): HttpOnly, SameSite=Lax,
holding the random session id, the CSRF token and the language, never the user
id. Whose the session is, and whether it still holds, is a row in the database
(:mod:`disputeflow.signin.web_sessions`) re-read on every request, so a
disabled user is out at once and a sign-out voids every copy of the cookie on
every worker and host; each of them must sign with the same secret.
Feature routers use these helpers too (see :mod:`web`).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from pathlib import Path as FilePath
from urllib.parse import quote

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import HTMLResponse

from disputeflow.web import nav
from disputeflow.web.i18n import LANGS, word
from disputeflow.web.mount import app_path, root_path

TEMPLATES = FilePath(__file__).resolve().parent.parent / "templates" / "web"


class LoginRequired(Exception):
    """Raised by :func:`current_user` when nobody is signed in; the app redirects to the sign-in page."""


class CsrfFailed(Exception):
    """A form post without the session's CSRF token."""


def engine_of(request: Request):
    """The one engine of the app; it serves every language, each call taking the reader's ``lang``."""
    return request.app.state.engine


def lang_of(request: Request) -> str:
    lang = request.session.get("lang") if "session" in request.scope else None
    return lang if lang in LANGS else request.app.state.default_lang


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> dict:
    """Read the posted form and refuse it unless it carries the session's CSRF token.

    Returns the form as a dict of lists (repeated names kept).
    """
    form = await request.form()
    sent = form.get("csrf") or ""
    expected = request.session.get("csrf") or ""
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        raise CsrfFailed()
    out: dict[str, list[str]] = {}
    for k, v in form.multi_items():
        out.setdefault(k, []).append(v if isinstance(v, str) else "")
    return out


def current_user(request: Request):
    """The signed-in actor (a dependency for every workspace page)."""
    from disputeflow.workflow.errors import NotPermitted

    sid = request.session.get("sid")
    if not sid:
        raise LoginRequired()
    engine = engine_of(request)
    uid = engine.session_user(sid)  # the database's record: revoked, lapsed or switched off is out on every worker
    if uid is None:
        request.session.clear()
        raise LoginRequired()
    try:
        return engine.resolve_actor(uid)
    except NotPermitted:
        request.session.clear()
        raise LoginRequired() from None


def units_of(engine, user) -> list[dict]:
    """The units a reader's pages offer and look up: at or under their own and those above it (an
    administrator's: all), never the whole directory of a city."""
    from disputeflow.workflow.runtime import runtime_of
    from disputeflow.workflow.units_users import units_within

    return units_within(runtime_of(engine), "/" if user.role == "admin" else user.unit_path)


def local_time(value: str | datetime | None, with_year: bool = True) -> str:
    """An ISO time shown in Asia/Shanghai, to the minute."""
    from disputeflow.workflow.timeutil import LOCAL_TZ

    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        return value.strftime("%Y-%m-%d %H:%M")
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M" if with_year else "%m-%d %H:%M")


def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["local"] = local_time
    return env


def templates(request: Request):
    env = getattr(request.app.state, "jinja", None)
    if env is None:
        env = request.app.state.jinja = _env()
    return env


def page(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    """Render a workspace page inside the common layout."""
    lang = lang_of(request)
    user = ctx.pop("user", None)
    base = {
        # ``path`` is the page's path inside the app; ``root`` the prefix the app is mounted under, written
        # before every address a page gives the browser (web.mount)
        "lang": lang, "user": user, "csrf": csrf_token(request), "path": app_path(request),
        "root": root_path(request.scope),
        "nav": nav.items_for(user.role if user else None) if user else [],
        "t": lambda key, **kw: word(key, lang, **kw), "quote": quote,
        "role_label": (lambda r: engine_of(request).role_label(r, lang)),
        "flash": request.session.pop("flash", None) if "session" in request.scope else None,
        # the cases a report just made may duplicate or repeat (web.pages.report), shown once with links
        "similar_notice": request.session.pop("similar", None) if "session" in request.scope else None,
        "menu_unread": _menu_unread(request, user),
    }
    base.update(ctx)
    html = templates(request).get_template(template).render(**base)
    return HTMLResponse(html, status_code=status)


def _menu_unread(request: Request, user) -> int:
    """The unread messages the menu's 消息 shows; none when nobody is signed in or the build has no inbox."""
    if user is None:
        return 0
    engine = engine_of(request)
    count = getattr(engine, "unread_count", None)
    try:
        return count(user) if count else 0
    except Exception:  # the menu never takes a page down with it
        return 0


def flash(request: Request, text: str) -> None:
    request.session["flash"] = text


# An id in a path (``/persons/{person_id}``): past the databases' 64-bit integers it is a 400 naming
# the parameter, not a driver error; the bound also goes into the API's OpenAPI document.
ID_MAX = 2**63 - 1
PersonId = Annotated[int, Path(ge=1, le=ID_MAX, description="the key person's id")]


def whole_number(text: str) -> int | None:
    """``text`` as a non-negative int when it is ASCII digits (``"²".isdigit()`` is true, ``int("²")`` fails)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 30 else None


MAX_PAGE = 1_000_000  # far past any list; keeps the offset inside the databases' 64-bit integers


def page_no(query_params) -> int:
    """The page a list was asked for: 1 for anything that is not a number, at most :data:`MAX_PAGE`.

    A page past the end shows an empty page; a number beyond the database's
    integers (``page=999…``, typed or crawled) must not become a server error.
    """
    try:
        return min(MAX_PAGE, max(1, int(query_params.get("page", "1"))))
    except (TypeError, ValueError):  # ValueError also for text of more than 4,300 digits
        return 1
