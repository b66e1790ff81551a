"""The case page's attachments: upload from a phone (camera or gallery) or a desk, see thumbnails, open, delete.

An upload is a multipart form carrying the session's CSRF token; a refused file
(type, size) shows the case page again with the reason. Files and thumbnails
are served only after the engine has checked that the reader may read the case.
"""

from __future__ import annotations

import hmac

from anyio import to_thread
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from disputeflow.web import deps
from disputeflow.web.deps import CsrfFailed, current_user, engine_of, flash, lang_of
from disputeflow.web.files_out import file_response
from disputeflow.web.i18n import word
from disputeflow.web.pages import _case_context

router = APIRouter(include_in_schema=False)

MAX_FILES = 10  # files in one upload (a phone's multi-select)

async def _multipart(request: Request):
    form = await request.form(max_files=MAX_FILES * 2, max_fields=20)
    sent = str(form.get("csrf") or "")
    expected = request.session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent, str(expected)):
        await form.close()
        raise CsrfFailed()
    return form


@router.post("/cases/{number}/attachments")
async def upload(request: Request, number: str, user=Depends(current_user)):
    from disputeflow.workflow.errors import InvalidAction, ValidationError

    engine = engine_of(request)
    lang = lang_of(request)
    form = await _multipart(request)
    try:
        uploads = [f for f in form.getlist("file") + form.getlist("photo")
                   if isinstance(f, UploadFile) and f.filename]
        if not uploads or len(uploads) > MAX_FILES:
            problem = word("attach_empty", lang) if not uploads else word("attach_too_many", lang, n=MAX_FILES)
            return await to_thread.run_sync(_again, request, engine, number, user, lang, problem, 400)
        limit = engine.attachment_max_bytes + 1
        files = [(u.filename, await u.read(limit)) for u in uploads]
    finally:
        await form.close()
    names = []
    for name, data in files:
        try:
            got = await to_thread.run_sync(engine.attach, number, user, name, data)
        except (ValidationError, InvalidAction) as exc:
            prefix = word("attach_ok", lang, names="、".join(names)) + "；" if names else ""
            message = f"{prefix}{name}：{exc.message(lang)}"
            return await to_thread.run_sync(_again, request, engine, number, user, lang, message, exc.http_status)
        names.append(got["name"])
    flash(request, word("attach_ok", lang, names="、".join(names)))
    return RedirectResponse(f"/cases/{number}#attachments", status_code=303)


def _again(request: Request, engine, number: str, user, lang: str, notice: str, status: int):
    return deps.page(request, "case.html.j2", status=status, user=user, form_errors={}, form_values={},
                     form_action=None, notice=notice, **_case_context(engine, number, user, lang))


@router.get("/cases/{number}/attachments/{attachment_id}")
def download(request: Request, number: str, attachment_id: int = Path(ge=1, le=deps.ID_MAX),
             user=Depends(current_user)):
    engine = engine_of(request)
    return file_response(*engine.attachment_file(number, attachment_id, user),
                         download=request.query_params.get("download") == "1")


@router.get("/cases/{number}/attachments/{attachment_id}/thumb")
def thumb(request: Request, number: str, attachment_id: int = Path(ge=1, le=deps.ID_MAX),
          user=Depends(current_user)):
    return file_response(*engine_of(request).attachment_file(number, attachment_id, user, thumbnail=True))


@router.post("/cases/{number}/attachments/{attachment_id}/delete")
def delete(request: Request, number: str, attachment_id: int = Path(ge=1, le=deps.ID_MAX),
           user=Depends(current_user), form: dict = Depends(deps.check_csrf)):
    from disputeflow.workflow.errors import InvalidAction, ValidationError

    engine = engine_of(request)
    lang = lang_of(request)
    reason = (form.get("reason") or [""])[0].strip() or None
    try:
        done = engine.detach(number, attachment_id, user, reason=reason)
    except (ValidationError, InvalidAction) as exc:
        return _again(request, engine, number, user, lang, exc.message(lang), exc.http_status)
    flash(request, word("detach_ok", lang, name=done["name"]))
    return RedirectResponse(f"/cases/{number}#attachments", status_code=303)
