"""The workspace pages: sign-in, my work, report, case, board, supervised, inbox, workflow.

Every page reads through the engine facade with the signed-in actor, so the
engine's roles and jurisdiction decide what is shown; every form carries the
session's CSRF token and, for actions on a case, the version the person saw
(a stale form is a 409, never a silent overwrite).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from disputeflow.web import board_towns, deps, records, resume
from disputeflow.web.attachment_view import attachments_context
from disputeflow.web.deps import check_csrf, current_user, engine_of, flash, lang_of, page
from disputeflow.web.i18n import LANGS, word
from disputeflow.web.office import board_offices, mark_overdue, parent_summary

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
_LOCAL_PATH = re.compile(r"^/(?!/)[^\s\\]*$")


def _safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: an open redirect after sign-in would help phishing."""
    return target if target and _LOCAL_PATH.match(target) else default


def _page_no(request: Request) -> int:
    return deps.page_no(request.query_params)


def _pager(total: int, page_no: int, size: int = PAGE_SIZE) -> dict:
    pages = max(1, (total + size - 1) // size)
    return {"page": page_no, "pages": pages, "total": total, "prev": page_no - 1 if page_no > 1 else None,
            "next": page_no + 1 if page_no < pages else None}


def _open_pager(found: dict, page_no: int) -> dict:
    """Previous/next only: work lists do not count their whole jurisdiction."""
    return {"page": page_no, "pages": None, "total": None, "prev": page_no - 1 if page_no > 1 else None,
            "next": page_no + 1 if found["more"] else None}


# --------------------------------------------------------------------------- sign-in


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return page(request, "login.html.j2", next=_safe_next(next), error=None, user_id="")


@router.post("/login")
def login(request: Request, form: dict = Depends(check_csrf)):
    from disputeflow.signin.credentials import AuthError

    user_id = (form.get("user_id") or [""])[0]
    password = (form.get("password") or [""])[0]
    target = _safe_next((form.get("next") or ["/"])[0])
    engine = deps.engine_of(request)
    remote = request.client.host if request.client else None
    try:
        actor = engine.authenticate(user_id, password, remote)
    except AuthError as exc:
        return page(request, "login.html.j2", status=exc.http_status if exc.http_status != 401 else 401,
                    next=target, error=exc.message(lang_of(request)), user_id=user_id)
    lang = request.session.get("lang")
    kept = resume.carried(request.session)
    engine.end_session(request.session.get("sid"))  # whoever was signed in on this browser before
    request.session.clear()  # a fresh session (and CSRF token) on sign-in: no session fixation
    request.session["sid"] = engine.start_session(actor.id)  # the cookie holds the id; the row, whose it is
    if lang:
        request.session["lang"] = lang
    if kept:
        request.session["resume"] = kept
    deps.csrf_token(request)
    return RedirectResponse(target, status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/"):
    if code in LANGS:
        request.session["lang"] = code
    return RedirectResponse(_safe_next(next), status_code=303)


# --------------------------------------------------------------------------- my work


@router.get("/")
def my_work(request: Request, user=Depends(current_user)):
    if user.role == "office_staff":  # an office's work is what was sent to it: its desk of work orders
        return RedirectResponse("/office", status_code=303)
    engine = engine_of(request)
    page_no = _page_no(request)
    only_led = user.role == "lead_official" and request.query_params.get("led") == "1"
    work = engine.my_work(user, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, lang=lang_of(request),
                          led_by=user.id if only_led else None)
    led = None  # a lead official's own cases (我包案的) come first, above everything in the town
    if user.role == "lead_official" and not only_led and page_no == 1:
        led = engine.my_work(user, limit=PAGE_SIZE, lang=lang_of(request), led_by=user.id)["items"]
    return page(request, "work.html.j2", user=user, items=work["items"], pager=_open_pager(work, page_no), led=led,
                only_led=only_led)


# --------------------------------------------------------------------------- report


def _intake_context(engine, user, lang: str) -> dict:
    d = engine.definition()
    units = [u for u in deps.units_of(engine, user) if u["kind"] in ("village", "community", "grid", "town")
             and u["path"].startswith(user.unit_path)]
    return {
        "categories": {k: v.get(lang) for k, v in d.vocab["category"].items()},
        "sources": {k: v.get(lang) for k, v in d.vocab["source"].items()},
        "flags": {k: v.get(lang) for k, v in d.vocab["flag"].items()},
        "party_roles": {k: v.get(lang) for k, v in d.vocab["party_role"].items()},
        # how the mediation began and what is asked (人民调解法 art. 17), when the workflow asks for them
        "initiations": d.choices("initiation", lang) if d.intake.field("initiation") else {},
        "asks_request": d.intake.field("request") is not None,
        "size_fields": [n for n in SIZE_FIELDS if d.intake.field(n) is not None],
        "units": units,
        "labels": {f.name: f.label.get(lang) for f in d.intake.fields},
    }


PARTY_ROWS = 3  # shown at first; the form adds rows (static/report_form.js), up to inputs.PARTIES_MAX
PARTIES_MAX = 200
# The size and place of the dispute (涉及人数, 涉及金额, 发生地点), asked when the workflow has them.
SIZE_FIELDS = ("place", "people_involved", "amount_involved")
# A party row's inputs: the party's key and the form field (the particulars the mediation papers print included).
PARTY_INPUTS = {"name": "party_name", "role": "party_role", "phone": "party_phone", "id_number": "party_id",
                "gender": "party_gender", "ethnicity": "party_ethnicity", "birth_date": "party_birth_date",
                "occupation": "party_occupation", "address": "party_address",
                "legal_representative": "party_legal_representative"}


def _local_datetime(value: str) -> str:
    """``datetime-local`` inputs carry no zone: they are Shanghai time."""
    value = value.strip()
    if value and re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$", value):
        return value + "+08:00"
    return value


@router.get("/report")
def report_form(request: Request, user=Depends(current_user)):
    engine = engine_of(request)
    lang = lang_of(request)
    default_unit = user.unit_id
    values = {"unit": default_unit, "source": "grid", "flags": [],
              "parties": [{"name": "", "role": "applicant" if i == 0 else "respondent", "phone": "", "id_number": ""}
                          for i in range(PARTY_ROWS)]}
    return page(request, "report.html.j2", user=user, values=values, errors={}, **_intake_context(engine, user, lang))


@router.post("/report")
def report(request: Request, user=Depends(current_user), form: dict = Depends(check_csrf)):
    from disputeflow.workflow.errors import ValidationError

    engine = engine_of(request)
    lang = lang_of(request)
    one = lambda k: (form.get(k) or [""])[0].strip()  # noqa: E731
    from itertools import zip_longest

    rows = [{k: (v or "").strip() for k, v in zip(PARTY_INPUTS, values)}
            for values in zip_longest(*(form.get(f, []) for f in PARTY_INPUTS.values()))][:PARTIES_MAX + 1]
    filled = [(n, r) for n, r in enumerate(rows) if any(v for k, v in r.items() if k != "role")]
    fields = {"title": one("title"), "category": one("category"), "unit": one("unit"), "source": one("source"),
              "description": one("description"), "flags": form.get("flags", []),
              "parties": [{k: v for k, v in r.items() if v} for _, r in filled]}
    if one("occurred_at"):
        fields["occurred_at"] = _local_datetime(one("occurred_at"))
    for name in ("initiation", "request", *SIZE_FIELDS):
        if one(name):
            fields[name] = one(name)
    payload = {k: v for k, v in fields.items() if v not in ("", [], None)}
    try:
        out = engine.report(user, **payload)
    except ValidationError as exc:
        errors = {}
        for e in exc.errors:
            name = e.field
            m = re.match(r"^parties\[(\d+)\](?:\.(\w+))?$", name)
            if m:  # back to the form's own row numbers
                n = int(m.group(1)) - 1
                row = filled[n][0] if n < len(filled) else 0
                name = f"party_{row}_{m.group(2) or 'name'}"
            errors[name] = e.message(lang)
        while len(rows) < PARTY_ROWS:
            rows.append({"name": "", "role": "respondent", "phone": "", "id_number": ""})
        values = {**fields, "parties": rows, "occurred_at": one("occurred_at")}
        return page(request, "report.html.j2", status=400, user=user, values=values, errors=errors,
                    **_intake_context(engine, user, lang))
    flash(request, word("reported_ok", lang, number=out.number))
    if out.data.get("similar") or out.data.get("repeat_of"):  # warned on the new case's page, never refused
        request.session["similar"] = {"similar": [{"number": c["number"]} for c in out.data.get("similar", [])],
                                      "repeat_of": out.data.get("repeat_of", [])}
    return RedirectResponse(f"/cases/{out.number}", status_code=303)


# --------------------------------------------------------------------------- case page


def _case_context(engine, number: str, user, lang: str) -> dict:
    case = engine.case(number, user, lang)
    actions = engine.actions(number, user, lang=lang)
    people, offices = records.assignees(engine, case["unit"], user.role)  # who and where may take the case
    d = engine.definition(case["definition"], case["definition_version"])
    history = records.timeline(engine, d, engine.history(number, user, lang=lang), lang)
    mark_overdue(case.get("work_orders") or [], engine.clock.now())
    return {"case": case, "history": history, "people": people, "offices": offices, "d": d,
            "parent": parent_summary(engine, case, user, lang), **attachments_context(engine, number, user, actions)}


@router.get("/cases/{number}")
def case_page(request: Request, number: str, user=Depends(current_user)):
    engine = engine_of(request)
    lang = lang_of(request)
    form_action = request.query_params.get("form") or None  # back from signing in again: that form, open
    values = resume.take(request, f"/cases/{number}", form_action) if form_action else {}
    return page(request, "case.html.j2", user=user, form_errors={}, form_values=values, form_action=form_action,
                notice=None, **_case_context(engine, number, user, lang))


def _action_data(spec: dict | None, form: dict) -> dict:
    """Turn a posted action form into the facade's fields (empty optional fields dropped)."""
    data = {}
    fields = spec["fields"] if spec else []
    for f in fields:
        name = f["name"]
        values = [v.strip() for v in form.get(name, []) if v.strip()]
        if f["type"] == "choices":
            if values:
                data[name] = values
        elif f["type"] == "bool":
            data[name] = bool(values)
        elif f["type"] == "datetime":
            if values:
                data[name] = _local_datetime(values[0])
        elif f["type"] == "parties":
            party = {k: (form.get(f"{name}_{k}") or [""])[0].strip() for k in ("name", "role", "phone", "id_number")}
            party = {k: v for k, v in party.items() if v}
            if party:
                data[name] = [party]
        elif values:
            data[name] = values[0]
    note = (form.get("note") or [""])[0].strip()
    if note:
        data["note"] = note
    return data


@router.post("/cases/{number}/act/{action}")
def act(request: Request, number: str, action: str, user=Depends(current_user), form: dict = Depends(check_csrf)):
    from disputeflow.workflow.errors import Conflict, InvalidAction, NotPermitted, ValidationError

    engine = engine_of(request)
    lang = lang_of(request)
    specs = {a["action"]: a for a in engine.actions(number, user, lang=lang)}
    data = _action_data(specs.get(action), form)
    version = (form.get("version") or [""])[0]
    expected = deps.whole_number(version)  # one past 64 bits is refused by the engine, naming the field
    target = _safe_next((form.get("next") or [""])[0], f"/cases/{number}")
    try:
        engine.act(number, action, user, expected_version=expected, **data)
    except (ValidationError, Conflict, InvalidAction, NotPermitted) as exc:
        errors = {e.field: e.message(lang) for e in exc.errors} if isinstance(exc, ValidationError) else {}
        notice = exc.message(lang) + ("" if not isinstance(exc, Conflict) else " " + word("conflict_hint", lang))
        if target.startswith("/board"):  # a board form: back to the board and its filters, with the reason
            labels = {f["name"]: f["label"] for f in (specs.get(action) or {}).get("fields", [])}
            said = "；".join(f"{labels.get(k, k)}：{m}" for k, m in errors.items()) if errors else notice
            request.session["board_error"] = f"{number}：{said}"
            return RedirectResponse(target, status_code=303)
        if isinstance(exc, NotPermitted):
            raise
        values = {k: v for k, v in form.items() if k not in ("csrf",)}
        return page(request, "case.html.j2", status=exc.http_status, user=user, form_errors=errors,
                    form_values=values, form_action=action, notice=notice,
                    **_case_context(engine, number, user, lang))
    label = specs[action]["label"] if action in specs else action
    flash(request, word("done_ok", lang, action=label))
    return RedirectResponse(target, status_code=303)


# --------------------------------------------------------------------------- the board

BOARD_ROLES = ("supervisor", "lead_official", "admin")


@router.get("/board")
def board(request: Request, user=Depends(current_user)):
    from disputeflow.workflow.errors import NotPermitted

    error = request.session.pop("board_error", None)  # a board form that failed comes back here with why
    if user.role not in BOARD_ROLES:
        raise NotPermitted("督办看板仅供督办人员、包案领导查看", "the overdue board is for supervisors and lead officials")
    engine = engine_of(request)
    lang = lang_of(request)
    q = request.query_params
    units = deps.units_of(engine, user)  # the reader's subtree and the units above it
    lookup = board_towns.unit_lookup(units)
    paths = {u["id"]: u["path"] for u in units}
    names = {u["id"]: u["name"] for u in units}
    village = q.get("village") if q.get("village") in paths else None  # an unknown village: the whole board
    as_of = engine.clock.now()
    counts: dict[str, int] = {}
    for unit_id, n in engine.overdue_counts(as_of=as_of, unit=village, actor=user).items():
        key = board_towns.village_of(paths.get(unit_id, ""), lookup)
        counts[key] = counts.get(key, 0) + n
    filters = {key: q.get(key) or None for key in ("clock", "level", "risk")}
    page_no = _page_no(request)
    # rows are deadlines, the heading counts cases (a case late on two clocks is one case)
    found = engine.overdue_page(as_of=as_of, unit=village, actor=user, limit=PAGE_SIZE,
                                offset=(page_no - 1) * PAGE_SIZE, count=True, lang=lang, **filters)
    shown, total = found["items"], found["total"] or 0
    pager = {**_pager(total, page_no), "cases": found["cases"] or 0}
    records.extension_limits(engine, shown, as_of)
    d = engine.definition()
    villages = [u for u in units if (u["kind"] in ("village", "community") or u["kind"] == "town"
                                     and u["path"] != user.unit_path) and u["path"].startswith(user.unit_path)]
    query = "&".join(f"{k}={deps.quote(v)}" for k, v in q.items() if k != "page" and v)
    return page(request, "board.html.j2", user=user, rows=shown, pager=pager, villages=villages,
                counts=sorted(((names.get(k, k), n, k) for k, n in counts.items() if k), key=lambda x: -x[1]),
                office_overdue=board_offices(engine, user, lang),  # the section by receiving office
                screening_overdue=engine.screening_overdue(as_of, None, user),  # units late on 排查 or 零报告
                clocks={k: v.get(lang) for k, v in d.clocks.items() if k != "tier"},
                risks={k: v.get(lang) for k, v in d.vocab["risk"].items()},
                levels=("warning", "level1", "level2", "level3"), filters=dict(q), query=query,
                supervision_levels={k: v.get(lang) for k, v in d.vocab["level"].items()},
                lapses=engine.overdue_lapses(as_of=as_of, unit=village, actor=user, lang=lang, **filters),  # apart
                may_list=user.role == "supervisor", error=error, towns=board_towns.by_town(engine, user, units, as_of, lang))


# --------------------------------------------------------------------------- supervised, inbox, workflow


@router.get("/supervised")
def supervised(request: Request, user=Depends(current_user)):
    engine = engine_of(request)
    page_no = _page_no(request)
    found = engine.supervised_cases(user, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, lang=lang_of(request))
    return page(request, "supervised.html.j2", user=user, items=found["items"], pager=_open_pager(found, page_no))


def inbox_available(engine) -> bool:
    """The in-app inbox (``engine.inbox``/``mark_read``/``unread_count``) is provided by the notifications
    package; a build without it shows a notice instead of failing. It is addressed by user id."""
    return all(hasattr(engine, m) for m in ("inbox", "mark_read", "unread_count"))


@router.get("/inbox")
def inbox(request: Request, user=Depends(current_user)):
    engine = engine_of(request)
    lang = lang_of(request)
    if not inbox_available(engine):
        return page(request, "inbox.html.j2", user=user, available=False, messages=[], unread=0, pager=None)
    page_no = _page_no(request)
    unread_only = request.query_params.get("unread") == "1"
    messages = engine.inbox(user.id, unread_only=unread_only, limit=PAGE_SIZE + 1, offset=(page_no - 1) * PAGE_SIZE,
                            lang=lang)
    more = len(messages) > PAGE_SIZE
    return page(request, "inbox.html.j2", user=user, available=True, messages=messages[:PAGE_SIZE],
                unread=engine.unread_count(user.id),
                pager={"page": page_no, "prev": page_no - 1 if page_no > 1 else None,
                       "next": page_no + 1 if more else None, "pages": None, "total": None})


@router.post("/inbox/read")
def inbox_read(request: Request, user=Depends(current_user), form: dict = Depends(check_csrf)):
    engine = engine_of(request)
    if inbox_available(engine):
        ids = [n for n in map(deps.whole_number, form.get("id", [])) if n is not None]
        engine.mark_read(user.id, ids or None)
    return RedirectResponse("/inbox", status_code=303)


@router.get("/workflow")
def workflow_page(request: Request, user=Depends(current_user)):
    from disputeflow.web.diagram import svg

    engine = engine_of(request)
    lang = lang_of(request)
    d = engine.definition()
    return page(request, "workflow.html.j2", user=user, svg=svg(d, lang), definition=d,
                actions=[(a.label.get(lang), [d.state_label(s, lang) for s in a.sources],
                          d.state_label(a.dest, lang) if a.dest else "—", [engine.role_label(r, lang) for r in a.roles])
                         for a in d.actions])
