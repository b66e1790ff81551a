"""The API's report route: the jurisdiction reports (台账, 统计, 零报告, 例会议程, 交办办理情况) as files or as data.

The same reports as ``disputeflow report`` and the workspace's 报表 page, so a
figure another system fetches matches the one people print.
"""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI, Path, Query, Request

from disputeflow.web.api_models import ERRORS, request_lang


def add_report_routes(api: FastAPI, engine, actor) -> None:
    """Add the /reports route over ``engine``; ``actor`` is the bearer-token dependency."""

    @api.get("/reports/{kind}", responses={**ERRORS, 200: {"description": "The report as a file, or its dataset "
                                                                    "as JSON with format=json"}},
             summary="A jurisdiction report (台账, 统计, 月度统计表, 零报告, 例会议程, 交办办理情况) as a file or as data")
    def jurisdiction_report(kind: str = Path(..., pattern="^(ledger|stats|month|nil|agenda|offices)$"), *, request: Request,
                            format: Optional[str] = Query(None, pattern="^(csv|xlsx|html|md|json)$"),
                            unit: Optional[str] = None, month: Optional[str] = None, year: Optional[str] = None,
                            start: Optional[str] = None, end: Optional[str] = None,
                            date: Optional[str] = Query(None, description="agenda: the meeting day"),
                            since: Optional[str] = Query(None, description="agenda: the last meeting day"),
                            who=Depends(actor)):
        """The same reports as ``disputeflow report`` and the workspace's 报表 page, for the token's jurisdiction:
        figures replayed from the audit log as of the period's end. ``format=json`` gives the dataset."""
        from disputeflow.web.reports import file_response

        params = {k: v.strip() for k, v in (("unit", unit), ("month", month), ("year", year), ("start", start),
                                            ("end", end), ("date", date), ("since", since)) if v and v.strip()}
        if format == "json":
            return engine.report_data(kind, actor=who, **params)
        name, body, mime = engine.report_file(kind, fmt=format, actor=who, lang=request_lang(request), **params)
        return file_response(name, body, mime)
