"""The office's desk page (站所交办工作台): work orders sent to the signed-in office worker's office, one tab per
step of the loop (待签收 / 办理中 / 已反馈), each row with its running clock and linked to the work order's page.

The work order's own page is the case page, which for a child case puts its
parent's summary above the sign-for and feedback forms; the desk only lists.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request

from disputeflow.web import deps
from disputeflow.web.deps import current_user, engine_of, lang_of, page
from disputeflow.web.nav import NavItem
from disputeflow.workflow.office_work import DESK_STATES

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem("office", "/office", "交办工作台", "Work orders", ("office_staff",), order=15)]
PAGE_SIZE = 50


@router.get("/office")
def office_desk(request: Request, user=Depends(current_user)):
    engine = engine_of(request)
    state = request.query_params.get("state") or DESK_STATES[0]
    if state not in (*DESK_STATES, "done"):
        state = DESK_STATES[0]
    page_no = deps.page_no(request.query_params)
    found = engine.office_desk(user, state, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, lang=lang_of(request))
    pager = {"page": page_no, "pages": None, "total": None, "prev": page_no - 1 if page_no > 1 else None,
             "next": page_no + 1 if found["more"] else None}
    return page(request, "office.html.j2", user=user, desk=found, state=state, tabs=(*DESK_STATES, "done"),
                pager=pager)


def mark_overdue(orders: list[dict], now: datetime) -> list[dict]:
    """The case page's work orders with each running clock marked ``overdue`` once its due time has passed."""
    for o in orders:
        for k in o.get("deadlines", ()):
            due = k.get("due_at")
            k["overdue"] = k.get("status") == "running" and due is not None and datetime.fromisoformat(due) <= now
        o["overdue"] = any(k.get("overdue") for k in o.get("deadlines", ()))
    return orders


def parent_summary(engine, case: dict, user, lang: str) -> dict | None:
    """The parent of a work order as its reader may read it (None for a case of its own or a parent out of reach)."""
    from disputeflow.workflow.errors import NotPermitted

    if not case.get("parent"):
        return None
    try:
        return engine.case(case["parent"], user, lang)
    except NotPermitted:
        return None


def board_offices(engine, user, lang: str) -> list[dict]:
    """The board's section of overdue work orders under the receiving office (empty for no one late)."""
    return engine.overdue_work_orders(engine.clock.now(), user, lang=lang)
