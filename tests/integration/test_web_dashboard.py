"""The leader's dashboard (real server, both databases): figures counted in cases, each a link to its list."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import PARTIES, T0
from tests.web_support import live, login  # noqa: F401
from disputeflow.workflow.timesource import FixedClock


def test_a_supervisor_reads_the_dashboard(live):
    eng = live.engine
    eng.clock = FixedClock(T0 - timedelta(days=20))  # last month (T0 is 3 March)
    old = eng.report("go", title="上月纠纷", category="land", unit="v1-g1", parties=PARTIES).number
    eng.clock = FixedClock(T0)
    a = eng.report("go", title="本月纠纷一", category="land", unit="v1-g1", parties=PARTIES).number
    eng.report("go", title="本月纠纷二", category="neighbour", unit="v1-g1", parties=PARTIES)
    eng.report("med2", title="乙村纠纷", category="labour", unit="v2", parties=PARTIES)
    eng.act(a, "assess", "med1", risk="high")
    eng.clock = FixedClock(T0 + timedelta(days=2))  # the unassessed cases are overdue now (two clocks: one case)
    html = login(live, "sup").get("/dashboard").text
    assert "领导驾驶舱" in html and 'data-nav="dashboard"' in html
    kpi = dict(re.findall(r'data-kpi="(\w+)"><span class="kpi-label">[^<]+</span><b>(\d+)</b>', html))
    assert kpi == {"open": "4", "intake": "3", "resolved": "0", "overdue": str(_late_cases(eng))}
    assert "上月 1" in html
    assert 'href="/search?stage=detect&risk=high&open=1"' in html
    rows = re.findall(r'<tr data-village="(\w+)">', html)
    assert rows[0] == "v1"  # the village with most overdue cases first
    assert 'data-heat="land|v1"' in html and 'href="/board?village=v1"' in html
    assert "<script" not in html and "cdn" not in html.lower()
    assert old
    assert login(live, "go").get("/dashboard").status_code == 403
    lead = login(live, "lead").get("/dashboard")
    assert lead.status_code == 200 and "在办案件" in lead.text


def _late_cases(eng) -> int:
    return len({r["number"] for r in eng.overdue(actor="sup")})
