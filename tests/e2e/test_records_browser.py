"""A mediator's day in Chromium: a high-risk case from assessment to resolution, every input kept.

The mediator is never assigned: acting first makes them the case's mediator. Afterwards the
case page's 办理记录 shows what was typed at each step, under Chinese labels. The screenshot
goes to ``DISPUTEFLOW_SCREENSHOTS`` or the test's temporary folder.
"""

from __future__ import annotations

from tests.conftest import T0
from tests.e2e.test_web_browser import DESKTOP, browser, shots, sign_in, town  # noqa: F401
from tests.web_support import Serve

STEPS = [
    ("assess", {"risk": "high"}, {}),
    ("control", {}, {"measures": "村干部每日上门，防止冲突升级"}),
    ("plan", {}, {"team": "司法所、村委会、派出所", "plan": "先丈量边界，再分两次调解"}),
    ("inform", {"method": "written"}, {"informed_parties": "赵大、钱二"}),
    ("mediate", {}, {}),
    ("session", {}, {"statements": "赵大称围栏越界；钱二称按老界址", "proposal": "按测量结果重修围栏"}),
    ("resolve", {"outcome": "written_agreement"}, {"agreement": "钱二三日内将围栏移回测定界线"}),
]


def _act(page, action: str, selects: dict, fills: dict) -> None:
    box = page.locator(f"details[data-action={action}]")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in selects.items():
        box.locator(f"select[name={name}]").select_option(value)
    for name, value in fills.items():
        box.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    assert page.locator(".flash").count() == 1, (action, page.locator("#action-error").all_inner_texts())


def test_a_mediator_takes_a_case_through_and_every_input_stays_visible(town, browser, shots, tmp_path):
    url, eng = town
    number = eng.report("go", title="围栏越界引发冲突", category="neighbour", unit="v1-g1", source="grid",
                        parties=[{"name": "赵大", "role": "applicant"}, {"name": "钱二", "role": "respondent"}]).number
    eng.act(number, "assign_lead", "sup", official="lead")  # high risk needs a lead official before mediation
    serve = Serve(url, T0.replace(hour=2), tmp_path)
    try:
        desk = sign_in(browser, serve.url, "med1", DESKTOP)
        desk.goto(f"{serve.url}/cases/{number}")
        desk.locator("details[data-action=assess] summary").click()
        risk = desk.locator("details[data-action=assess] select[name=risk]")
        assert risk.input_value() == "" and risk.locator("option").first.inner_text() == "请选择"
        for action, selects, fills in STEPS:
            _act(desk, action, selects, fills)
        assert desk.locator("#case-state").inner_text() == "已办结"
        facts = desk.locator("#facts").inner_text()
        assert "调解员甲" in facts  # never assigned: acting first made med1 the mediator
        timeline = desk.locator("#timeline").inner_text()
        for _action, selects, fills in STEPS:
            for text in fills.values():
                assert text in timeline, text
        for label in ("风险等级", "稳控措施", "工作专班", "化解方案", "告知方式", "当事人陈述", "调处结果", "协议内容",
                      "承办调解员"):
            assert label in timeline, label
        assert "书面调解协议" in timeline and "书面告知" in timeline  # choices by name, not their keys
        for raw in ("measures", "written_agreement", "informed_parties", "statements"):
            assert raw not in timeline, raw
        desk.locator("#timeline").scroll_into_view_if_needed()
        desk.screenshot(path=str(shots / "records-mediator-timeline.png"), full_page=True)
    finally:
        serve.stop()
    case = eng.case(number)
    assert case["mediator"] == "med1" and case["data"]["measures"].startswith("村干部")
