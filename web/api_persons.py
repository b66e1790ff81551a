"""The API's key-person routes (重点人员): the register, one person, and contacts with them.

Names and identities are shown only to those in charge of the person; every
person a caller reads is logged as read by the engine.
"""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI, Query, Request

from disputeflow.web.api_models import ERRORS, ContactIn, Limit, Offset, PersonIn, request_lang, time_param
from disputeflow.web.deps import PersonId


def add_person_routes(api: FastAPI, engine, actor) -> None:
    """Add the /persons routes over ``engine``; ``actor`` is the bearer-token dependency."""

    @api.get("/persons", responses=ERRORS,
             summary="The key-person register (重点人员) within the caller's jurisdiction")
    def persons(request: Request, status: Optional[str] = Query(None, pattern="^(controlled|released)$"),
                unit: Optional[str] = Query(None, max_length=64), limit: int = Limit, offset: int = Offset,
                who=Depends(actor)):
        """Names are masked for callers not in charge of the person; every person listed is logged as read."""
        found = engine.persons_page(who, status=status, unit=unit, limit=limit, offset=offset,
                                    lang=request_lang(request))
        return {"items": found["items"], "limit": limit, "offset": offset,
                "next_offset": offset + limit if found["more"] else None}

    @api.post("/persons", status_code=201, responses=ERRORS, summary="Register a key person or group (登记重点人员)")
    def register_person(body: PersonIn, request: Request, who=Depends(actor)):
        """Grid officers, mediators, lead officials and supervisors register within their jurisdiction; the
        person's duties (visits, reports) start at once and the linked cases' risk floor rises to the person's.
        Returns the new id, the risk, the linked cases and the duties; the identity stays on the person's page."""
        return engine.add_person(who, **body.model_dump(exclude_none=True))

    @api.get("/persons/{person_id}", responses=ERRORS,
             summary="One key person (details only for those in charge)")
    def person(person_id: PersonId, request: Request, who=Depends(actor)):
        """Details (identity, reasons, contacts, duties) for the responsible grid officer, the lead official and
        supervisors of the jurisdiction; a masked summary for others in the jurisdiction. Every read is logged."""
        return engine.person(person_id, who, lang=request_lang(request))

    @api.post("/persons/{person_id}/contacts", status_code=201, responses=ERRORS,
              summary="Record a contact with a key person (走访记录)")
    def person_contact(person_id: PersonId, body: ContactIn, request: Request, who=Depends(actor)):
        """Meets the duties the method satisfies for the period the contact falls in; an alarming contact
        raises the person's risk one level and alerts the lead official."""
        return engine.record_contact(person_id, who, method=body.method, at=time_param("at", body.at),
                                     state=body.state, alarming=body.alarming, note=body.note)
