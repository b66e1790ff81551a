"""Statistics and the ledger on a hand-built set of cases (see reports_town.py), answers worked out here."""

from __future__ import annotations

import datetime
import io

import pytest

from tests.integration import reports_town
from disputeflow.workflow.errors import NotPermitted, ValidationError
from disputeflow.workflow.runtime import runtime_of


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def march_town(request, tmp_path_factory):
    """The town as built (the clock on 1 April), shared by the tests that only read."""
    yield from reports_town.town_engine(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def april_town(request, tmp_path_factory):
    """The town after April (A relapsed; the clock on 2 May), shared by the tests that only read."""
    yield from reports_town.town_engine(request.param, tmp_path_factory, reports_town.april)


@pytest.fixture
def town(engine, clock):
    return reports_town.build(engine, clock)


def march(engine, **kw):
    return engine.report_data("stats", actor="sup", month="2026-03", **kw)


def test_march_statistics_worked_out_by_hand(march_town):
    engine, _clock, town = march_town
    o = march(engine)["overall"]
    # Reported in March: A, B, C, D, E.
    assert o["reported"] == 5
    # Of those, resolved by agreement and not reopened on 31 March: A only; D (withdrawn) leaves the denominator,
    # C (referred) stays in it: 1 / (5 - 1).
    assert (o["cohort_resolved"], o["cohort_withdrawn"], o["resolution_rate"]) == (1, 1, 0.25)
    # Concluded in March: A (agreement), B (no agreement), F (agreement, late).
    assert (o["concluded"], o["resolved"]) == (3, 2)
    assert o["mediation_success_rate"] == round(2 / 3, 4)
    # On time: A and B within 30 days of mediation; F was due 23 March and resolved 25 March.
    assert (o["on_time"], o["on_time_base"], o["on_time_rate"]) == (2, 3, round(2 / 3, 4))
    # Days to resolve: A 8, B 15, F 33 (20 Feb → 25 Mar) → 56 / 3.
    assert o["avg_days"] == round(56 / 3, 1) == 18.7
    # G was reopened on 15 March after its January closure.
    assert o["relapses"] == 1
    # F's resolution clock reached level 1 (the sweep of 24 March); nothing reached level 2 or 3.
    assert (o["level1"], o["level2"], o["level3"], o["overdue"]) == (1, 0, 0, 1)
    assert (o["referred"], o["withdrawn"]) == (1, 1)
    # E involves a key person and was controlled: 1 / 1, from the case flags (a figure of its own name).
    assert (o["kp_total"], o["kp_controlled"], o["kp_case_control_rate"]) == (1, 1, 1.0)
    # Nobody is in the key-person register: 稳控率 is —, not the flags' figure under its name.
    assert o["control_rate"] is None
    assert (o["control"]["source"], o["control"]["total"]) == ("key_persons", 0)


def test_march_breakdowns(march_town):
    engine, _clock, town = march_town
    doc = march(engine)
    v = {r["key"]: r for r in doc["by_village"]}
    # 甲村: A, B, E reported; A resolved; A and B concluded; G's relapse; E's key person.
    assert (v["v1"]["reported"], v["v1"]["resolution_rate"], v["v1"]["concluded"], v["v1"]["resolved"]) == (3, round(1 / 3, 4), 2, 1)
    assert (v["v1"]["mediation_success_rate"], v["v1"]["relapses"], v["v1"]["kp_case_control_rate"]) == (0.5, 1, 1.0)
    # 乙村: C (referred) and D (withdrawn) reported → 0 / 1; F concluded late with an agreement.
    assert (v["v2"]["reported"], v["v2"]["resolution_rate"], v["v2"]["resolved"], v["v2"]["on_time_rate"]) == (2, 0.0, 1, 0.0)
    assert (v["v2"]["referred"], v["v2"]["withdrawn"], v["v2"]["level1"], v["v2"]["kp_case_control_rate"]) == (1, 1, 1, None)
    cat = {r["key"]: r for r in doc["by_category"]}
    assert cat["neighbour"]["reported"] == 2 and cat["neighbour"]["resolved"] == 1  # A and D; A resolved
    assert cat["contract"]["reported"] == 1 and cat["contract"]["relapses"] == 1  # E; G's relapse
    assert "other" not in cat  # H was struck off in February and nothing happened to it in March
    src = {r["key"]: r for r in doc["by_source"]}
    assert (src["grid"]["reported"], src["hotline"]["reported"], src["visit"]["reported"]) == (3, 1, 1)
    assert src["police"]["reported"] == 0 and src["police"]["resolved"] == 1  # F, reported in February


def test_trend_is_month_by_month(march_town):
    engine, _clock, town = march_town
    trend = {m["month"]: m for m in march(engine)["trend"]}
    assert len(trend) == 12 and list(trend)[-1] == "2026-03"
    assert trend["2026-01"] == {"month": "2026-01", "reported": 1, "concluded": 1, "resolved": 1, "relapses": 0, "overdue": 0}
    assert trend["2026-02"]["reported"] == 2 and trend["2026-02"]["concluded"] == 0  # H and F
    assert trend["2026-03"] == {"month": "2026-03", "reported": 5, "concluded": 3, "resolved": 2, "relapses": 1, "overdue": 1}


def test_a_month_with_no_cases_and_the_reopening_after_closure(april_town):
    engine, clock, town = april_town
    april = engine.report_data("stats", actor="sup", month="2026-04")["overall"]
    assert april["reported"] == 0 and april["relapses"] == 1  # A reopened on 5 April
    assert april["resolution_rate"] is None and april["mediation_success_rate"] is None and april["avg_days"] is None
    may = engine.report_data("stats", actor="sup", month="2026-05")
    assert may["overall"]["reported"] == 0 and may["overall"]["concluded"] == 0 and may["overall"]["relapses"] == 0
    assert set(may["nil_units"]) == {"v1", "v2"}
    # March is unchanged by A's April relapse: as of 31 March A was resolved and closed.
    assert march(engine)["overall"]["cohort_resolved"] == 1


def test_year_statistics(april_town):
    engine, clock, town = april_town
    o = engine.report_data("stats", actor="sup", year=2026)["overall"]
    # Reported in 2026: G, H, F, A, B, C, D, E. Resolved at the end of the year (now, 2 May): none stands —
    # G and A were reopened, F is resolved: F was reported in February → 1; H and D withdrawn.
    assert o["reported"] == 8 and o["cohort_withdrawn"] == 2 and o["cohort_resolved"] == 1
    assert o["relapses"] == 2 and o["concluded"] == 4  # G (January), A, B, F


def test_ledger_rows_as_of_the_end_of_march(april_town):
    engine, clock, town = april_town  # A's April relapse must not show in March
    doc = engine.report_data("ledger", actor="sup", month="2026-03")
    rows = {r["number"]: r for r in doc["rows"]}
    assert [r["number"] for r in doc["rows"]] == [town[k] for k in "GFABCDE"]  # H was struck off in February
    a = rows[town["A"]]
    assert (a["reported"], a["assessed"], a["resolved"], a["closed"]) == ("2026-03-02", "2026-03-03", "2026-03-10", "2026-03-13")
    assert (a["state"], a["outcome"], a["satisfaction"], a["relapses"], a["overdue_business_days"]) == ("closed", "agreement", "satisfied", 0, 0)
    assert a["parties"] == [["张*", "applicant"], ["李*", "respondent"]]
    assert (a["mediator_name"], a["responsible_unit_name"], a["village_name"]) == ("调解员甲", "试点司法所", "甲村")
    g = rows[town["G"]]
    assert (g["state"], g["resolved"], g["closed"], g["relapses"], g["new"]) == ("mediating", "", "", 1, False)
    assert rows[town["F"]]["overdue_business_days"] == 2  # due Monday 23 March 10:00, resolved Wednesday 25 March
    # follow-up due Friday 27 March 10:00, not done by 1 April 00:00: four calendar days, two workdays (30, 31)
    assert rows[town["B"]]["overdue_business_days"] == 2
    assert rows[town["C"]]["state"] == "referred" and rows[town["C"]]["closed"] == "2026-03-08"
    assert rows[town["E"]]["risk"] == "high" and rows[town["E"]]["key_person"] is True


def test_ledger_xlsx_cell_by_cell(march_town):
    engine, _clock, town = march_town
    from openpyxl import load_workbook

    name, body, mime = engine.report_file("ledger", fmt="xlsx", actor="sup", month="2026-03")
    assert name == "t1-台账-2026-03.xlsx" and mime.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["台账", "汇总"]
    ws = wb["台账"]
    assert ws["A1"].value == "试点镇矛盾纠纷排查调处工作台账"
    assert [c.value for c in ws[3]][:4] == ["序号", "案件编号", "纠纷名称", "登记日期"]
    assert ws.max_row == 3 + 7
    assert ws.cell(row=3, column=21).value == "逾期工作日"
    row_a = [c.value for c in ws[6]]  # G, F, then A
    day = lambda d: datetime.datetime(2026, 3, d)  # noqa: E731 — spreadsheet dates, read back as datetimes
    assert row_a == [3, town["A"], "宅基地边界纠纷", day(2), day(3), day(10), day(13), "甲村",
                     "邻里纠纷", "网格排查", "张*（申请人）、李*（被申请人）", "中", "试点司法所", "调解员甲", None, None,
                     "已销号", "达成协议（书面）", "满意", 0, 0]
    row_f = [c.value for c in ws[5]]
    assert row_f[1] == town["F"] and row_f[7] == "乙村" and row_f[9] == "110联动" and row_f[20] == 2
    assert [ws.cell(row=6, column=c).is_date for c in (4, 5, 6, 7)] == [True] * 4
    assert ws.cell(row=6, column=4).number_format == "yyyy-mm-dd"
    assert ws.cell(row=4, column=6).value is None  # G is not resolved: an empty cell, not ""
    assert ws.auto_filter.ref == "A3:U10" and ws.freeze_panes == "C4"
    assert ws.column_dimensions["D"].width >= 11 and ws.column_dimensions["K"].width >= 20
    assert ws.column_dimensions["A"].width < ws.column_dimensions["C"].width
    row_c = [c.value for c in ws[8]]
    assert row_c[1] == town["C"] and row_c[16] == "已移交" and row_c[17] == "移交人民法院"
    summary = wb["汇总"]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    total = next(r for r in values if r[0] == "合计" and isinstance(r[1], int))
    assert total[1:6] == [5, 10, 3, 2, 0.25]  # reported, people (two parties each), concluded, resolved, resolution rate
    assert any(r[0] and str(r[0]).startswith("化解率 =") for r in values)  # definitions are written down


def test_xlsx_files_do_not_depend_on_the_wall_clock(march_town, monkeypatch):
    """Two builds of one report are one file: openpyxl's wall-clock stamps are replaced by the report's time."""
    import datetime
    import time
    import types
    import zipfile

    import openpyxl.writer.excel

    engine, _clock, _town = march_town
    for kind in ("ledger", "stats"):
        first = engine.report_file(kind, fmt="xlsx", actor="sup", month="2026-03")[1]
        # the same report three hours later, as far as the zip and openpyxl's save can tell
        later = types.SimpleNamespace(**{k: getattr(time, k) for k in dir(time) if not k.startswith("_")})
        later.time = lambda: time.time() + 3 * 3600
        monkeypatch.setattr(zipfile, "time", later)

        class Later(datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.datetime.now(tz) + datetime.timedelta(hours=3)

        monkeypatch.setattr(openpyxl.writer.excel, "datetime", types.SimpleNamespace(datetime=Later, timezone=datetime.timezone))
        again = engine.report_file(kind, fmt="xlsx", actor="sup", month="2026-03")[1]
        monkeypatch.undo()
        assert first == again, kind
        with zipfile.ZipFile(io.BytesIO(first)) as z:
            core = z.read("docProps/core.xml").decode()
            assert {i.date_time for i in z.infolist()} == {(2026, 4, 1, 0, 0, 0)}  # local time
        assert "2026-03-31T16:00:00Z" in core  # as of the end of March in Asia/Shanghai, in UTC


def test_ledger_csv_and_html(march_town):
    engine, _clock, town = march_town
    name, body, mime = engine.report_file("ledger", fmt="csv", actor="sup", month="2026-03")
    text = body.decode("utf-8")
    assert text.startswith("\ufeff序号,案件编号") and mime.startswith("text/csv")
    assert len(text.strip().splitlines()) == 8
    assert "13812348000" not in text and "张三" not in text  # parties are masked
    _, html, _ = engine.report_file("ledger", fmt="html", actor="sup", month="2026-03", lang="en")
    assert b"Dispute mediation ledger" in html or b"dispute mediation ledger" in html
    assert b"Agreement" in html or b"agreement" in html


def test_permissions_and_bad_input(march_town):
    engine, _clock, town = march_town
    with pytest.raises(NotPermitted):
        engine.report_file("ledger", fmt="csv", actor="go", month="2026-03")  # grid officers do not export
    with pytest.raises(NotPermitted):
        engine.report_file("ledger", fmt="csv", actor="med2", month="2026-03", unit="v1")  # outside jurisdiction
    _, body, _ = engine.report_file("ledger", fmt="csv", actor="med2", month="2026-03")
    assert len(body.decode().strip().splitlines()) == 1 + 3  # 乙村: F, C, D
    with pytest.raises(ValidationError) as exc:
        engine.report_file("ledger", fmt="pdf", actor="sup", month="2026-13")
    assert "format" in str(exc.value.to_dict()["fields"])
    with pytest.raises(ValidationError):
        engine.report_file("ledger", fmt="csv", actor="sup", month="2026-13")


def test_nil_report_is_printed_from_the_filed_reports(engine, clock, town):
    from datetime import datetime, timezone

    def screened(day: int, units=("v1", "v2")):
        clock.set(datetime(2026, 4, day, 2, tzinfo=timezone.utc))
        for u, who in (("v1", "med1"), ("v2", "med2")):
            if u in units:
                engine.record_round(who, unit=u, participants="调解员", coverage="全村", none_found=True)
                engine.file_screening_report(who, unit=u)

    screened(10)
    screened(20, units=("v1",))  # 乙村 does not file its second half of April
    clock.set(datetime(2026, 5, 2, 2, tzinfo=timezone.utc))
    with pytest.raises(ValidationError) as exc:
        engine.report_file("nil", fmt="html", actor="sup", month="2026-04")
    assert "乙村" in exc.value.message() and "未报送" in exc.value.message()
    clock.set(datetime(2026, 4, 21, 2, tzinfo=timezone.utc))
    engine.record_round("med2", unit="v2", held_on="2026-04-20", participants="调解员乙", none_found=True)
    engine.file_screening_report("med2", unit="v2")
    clock.set(datetime(2026, 5, 2, 2, tzinfo=timezone.utc))
    name, body, _ = engine.report_file("nil", fmt="html", actor="sup", month="2026-04")
    html = body.decode()
    assert name == "t1-零报告-2026-04.html" and "共报送排查报告 4 份" in html and "试点镇" in html
    assert html.count("零报告</td>") == 4
    with pytest.raises(ValidationError) as exc:  # March: cases on record, but no report filed
        engine.report_file("nil", fmt="html", actor="sup", month="2026-03")
    assert "不能报零报告" in exc.value.message()


def test_closed_month_is_frozen_and_recomputes_to_the_same(engine, clock, town):
    first = engine.report_file("ledger", fmt="csv", actor="sup", month="2026-03")
    stats_before = engine.report_data("stats", actor="sup", month="2026-03")
    # A record entered late with the clock set back into March, and A's April relapse.
    reports_town.april(engine, clock, town)
    clock.set(reports_town.at(3, 30))
    engine.report("go", title="补录的纠纷", category="neighbour", unit="v1-g1", parties=reports_town.PARTIES)
    clock.set(reports_town.at(5, 2))
    again = engine.report_file("ledger", fmt="csv", actor="sup", month="2026-03")
    assert again == first
    assert engine.report_data("stats", actor="sup", month="2026-03") == stats_before
    from disputeflow.reports.files import verify_snapshot

    res = verify_snapshot(runtime_of(engine), "ledger", "sup", month="2026-03")
    # The late record shows in a recomputation from the log, and verification says where.
    assert res["frozen"] is True and res["same"] is False and "rows" in res["differences"]


def test_recomputation_without_snapshot_matches_when_nothing_was_backdated(engine, clock, town):
    frozen = engine.report_data("ledger", actor="sup", month="2026-03")
    reports_town.april(engine, clock, town)  # later events only
    from disputeflow.reports.files import verify_snapshot

    assert verify_snapshot(runtime_of(engine), "ledger", "sup", month="2026-03") == {"frozen": True, "same": True, "differences": []}
    with runtime_of(engine).store.write() as tx:
        tx.execute("DELETE FROM report_snapshots")
    fresh = engine.report_data("ledger", actor="sup", month="2026-03")
    assert {k: v for k, v in fresh.items() if k != "generated_at"} == {k: v for k, v in frozen.items() if k != "generated_at"}


def test_control_rate_is_the_registers_in_the_total_and_every_village_row(march_town, monkeypatch):
    """One definition of 稳控率: the village rows used to take it from the case flags while the total took the register."""
    from disputeflow.workflow import person_queries

    engine, _clock, town = march_town
    asked = []
    figures = {"t1": (4, 3), "v1": (3, 2), "v2": (1, 1)}

    def register(_rt, unit, start, end, actor=None):
        asked.append((unit, start, end))
        total, met = figures.get(unit, (0, 0))
        return {"under_control": total, "all_duties_met": met, "rate": met / total if total else None,
                "definition_zh": "稳控率 = 在控且职责均按期完成的人数 ÷ 在控人数"}

    monkeypatch.setattr(person_queries, "control_rate", register)
    doc = engine.report_data("stats", actor="sup", start="2026-03-02", end="2026-03-30")
    o, v = doc["overall"], {r["key"]: r for r in doc["by_village"]}
    html = engine.report_file("stats", fmt="html", actor="sup", start="2026-03-02", end="2026-03-30")[1].decode()
    assert asked[0] == ("t1", reports_town.at(3, 2, 0), reports_town.at(3, 31, 0))
    assert (o["control_rate"], o["control"]["total"], o["control"]["source"]) == (0.75, 4, "key_persons")
    assert (v["v1"]["control_rate"], v["v2"]["control_rate"]) == (round(2 / 3, 4), 1.0)
    assert sum(r["control"]["total"] for r in v.values()) == o["control"]["total"]
    assert sum(r["control"]["controlled"] for r in v.values()) == o["control"]["controlled"]
    assert "稳控率取自重点人员台账" in html and "在控且职责均按期完成" in html
    # nobody under control: — in every row, and the villages are not asked
    monkeypatch.setattr(person_queries, "control_rate",
                        lambda _rt, unit, start, end, actor=None: {"under_control": 0, "all_duties_met": 0, "rate": None})
    empty = engine.report_data("stats", actor="sup", start="2026-03-03", end="2026-03-30")
    assert empty["overall"]["control_rate"] is None and empty["overall"]["kp_case_control_rate"] == 1.0
    assert [r["control_rate"] for r in empty["by_village"]] == [None] * len(empty["by_village"])
