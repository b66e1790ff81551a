"""The figures counties are judged by, and the monthly statistics form, on a small town built here (both databases).

| case | unit | parties | March 2026 (Beijing time) |
|------|------|---------|---------------------------|
| P | v1 | 3 | reported 3rd, written agreement 5th (prevented 民转刑), visit 8th satisfied / fully performed, closed 10th (prevented 群体性事件), confirmation applied 11th, confirmed 20th |
| Q | v2 | 2 | reported 4th, no agreement 6th (集体上访 happened), visit 9th dissatisfied |
| R | v1 | 2 + 1 added | reported 5th, party added 6th, written agreement 25th, no visit by the 31st |
| S | v2 | 2 | reported 6th, still open |
| T | v1 | 2 | reported 7th, written agreement 10th, visit 12th basically satisfied / partly performed |
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from tests.conftest import PARTIES
from tests.web_support import live  # noqa: F401  (fixture)
from disputeflow.workflow.timeutil import LOCAL_TZ

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def _case(engine, clock, day, unit, parties, title):
    clock.set(at(day, 9))
    return engine.report("go" if unit.startswith("v1") else "med2", title=title, category="neighbour", unit=unit, parties=parties, source="grid").number


def _mediate(engine, clock, n, day, med="med1"):
    clock.set(at(day, 9))
    engine.act(n, "assess", med, risk="low", responsible_unit="justice")
    engine.act(n, "assign", "sup", mediator=med)
    engine.act(n, "inform", med, informed_parties="双方当事人", method="oral")
    engine.act(n, "mediate", med)


def build(engine, clock) -> dict[str, str]:
    three = [*PARTIES, {"name": "王五", "role": "other"}]
    c = {}
    c["P"] = p = _case(engine, clock, 3, "v1-g1", three, "宅基地纠纷")
    c["Q"] = q = _case(engine, clock, 4, "v2", PARTIES, "土地承包纠纷")
    c["R"] = r = _case(engine, clock, 5, "v1-g1", PARTIES, "相邻通行纠纷")
    c["S"] = _case(engine, clock, 6, "v2", PARTIES, "婚姻家庭纠纷")
    c["T"] = t = _case(engine, clock, 7, "v1-g1", PARTIES, "借贷纠纷")
    _mediate(engine, clock, p, 3)
    clock.set(at(5))
    engine.act(p, "resolve", "med1", outcome="written_agreement", agreement="退让半米", prevented=["civil_to_criminal"])
    clock.set(at(8))
    engine.act(p, "follow_up", "med1", method="visit", satisfaction="satisfied", performance="full")
    clock.set(at(10))
    engine.act(p, "close", "sup", prevented=["group_incident"])
    clock.set(at(11))
    engine.act(p, "apply_confirmation", "med1", court="试点县人民法院")
    clock.set(at(20))
    engine.act(p, "confirmation_result", "med1", result="confirmed")
    _mediate(engine, clock, q, 4, "med2")
    clock.set(at(6))
    engine.act(q, "resolve", "med2", outcome="no_agreement", legal_channel="litigation",
               happened=["collective_petition"])
    clock.set(at(9))
    engine.act(q, "follow_up", "med2", method="phone", satisfaction="dissatisfied")
    clock.set(at(6, 11))
    engine.act(r, "add_party", "med1", party=[{"name": "赵六", "role": "other"}])
    _mediate(engine, clock, r, 7)
    clock.set(at(25))
    engine.act(r, "resolve", "med1", outcome="written_agreement", agreement="共同修路")
    _mediate(engine, clock, t, 8)
    clock.set(at(10, 15))
    engine.act(t, "resolve", "med1", outcome="written_agreement", agreement="分期还款")
    clock.set(at(12))
    engine.act(t, "follow_up", "med1", method="phone", satisfaction="basically_satisfied", performance="partly")
    clock.set(datetime(2026, 4, 1, 9, tzinfo=LOCAL_TZ))
    return c


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def march(request, tmp_path_factory):
    from tests.conftest import T0, build_town, make_db_url
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    if request.param == "postgresql":
        import os

        if not os.environ.get("DISPUTEFLOW_TEST_PG"):
            pytest.skip("DISPUTEFLOW_TEST_PG not set")
    url, drop = make_db_url(request.param, tmp_path_factory.mktemp("figures"))
    clock = FixedClock(T0)
    eng = Engine(url, clock=clock)
    eng.init()
    build_town(eng)
    cases = build(eng, clock)
    try:
        yield eng, clock, cases
    finally:
        eng.close()
        drop()


def test_each_figure_of_march_worked_out_by_hand(march):
    engine, _clock, _cases = march
    doc = engine.report_data("stats", actor="sup", month="2026-03")
    o = doc["overall"]
    assert (o["reported"], o["people"]) == (5, 3 + 2 + 3 + 2 + 2)  # R's added party counts
    assert (o["concluded"], o["resolved"], o["mediation_success_rate"]) == (4, 3, 0.75)  # P, Q, R, T; Q failed
    # visited after concluding: P, Q, T (R concluded on the 25th, no visit yet)
    assert (o["followed_up"], o["follow_up_rate"]) == (3, 0.75)
    # visits in March: P satisfied, Q dissatisfied, T basically satisfied
    assert (o["visited"], o["satisfied"], o["satisfaction_rate"]) == (3, 2, round(2 / 3, 4))
    # performance recorded: P full, T partly
    assert (o["perf_base"], o["performed"], o["performance_rate"]) == (2, 1, 0.5)
    assert (o["confirm_applied"], o["confirmed"], o["confirm_rejected"]) == (1, 1, 0)
    assert (o["prevented_civil_to_criminal"], o["prevented_civil_to_criminal_people"]) == (1, 3)
    assert (o["prevented_group_incident"], o["prevented_group_incident_people"]) == (1, 3)
    assert (o["prevented_collective_petition"], o["happened_civil_to_criminal"]) == (0, 0)
    assert (o["happened_collective_petition"], o["happened_collective_petition_people"]) == (1, 2)
    assert (o["repeat_petitions"], o["skip_level_petitions"]) == (0, None)
    v = {r["key"]: r for r in doc["by_village"]}
    assert (v["v1"]["reported"], v["v1"]["people"], v["v2"]["reported"], v["v2"]["people"]) == (3, 8, 2, 4)
    assert v["v2"]["happened_collective_petition"] == 1 and v["v1"]["prevented_civil_to_criminal"] == 1
    # screening is recorded elsewhere and not wired in: nothing is invented
    assert doc["screening"] is None and v["v1"]["screening"] is None


def test_the_definitions_are_printed_with_the_report(march):
    engine, _clock, _cases = march
    html = engine.report_file("stats", fmt="html", actor="sup", month="2026-03")[1].decode()
    for words in ("涉及人数", "协议履行率 =", "回访率 =", "满意率 =", "申请司法确认数", "防止民转刑", "越级上访数",
                  "稳控率 = 本期内在控", "应排查次数"):
        assert words in html, words
    # the judged figures as a table, the total first: 5 cases / 12 people, success 75.0%
    table = html[html.index("考核指标（件/人）"):]
    table = table[:table.index("</table>")]
    total = table[table.index("<td>合计</td>"):].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in total.split('<td class="num">')[1:]]
    assert cells[:5] == ["5", "12", "4", "3", "75.0%"]
    assert "稳控率取自重点人员台账" not in html  # nobody under control: no note about the register


def test_the_monthly_form_is_an_xlsx_with_units_as_rows_and_real_numbers(march):
    from openpyxl import load_workbook

    engine, _clock, _cases = march
    name, body, mime = engine.report_file("month", fmt="xlsx", actor="sup", month="2026-03")
    assert name == "t1-人民调解工作统计表-2026-03.xlsx" and mime.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["人民调解工作统计表", "指标口径"]
    ws = wb["人民调解工作统计表"]
    assert ws["A1"].value == "试点镇人民调解工作统计表（2026年3月）"
    assert "A1:" in " ".join(str(r) for r in ws.merged_cells.ranges)
    heads3 = [c.value for c in ws[3]]
    heads4 = [c.value for c in ws[4]]
    col = {}
    group = None
    for i, (h3, h4) in enumerate(zip(heads3, heads4), 1):
        group = h3 or group
        col[(group, h4)] = i
    rows = {ws.cell(row=r, column=1).value: [c.value for c in ws[r]] for r in range(5, 8)}
    assert list(rows) == ["合计", "甲村", "乙村"]
    total = rows["合计"]
    assert total[col[("受理纠纷", "件")] - 1] == 5 and total[col[("受理纠纷", "人")] - 1] == 12
    assert isinstance(total[col[("受理纠纷", "件")] - 1], int)
    assert total[col[("调解", "调解成功率")] - 1] == 0.75
    assert ws.cell(row=5, column=col[("调解", "调解成功率")]).number_format == "0.0%"
    assert total[col[("防止民转刑", "件")] - 1] == 1 and total[col[("防止民转刑", "人")] - 1] == 3
    assert total[col[("发生集体上访", "人")] - 1] == 2
    assert total[col[("司法确认", "确认有效（件）")] - 1] == 1
    assert total[col[("信访", "越级上访（件）")] - 1] == "—"
    assert total[col[("排查", "已排查（次）")] - 1] == "—"
    assert rows["甲村"][col[("受理纠纷", "人")] - 1] == 8 and rows["乙村"][col[("受理纠纷", "人")] - 1] == 4
    assert ws.column_dimensions["A"].width >= 12
    defs = [r[1] for r in wb["指标口径"].iter_rows(min_row=2, values_only=True) if r and r[1]]
    assert any(d.startswith("协议履行率 =") for d in defs) and any("哈尔滨年鉴" in d for d in defs)
    en = load_workbook(io.BytesIO(engine.report_file("month", fmt="xlsx", actor="sup", month="2026-03", lang="en")[1]))
    assert en.sheetnames == ["Mediation statistics", "Definitions"] and en.active["A3"].value == "Unit"
    # the same dataset as the statistics (one snapshot), also as JSON
    assert engine.report_data("month", actor="sup", month="2026-03")["overall"]["people"] == 12


def test_the_control_rate_is_one_definition_in_the_total_and_the_village_rows(engine, clock):
    """Two key persons under control, one in each village; 甲村's met every duty, 乙村's missed a day."""
    from tests.integration.test_persons import register

    a, _ = register(engine, name="王大锤")
    n2 = engine.report("med2", title="乙村纠纷", category="neighbour", unit="v2", parties=PARTIES, source="grid").number
    b = engine.add_person("sup", name="赵某", cases=[n2], risk="critical", grid_officer="go", lead_official="lead",
                          reasons={"threat": "扬言报复"})["id"]
    for d in (3, 4, 5):
        clock.set(datetime(2026, 3, d, 10, tzinfo=LOCAL_TZ))
        engine.record_contact(a, "go", method="visit")
        if d != 4:
            engine.record_contact(b, "go", method="visit")
        engine.sweep()
    clock.set(datetime(2026, 3, 6, 1, tzinfo=LOCAL_TZ))
    engine.sweep()
    doc = engine.report_data("stats", actor="sup", start="2026-03-03", end="2026-03-05")
    o, v = doc["overall"], {r["key"]: r for r in doc["by_village"]}
    assert (o["control"]["controlled"], o["control"]["total"], o["control_rate"]) == (1, 2, 0.5)
    # the village rows use the same definition: before, they counted the cases' flags (0 of 1 each)
    assert (v["v1"]["control_rate"], v["v2"]["control_rate"]) == (1.0, 0.0)
    assert sum(r["control"]["total"] for r in v.values()) == o["control"]["total"]
    assert sum(r["control"]["controlled"] for r in v.values()) == o["control"]["controlled"]
    # the case-flag figure is still there, under its own name, in every row alike
    assert (o["kp_total"], o["kp_case_control_rate"]) == (2, 0.0)


def test_the_resolve_form_records_an_escalation_prevented_and_the_statistics_count_it(live, clock):
    """Through the workspace: the checkboxes are on the resolve form, and the ticked ones reach the figures."""
    from tests.conftest import report
    from tests.web_support import csrf_of, login

    engine = live.engine
    n = report(engine)
    _mediate(engine, clock, n, 3)
    c = login(live, "med1")
    page = c.get(f"/cases/{n}").text
    assert 'name="prevented" value="civil_to_criminal"' in page and "防止激化" in page
    r = c.post(f"/cases/{n}/act/resolve", data={
        "csrf": csrf_of(page), "version": str(engine.case(n)["version"]), "outcome": "written_agreement",
        "agreement": "赔偿500元", "prevented": ["civil_to_criminal", "group_incident"]})
    assert r.status_code == 303, r.text
    o = engine.report_data("stats", actor="sup", start="2026-03-03", end="2026-03-03")["overall"]
    assert (o["prevented_civil_to_criminal"], o["prevented_group_incident"], o["prevented_group_incident_people"]) == (1, 1, 2)
    assert o["happened_civil_to_criminal"] == 0


def test_a_month_frozen_before_these_figures_existed_shows_them_as_dashes():
    from disputeflow.reports import monthly_xlsx

    frozen = {"overall": {"reported": 3, "mediation_success_rate": 0.5}, "by_village": [{"name": "=甲村", "reported": 3}]}
    heads, rows = monthly_xlsx.table(frozen)
    col = {h: i for i, h in enumerate(heads)}
    assert rows[0][col["受理纠纷件"]] == 3 and rows[0][col["受理纠纷人"]] == "—" and rows[0][col["调解成功率"]] == 0.5
    assert rows[1][0] == "'=甲村"  # a typed name never runs as a formula
