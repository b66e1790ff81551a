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


def register(engine, number=None):
    number = number or report(engine)
    pid = engine.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go",
                            lead_official="lead", id_number="110105198001011234", phone="13700001111",
                            address="甲村三组", reasons={"threat": "扬言报复"})["id"]
    return pid, number


def reads(engine, pid):
    with engine.db.connect() as c:
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
    assert "王大锤" in one and "110105198001011234" in one and "扬言报复" in one and 'id="contact-form"' in one
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
