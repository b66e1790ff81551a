"""The API's screening routes (排查): rounds, what is owed, filed reports (零报告), sensitive periods, figures."""

from __future__ import annotations

from datetime import date
from typing import Optional

from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field

from disputeflow.web.api_models import ERRORS


class NewCaseIn(BaseModel):
    """A dispute the round found that is not on record yet: opened by the ordinary intake in the round's unit."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=500)
    category: str = Field(max_length=40)
    parties: list[dict] = Field(max_length=200)
    description: Optional[str] = Field(None, max_length=10000)


class RoundIn(BaseModel):
    """A screening round: ``cases`` found on record, ``new_cases`` to open, or ``none_found``."""

    model_config = ConfigDict(extra="forbid")
    unit: Optional[str] = Field(None, max_length=64)
    held_on: Optional[date] = None
    participants: list[str] = Field(max_length=100)
    coverage: str = Field("", max_length=2000)
    households: Optional[int] = Field(None, ge=0, le=1_000_000)
    cases: list[str] = Field(default_factory=list, max_length=200)
    new_cases: list[NewCaseIn] = Field(default_factory=list, max_length=50)
    none_found: bool = False
    note: str = Field("", max_length=2000)


class FilingIn(BaseModel):
    """A periodic report for the period holding ``period`` (default today)."""

    model_config = ConfigDict(extra="forbid")
    unit: Optional[str] = Field(None, max_length=64)
    period: Optional[date] = None
    cadence: Optional[str] = Field(None, pattern="^(day|half_month|month|quarter)$")
    note: str = Field("", max_length=2000)


class SensitiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    starts_on: date
    ends_on: date
    units: list[str] = Field(max_length=200)


def add_screening_routes(api: FastAPI, engine, actor) -> None:
    """Add the /screening routes over ``engine``; ``actor`` is the bearer-token dependency."""

    @api.post("/screening/rounds", status_code=201, responses=ERRORS, summary="Record a screening round (登记排查)")
    def record_round(body: RoundIn, who=Depends(actor)):
        """Meets the unit's round duty for the period holding the day; links the cases found, opening new ones."""
        fields = body.model_dump(exclude_none=True)
        fields["new_cases"] = [c.model_dump(exclude_none=True) for c in body.new_cases]
        return engine.record_round(who, **fields)

    @api.get("/screening/rounds", responses=ERRORS, summary="Screening rounds on record (排查记录)")
    def rounds(unit: Optional[str] = Query(None, max_length=64), since: Optional[date] = None,
               until: Optional[date] = None, who=Depends(actor)):
        return {"items": engine.screening_rounds(who, unit, since, until)}

    @api.get("/screening/due", responses=ERRORS, summary="What each unit owes for the current periods")
    def due(unit: Optional[str] = Query(None, max_length=64), who=Depends(actor)):
        return {"items": engine.screening_due(who, unit)}

    @api.post("/screening/reports", status_code=201, responses=ERRORS,
              summary="File a unit's periodic report: found N or a nil report (零报告)")
    def file_report(body: FilingIn, who=Depends(actor)):
        """Refused when no round of the period is on record (400) or the period's report was filed (409)."""
        return engine.file_screening_report(who, **body.model_dump(exclude_none=True))

    @api.post("/screening/sensitive", status_code=201, responses=ERRORS,
              summary="Set a sensitive period (敏感期): the units screen and report daily")
    def sensitive(body: SensitiveIn, who=Depends(actor)):
        return engine.set_sensitive_period(who, **body.model_dump())

    @api.get("/screening/filing", responses=ERRORS,
             summary="Rounds due, held, on time; reports due, filed, on time, per unit (按时报送率)")
    def filing(since: date = Query(..., alias="from"), until: date = Query(..., alias="to"),
               unit: Optional[str] = Query(None, max_length=64), who=Depends(actor)):
        return engine.screening_filing(since, until, unit, who)

    @api.get("/screening/overdue", responses=ERRORS, summary="Units with a round or report past due (the board)")
    def overdue(unit: Optional[str] = Query(None, max_length=64), who=Depends(actor)):
        return {"items": engine.screening_overdue(None, unit, who)}
