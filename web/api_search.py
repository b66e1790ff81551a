"""The API's finding routes: case search (by number, title, party, phone, ID number …) and repeated disputes.

Added before the case routes so that ``/cases/search`` is not read as a case
numbered "search". Every route acts as the token's actor: jurisdiction and
masking are the engine's.
"""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI, Query, Request

from disputeflow.web.api_models import ERRORS, Limit, Offset, page, request_lang


def add_search_routes(api: FastAPI, engine, actor) -> None:
    """Add GET /cases/search and GET /board/repeats over ``engine``; ``actor`` is the bearer-token dependency."""

    @api.get("/cases/search", responses=ERRORS,
             summary="Search cases: number, title, party, exact phone or ID number, unit, category, state, dates")
    def search(request: Request, q: Optional[str] = Query(None, max_length=100),
               number: Optional[str] = Query(None, max_length=100), title: Optional[str] = Query(None, max_length=100),
               party: Optional[str] = Query(None, max_length=100), phone: Optional[str] = Query(None, max_length=40),
               id_number: Optional[str] = Query(None, max_length=40), unit: Optional[str] = Query(None, max_length=64),
               category: Optional[str] = Query(None, max_length=40), state: Optional[str] = Query(None, max_length=40),
               reported_from: Optional[str] = Query(None, max_length=10),
               reported_to: Optional[str] = Query(None, max_length=10), mine: bool = False,
               limit: int = Limit, offset: int = Offset, who=Depends(actor)):
        """``q`` is read as a phone, an ID number, a case number, or words of a title or a party's name;
        phones and ID numbers match exactly after normalising; dates are local days (both ends included);
        ``mine`` lists the caller's own reports (我上报的). Parties are masked by the caller's role."""
        filters = {k: v for k, v in dict(q=q, number=number, title=title, party=party, phone=phone,
                                         id_number=id_number, unit=unit, category=category, state=state,
                                         reported_from=reported_from, reported_to=reported_to, mine=mine).items() if v}
        found = engine.search_cases(who, limit=limit + 1, offset=offset, lang=request_lang(request), **filters)
        return {**page(found["items"], limit, offset), "filters": found["filters"]}

    @api.get("/board/repeats", responses=ERRORS, summary="Parties in repeated disputes (反复纠纷) and their cases")
    def repeats(request: Request, unit: Optional[str] = Query(None, max_length=64), limit: int = Limit,
                who=Depends(actor)):
        return engine.repeat_parties(who, unit=unit, limit=limit, lang=request_lang(request))
