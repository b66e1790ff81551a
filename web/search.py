"""The search pages: the search box's results (search and 我上报的) and the board's parties in repeated disputes.

Both read through the engine with the signed-in person, so jurisdiction and
masking are the engine's (a grid officer sees phones masked, a supervisor in
full). A malformed phone or date shows on the form, never as an error page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from disputeflow.web import deps
from disputeflow.web.deps import current_user, engine_of, lang_of, page
from disputeflow.web.nav import NavItem

router = APIRouter(include_in_schema=False)

REPORTERS = ("grid_officer", "mediator", "supervisor")
BOARD_ROLES = ("supervisor", "lead_official", "admin")
NAV_ITEMS = [NavItem("mine", "/search?mine=1", "我上报的", "My reports", REPORTERS, order=25),
             NavItem("repeats", "/board/repeats", "反复纠纷", "Repeat disputes", BOARD_ROLES, order=35)]
FIELDS = ("q", "party", "phone", "id_number", "unit", "category", "state", "reported_from", "reported_to", "mine")
PAGE = 50

WORDS = {
    "search": ("查找案件", "Find cases"), "mine": ("我上报的", "My reports"), "q": ("关键词", "Keywords"),
    "q_hint": ("编号、名称、当事人姓名、电话或身份证号", "number, title, party name, phone or ID number"),
    "party": ("当事人姓名", "Party name"), "phone": ("当事人电话", "Party phone"),
    "id_number": ("身份证号码", "ID number"), "unit": ("村（社区）", "Village"), "category": ("纠纷类型", "Category"),
    "state": ("状态", "State"), "reported_from": ("登记日期自", "Reported from"), "reported_to": ("至", "to"),
    "any": ("全部", "Any"), "more_filters": ("更多条件", "More filters"), "go": ("查找", "Search"), "none": ("没有找到符合条件的案件。", "No case matches."),
    "number": ("编号", "Number"), "title": ("纠纷名称", "Title"), "parties": ("当事人", "Parties"),
    "reported_at": ("登记时间", "Reported"), "found": ("共 {n} 件", "{n} found"), "more": ("下一页", "Next page"),
    "repeats": ("反复纠纷的当事人", "Parties in repeated disputes"), "cases": ("件数", "Cases"),
    "open": ("未办结", "Open"), "case_list": ("案件", "Cases"), "key": ("号码", "Number"),
    "repeats_hint": ("{months} 个月内 {n} 起以上纠纷的当事人（按电话或身份证号）。依据：{source}",
                     "Parties on {n} or more disputes within {months} months (by phone or ID number). Source: {source}"),
    "no_repeats": ("没有反复纠纷的当事人。", "No party has repeated disputes."),
}


def _w(lang: str):
    return lambda key, **kw: WORDS[key][1 if lang.startswith("en") else 0].format(**kw)


def _choices(engine, user, lang: str) -> dict:
    d = engine.definition()
    units = [u for u in deps.units_of(engine, user) if u["kind"] in ("town", "village", "community", "grid")
             and u["path"].startswith("/" if user.role == "admin" else user.unit_path)]
    return {"categories": {k: v.get(lang) for k, v in d.vocab["category"].items()},
            "states": {s.name: d.state_label(s.name, lang) for s in d.states}, "units": units}


@router.get("/search")
def search_page(request: Request, user=Depends(current_user)):
    from disputeflow.workflow.errors import NotFound, ValidationError

    engine = engine_of(request)
    lang = lang_of(request)
    q = request.query_params
    values = {k: (q.get(k) or "").strip() for k in FIELDS}
    filters = {k: v for k, v in values.items() if v}
    try:
        offset = max(0, min(int(q.get("offset") or 0), 100_000))
    except ValueError:
        offset = 0
    errors, found = {}, {"items": [], "filters": {}}
    if filters:
        try:
            found = engine.search_cases(user, limit=PAGE + 1, offset=offset, lang=lang, **filters)
        except ValidationError as exc:
            errors = {e.field: e.message(lang) for e in exc.errors}
        except NotFound as exc:
            errors = {"unit": exc.message(lang)}
    items = found["items"]
    more = offset + PAGE if len(items) > PAGE else None
    return page(request, "search.html.j2", status=400 if errors else 200, user=user, values=values, errors=errors,
                items=items[:PAGE], searched=bool(filters), offset=offset, more=more, w=_w(lang), qs=urlencode(filters),
                **_choices(engine, user, lang))


@router.get("/board/repeats")
def repeats_page(request: Request, user=Depends(current_user)):
    from disputeflow.workflow.errors import NotPermitted

    if user.role not in BOARD_ROLES:
        raise NotPermitted("反复纠纷名单仅供督办人员、包案领导查看", "the repeat-dispute list is for supervisors and lead officials")
    engine = engine_of(request)
    lang = lang_of(request)
    found = engine.repeat_parties(user, lang=lang)
    policy = engine.policy.repeats
    return page(request, "repeats.html.j2", user=user, found=found, w=_w(lang), months=policy.repeat_months)
