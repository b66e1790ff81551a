"""The workspace pages over real HTTP (uvicorn on loopback), on SQLite and PostgreSQL.

Every page and every refusal: not signed in, wrong password and lock-out,
missing CSRF token, wrong role, another jurisdiction, stale version.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.conftest import report
from tests.web_support import PASSWORD, client, csrf_of, live, login, post_form, sqlite_url  # noqa: F401


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url

PAGES = ["/", "/report", "/board", "/supervised", "/inbox", "/workflow"]


def test_every_page_needs_sign_in(live):
    n = report(live.engine)
    c = client(live)
    for path in PAGES + [f"/cases/{n}"]:
        r = c.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=")


def test_sign_in_sets_a_signed_http_only_same_site_cookie_and_sign_out_needs_csrf(live):
    c = client(live)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "user_id": "med1", "password": PASSWORD, "next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    home = c.get("/")
    assert home.status_code == 200 and "调解员甲" in home.text
    assert c.post("/logout", data={}).status_code == 403  # no CSRF token: refused
    assert c.get("/").status_code == 200
    r = c.post("/logout", data={"csrf": csrf_of(home.text)})
    assert r.status_code == 303
    assert c.get("/").status_code == 303


def test_sign_in_refuses_a_missing_csrf_token(live):
    c = client(live)
    c.get("/login")
    r = c.post("/login", data={"user_id": "med1", "password": PASSWORD})
    assert r.status_code == 403
    assert "表单已过期" in r.text


def test_wrong_password_then_lock_out_after_repeated_failures(live, clock):
    c = client(live)
    for _ in range(5):
        r = post_form(c, "/login", "/login", {"user_id": "med1", "password": "wrong-password"})
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = post_form(c, "/login", "/login", {"user_id": "med1", "password": PASSWORD})
    assert r.status_code == 429 and "锁定" in r.text  # even the right password waits
    clock.advance(minutes=16)
    r = post_form(c, "/login", "/login", {"user_id": "med1", "password": PASSWORD})
    assert r.status_code == 303


def test_sign_in_never_redirects_off_site(live):
    c = client(live)
    r = post_form(c, "/login", "/login", {"user_id": "med1", "password": PASSWORD, "next": "//evil.example/x"})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_my_work_lists_only_my_jurisdiction_nearest_deadline_first(live, clock):
    eng = live.engine
    a = report(eng, title="甲村纠纷一")
    clock.advance(hours=1)
    b = report(eng, title="甲村纠纷二", flags=["violence"])  # critical: 4-hour assessment clock, due first
    other = eng.report("med2", title="乙村纠纷", category="land", unit="v2",
                       parties=[{"name": "王五"}]).number
    c = login(live, "med1")
    html = c.get("/").text
    assert a in html and b in html and other not in html
    assert html.index(b) < html.index(a)
    assert html.count("<tr class=\"row-") == 2


def test_grid_officer_reports_on_the_form_and_lands_on_the_case(live):
    c = login(live, "go")
    page = c.get("/report")
    assert page.status_code == 200 and "登记纠纷" in page.text
    r = c.post("/report", data={
        "csrf": csrf_of(page.text), "title": "鸡鸭进菜园纠纷", "category": "neighbour", "unit": "v1-g1",
        "source": "grid", "party_name": ["赵大", "钱二", ""], "party_role": ["applicant", "respondent", "respondent"],
        "party_phone": ["13812345678", "", ""], "party_id": ["", "", ""], "flags": ["violence"],
        "occurred_at": "2026-03-02T18:30", "description": "双方因鸡鸭进菜园争吵"})
    assert r.status_code == 303 and r.headers["location"].startswith("/cases/")
    number = unquote(r.headers["location"].rsplit("/", 1)[1])
    case = live.engine.case(number)
    assert case["title"] == "鸡鸭进菜园纠纷" and case["risk"] == "critical" and len(case["parties"]) == 2
    shown = c.get(r.headers["location"]).text
    assert f"已登记：{number}" in shown
    assert "138****5678" in shown and "13812345678" not in shown  # a grid officer sees phones masked


def test_report_errors_are_per_field_in_chinese_and_the_form_comes_back_filled(live):
    c = login(live, "go")
    page = c.get("/report")
    r = c.post("/report", data={
        "csrf": csrf_of(page.text), "title": "水渠纠纷", "category": "", "unit": "v1-g1", "source": "grid",
        "party_name": ["", "孙三", ""], "party_role": ["applicant", "respondent", "respondent"],
        "party_phone": ["", "12345", ""], "party_id": ["", "", ""]})
    assert r.status_code == 400
    html = r.text
    assert "请修改标红的项目" in html
    assert 'data-field="category"' in html and "纠纷类型为必填项" in html
    assert 'data-field="party_1_phone"' in html and "格式有误" in html  # the second row, where it was typed
    assert 'value="水渠纠纷"' in html and 'value="孙三"' in html and 'value="12345"' in html
    assert live.engine.list_cases() == []


def test_report_without_csrf_token_writes_nothing(live):
    c = login(live, "go")
    r = c.post("/report", data={"title": "x", "category": "neighbour", "unit": "v1-g1", "party_name": "赵大"})
    assert r.status_code == 403
    assert live.engine.list_cases() == []


def test_case_page_shows_facts_clocks_timeline_and_exactly_my_actions(live):
    n = report(live.engine)
    live.engine.act(n, "assign", "sup", mediator="med1")
    c = login(live, "med1")
    html = c.get(f"/cases/{n}").text
    assert "宅基地边界纠纷" in html and "13812348000" in html  # a mediator needs the phone in full
    assert "研判时限" in html and "办理记录" in html and "指派" in html
    mine = live.engine.actions(n, "med1")
    assert mine
    assert 'id="attach-form"' in html  # attach and detach are offered in the attachments block instead
    for a in mine:
        if a["action"] in ("attach", "detach"):
            continue
        if a["available"]:
            assert f'data-action="{a["action"]}"' in html and f'action="/cases/{n}/act/{a["action"]}"' in html
        else:  # shown with the reason, but no form to submit
            assert f'data-waiting="{a["action"]}"' in html and f'action="/cases/{n}/act/{a["action"]}"' not in html
    assert 'data-action="close"' not in html  # a supervisor's action, not offered to a mediator


def test_other_jurisdiction_is_403_and_unknown_case_404(live):
    n = report(live.engine)
    c = login(live, "med2")
    r = c.get(f"/cases/{n}")
    assert r.status_code == 403 and "不在您的管辖范围内" in r.text and "宅基地边界纠纷" not in r.text
    assert post_form(c, "/", f"/cases/{n}/act/assess", {"risk": "low", "version": "1"}).status_code == 403
    assert c.get("/cases/双乳-2026-999999").status_code == 404


def test_action_forms_move_the_case_and_refuse_stale_wrong_role_and_missing_csrf(live):
    eng = live.engine
    n = report(eng)
    c = login(live, "med1")
    page = c.get(f"/cases/{n}").text
    token = csrf_of(page)
    r = c.post(f"/cases/{n}/act/assess", data={"csrf": token, "version": "1", "risk": "low", "note": "现场核实"})
    assert r.status_code == 303 and eng.case(n)["state"] == "assessed"
    stale = c.post(f"/cases/{n}/act/mediate", data={"csrf": token, "version": "1"})
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    assert eng.case(n)["state"] == "assessed"
    assert c.post(f"/cases/{n}/act/mediate", data={"version": "2"}).status_code == 403  # no CSRF token
    wrong_state = c.post(f"/cases/{n}/act/close", data={"csrf": token, "version": "2"})
    assert wrong_state.status_code in (403, 409)
    bad = c.post(f"/cases/{n}/act/reopen", data={"csrf": token, "version": "2"})
    assert bad.status_code == 409
    go = login(live, "go")
    refused = post_form(go, f"/cases/{n}", f"/cases/{n}/act/mediate", {"version": "2"})
    assert refused.status_code == 403 and "须由" in refused.text
    waiting = c.get(f"/cases/{n}").text  # mediation waits for 告知, and says so
    assert 'data-waiting="mediate"' in waiting and "权利义务告知" in waiting
    assert 'data-action="inform"' in waiting and 'name="informed_parties"' in waiting
    told = c.post(f"/cases/{n}/act/inform", data={"csrf": token, "version": "2", "informed_parties": "张三、李四",
                                                   "method": "written"})
    assert told.status_code == 303 and eng.case(n)["data"]["notices"][0]["method"] == "written"
    ok = c.post(f"/cases/{n}/act/mediate", data={"csrf": token, "version": "3"})
    assert ok.status_code == 303 and eng.case(n)["state"] == "mediating"


def test_action_validation_errors_come_back_on_the_case_page(live):
    n = report(live.engine)
    c = login(live, "med1")
    r = post_form(c, f"/cases/{n}", f"/cases/{n}/act/assess", {"version": "1", "risk": "extreme"})
    assert r.status_code == 400 and 'data-field="risk"' in r.text and "不是有效选项" in r.text
    assert live.engine.case(n)["state"] == "reported"


def test_board_is_for_supervisors_filters_counts_and_lists_for_supervision(live, clock):
    eng = live.engine
    a = report(eng)
    b = eng.report("med2", title="乙村纠纷", category="land", unit="v2", parties=[{"name": "王五"}]).number
    clock.advance(days=1, hours=1)  # both assess clocks overdue; an extension to 5 March still lies ahead
    assert login(live, "med1").get("/board").status_code == 403
    assert login(live, "go").get("/board").status_code == 403
    c = login(live, "sup")
    html = c.get("/board").text
    assert a in html and b in html and "各村逾期数" in html
    assert 'data-village="v1">1<' in html and 'data-village="v2">1<' in html
    only_v2 = c.get("/board", params={"village": "v2"}).text
    assert b in only_v2 and a not in only_v2
    assert a not in c.get("/board", params={"clock": "resolve"}).text
    assert a in c.get("/board", params={"clock": "assess", "risk": "low"}).text
    r = post_form(c, "/board", f"/cases/{a}/act/supervise",
                  {"level": "town", "authority": "镇综治中心", "deadline": "2026-03-20T17:00", "next": "/board"})
    assert r.status_code == 303 and r.headers["location"] == "/board"
    assert eng.case(a)["supervision"]["level"] == "town"
    listed = c.get("/supervised").text
    assert a in listed and "镇综治中心" in listed and "2026-03-20 17:00" in listed
    r = post_form(c, "/board", f"/cases/{b}/act/extend",
                  {"clock": "assess", "until": "2026-03-05T09:00", "reason": "当事人外出", "next": "/board"})
    assert r.status_code == 303
    clock_doc = [k for k in eng.case(b)["deadlines"] if k["clock"] == "assess"][0]
    assert clock_doc["extended"] and clock_doc["due_at"].startswith("2026-03-05T09:00")
    r = post_form(c, "/board", f"/cases/{b}/act/extend",
                  {"clock": "assess", "until": "2026-03-05T10:00", "reason": "再次延期", "next": "/board"})
    # one extension per clock: refused, back on the board with the reason
    assert r.status_code == 303 and r.headers["location"] == "/board"
    assert "已延期过一次" in c.get("/board").text


def test_supervised_page_is_confined_to_jurisdiction(live):
    eng = live.engine
    a = report(eng)
    eng.act(a, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-20T17:00+08:00")
    assert a in login(live, "med1").get("/supervised").text
    assert a not in login(live, "med2").get("/supervised").text


@pytest.mark.parametrize("path", ["/", "/inbox", "/persons", "/supervised", "/board"])
def test_a_page_number_past_the_end_or_past_any_integer_shows_an_empty_list(live, path):
    a = report(live.engine)
    sup = login(live, "sup")
    for page in ("99", "9" * 30, "9" * 5000, "-1", "二"):
        r = sup.get(path, params={"page": page})
        assert r.status_code == 200, (page, r.status_code)
        if page in ("99", "9" * 30) and path in ("/", "/board"):
            assert a not in r.text  # past the end: the page is empty, not page 1 again
    assert a in sup.get("/", params={"page": "1"}).text


def test_workflow_page_draws_the_definition_as_inline_svg(live):
    html = login(live, "go").get("/workflow").text
    assert "<svg" in html and "已登记" in html and "已销号" in html and 'data-state="mediating"' in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")


def test_inbox_page_explains_when_the_inbox_is_missing(live):
    from disputeflow.web.pages import inbox_available

    c = login(live, "med1")
    html = c.get("/inbox").text
    if inbox_available(live.engine):
        assert 'id="messages"' in html
    else:
        assert "本版本未包含站内消息功能" in html


def test_inbox_lists_and_marks_read(live):
    from disputeflow.web.pages import inbox_available

    if not inbox_available(live.engine):
        pytest.skip("in-app inbox not available in this build")
    eng = live.engine
    n = report(eng)
    eng.dispatch()
    c = login(live, "med1")
    html = c.get("/inbox").text
    assert n in html
    before = eng.unread_count("med1")
    assert before >= 1
    r = post_form(c, "/inbox", "/inbox/read", {})
    assert r.status_code == 303 and eng.unread_count("med1") == 0
    assert post_form(c, "/inbox", "/inbox/read", {}, csrf="").status_code == 403


def test_english_is_one_click_away(live):
    c = login(live, "med1")
    r = c.get("/lang/en", params={"next": "/board"})
    assert r.status_code == 303 and r.headers["location"] == "/board"
    html = c.get("/").text
    assert "My work" in html and "Sign out" in html


def test_static_assets_ship_with_the_package_and_pages_use_no_cdn(live):
    c = login(live, "med1")
    assert c.get("/static/app.css").status_code == 200
    for path in PAGES:
        html = c.get(path).text
        assert "https://" not in html and "//cdn" not in html, path


def test_health_reports_database_scheduler_and_outbox(live):
    report(live.engine)
    doc = client(live).get("/healthz").json()
    assert doc["database"] is True and doc["scheduler"] == {"enabled": False, "alive": False, "leader": False}
    assert doc["outbox"]["pending"] >= 1 and doc["ok"] is True


def test_work_list_pages_in_due_order_with_undated_cases_last(live, clock):
    eng = live.engine
    numbers = []
    for i in range(4):
        numbers.append(report(eng, title=f"纠纷{i}"))
        clock.advance(minutes=10)
    eng.act(numbers[0], "assess", "med1", risk="low")  # no running deadline now (mediation not begun)
    seen, offset = [], 0
    while True:
        page = eng.my_work("med1", limit=2, offset=offset)
        seen += [i["number"] for i in page["items"]]
        if not page["more"]:
            break
        offset += 2
    assert seen == numbers[1:] + [numbers[0]]
    c = login(live, "med1")
    assert "下一页" not in c.get("/").text


def test_a_tampered_or_signed_out_session_cookie_is_not_a_session(live):
    c = login(live, "med1")
    assert c.get("/").status_code == 200
    value = c.cookies.get("df_session")
    forged = client(live)
    forged.cookies.set("df_session", value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    assert forged.get("/").status_code == 303
    other = client(live)
    other.cookies.set("df_session", value)  # a copied genuine cookie works …
    assert other.get("/").status_code == 200
    home = c.get("/")
    assert c.post("/logout/all", data={"csrf": csrf_of(home.text)}).status_code == 303
    assert other.get("/").status_code == 303  # … until its user signs out everywhere


def test_a_password_change_ends_existing_sessions(live):
    c = login(live, "med1")
    assert c.get("/").status_code == 200
    live.engine.set_password("med1", "another-password-1")
    assert c.get("/").status_code == 303


def test_a_partly_performed_agreement_is_closed_from_the_form_with_the_supervisors_reason(live):
    eng = live.engine
    n = report(eng)
    eng.act(n, "assess", "med1", risk="low")
    eng.act(n, "inform", "med1", informed_parties="张三、李四", method="oral")
    eng.act(n, "mediate", "med1")
    eng.act(n, "resolve", "med1", outcome="written_agreement", agreement="分两期付清")
    eng.act(n, "follow_up", "med1", method="visit", satisfaction="satisfied", performance="partly")
    c = login(live, "sup")
    page = c.get(f"/cases/{n}").text
    # the refusal names the form's own field: the form stays open and says what it needs
    assert 'data-action="close"' in page and 'data-needs="close"' in page and "销号理由" in page
    token = csrf_of(page)
    version = str(eng.case(n)["version"])
    refused = c.post(f"/cases/{n}/act/close", data={"csrf": token, "version": version})
    assert refused.status_code == 400 and 'data-field="close_reason"' in refused.text
    ok = c.post(f"/cases/{n}/act/close", data={"csrf": token, "version": version, "close_reason": "余款已申请司法确认"})
    assert ok.status_code == 303 and eng.case(n)["state"] == "closed"


def test_the_intake_form_takes_the_particulars_the_papers_print(live):
    c = login(live, "go")
    page = c.get("/report")
    assert 'name="party_gender"' in page.text and 'name="party_birth_date"' in page.text
    base = {"csrf": csrf_of(page.text), "title": "货款纠纷", "category": "contract", "unit": "v1-g1", "source": "grid",
            "party_name": ["赵大", "某某公司"], "party_role": ["applicant", "respondent"], "party_phone": ["", ""],
            "party_id": ["", ""], "party_gender": ["male", ""], "party_ethnicity": ["满族", ""],
            "party_occupation": ["司机", ""], "party_address": ["甲村5组", "工业路2号"],
            "party_legal_representative": ["", "钱二"]}
    r = c.post("/report", data={**base, "party_birth_date": ["2099-01-01", ""]})
    assert r.status_code == 400 and 'data-field="party_0_birth_date"' in r.text and 'value="满族"' in r.text
    r = c.post("/report", data={**base, "party_birth_date": ["1970-02-03", ""]})
    assert r.status_code == 303
    number = unquote(r.headers["location"].rsplit("/", 1)[1])
    first, second = live.engine.case(number, "sup")["parties"]
    assert (first["gender"], first["ethnicity"], first["birth_date"], first["occupation"]) == ("male", "满族", "1970-02-03", "司机")
    assert (second["kind"], second["legal_representative"], second["address"]) == ("organisation", "钱二", "工业路2号")
    shown = login(live, "sup").get(r.headers["location"]).text
    assert "男，满族，1970-02-03，司机，甲村5组" in shown and "法定代表人（单位当事人）：钱二" in shown
