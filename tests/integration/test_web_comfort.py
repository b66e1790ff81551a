"""Reading comfortably (real server, both databases): Chinese where a person reads, and no dead ends.

Each test fails on the code before the fix: raw keys on the case page and in
field errors, the framework's English error pages, a form lost (405) when the
session ended while it was filled in, 摘牌 listed on a case never listed, 备注's
second box.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import PARTIES
from tests.web_support import client, csrf_of, live, login  # noqa: F401
from disputeflow import ValidationError


def report(eng) -> str:
    return eng.report("go", title="土地承包纠纷", category="land", unit="v1-g1", parties=PARTIES).number


def test_the_five_ones_name_what_is_missing_in_chinese(live):
    n = report(live.engine)
    live.engine.act(n, "assess", "med1", risk="high")
    case = live.engine.case(n, "med1")
    assert case["five_ones"]["missing_labels"] == ["包案领导", "工作专班", "化解方案", "稳控措施"]
    html = login(live, "med1").get(f"/cases/{n}").text
    five = re.search(r'<p id="five-ones">(.*?)</p>', html, re.S).group(1)
    assert "包案领导" in five and "lead_official" not in five and "measures" not in five


def test_a_wrong_user_field_names_roles_not_keys(live):
    n = report(live.engine)
    with pytest.raises(ValidationError) as refused:
        live.engine.act(n, "assign", "sup", mediator="lead")
    zh = refused.value.errors[0].zh
    assert "须为：调解员" in zh and "mediator" not in zh
    assert "must have role mediator" in refused.value.errors[0].en


def test_error_pages_speak_chinese(live):
    c = login(live, "med1")
    missing = c.get("/no-such-page")
    assert missing.status_code == 404 and "没有这个页面" in missing.text and "Not Found" not in missing.text
    wrong = c.get("/logout")
    assert wrong.status_code == 405 and "不能这样打开" in wrong.text and "Method Not Allowed" not in wrong.text
    assert "Allow" in wrong.headers
    api = client(live).get("/api/v1/no-such", headers={"Authorization": "Bearer x"})
    assert api.status_code == 404 and api.json()["detail"] == "没有这个接口地址"


def test_a_session_that_ends_mid_form_returns_to_the_form_with_what_was_typed(live):
    n = report(live.engine)
    c = login(live, "med1")
    page = c.get(f"/cases/{n}").text
    token = csrf_of(page)
    c.cookies.clear()  # the session ended (expired, or signed out elsewhere) while the form was open
    r = c.post(f"/cases/{n}/act/note", data={"csrf": token, "version": "1", "text": "当事人电话未接通，明日再联系"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    login_page = c.get(r.headers["location"]).text
    nxt = re.search(r'name="next" value="([^"]+)"', login_page).group(1)
    assert nxt == f"/cases/{n}?form=note"
    r = c.post("/login", data={"csrf": csrf_of(login_page), "user_id": "med1", "password": "correct-horse-9",
                               "next": nxt})
    assert r.status_code == 303
    back = c.get(r.headers["location"])
    assert back.status_code == 200  # not "Method Not Allowed"
    form = re.search(r'<details class="action" data-action="note" open>(.*?)</details>', back.text, re.S)
    assert form and "当事人电话未接通，明日再联系" in form.group(1)
    assert [h["action"] for h in live.engine.history(n)] == ["report"]  # nothing was done without a new press
    again = c.get(f"/cases/{n}?form=note").text
    assert "当事人电话未接通" not in again  # put back once


def test_delist_is_not_offered_on_a_case_never_listed_and_note_has_one_box(live):
    n = report(live.engine)
    html = login(live, "sup").get(f"/cases/{n}").text
    assert 'data-waiting="delist"' not in html and "无需摘牌" not in html
    note = re.search(r'<details class="action" data-action="note"[^>]*>(.*?)</details>', html, re.S).group(1)
    assert note.count("<textarea") == 1
    live.engine.act(n, "supervise", "sup", level="town", authority="镇综治中心",
                    deadline="2026-03-20T17:00+08:00")
    assert 'data-action="delist"' in login(live, "sup").get(f"/cases/{n}").text


def test_the_menu_counts_unread_messages_and_mark_all_comes_after_them(live):
    eng = live.engine
    report(eng)
    eng.dispatch()
    unread = eng.unread_count("med1")
    assert unread >= 1
    c = login(live, "med1")
    home = c.get("/").text
    badge = re.search(r'<span class="badge" id="menu-unread"[^>]*>(\d+)</span>', home)
    assert badge and int(badge.group(1)) == unread
    inbox = c.get("/inbox").text
    assert inbox.index('id="messages"') < inbox.index('id="mark-all"')
    assert 'class="message-body"' in inbox
    css = c.get("/static/app.css").text
    assert re.search(r"\.message-body\s*\{[^}]*white-space:\s*pre-line", css)
    c.post("/inbox/read", data={"csrf": csrf_of(inbox)})
    assert 'id="menu-unread"' not in c.get("/").text


def test_stopped_clocks_collapse_into_one_line(live):
    eng = live.engine
    n = report(eng)
    eng.act(n, "assess", "med1", risk="low")
    stopped = [k for k in eng.case(n, "med1")["deadlines"] if k["status"] == "stopped"]
    assert stopped
    html = login(live, "med1").get(f"/cases/{n}").text
    clocks = re.search(r'<section class="card" id="clocks">(.*?)</section>', html, re.S).group(1)
    line = re.search(r'<tr class="stopped-clocks" id="stopped-clocks">(.*?)</tr>', clocks, re.S).group(1)
    assert line.count("<td") == 1 and "已停止：" in line and stopped[0]["label"] in line
    for k in stopped:
        assert f'data-clock="{k["clock"]}"' not in clocks or any(
            r["clock"] == k["clock"] and r["status"] == "running" for r in eng.case(n, "med1")["deadlines"])


def test_the_workflow_table_names_each_value_on_a_phone(live):
    html = login(live, "med1").get("/workflow").text
    table = re.search(r'<table class="list" id="workflow-actions">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    cells = re.findall(r"<td( data-label=\"[^\"]+\")?>", table)
    assert cells and all(cells)  # the phone layout hides the header row and shows each cell's heading instead
    assert 'data-label="可办理角色"' in table


def test_an_unexpected_api_error_is_explained_in_chinese(live, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(live.engine, "case", boom)
    token = live.engine.create_token("api-med1", "med1")["token"]
    r = client(live).get("/api/v1/cases/x", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 500 and r.json()["detail"].startswith("服务器内部错误")
    assert "disk on fire" not in r.text


def test_signing_out_ends_this_device_only_and_everywhere_is_its_own_button(live):
    phone, desk = login(live, "med1"), login(live, "med1")
    home = desk.get("/").text
    assert 'action="/logout/all"' in home and "在所有设备上退出" in home
    assert desk.post("/logout", data={"csrf": csrf_of(home)}).status_code == 303
    assert desk.get("/").status_code == 303  # this device is signed out
    assert phone.get("/").status_code == 200  # the phone is not
    other = login(live, "med1")
    assert other.post("/logout/all", data={"csrf": csrf_of(other.get("/").text)}).status_code == 303
    assert phone.get("/").status_code == 303  # everywhere: the phone too
