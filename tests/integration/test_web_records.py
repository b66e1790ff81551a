"""The case page and the board keep what people did (issue "Wrong records"), over real HTTP, both databases.

Required choices start empty; every action's inputs show in the 办理记录 by their Chinese labels;
the 承办调解员 list offers only who may take the case; a lead official finds 我包案的 first; the
board refuses a past deadline and stays on the board with its filters, counts cases, says the
extension cap, and its 预警 filter finds clocks in their warning window.
"""

from __future__ import annotations

import re

from tests.conftest import report
from tests.web_support import client, csrf_of, live, login, post_form, sqlite_url  # noqa: F401


def _form(html: str, action: str) -> str:
    m = re.search(rf'<details class="action" data-action="{action}".*?</details>', html, re.S)
    assert m, f"no form for {action}"
    return m.group(0)


def _act(c, n: str, action: str, data: dict):
    page = c.get(f"/cases/{n}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return c.post(f"/cases/{n}/act/{action}", data={"csrf": csrf_of(page), "version": version, **data})


def test_required_choices_start_empty_and_are_refused_when_missing(live):
    n = report(live.engine)
    c = login(live, "med1")
    assess = _form(c.get(f"/cases/{n}").text, "assess")
    risk = re.search(r'<select name="risk"[^>]*>(.*?)</select>', assess, re.S)
    assert risk and 'required' in risk.group(0)
    first = re.search(r"<option[^>]*>[^<]*</option>", risk.group(1)).group(0)
    assert 'value=""' in first and "请选择" in first and "selected" not in risk.group(1)
    r = _act(c, n, "assess", {})
    assert r.status_code == 400 and "风险等级" in r.text
    assert live.engine.case(n)["state"] == "reported"
    for action, data in (("assess", {"risk": "low"}), ("inform", {"informed_parties": "双方", "method": "oral"}),
                         ("mediate", {}), ("resolve", {"outcome": "written_agreement", "agreement": "张三让出 30 厘米"})):
        assert _act(c, n, action, data).status_code == 303, action
    follow = _form(c.get(f"/cases/{n}").text, "follow_up")
    for name in ("method", "satisfaction"):
        sel = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', follow, re.S)
        assert sel and 'required' in sel.group(0) and "selected" not in sel.group(1)
        assert re.match(r'\s*<option value="">请选择</option>', sel.group(1))


def test_every_input_shows_in_the_timeline_with_chinese_labels(live):
    eng = live.engine
    n = report(eng)
    c = login(live, "med1")
    steps = [("assess", {"risk": "high"}), ("control", {"measures": "专人盯守，电话 13812348000 联系"}),
             ("plan", {"team": "镇司法所、村委会", "plan": "分两次现场调解"}),
             ("inform", {"informed_parties": "双方", "method": "oral"})]
    for action, data in steps:
        r = _act(c, n, action, data)
        assert r.status_code == 303, (action, r.text[-2000:])
    html = c.get(f"/cases/{n}").text
    timeline = html[html.index('id="timeline"'):]
    assert "风险等级" in timeline and "高" in timeline
    assert "稳控措施" in timeline and "专人盯守" in timeline
    assert "13812348000" in timeline  # a mediator reads numbers as typed
    assert "工作专班" in timeline and "镇司法所、村委会" in timeline and "分两次现场调解" in timeline
    assert "承办调解员" in timeline and "调解员甲" in timeline  # the mediator who took the case
    assert "measures" not in timeline and "team：" not in timeline
    assert eng.case(n)["mediator"] == "med1"
    facts = html[html.index('id="facts"'):html.index('id="clocks"')]
    assert "调解员甲" in facts
    seen = login(live, "go").get(f"/cases/{n}").text  # a grid officer reads them masked, as everywhere
    seen = seen[seen.index('id="timeline"'):]
    assert "专人盯守" in seen and "13812348000" not in seen and "8000" in seen


def test_the_mediator_choices_are_those_who_may_take_the_case(live):
    n = report(live.engine)  # 甲村
    live.engine.add_user("med1b", "调解员丙", "mediator", "v1")
    html = _form(login(live, "med1").get(f"/cases/{n}").text, "assign")
    sel = re.search(r'<select name="mediator"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert 'value="med1b"' in sel and 'value="med1"' in sel
    for other in ("med2", "lead", "admin", "sup", "med-j"):
        assert f'value="{other}"' not in sel, other
    r = _act(login(live, "med1"), n, "assign", {"mediator": "med2"})  # posted anyway: the engine refuses
    assert r.status_code == 403 and live.engine.case(n)["mediator"] is None
    sup = _form(login(live, "sup").get(f"/cases/{n}").text, "assign")
    sel = re.search(r'<select name="mediator"[^>]*>(.*?)</select>', sup, re.S).group(1)
    assert "跨村指派" in sel and 'value="med2"' in sel and 'value="lead"' not in sel


def test_a_lead_official_finds_the_cases_they_lead_first(live):
    eng = live.engine
    eng.add_user("lead2", "包案领导乙", "lead_official", "t1")
    mine = report(eng, title="我包的纠纷")
    other = report(eng, title="别人包的纠纷")
    eng.act(mine, "assign_lead", "sup", official="lead")
    eng.act(other, "assign_lead", "sup", official="lead2")
    c = login(live, "lead")
    html = c.get("/").text
    led = html[html.index('id="led"'):html.index("全部待办</h2>")]
    assert mine in led and other not in led
    only = c.get("/", params={"led": "1"}).text
    assert mine in only and other not in only
    case_page = c.get(f"/cases/{other}").text
    assert 'data-waiting="plan"' in case_page and "包案领导" in case_page


def test_the_board_refuses_a_past_deadline_and_keeps_its_filters(live, clock):
    eng = live.engine
    a = report(eng)
    clock.advance(days=1, hours=1)
    c = login(live, "sup")
    back = "/board?clock=assess&risk=low"
    r = post_form(c, back, f"/cases/{a}/act/supervise",
                  {"level": "town", "authority": "镇综治中心", "deadline": "2026-03-01T17:00", "next": back})
    assert r.status_code == 303 and r.headers["location"] == back
    assert eng.case(a)["supervision"] is None
    page = c.get(back).text
    assert 'id="board-error"' in page and "督办期限" in page and a in page
    assert 'id="board-error"' not in c.get(back).text  # said once


def test_the_board_counts_cases_says_the_cap_and_extends_an_overdue_clock(live, clock):
    eng = live.engine
    a = report(eng, flags=["violence"])  # critical: assess within 4 hours
    eng.act(a, "assess", "med1", risk="critical")  # control clock: 24 hours
    b = report(eng)
    clock.advance(days=3)  # a: control overdue; tier is not a duty; b: assess overdue
    c = login(live, "sup")
    html = c.get("/board").text
    total = re.search(r'id="board-total" data-cases="(\d+)" data-rows="(\d+)"', html)
    assert total.group(1) == "2"
    assert "最晚可延至" in html
    eng.act(b, "supervise", "sup", level="town", authority="镇", deadline="2026-03-30T17:00+08:00")
    clock.advance(days=40)  # b's supervision is overdue too: b counts once
    html = c.get("/board").text
    total = re.search(r'id="board-total" data-cases="(\d+)" data-rows="(\d+)"', html)
    assert total.group(1) == "2" and int(total.group(2)) > 2 and "共 2 件" in html
    r = post_form(c, "/board", f"/cases/{a}/act/extend",
                  {"clock": "control", "until": "2026-04-18T09:00", "reason": "当事人住院", "next": "/board"})
    assert r.status_code == 303 and r.headers["location"] == "/board"
    said = c.get("/board").text
    err = said[said.index("id=\"board-error\""):said.index("id=\"board-filters\"")]
    assert "延至：延期超出政策上限（最晚 2026-04-16 09:00）" in err and "until" not in err  # 24 hours from now
    r = post_form(c, "/board", f"/cases/{a}/act/extend",
                  {"clock": "control", "until": "2026-04-16T08:00", "reason": "当事人住院", "next": "/board"})
    assert r.status_code == 303 and r.headers["location"] == "/board"
    after = c.get("/board").text
    assert 'id="board-error"' not in after, re.search(r'id="board-error"[^<]*<', after).group(0)
    control = [k for k in eng.case(a)["deadlines"] if k["clock"] == "control" and k["status"] == "running"][0]
    assert control["due_at"].startswith("2026-04-16T08:00")


def test_the_warning_filter_finds_clocks_in_their_warning_window(live, clock):
    eng = live.engine
    n = report(eng)
    eng.act(n, "assess", "med1", risk="low")
    eng.act(n, "inform", "med1", informed_parties="双方", method="oral")
    eng.act(n, "mediate", "med1")  # resolve: 30 days, warning at 80 %
    clock.advance(days=25)
    c = login(live, "sup")
    html = c.get("/board", params={"level": "warning"}).text
    assert n in html and 'data-clock="resolve"' in html
    assert n not in c.get("/board").text  # not overdue yet
