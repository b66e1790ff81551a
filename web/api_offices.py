"""The API's work-order routes across cases: an office's desk, and overdue work orders by receiving office.

The same reads as the office's desk page and the board's office section, so a
phone app or a county platform sees what the workspace shows.
"""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI, Query, Request

from disputeflow.web.api_models import ERRORS, Limit, Offset, page, request_lang, time_param


def add_office_routes(api: FastAPI, engine, actor) -> None:
    """Add /work-orders and /overdue/work-orders over ``engine``; ``actor`` is the bearer-token dependency."""

    @api.get("/work-orders", responses=ERRORS,
             summary="Work orders sent to the caller's office (office staff): pending, handling, reported_back")
    def desk(request: Request, state: Optional[str] = Query(None, max_length=40), limit: int = Limit,
             offset: int = Offset, who=Depends(actor)):
        found = engine.office_desk(who, state, limit=limit + 1, offset=offset, lang=request_lang(request))
        doc = page(found["items"], limit, offset)
        doc.update(office=found["office"], office_name=found["office_name"], counts=found["counts"])
        return doc

    @api.get("/overdue/work-orders", responses=ERRORS,
             summary="Overdue work orders on the caller's board, grouped under the receiving office")
    def overdue_by_office(request: Request, as_of: Optional[str] = Query(None, max_length=64), who=Depends(actor)):
        return {"items": engine.overdue_work_orders(time_param("as_of", as_of), who, lang=request_lang(request))}
