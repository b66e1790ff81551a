"""The case page of a court-sent case and of a referred one, over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.conftest import PARTIES
from tests.web_support import live, login  # noqa: F401


def test_a_court_entrusted_case_page_shows_the_court_and_its_case_number(live):
    n = live.engine.report("med1", title="买卖合同欠款", category="contract", unit="v1", parties=PARTIES,
                           source="court", court_name="某县人民法院", court_case_number="（2026）某0123民诉前调123号").number
    html = login(live, "med1").get(f"/cases/{n}").text
    assert "法院委派/委托调解（诉调对接）" in html
    assert 'id="court-name">某县人民法院<' in html and "（2026）某0123民诉前调123号" in html


def test_a_referred_case_page_shows_its_referral_with_the_feedback_clock_then_the_result(live):
    eng = live.engine
    eng.add_unit("pcs", "派出所", "office", "t1")
    eng.add_user("pcs1", "派出所民警", "office_staff", "pcs")
    n = eng.report("go", title="酒后互殴", category="neighbour", unit="v1-g1", parties=PARTIES).number
    eng.act(n, "assess", "med1", risk="medium")
    r = eng.act(n, "refer", "med1", to="police", unit="pcs").data["spawned"]
    c = login(live, "med1")
    html = c.get(f"/cases/{n}").text
    assert "公安机关" in html and f'href="/cases/{r}"' in html and "待反馈" in html and "移交反馈时限" in html
    eng.act(r, "feedback", "pcs1", result="已处理")
    eng.act(n, "close_referral", "med1", result="派出所已依法处理")
    html = c.get(f"/cases/{n}").text
    assert "移交办结" in html and 'id="referral-result">派出所已依法处理<' in html
    # the feedback clock is listed with the referral, stopped (the board no longer counts it)
    clock = html[html.index("移交反馈时限"):]
    assert clock.index("已停止") < clock.index("</li>")
