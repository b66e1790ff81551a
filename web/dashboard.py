"""领导驾驶舱: the leader's dashboard for supervisors and lead officials (inline SVG, nothing from a CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from disputeflow.web.deps import current_user, engine_of, lang_of, page
from disputeflow.web.i18n import WORDS
from disputeflow.web.nav import NavItem

router = APIRouter(include_in_schema=False)

ROLES = ("supervisor", "lead_official", "admin")
NAV_ITEMS = (NavItem("dashboard", "/dashboard", "领导驾驶舱", "Dashboard", ROLES, order=35),)

WORDS.update({
    "dashboard": ("领导驾驶舱", "Leader's dashboard"),
    "dash_open": ("在办案件", "Open cases"),
    "dash_by_stage": ("在办案件：按阶段和风险", "Open cases by stage and risk"),
    "dash_stage": ("阶段", "Stage"),
    "dash_total": ("合计", "Total"),
    "dash_intake": ("本月受理", "Reported this month"),
    "dash_resolved": ("本月化解", "Resolved this month"),
    "dash_vs_last": ("上月 {n}", "last month {n}"),
    "dash_overdue": ("逾期案件", "Overdue cases"),
    "dash_overdue_village": ("逾期：按村（社区）", "Overdue by village"),
    "dash_overdue_office": ("逾期交办：按站所", "Overdue work orders by office"),
    "dash_villages": ("村（社区）排名", "Villages ranked"),
    "dash_village": ("村（社区）", "Village"),
    "dash_heat": ("纠纷类型 × 村（社区）：在办案件", "Category × village: open cases"),
    "dash_none": ("暂无", "None"),
    "dash_month_chart": ("本月与上月", "This month and last"),
})


def heat_class(n: int, top: int) -> str:
    if not n or not top:
        return "heat-0"
    return f"heat-{min(4, 1 + (4 * n - 1) // top)}"


@router.get("/dashboard")
def dashboard(request: Request, user=Depends(current_user)):
    from disputeflow.reports.dashboard import build
    from disputeflow.workflow.errors import NotPermitted

    if user.role not in ROLES:
        raise NotPermitted("领导驾驶舱仅供督办人员、包案领导查看", "the dashboard is for supervisors and lead officials")
    lang = lang_of(request)
    data = build(engine_of(request), user, lang)
    top_village = max((v["open"] + v["overdue"] for v in data["villages"]), default=0)
    return page(request, "dashboard.html.j2", user=user, dash=data, heat_class=heat_class, top_village=top_village)
