"""Signing out: on this device, or everywhere (every session of the person ends)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from disputeflow.web import deps
from disputeflow.web.deps import check_csrf

router = APIRouter(include_in_schema=False)


@router.post("/logout")
def logout(request: Request, form: dict = Depends(check_csrf)):
    """Sign out on this device: its session record is revoked (a copy of the cookie dies with it) and the
    cookie emptied; the person's other devices stay signed in."""
    deps.engine_of(request).end_session(request.session.get("sid"))
    return _signed_out(request)


@router.post("/logout/all")
def logout_everywhere(request: Request, form: dict = Depends(check_csrf)):
    """Sign out everywhere: every session of the user ends (a lost phone, a shared computer)."""
    engine = deps.engine_of(request)
    uid = engine.session_user(request.session.get("sid"))
    if uid:
        engine.end_sessions(uid)
    return _signed_out(request)


def _signed_out(request: Request):
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    return RedirectResponse("/login", status_code=303)
