"""The review-meeting agenda and the mediation paperwork, on the hand-built cases of reports_town.py."""

from __future__ import annotations

import pytest

from tests.integration import reports_town
from tests.integration.reports_town import at
from disputeflow.workflow.errors import NotPermitted, ValidationError


def _meeting_morning(engine, clock, town):
    """1 April before the meeting: E listed for supervision, F visited, a new critical case."""
    clock.set(at(4, 1, 8))
    engine.act(town["E"], "supervise", "sup", level="county", authority="县综治中心", deadline="2026-04-15")
    engine.act(town["F"], "follow_up", "med2", method="visit", satisfaction="satisfied")
    clock.set(at(4, 1, 8, 30))
    town["new"] = engine.report("go", title="持刀威胁纠纷", category="neighbour", unit="v1-g1",
                                parties=reports_town.PARTIES, flags=["violence"]).number
    clock.set(at(4, 1, 9))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def meeting(request, tmp_path_factory):
    """The town on the morning of the 1 April meeting; the tests only read it."""
    yield from reports_town.town_engine(request.param, tmp_path_factory, _meeting_morning)


@pytest.fixture
def engine(meeting):
    return meeting[0]


@pytest.fixture
def town(meeting):
    return meeting[2]


def test_agenda_sections(engine, town):
    new = town["new"]
    doc = engine.report_data("agenda", actor="sup", date="2026-04-01", since="2026-03-14")
    s = doc["sections"]
    assert [r["number"] for r in s["new"]] == [new]
    assert {r["number"] for r in s["high_risk"]} == {town["E"], new}
    assert [(r["number"], r["supervision"]["deadline"][:10]) for r in s["supervised"]] == [(town["E"], "2026-04-15")]
    assert [(r["number"], r["reopened"]) for r in s["relapses"]] == [(town["G"], "2026-03-15")]
    assert [r["number"] for r in s["sign_off"]] == [town["F"]]
    # B's follow-up was due 27 March 10:00: two business days later (31 March) it is at level 2.
    assert [r["number"] for r in doc["overdue"]["level2"]] == [town["B"]]
    # C's referral to the court (8 March) has waited past its 15-day feedback time: the court has not answered
    referral = [(r["number"], r["clock"]) for r in doc["overdue"]["level1"] + doc["overdue"]["level3"]]
    assert referral == [(town["C"] + "-移1", "referral_feedback")]


def test_agenda_html_and_markdown(engine, town):
    name, md, mime = engine.report_file("agenda", fmt="md", actor="sup", date="2026-04-01", since="2026-03-14")
    text = md.decode()
    assert name == "t1-研判会议程-2026-04-01.md" and mime.startswith("text/markdown")
    assert text.startswith("# 试点镇矛盾纠纷研判会议程")
    assert "## 四、挂牌督办案件及期限（1）" in text and "县级挂牌，县综治中心，期限 2026-04-15" in text
    assert f"- {town['G']} 借款纠纷（甲村）：2026-03-15 重新调处" in text
    _, html, _ = engine.report_file("agenda", fmt="html", actor="sup", date="2026-04-01", since="2026-03-14", lang="en")
    assert b"review meeting agenda" in html and b"Cases listed for supervision" in html
    with pytest.raises(ValidationError):
        engine.report_file("agenda", fmt="md", actor="sup", date="2026-04-01", since="2026-04-02")
    with pytest.raises(ValidationError):
        engine.report_file("agenda", fmt="md", actor="sup", date="1 April")


def test_mediation_agreement_carries_what_the_law_asks(engine, town):
    name, body, mime = engine.report_file("agreement", actor="med1", number=town["A"],
                                          performance="现金一次性支付", performance_due="2026-03-20")
    html = body.decode()
    assert name == f"{town['A']}-人民调解协议书.html" and mime.startswith("text/html")
    for text in ("人民调解协议书", "张三", "11010519491231002X", "甲村3组", "13812348000",  # the parties in full
                 "宅基地边界纠纷的简要情况",  # the facts of the dispute
                 "甲方拆除越界围墙，乙方补偿500元",  # the agreed terms
                 "现金一次性支付", "2026-03-20",  # how and when performed
                 "调解员甲", "签名、盖章或按指印", "甲村人民调解委员会（印章）", "一式3份",
                 "（2026）甲调字第"):  # the committee's own number
        assert text in html, text
    with pytest.raises(ValidationError):
        engine.report_file("agreement", actor="med1", number=town["B"])  # no agreement was reached


def test_paperwork_masks_for_readers_who_do_not_handle_parties(engine, town):
    html = engine.report_file("agreement", actor="admin", number=town["A"])[1].decode()
    assert "13812348000" not in html and "138****8000" in html and "11010519491231002X" not in html
    with pytest.raises(NotPermitted):
        engine.report_file("agreement", actor="med2", number=town["A"])  # another village's case


def test_record_visit_and_file_index(engine, town):
    record = engine.report_file("record", actor="med1", number=town["A"])[1].decode()
    assert "人民调解记录" in record and "甲方拆除越界围墙" in record and "达成协议" in record
    visit = engine.report_file("visit", actor="med1", number=town["A"])[1].decode()
    assert "回访记录" in visit and "上门回访" in visit and "满意" in visit and "2026-03-12 10:00" in visit
    index = engine.report_file("index", actor="med1", number=town["A"])[1].decode()
    positions = [index.index(t) for t in ("人民调解卷宗", "卷内目录", "人民调解申请书或人民调解受理登记表", "当事人身份证明",
                                          "人民调解记录", "人民调解协议书或口头调解协议登记表", "收条或汇款单等履行凭证",
                                          "人民调解回访记录", "卷内备考表")]
    assert positions == sorted(positions)  # bound in the order of the standard file
    with pytest.raises(ValidationError):
        engine.report_file("index", fmt="pdf", actor="med1", number=town["A"])


def test_operators_override_templates_in_the_sandbox(engine, town, tmp_path):
    from jinja2.exceptions import SecurityError

    (tmp_path / "agreement.html.j2").write_text("自定义协议书 {{ case.number }} {{ committee }}", encoding="utf-8")
    (tmp_path / "visit.html.j2").write_text("{{ data.update({'x': 1}) }}", encoding="utf-8")
    engine.config.report_templates = str(tmp_path)
    try:
        body = engine.report_file("agreement", actor="med1", number=town["A"])[1].decode()
        with pytest.raises(SecurityError):
            engine.report_file("visit", actor="med1", number=town["A"])
        index = engine.report_file("index", actor="med1", number=town["A"])[1].decode()
    finally:
        engine.config.report_templates = None
    assert body == f"自定义协议书 {town['A']} 甲村人民调解委员会"
    assert "卷内目录" in index  # the built-in ones still serve what the operator did not override
