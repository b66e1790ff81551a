"""The API's request and problem models and what every resource's routes share.

The models bound every string and list, so an oversized request is refused with
a 400 before it reaches the engine; paging is the same on every list.
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field

from disputeflow.web.deps import ID_MAX

MAX_OFFSET = 1_000_000_000


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    instance: Optional[str] = None
    errors: Optional[list[dict[str, str]]] = None
    allowed: Optional[list[str]] = None


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    role: Optional[str] = Field(None, max_length=40)
    phone: Optional[str] = Field(None, max_length=40)
    id_number: Optional[str] = Field(None, max_length=40)
    address: Optional[str] = Field(None, max_length=500)
    # The particulars the mediation papers print (disputeflow.workflow.party_particulars checks them).
    kind: Optional[str] = Field(None, max_length=40, description="person (default) or organisation")
    gender: Optional[str] = Field(None, max_length=40, description="male or female (男/女)")
    ethnicity: Optional[str] = Field(None, max_length=40)
    birth_date: Optional[str] = Field(None, max_length=20, description="YYYY-MM-DD; filled from the ID number")
    occupation: Optional[str] = Field(None, max_length=100)
    legal_representative: Optional[str] = Field(None, max_length=200, description="an organisation's 法定代表人")


class ReportIn(BaseModel):
    """A new dispute (登记). Field meanings as in ``disputeflow case open``."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=500)
    category: str = Field(max_length=40)
    unit: str = Field(max_length=64)
    parties: list[PartyIn] = Field(max_length=200)
    description: Optional[str] = Field(None, max_length=10000)
    source: Optional[str] = Field(None, max_length=40)
    flags: Optional[list[str]] = Field(None, max_length=20)
    occurred_at: Optional[str] = Field(None, max_length=64)
    place: Optional[str] = Field(None, max_length=400)
    people_involved: Optional[int] = Field(None, ge=0, le=2**31 - 1)
    amount_involved: Optional[int] = Field(None, ge=0, le=2**31 - 1)


class ActIn(BaseModel):
    """One action on a case: its fields in ``data``; ``expected_version`` guards against lost updates."""

    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any] = Field(default_factory=dict)
    note: Optional[str] = Field(None, max_length=2000)
    expected_version: Optional[int] = Field(None, ge=0, le=2**31)


class ContactIn(BaseModel):
    """A contact with a key person (走访): ``method`` is visit, phone or report; ``at`` defaults to now."""

    model_config = ConfigDict(extra="forbid")
    method: str = Field(max_length=20)
    at: Optional[str] = Field(None, max_length=64)
    state: str = Field("", max_length=2000)
    alarming: bool = False
    note: str = Field("", max_length=2000)


class PersonIn(BaseModel):
    """A key person or group to put under control (重点人员登记). Field meanings as in ``disputeflow person add``."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    cases: list[str] = Field([], max_length=50)  # none: a person registered without a case (unit required)
    risk: str = Field(max_length=20)
    grid_officer: str = Field(max_length=64)
    lead_official: str = Field(max_length=64)
    unit: Optional[str] = Field(None, max_length=64)
    kind: str = Field("person", max_length=20)
    group_size: Optional[int] = Field(None, ge=0, le=100_000)
    id_number: Optional[str] = Field(None, max_length=40)
    phone: Optional[str] = Field(None, max_length=40)
    address: Optional[str] = Field(None, max_length=500)
    reasons: Optional[dict[str, str]] = Field(None, max_length=10)
    person_type: Optional[str] = Field(None, max_length=30)
    stabilise_unit: Optional[str] = Field(None, max_length=64)
    resolve_unit: Optional[str] = Field(None, max_length=64)
    keepers: Optional[dict[str, str]] = Field(None, max_length=3)


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: Optional[list[Annotated[int, Field(ge=1, le=ID_MAX)]]] = Field(None, max_length=1000)


# What a report download may be besides its JSON dataset (disputeflow/reports/files.py).
REPORT_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/html",
                "text/markdown")
ERRORS = {status: {"model": Problem, "content": {"application/problem+json": {}}}
          for status in (400, 401, 403, 404, 409)}


def request_lang(request: Request) -> str:
    """The caller's language: ``?lang=`` first, then Accept-Language; Chinese unless asked otherwise."""
    q = request.query_params.get("lang")
    if q in ("zh_CN", "en"):
        return q
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh_CN"


def page(items: list, limit: int, offset: int, total: int | None = None) -> dict:
    """A list page from ``limit + 1`` fetched rows: the extra row only says whether a next page exists."""
    more = len(items) > limit
    doc = {"items": items[:limit], "limit": limit, "offset": offset,
           "next_offset": offset + limit if more else None}
    if total is not None:
        doc["total"] = total
    return doc


Limit = Query(50, ge=1, le=200)
Offset = Query(0, ge=0, le=MAX_OFFSET)


def time_param(name: str, text: str | None):
    """A time given in a request, or None when absent; a bad one is a 400 naming ``name``, like a bad field."""
    from disputeflow.workflow.errors import ValidationError
    from disputeflow.workflow.timeutil import parse_time

    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError as exc:
        raise ValidationError.one(name, getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))) from None
