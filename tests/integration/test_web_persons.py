"""Key-person pages over real HTTP, on SQLite and PostgreSQL: who sees what, the contact and release forms.

Access is the engine's (details for the responsible grid officer, the lead
official and supervisors of the jurisdiction; a masked name for others in the
jurisdiction; 403 outside it); these tests check the pages keep to it and
that every form needs the session's CSRF token.
"""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import report
from tests.web_support import PASSWORD, client, csrf_of, live, login, post_form  # noqa: F401
from disputeflow.workflow.runtime import runtime_of


def register(engine, number=None):
    number = number or report(engine)
    pid = engine.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go",
                            lead_official="lead", id_number="110105198001011238", phone="13700001111",
                            address="甲村三组", reasons={"threat": "扬言报复"})["id"]
    return pid, number


def reads(engine, pid):
    with runtime_of(engine).db.connect() as c:
        return [(a, r) for a, r in c.execute(text(
            "SELECT actor, action FROM key_person_events WHERE person_id = :p AND action = 'read' ORDER BY seq"),
            {"p": pid}).all()]


def test_register_and_person_page_by_role(live):
    eng = live.engine
    eng.add_user("go2", "网格员小赵", "grid_officer", "v1-g1")
    eng.set_password("go2", PASSWORD)
    pid, number = register(eng)
    # the grid officer in charge: full name, details, the contact form
    go = login(live, "go")
    reg = go.get("/persons")
    assert reg.status_code == 200 and "重点人员稳控" in reg.text and 'data-nav="persons"' in reg.text
    assert "王大锤" in reg.text and 'data-masked="no"' in reg.text
    one = go.get(f"/persons/{pid}").text
    assert "王大锤" in one and "110105198001011238" in one and "扬言报复" in one and 'id="contact-form"' in one
    assert 'id="release-form"' not in one and number in one
    assert "网格员小王" in one and "包案领导" in one  # people by name, not by user id
    # another grid officer and a mediator of the jurisdiction: a masked name, no details, no forms
    for uid in ("go2", "med1"):
        c = login(live, uid)
        reg = c.get("/persons").text
        assert "王**" in reg and "王大锤" not in reg and 'data-masked="yes"' in reg
        one = c.get(f"/persons/{pid}").text
        assert "王**" in one and "王大锤" not in one and "13700001111" not in one and "扬言报复" not in one
        assert 'id="masked-note"' in one and 'id="contact-form"' not in one
    # outside the jurisdiction: refused, in Chinese
    med2 = login(live, "med2")
    assert f'data-person="{pid}"' not in med2.get("/persons").text
    r = med2.get(f"/persons/{pid}")
    assert r.status_code == 403 and "不在您的管辖范围内" in r.text
    assert login(live, "sup").get("/persons/999999").status_code == 404
    # the supervisor of the jurisdiction: details and the release form
    one = login(live, "sup").get(f"/persons/{pid}").text
    assert "王大锤" in one and 'id="release-form"' in one
    # every page view was audited by the engine, with the reader
    readers = [a for a, _ in reads(eng, pid)]
    for uid in ("go", "go2", "med1", "sup"):
        assert uid in readers


def test_pages_need_sign_in(live):
    pid, _ = register(live.engine)
    c = client(live)
    for path in ("/persons", f"/persons/{pid}"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_contacts_due_today_and_recording_a_contact(live, clock):
    eng = live.engine
    pid, _ = register(eng)
    clock.advance(hours=1)
    go = login(live, "go")
    html = go.get("/persons").text
    assert 'id="due-list"' in html and f'data-person="{pid}"' in html and 'data-status="due"' in html
    assert "待完成" in html
    # no CSRF token: refused, nothing written
    r = go.post(f"/persons/{pid}/contact", data={"method": "visit", "state": "情绪稳定"})
    assert r.status_code == 403 and "表单已过期" in r.text
    assert eng.person(pid, "go")["contacts"] == []
    r = post_form(go, f"/persons/{pid}", f"/persons/{pid}/contact",
                  {"method": "visit", "at": "2026-03-03T09:30", "state": "情绪稳定"})
    assert r.status_code == 303 and r.headers["location"] == f"/persons/{pid}"
    after = go.get(f"/persons/{pid}").text
    assert "已记录走访" in after and "情绪稳定" in after
    contacts = eng.person(pid, "go")["contacts"]
    assert len(contacts) == 1 and contacts[0]["method"] == "visit" and contacts[0]["at"] == "2026-03-03T09:30:00+08:00"
    assert 'data-status="met"' in go.get("/persons").text
    # a bad method and a time in the future: named in Chinese, nothing written
    r = post_form(go, f"/persons/{pid}", f"/persons/{pid}/contact", {"method": "carrier-pigeon", "at": "2026-03-04T08:30"})
    assert r.status_code == 400 and 'data-field="method"' in r.text and 'data-field="at"' in r.text
    assert "不能晚于现在" in r.text
    assert len(eng.person(pid, "go")["contacts"]) == 1
    # a mediator may not record a contact for a person not in their charge
    med = login(live, "med1")
    r = post_form(med, "/persons", f"/persons/{pid}/contact", {"method": "visit"})
    assert r.status_code == 403 and "只有责任网格员" in r.text


def test_release_is_a_supervisors_decision_once_cases_are_resolved(live):
    eng = live.engine
    pid, number = register(eng)
    sup = login(live, "sup")
    r = post_form(sup, f"/persons/{pid}", f"/persons/{pid}/release", {"reason": "纠纷已化解"})
    assert r.status_code == 400 and "关联案件尚未化解" in r.text and number in r.text
    assert eng.person(pid, "sup")["status"] == "controlled"
    r = sup.post(f"/persons/{pid}/release", data={"reason": "纠纷已化解"})  # no CSRF token
    assert r.status_code == 403 and eng.person(pid, "sup")["status"] == "controlled"
    go = login(live, "go")
    r = post_form(go, f"/persons/{pid}", f"/persons/{pid}/release", {"reason": "纠纷已化解"})
    assert r.status_code == 403 and "督办人员" in r.text
    eng.act(number, "withdraw", "med1", reason="当事人撤回")
    r = post_form(sup, f"/persons/{pid}", f"/persons/{pid}/release", {"reason": ""})
    assert r.status_code == 400 and "须说明解除理由" in r.text
    r = post_form(sup, f"/persons/{pid}", f"/persons/{pid}/release", {"reason": "纠纷已化解"})
    assert r.status_code == 303
    html = sup.get(f"/persons/{pid}").text
    assert "已解除稳控" in html and "纠纷已化解" in html and 'id="release-form"' not in html
    assert eng.person(pid, "sup")["status"] == "released"


def test_english_register(live):
    pid, _ = register(live.engine)
    c = login(live, "go")
    c.get("/lang/en?next=/persons")
    html = c.get("/persons").text
    assert "Key persons" in html and "Contacts due today" in html and "under control" in html


def test_register_a_key_person_from_the_web(live):
    eng = live.engine
    number = report(eng)
    go = login(live, "go")
    assert 'id="new-person"' in go.get("/persons").text
    form = go.get(f"/persons/new?case={number}").text
    assert "登记重点人员" in form and f'value="{number}"' in form and '<option value="go" selected' in form
    assert '<option value="lead"' in form  # the town's lead official, above the grid officer's village
    # no CSRF token: refused, nothing written
    r = go.post("/persons/new", data={"name": "王大锤", "cases": number, "risk": "high", "grid_officer": "go",
                                      "lead_official": "lead"})
    assert r.status_code == 403 and eng.persons("sup") == []
    # missing fields are named in Chinese and what was typed stays in the form
    typed = {"name": "王大锤", "cases": number, "risk": "", "grid_officer": "go", "lead_official": "",
             "id_number": "110105198001011238", "threat": "扬言报复"}
    r = post_form(go, "/persons/new", "/persons/new", typed)
    assert r.status_code == 400 and 'data-field="risk"' in r.text and 'data-field="lead_official"' in r.text
    assert "必填" in r.text and "请修改标红的项目" in r.text
    assert 'value="王大锤"' in r.text and 'value="110105198001011238"' in r.text and "扬言报复" in r.text
    r = post_form(go, "/persons/new", "/persons/new", {**typed, "risk": "high", "lead_official": "lead",
                                                       "kind": "group", "group_size": "很多"})
    assert r.status_code == 400 and "人数应为整数" in r.text
    r = post_form(go, "/persons/new", "/persons/new", {**typed, "risk": "high", "lead_official": "lead",
                                                       "cases": "没有这个案件"})
    assert r.status_code == 400 and "不存在" in r.text and 'data-field="cases"' in r.text
    assert eng.persons("sup") == []
    # registered: to the person's page, with the name masked in the notice
    r = post_form(go, "/persons/new", "/persons/new", {**typed, "risk": "high", "lead_official": "lead",
                                                       "phone": "13700001111"})
    assert r.status_code == 303
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    page_ = go.get(r.headers["location"]).text
    assert "已登记重点人员 王**" in page_ and "13700001111" in page_ and "扬言报复" in page_
    doc = eng.person(pid, "sup")
    assert doc["risk"] == "high" and doc["cases"] == [number] and doc["grid_officer"] == "go"
    assert doc["id_number"] == "110105198001011238" and doc["reasons"] == {"threat": "扬言报复"}
    assert "key_person" in eng.case(number)["flags"]


def test_register_form_roles_and_jurisdiction(live):
    eng = live.engine
    number = report(eng)
    # the administrator manages accounts, not key persons
    admin = login(live, "admin")
    assert 'id="new-person"' not in admin.get("/persons").text
    assert admin.get("/persons/new").status_code == 403
    # a mediator of another village may not put this village's case on the register; the form stays filled
    med2 = login(live, "med2")
    r = post_form(med2, "/persons/new", "/persons/new", {"name": "李某", "cases": number, "risk": "medium",
                                                         "grid_officer": "go", "lead_official": "lead"})
    assert r.status_code == 403 and "不在您的管辖范围内" in r.text and 'value="李某"' in r.text
    assert eng.persons("sup") == []
    # a mediator in the village registers for the grid officer: the mediator then sees only the masked name
    med1 = login(live, "med1")
    r = post_form(med1, "/persons/new", "/persons/new", {"name": "李某某", "cases": number, "risk": "medium",
                                                         "grid_officer": "go", "lead_official": "lead",
                                                         "phone": "13700002222"})
    assert r.status_code == 303
    html = med1.get(r.headers["location"]).text
    assert "李**" in html and "李某某" not in html and "13700002222" not in html


def test_register_a_person_without_a_case_from_the_web(live):
    eng = live.engine
    go = login(live, "go")
    form = go.get("/persons/new").text
    assert 'value="community_correction" >社区矫正对象</option>' in form and "稳控责任单位" in form
    base = {"name": "钱某", "cases": "", "risk": "high", "grid_officer": "go", "lead_official": "lead",
            "person_type": "drug_user", "stabilise_unit": "v1", "resolve_unit": "justice",
            "keeper_county": "sup", "keeper_town": "lead", "keeper_village": "nobody"}
    r = post_form(go, "/persons/new", "/persons/new", base)  # no case, no unit, an unknown 包保 user
    assert r.status_code == 400 and 'data-field="unit"' in r.text and 'data-field="keepers.village"' in r.text
    assert 'value="nobody"' in r.text and eng.persons("sup") == []
    r = post_form(go, "/persons/new", "/persons/new", {**base, "unit": "v1-g1", "keeper_village": "med1"})
    assert r.status_code == 303
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    html = go.get(r.headers["location"]).text
    assert "吸毒人员" in html and "试点司法所" in html and "调解员甲" in html
    doc = eng.person(pid, "sup")
    assert doc["cases"] == [] and doc["person_type"] == "drug_user" and doc["keepers"]["village"] == "med1"
