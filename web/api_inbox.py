"""The API's in-app message routes: the caller's inbox and marking messages read.

A build without the inbox answers 501 rather than 404, so a caller can tell a
missing feature from a wrong address.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request

from disputeflow.web.api_models import ERRORS, Limit, Offset, ReadIn, page, request_lang


def _inbox(e):
    from disputeflow.workflow.errors import DisputeflowError as Base

    if not all(hasattr(e, m) for m in ("inbox", "mark_read", "unread_count")):
        err = Base("本版本未包含站内消息功能", "the in-app inbox is not part of this build")
        err.http_status, err.code = 501, "not_implemented"
        raise err


def add_inbox_routes(api: FastAPI, engine, actor) -> None:
    """Add the /notifications routes over ``engine``; ``actor`` is the bearer-token dependency."""

    @api.get("/notifications", responses={**ERRORS, 501: ERRORS[400]}, summary="The caller's in-app messages")
    def notifications(request: Request, unread_only: bool = False, limit: int = Limit, offset: int = Offset,
                      who=Depends(actor)):
        _inbox(engine)
        rows = engine.inbox(who, unread_only=unread_only, limit=limit + 1, offset=offset, lang=request_lang(request))
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
