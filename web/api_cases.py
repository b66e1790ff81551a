"""The API's case routes: report, list, read, act on cases, and the overdue board over them.

Every route acts as the token's actor, so the engine's roles and jurisdiction
decide what each caller sees and may do, exactly as on the command line.
"""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI, Query, Request

from disputeflow.web.api_models import ERRORS, ActIn, Limit, Offset, ReportIn, page, request_lang, time_param

RESERVED = frozenset({"number", "action", "actor", "expected_version"})


def add_case_routes(api: FastAPI, engine, actor) -> None:
    """Add the /cases and /overdue routes over ``engine``; ``actor`` is the bearer-token dependency."""

    @api.post("/cases", status_code=201, responses=ERRORS, summary="Report a dispute (登记)")
    def open_case(body: ReportIn, request: Request, who=Depends(actor)):
        fields = body.model_dump(exclude_none=True)
        out = engine.report(who, **fields)
        # possible duplicate reports and the earlier cases of a repeated dispute: a warning, never a refusal
        return {"number": out.number, "state": out.to_state, "version": out.version,
                "similar": out.data.get("similar", []), "repeat_of": out.data.get("repeat_of", [])}

    @api.get("/cases", responses=ERRORS, summary="List cases in the caller's jurisdiction")
    def list_cases(request: Request, state: Optional[str] = Query(None, max_length=40),
                   unit: Optional[str] = Query(None, max_length=64), limit: int = Limit, offset: int = Offset,
                   who=Depends(actor)):
        rows = engine.list_cases(who, state=state, unit=unit, limit=limit + 1, offset=offset,
                                 lang=request_lang(request))
        return page(rows, limit, offset)

    @api.get("/cases/{number}", responses=ERRORS, summary="One case (parties masked by role)")
    def show(number: str, request: Request, who=Depends(actor)):
        return engine.case(number, who, request_lang(request))

    @api.get("/cases/{number}/actions", responses=ERRORS, summary="Actions the caller may take now")
    def actions(number: str, request: Request, who=Depends(actor)):
        return {"items": engine.actions(number, who, lang=request_lang(request))}

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
        done = {"number": out.number, "action": out.event, "from_state": out.from_state, "to_state": out.to_state,
                "version": out.version, "seq": out.seq}
        if "spawned" in out.data:
            done["work_order"] = out.data["spawned"]  # the child case (交办单) the action opened
        return done

    @api.get("/cases/{number}/offices", responses=ERRORS,
             summary="Offices to dispatch a work order to, those handling the case's category first")
    def offices(number: str, who=Depends(actor)):
        return {"items": engine.offices_for(number, who)}

    @api.get("/cases/{number}/history", responses=ERRORS, summary="The case's audit timeline")
    def history(number: str, request: Request, limit: int = Limit, offset: int = Offset, who=Depends(actor)):
        rows = engine.history(number, who, lang=request_lang(request))
        return page(rows[offset:offset + limit + 1], limit, offset, total=len(rows))

    @api.get("/overdue", responses=ERRORS, summary="The supervisor's board: overdue clocks, worst first")
    def overdue(request: Request, unit: Optional[str] = Query(None, max_length=64),
                clock: Optional[str] = Query(None, max_length=40), level: Optional[str] = Query(None, max_length=20),
                risk: Optional[str] = Query(None, max_length=20), as_of: Optional[str] = Query(None, max_length=64),
                limit: int = Limit, offset: int = Offset, who=Depends(actor)):
        found = engine.overdue_page(as_of=time_param("as_of", as_of), unit=unit, actor=who, clock=clock, level=level,
                                    risk=risk, limit=limit + 1, offset=offset, lang=request_lang(request))
        lapses = engine.overdue_lapses(as_of=time_param("as_of", as_of), unit=unit, actor=who, clock=clock,
                                       level=level, risk=risk, lang=request_lang(request))
        return {**page(found["items"], limit, offset, total=found["total"]), "cases": found["cases"],  # distinct
                "key_person_lapses": lapses}  # a group of its own, counted apart from the cases

    @api.get("/overdue/towns", responses=ERRORS,
             summary="The board by town: overdue, open and listed per town, and the cases listed at county level")
    def overdue_by_town(request: Request, as_of: Optional[str] = Query(None, max_length=64), who=Depends(actor)):
        return engine.town_board(as_of=time_param("as_of", as_of), actor=who, lang=request_lang(request))
