"""Importing ledgers into a real database: states, dates, clocks, validation, idempotence, corrections."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import T0
from tests.ledgers import write_csv, write_xlsx
from disputeflow.workflow.errors import NotPermitted, ValidationError
from disputeflow.ledger_import import ImportRejected
from disputeflow.workflow.runtime import runtime_of


def rows_good():
    return [
        # 编号, 登记日期, 村(社区), 纠纷类型, 姓名, 联系电话, 风险等级, 包案领导, 化解情况, 办结日期, 销号日期, 备注
        ["TZ-001", datetime(2026, 1, 5), "甲村", "邻里纠纷", "张三、李四", "13812345678、13912345678", "低", "包案领导",
         "调处中", None, None, "院墙"],
        ["TZ-002", 46024, "乙村", "婚姻家庭", "王五", 13812340000, "中", None, "已销号", "2026年1月20日", "2026/2/20", None],
        ["TZ-003", "2026年3月1日", "v1", "欠薪", "赵六", "１３８１２３４５６７８", "高", "包案领导", "已化解", "2026-03-02",
         None, None],
        ["TZ-004", "2026-03-02", "甲村第1网格", "合同纠纷", "钱七", None, None, None, "已登记", None, None, None],
    ]


def count(engine, table):
    with runtime_of(engine).store.read() as tx:
        return tx.query(f"SELECT COUNT(*) FROM {table}")[0][0]


def by_ref(engine):
    out = {}
    with runtime_of(engine).store.read() as tx:
        for key, number in tx.query("SELECT k.key, c.number FROM import_keys k JOIN cases c ON c.id = k.case_id"):
            out[key] = number
    return out


def test_an_excel_ledger_becomes_cases_in_the_states_its_rows_record(engine, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good(), blank_after=(0, 2))
    report = engine.import_ledger(path, actor="sup")
    assert (report["rows"], report["blank"], report["created"], report["bad_rows"]) == (4, 2, 4, 0)
    assert report["header_rows"] == [2, 3]
    cases = by_ref(engine)
    docs = {ref: engine.case(n, actor="sup") for ref, n in cases.items()}
    assert {r: d["state"] for r, d in docs.items()} == {
        "TZ-001": "mediating", "TZ-002": "closed", "TZ-003": "resolved", "TZ-004": "reported"}
    # engine numbers by the report year; the ledger number stays on the case
    assert cases["TZ-002"].startswith("试点-2026-")
    assert docs["TZ-001"]["data"]["ledger"]["ref"] == "TZ-001"
    assert [p["phone"] for p in docs["TZ-001"]["parties"]] == ["13812345678", "13912345678"]
    assert docs["TZ-002"]["parties"][0]["phone"] == "13812340000"  # a phone stored as a number
    assert docs["TZ-003"]["parties"][0]["phone"] == "13812345678"  # full-width digits
    assert docs["TZ-003"]["risk"] == "high" and docs["TZ-001"]["lead_official"] == "lead"
    assert docs["TZ-004"]["unit"] == "v1-g1" and docs["TZ-004"]["title"] == "钱*合同债务"
    # the history carries the ledger's dates as effective times, on a verifiable chain
    hist = engine.history(cases["TZ-002"])
    assert [(h["action"], h["at"][:10]) for h in hist] == [
        ("report", "2026-01-02"), ("assess", "2026-01-02"), ("mediate", "2026-01-02"), ("resolve", "2026-01-20"),
        ("follow_up", "2026-01-20"), ("close", "2026-02-20")]
    assert engine.verify_audit()["problems"] == []
    assert engine.verify_audit()["events"] == count(engine, "audit_events")


def test_imported_clocks_are_the_engines_own_so_overdue_cases_show_but_history_does_not_escalate(engine, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    report = engine.import_ledger(path, actor="sup")
    assert report["tracking"] == {"mode": "history", "open": 3, "overdue": 2}
    cases = by_ref(engine)
    board = {(r["number"], r["clock"]): r for r in engine.overdue()}
    # mediating since 5 January: the 30-day resolve clock fell due on 4 February
    late = board[(cases["TZ-001"], "resolve")]
    assert late["due_at"] == "2026-02-04T00:00:00+08:00" and late["level"] == "level3"
    # reported on 2 March and never assessed: one business day ran out at midnight
    assert set(board) == {(cases["TZ-001"], "resolve"), (cases["TZ-004"], "assess")}
    # what fell due before the import is history: no step is raised for it, no one is told, nothing is listed
    assert engine.sweep() == []
    assert engine.case(cases["TZ-001"])["supervision"] is None
    assert count(engine, "outbox") == 0
    assert engine.verify_audit()["problems"] == []


def test_as_of_today_tracks_open_rows_from_the_import_and_escalates_as_any_case(engine, tmp_path, clock):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    report = engine.import_ledger(path, actor="sup", live=True)
    assert report["tracking"] == {"mode": "live", "open": 3, "overdue": 0}
    cases = by_ref(engine)
    assert engine.overdue() == []
    resolve = next(d for d in engine.case(cases["TZ-001"])["deadlines"] if d["clock"] == "resolve")
    assert resolve["due_at"].startswith("2026-04-02")  # 30 days from the import on 3 March
    clock.set(datetime(2026, 4, 20, tzinfo=timezone.utc))
    steps = sorted(e["step"] for e in engine.sweep() if e["number"] == cases["TZ-001"])
    assert steps == ["level1", "level2", "level3", "warning"]
    assert engine.case(cases["TZ-001"])["supervision"] is not None


def test_an_imported_case_gets_the_same_due_times_as_one_reported_through_the_engine(engine, tmp_path, clock):
    # reported on Friday 2026-03-06 (00:00): assessment is due one business day later
    path = write_xlsx(tmp_path / "台账.xlsx", [["X-1", "2026-03-06", "甲村第1网格", "邻里纠纷", "张三", None, None, None,
                                                  "已登记", None, None, None]])
    clock.set(datetime(2026, 3, 7, tzinfo=timezone.utc))
    engine.import_ledger(path, actor="sup")
    clock.set(datetime(2026, 3, 5, 16, 0, tzinfo=timezone.utc))  # = 2026-03-06 00:00 Beijing
    direct = engine.report("go", title="对照", category="neighbour", unit="v1-g1", parties=[{"name": "张三"}]).number
    imported = engine.case(by_ref(engine)["X-1"])["deadlines"]
    reference = engine.case(direct)["deadlines"]
    assert [(d["clock"], d["due_at"], d["warn_at"]) for d in imported] == \
        [(d["clock"], d["due_at"], d["warn_at"]) for d in reference]
    assert imported[0]["due_at"] == "2026-03-09T00:00:00+08:00"


def test_a_dry_run_reports_every_problem_exactly_and_writes_nothing(engine, tmp_path):
    rows = rows_good() + [
        ["TZ-005", "2026-02-30", "丙村", "打架", None, "12345", "超高", None, "乱写", None, None, None],
        ["TZ-006", "2026/2/1", "乙村", "土地纠纷", "孙八", "138123", None, None, "已销号", "2026-01-15", None, None],
        ["TZ-001", "2026-01-06", "甲村", "邻里纠纷", "张三", None, None, None, None, None, None, None],
    ]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    report = engine.import_ledger(path, actor="sup", dry_run=True)
    assert (report["rows"], report["valid"], report["bad_rows"], report["created"]) == (7, 4, 3, 4)
    got = [(p["row"], p["column"], p["message"]) for p in report["problems"]]
    assert got == [
        (8, "登记日期", "日期“2026-02-30”不存在"),
        (8, "村(社区)", "单位“丙村”不存在（请先用 disputeflow unit add 建立，或填写单位编号）"),
        (8, "纠纷类型", "纠纷类型“打架”无法识别（可填：邻里纠纷、婚姻家庭、土地山林、房屋宅基地纠纷、劳资欠薪、合同债务、损害赔偿、物业纠纷、"
                      "征地拆迁、医疗纠纷、环境污染、消费维权、其他；或在映射文件 [values.category] 中指定）"),
        (8, "当事人/姓名", "当事人为空"),
        (8, "风险等级", "“超高”无法识别（可填：低、中、高、重大；或在映射文件 [values.risk] 中指定）"),
        (8, "化解情况", "化解情况“乱写”无法识别（可填：已登记、已研判、已稳控、调处中、已办结、跟踪回访、已销号、已移交、已撤回、当事人拒绝调解；"
                      "或在映射文件 [values.state] 中指定）"),
        (9, "当事人/联系电话", "电话号码“******”格式有误（手机 11 位，或带区号的固定电话）"),
        (9, "办结日期", "办结日期（2026-01-15）早于登记日期（2026-02-01）"),
        (10, "编号", "与第 4 行重复（同一编号或同一登记日期、村、当事人）"),
    ]
    assert count(engine, "cases") == 0 and count(engine, "import_keys") == 0 and count(engine, "audit_events") == 0


def test_a_real_run_of_a_file_with_errors_writes_nothing(engine, tmp_path):
    rows = rows_good() + [["TZ-009", "2026-01-07", "甲村", "打架", "张三", None, None, None, None, None, None, None]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    with pytest.raises(ImportRejected) as exc:
        engine.import_ledger(path, actor="sup")
    assert exc.value.report["bad_rows"] == 1 and exc.value.exit_code == 2
    assert "第8行 纠纷类型" in exc.value.message()
    assert count(engine, "cases") == 0 and count(engine, "import_keys") == 0
    assert not (tmp_path / "台账.errors.csv").exists()


def test_skip_bad_imports_the_rest_and_writes_an_error_file_that_reimports_once_fixed(engine, tmp_path):
    rows = rows_good() + [["TZ-009", 46030, "甲村", "打架", "张三", 13812345678, None, None, None, None, None, None]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    report = engine.import_ledger(path, actor="sup", skip_bad=True)
    assert (report["created"], report["bad_rows"]) == (4, 1)
    err = tmp_path / "台账.errors.csv"
    assert report["error_file"] == str(err)
    with open(err, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0][-1] == "错误说明" and lines[0][4] == "当事人/姓名"
    assert lines[1][:6] == ["TZ-009", "46030", "甲村", "打架", "张三", "13812345678"]
    assert "纠纷类型“打架”无法识别" in lines[1][-1]
    lines[1][3] = "损害赔偿"  # the operator fixes the category and imports the error file
    with open(err, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(lines)
    again = engine.import_ledger(err, actor="sup")
    assert (again["created"], again["bad_rows"], again["unchanged"]) == (1, 0, 0)
    doc = engine.case(by_ref(engine)["TZ-009"], actor="sup")
    assert doc["category"] == "damages" and doc["parties"][0]["phone"] == "13812345678"
    assert "错误说明" not in doc["data"]["ledger"].get("extra", {})


def test_importing_the_same_file_twice_creates_nothing_twice(engine, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    engine.import_ledger(path, actor="sup")
    before = (count(engine, "cases"), count(engine, "audit_events"), count(engine, "clocks"), count(engine, "parties"))
    again = engine.import_ledger(path, actor="sup")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert (count(engine, "cases"), count(engine, "audit_events"), count(engine, "clocks"),
            count(engine, "parties")) == before
    dry = engine.import_ledger(path, actor="sup", dry_run=True)
    assert (dry["created"], dry["updated"], dry["unchanged"]) == (0, 0, 4)


def test_rows_without_a_ledger_number_are_keyed_by_a_stable_hash(engine, tmp_path):
    rows = [[None, *r[1:]] for r in rows_good()]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    assert engine.import_ledger(path, actor="sup")["created"] == 4
    rows[0][11] = "备注改了"
    write_xlsx(path, rows)
    again = engine.import_ledger(path, actor="sup")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 3)
    assert count(engine, "cases") == 4


def test_a_corrected_reimport_changes_only_the_changed_rows_through_audited_events(engine, tmp_path, clock):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    engine.import_ledger(path, actor="sup")
    cases = by_ref(engine)
    versions = {r: engine.case(n)["version"] for r, n in cases.items()}
    rows = rows_good()
    rows[0][8:11] = ["已销号", "2026-02-10", "2026-02-25"]  # TZ-001 was settled and struck off since
    rows[2][3] = "劳动争议"  # TZ-003: another word for the same category: nothing to change
    rows[3][4] = "钱七、周九"  # TZ-004: a second party
    rows[3][6] = "高"
    write_xlsx(path, rows)
    clock.set(T0 + timedelta(hours=2))
    report = engine.import_ledger(path, actor="sup")
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 2, 2)
    h1 = engine.history(cases["TZ-001"])
    assert [(h["action"], h["at"][:10]) for h in h1[-4:]] == [
        ("resolve", "2026-02-10"), ("follow_up", "2026-02-10"), ("close", "2026-02-25"), ("ledger_update", "2026-03-03")]
    assert engine.case(cases["TZ-001"])["state"] == "closed"
    assert not [r for r in engine.overdue() if r["number"] == cases["TZ-001"]]
    assert set(h1[-1]["data"]["changes"]) == {"dates", "outcome"}
    doc4 = engine.case(cases["TZ-004"], actor="sup")
    assert [p["name"] for p in doc4["parties"]] == ["钱七", "周九"]
    assert engine.history(cases["TZ-004"])[-1]["data"]["changes"]["parties"]["to"][1]["name"] == "周九"
    assert engine.case(cases["TZ-002"])["version"] == versions["TZ-002"]  # untouched
    assert engine.case(cases["TZ-003"])["version"] == versions["TZ-003"]
    assert engine.case(cases["TZ-004"])["risk"] == "high"
    assert engine.verify_audit()["problems"] == []
    assert engine.import_ledger(path, actor="sup")["unchanged"] == 4


def test_a_correction_that_ends_a_case_leaves_the_clocks_that_outlive_it_running(engine, tmp_path, clock):
    """A key person's duties go on when the linked case is struck off through a ledger, as through a command."""
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    engine.import_ledger(path, actor="sup")
    number = by_ref(engine)["TZ-001"]
    engine.add_person("sup", name="王大锤", cases=[number], risk="critical", grid_officer="go", lead_official="lead",
                      reasons={"threat": "扬言报复"})
    engine.sweep()

    def duties():
        with runtime_of(engine).store.read() as tx:
            return sorted(tuple(r) for r in tx.query(
                "SELECT d.duty, d.status FROM key_person_duties d JOIN key_person_cases l ON l.person_id = d.person_id "
                "JOIN cases c ON c.id = l.case_id WHERE c.number = :n AND d.status = 'open'", {"n": number}))

    running = duties()
    assert running  # the control plan's contacts and reports
    rows = rows_good()
    rows[0][8:11] = ["已销号", "2026-02-10", "2026-02-25"]
    write_xlsx(path, rows)
    clock.set(T0 + timedelta(hours=2))
    assert engine.import_ledger(path, actor="sup")["updated"] == 1
    assert engine.case(number)["state"] == "closed"
    assert duties() == running


def test_a_correction_that_ends_a_supervised_case_delists_it_and_stops_its_supervision_clock(engine, tmp_path, clock):
    """A ledger that strikes a listed case off ends its listing and clock, as the command does."""
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    engine.import_ledger(path, actor="sup")
    number = by_ref(engine)["TZ-001"]
    engine.act(number, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-20T17:00+08:00")
    rows = rows_good()
    rows[0][8:11] = ["已销号", "2026-02-10", "2026-02-25"]
    write_xlsx(path, rows)
    clock.set(T0 + timedelta(hours=2))
    assert engine.import_ledger(path, actor="sup")["updated"] == 1
    doc = engine.case(number)
    assert doc["state"] == "closed" and not doc["supervision"]
    assert [k["clock"] for k in doc["deadlines"] if k["status"] == "running"] == []
    assert any("supervision_ended" in e["data"] for e in engine.history(number))
    assert engine.verify_audit()["problems"] == []


def test_unknown_categories_are_mapped_by_the_operators_mapping_file(engine, tmp_path):
    rows = [["M-1", "2026-01-05", "甲村", "打架斗殴", "张三", None, None, None, None, None, None, None],
            ["M-2", "2026-01-05", "甲村", "噪音扰民", "李四", None, None, None, None, None, None, None]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[values.category]\n"打架斗殴" = "damages"\n\n[options]\nunknown_category = "other"\n',
                       encoding="utf-8")
    report = engine.import_ledger(path, actor="sup", mapping=mapping)
    assert report["created"] == 2
    assert [(w["row"], w["column"]) for w in report["warnings"]] == [(5, "纠纷类型")]
    docs = {r: engine.case(n) for r, n in by_ref(engine).items()}
    assert docs["M-1"]["category"] == "damages"
    assert docs["M-2"]["category"] == "other" and docs["M-2"]["data"]["ledger"]["category_text"] == "噪音扰民"


def test_a_mapping_file_names_the_columns_of_an_unusual_ledger(engine, tmp_path):
    path = write_csv(tmp_path / "旧平台导出.csv", ["事件编码", "上报时间", "所在村居", "事件类别", "涉事人员", "手机"],
                     [["E1", "2026/01/05 10:30", "乙村", "邻里", "刘一", "13812345678"]], encoding="gb18030")
    with pytest.raises(ValidationError) as exc:
        engine.import_ledger(path, actor="sup")
    assert "表头" in exc.value.message()
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nref = "事件编码"\nreported_at = "上报时间"\ncategory = "事件类别"\n'
                       'parties = "涉事人员"\n', encoding="utf-8")
    report = engine.import_ledger(path, actor="sup", mapping=mapping)
    assert report["created"] == 1
    doc = engine.case(by_ref(engine)["E1"], actor="sup")
    assert (doc["unit"], doc["category"], doc["parties"][0]["phone"]) == ("v2", "neighbour", "13812345678")
    assert engine.history(doc["number"])[0]["at"] == "2026-01-05T10:30:00+08:00"


def test_only_supervisors_and_admins_import_and_only_within_their_jurisdiction(engine, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    with pytest.raises(NotPermitted):
        engine.import_ledger(path, actor="go")
    engine.add_unit("t2", "邻镇", "town")
    engine.add_unit("w1", "外村", "village", "t2")
    engine.add_user("sup2", "邻镇督办", "supervisor", "t2")
    report = engine.import_ledger(path, actor="sup2", dry_run=True)
    assert report["bad_rows"] == 4
    assert report["problems"][0]["message"] == "“甲村”不在您的管辖范围内"


def test_a_named_sheet_is_read_and_a_missing_one_is_reported(engine, tmp_path):
    from disputeflow.workflow.errors import NotFound

    path = write_xlsx(tmp_path / "台账.xlsx", rows_good(), sheet="三月", extra_sheets=("说明",))
    with pytest.raises(NotFound) as exc:
        engine.import_ledger(path, actor="sup", sheet="四月")
    assert "三月" in exc.value.message()
    assert engine.import_ledger(path, actor="sup", sheet="三月", dry_run=True)["valid"] == 4


def test_an_imported_case_goes_on_through_the_engine_like_any_other(engine, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    engine.import_ledger(path, actor="sup")
    number = by_ref(engine)["TZ-001"]
    assert "resolve" in [a["action"] for a in engine.actions(number, "med1")]
    out = engine.act(number, "resolve", "med1", outcome="agreement", agreement="院墙后退三十厘米")
    assert out.to_state == "resolved" and out.seq == len(engine.history(number))
    assert not [r for r in engine.overdue() if r["number"] == number]
    assert engine.verify_audit()["problems"] == []


def test_a_correction_leaves_a_case_the_engine_moved_on_and_reports_one_it_cannot_follow(engine, tmp_path, clock):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    engine.import_ledger(path, actor="sup")
    cases = by_ref(engine)
    engine.act(cases["TZ-001"], "resolve", "med1", outcome="agreement", agreement="和解")
    rows = rows_good()
    rows[0][11] = "已调解，待回访"  # the ledger still says 调处中 but its note changed
    rows[2][8] = "已撤回"  # the case is resolved; a resolved case cannot be withdrawn
    write_xlsx(path, rows)
    clock.set(T0 + timedelta(hours=1))
    report = engine.import_ledger(path, actor="sup")
    assert (report["updated"], report["bad_rows"]) == (1, 1)
    assert report["problems"][0]["row"] == 6 and "无法按台账更正" in report["problems"][0]["message"]
    assert engine.case(cases["TZ-001"])["state"] == "resolved"
    assert engine.history(cases["TZ-001"])[-1]["data"]["changes"]["note"]["to"] == "已调解，待回访"
    assert engine.case(cases["TZ-003"])["state"] == "resolved"
    assert engine.verify_audit()["problems"] == []


def test_the_report_is_in_english_on_request(engine, tmp_path):
    rows = [["E-1", "２０２６年１月５日", "甲村", "打架", "张三", None, None, None, None, None, None, None]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    report = engine.import_ledger(path, actor="sup", dry_run=True, lang="en")
    assert [(p["column"], p["message"]) for p in report["problems"]] == [
        ("纠纷类型", "unknown category '打架' (map it in [values.category] of a mapping file)")]


def test_two_imports_of_the_same_ledger_at_once_create_each_case_once(engine, tmp_path):
    import threading

    rows = [[f"C-{i:03d}", "2026-01-05", "甲村", "邻里纠纷", f"当事人{i}", None, "低", None, "调处中", None, None, None]
            for i in range(60)]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    results, failures = [], []

    def run():
        try:
            results.append(engine.import_ledger(path, actor="sup", batch=10))
        except Exception as exc:  # surfaced below
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sum(r["created"] for r in results) == 60 and sum(r["unchanged"] for r in results) == 60
    assert count(engine, "cases") == count(engine, "import_keys") == 60
    assert engine.verify_audit()["problems"] == []


def audit_count(engine):
    return count(engine, "audit_events")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_ledger_that_moves_a_row_back_reopens_the_case_through_the_workflow(engine, tmp_path, clock, kind):
    def write(rows):
        if kind == "xlsx":
            return write_xlsx(tmp_path / "台账.xlsx", rows)
        header = ["编号", "登记日期", "村(社区)", "纠纷类型", "姓名", "联系电话", "风险等级", "包案领导", "化解情况",
                  "办结日期", "销号日期", "备注"]
        return write_csv(tmp_path / "台账.csv", header, [[{46024: "2026-01-02"}.get(v, v) for v in r] for r in rows])

    def ledger():
        rows = rows_good()
        rows[1][7] = "包案领导"  # TZ-002 has a lead official, who hears of the reopening
        return rows

    first = 4 if kind == "xlsx" else 2  # the ledger row of TZ-001
    path = write(ledger())
    engine.import_ledger(path, actor="sup")
    cases = by_ref(engine)
    rows = ledger()
    rows[1][8:11] = ["调处中", None, None]  # TZ-002: struck off by mistake, the dispute flared up again
    rows[2][8:10] = ["已登记", None]  # TZ-003: resolved -> reported: the workflow has no way back there
    path = write(rows)
    clock.set(T0 + timedelta(hours=2))
    before = (audit_count(engine), engine.case(cases["TZ-002"])["version"])
    dry = engine.import_ledger(path, actor="sup", dry_run=True)
    assert (dry["updated"], dry["reopened"], dry["bad_rows"]) == (1, 1, 1)
    assert [(n["row"], n["column"]) for n in dry["notices"]] == [(first + 1, "化解情况")]
    assert dry["notices"][0]["message"].startswith(f"案件 {cases['TZ-002']} 将重新打开：已销号 → 调处中")
    assert [(p["row"], p["column"]) for p in dry["problems"]] == [(first + 2, "化解情况")]
    assert dry["problems"][0]["message"] == (
        f"案件 {cases['TZ-003']} 当前为“已办结”，台账改为“已登记”：流程中从“已办结”只能退回到“调处中”，"
        "无法按台账改为“已登记”，请在系统中处理")
    assert (audit_count(engine), engine.case(cases["TZ-002"])["version"]) == before  # a dry run writes nothing

    report = engine.import_ledger(path, actor="sup")
    assert (report["updated"], report["reopened"], report["bad_rows"]) == (1, 1, 1)
    assert report["notices"][0]["message"].startswith(f"案件 {cases['TZ-002']} 已重新打开")
    doc = engine.case(cases["TZ-002"], actor="sup")
    assert doc["state"] == "mediating" and doc["closed_at"] is None
    hist = engine.history(cases["TZ-002"])
    reopen = hist[-2]
    assert (reopen["action"], reopen["from_state"], reopen["to_state"], reopen["actor"]) == \
        ("reopen", "closed", "mediating", "sup")
    assert reopen["data"]["reason"] == "台账更正：化解情况由“已销号”改为“调处中”"
    assert reopen["data"]["clocks_started"] == ["resolve"]
    assert hist[-1]["action"] == "ledger_update"
    with runtime_of(engine).store.read() as tx:  # the reopening tells the case's people, as the reopen command does
        told = tx.query("SELECT audience, payload FROM outbox WHERE case_number = :n AND event = 'reopen'",
                        {"n": cases["TZ-002"]})
    assert [(json.loads(a), json.loads(p)) for a, p in told] == \
        [(["user:lead"], {"from_state": "closed", "to_state": "mediating", "seq": reopen["seq"]})]
    assert doc["data"]["reopenings"][0]["reason"] == reopen["data"]["reason"]
    assert "resolve" in [d["clock"] for d in doc["deadlines"] if d.get("status", "running") == "running"]
    assert engine.case(cases["TZ-003"])["state"] == "resolved"  # reported, not changed
    # the reopened case goes on through the engine, and a third import changes nothing
    assert "resolve" in [a["action"] for a in engine.actions(cases["TZ-002"], "med2")]
    assert engine.import_ledger(path, actor="sup", skip_bad=True)["unchanged"] == 3
    assert engine.verify_audit()["problems"] == []


def test_a_closed_row_corrected_to_resolved_is_reopened_then_resolved_again(engine, tmp_path, clock):
    rows = [["C-1", "2026-01-05", "甲村", "邻里纠纷", "张三", None, None, None, "已销号", "2026-01-20", "2026-02-20",
             None]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    engine.import_ledger(path, actor="sup")
    number = by_ref(engine)["C-1"]
    rows[0][8:11] = ["已办结", "2026-01-20", None]
    write_xlsx(path, rows)
    clock.set(T0 + timedelta(hours=1))
    report = engine.import_ledger(path, actor="sup")
    assert (report["updated"], report["reopened"]) == (1, 1), report["problems"]
    hist = engine.history(number)
    assert [(h["action"], h["from_state"], h["to_state"]) for h in hist[-3:]] == [
        ("reopen", "closed", "mediating"), ("resolve", "mediating", "resolved"), ("ledger_update", "resolved", "resolved")]
    doc = engine.case(number, actor="sup")
    assert doc["state"] == "resolved" and doc["closed_at"] is None
    assert engine.verify_audit()["problems"] == []


def test_a_row_moved_back_from_following_up_reopens_and_an_admin_may_not_reopen(engine, tmp_path, clock):
    rows = [["R-1", "2026-01-05", "甲村", "邻里纠纷", "张三", None, None, None, "跟踪回访", "2026-01-20", None, None],
            ["R-2", "2026-01-05", "甲村", "邻里纠纷", "李四", None, None, None, "已办结", "2026-01-20", None, None]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    engine.import_ledger(path, actor="sup")
    cases = by_ref(engine)
    rows[0][8] = "调处中"
    rows[1][8] = "调处中"
    write_xlsx(path, rows)
    clock.set(T0 + timedelta(hours=1))
    refused = engine.import_ledger(path, actor="admin", skip_bad=True)
    assert (refused["updated"], refused["reopened"], refused["bad_rows"]) == (0, 0, 2)
    assert "须由调解员、督办人员执行（导入人是管理员）" in refused["problems"][0]["message"]
    report = engine.import_ledger(path, actor="sup")
    assert (report["updated"], report["reopened"]) == (2, 2)
    for ref in ("R-1", "R-2"):
        assert engine.case(cases[ref])["state"] == "mediating"
        assert engine.history(cases[ref])[-2]["action"] == "reopen"
    assert engine.verify_audit()["problems"] == []


ID_A, ID_B, ID_C = "11010519491231002X", "320102198001011238", "440306199003074564"
ID_HEAD = ["编号", "登记日期", "村(社区)", "纠纷类型", "申请人", "申请人身份证号码", "被申请人", "被申请人身份证号码",
           "联系电话", "化解情况"]


def id_rows():
    return [
        ["ID-1", "2026-01-05", "甲村", "邻里纠纷", "张三", "１１０１０５１９４９１２３１００２ｘ", "李四", ID_B,
         "13812345678、13912345678", "调处中"],
        ["ID-2", "2026-01-06", "甲村", "邻里纠纷", "王五", "320102198001011239", "赵六", None, None, "调处中"],
        ["ID-3", "2026-01-07", "甲村", "邻里纠纷", "钱七", 320102198001011238, "孙八", None, None, "调处中"],
    ]


def write_flat_xlsx(path, header, rows):
    """A one-heading-row workbook with the ID columns formatted as text, as a careful clerk keeps them."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    for col in ws.iter_cols(min_row=2):
        for c in col:
            if isinstance(c.value, str):
                c.number_format = "@"
    wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_id_numbers_go_to_the_parties_checked_and_masked_wherever_they_are_shown(engine, tmp_path, kind):
    import json

    from disputeflow.ledger_import.service import public

    rows = id_rows()
    if kind == "xlsx":
        path = write_flat_xlsx(tmp_path / "台账.xlsx", ID_HEAD, rows)
    else:
        rows[2][5] = "3.20102198001011E+17"  # what a spreadsheet saved as CSV makes of a number
        path = write_csv(tmp_path / "台账.csv", ID_HEAD, rows)
    report = engine.import_ledger(path, actor="sup", skip_bad=True, errors_path=tmp_path / "待修正.csv")
    assert (report["created"], report["bad_rows"]) == (1, 2)
    assert [(p["row"], p["column"], p["message"]) for p in report["problems"]] == [
        (3, "申请人身份证号码", "身份证号码“**************1239”校验位有误，请核对"),
        (4, "申请人身份证号码", "身份证号码被存成了数字，末几位已丢失，请把该列设为文本后重新填写"),
    ]
    # the printed report carries no full ID number nor phone
    printed = json.dumps(public(report), ensure_ascii=False)
    assert ID_A not in printed and ID_B not in printed and "320102198001011239" not in printed
    assert "13812345678" not in printed
    # the error file is the operator's own rows back, with the reasons masked
    with open(tmp_path / "待修正.csv", encoding="utf-8-sig") as f:
        err = list(csv.reader(f))
    assert err[1][5] == "320102198001011239" and err[1][-1].startswith("申请人身份证号码：身份证号码“*")
    number = by_ref(engine)["ID-1"]
    full = engine.case(number, actor="sup", )["parties"]
    assert [(p["name"], p["id_number"]) for p in full] == [("张三", ID_A), ("李四", ID_B)]
    masked = engine.case(number, actor="admin")["parties"]
    assert [p["id_number"] for p in masked] == ["**************002X", "**************1238"]
    assert "extra" not in engine.case(number, actor="sup")["data"]["ledger"]  # no longer kept as a loose column
    report_event = engine.history(number, actor="admin")[0]
    assert [p["id_number"] for p in report_event["data"]["parties"]] == ["**************002X", "**************1238"]


def test_a_corrected_id_number_is_audited_and_masked_in_the_history(engine, tmp_path, clock):
    path = write_flat_xlsx(tmp_path / "台账.xlsx", ID_HEAD, id_rows()[:1])
    engine.import_ledger(path, actor="sup")
    number = by_ref(engine)["ID-1"]
    rows = id_rows()[:1]
    rows[0][7] = ID_C
    write_flat_xlsx(path, ID_HEAD, rows)
    clock.set(T0 + timedelta(hours=1))
    assert engine.import_ledger(path, actor="sup")["updated"] == 1
    assert engine.case(number, actor="sup")["parties"][1]["id_number"] == ID_C
    change = engine.history(number, actor="admin")[-1]["data"]["changes"]["parties"]
    assert change["from"][1]["id_number"] == "**************1238" and change["to"][1]["id_number"] == "**************4564"
    assert change["to"][0]["phone"] == "138****5678"
    assert engine.history(number, actor="sup")[-1]["data"]["changes"]["parties"]["to"][1]["id_number"] == ID_C
    assert engine.verify_audit()["problems"] == []


def test_supervision_and_extension_columns_stay_on_the_case_word_for_word_and_replay_nothing(engine, tmp_path):
    head = ["编号", "登记日期", "村(社区)", "纠纷类型", "当事人", "化解情况", "督办级别", "督办日期", "是否延期", "延期至"]
    path = write_flat_xlsx(tmp_path / "台账.xlsx", head,
                           [["S-1", "2026-01-05", "甲村", "邻里纠纷", "张三", "调处中", "县级督办", "2026-02-01", "是",
                             "2026-03-01"]])
    report = engine.import_ledger(path, actor="sup")
    assert report["created"] == 1
    number = by_ref(engine)["S-1"]
    doc = engine.case(number, actor="sup")
    assert doc["data"]["ledger"]["extra"] == {"督办级别": "县级督办", "督办日期": "2026-02-01", "是否延期": "是",
                                              "延期至": "2026-03-01"}
    assert doc["supervision"] is None
    assert not {"supervise", "extend"} & {h["action"] for h in engine.history(number)}


def test_numbers_typed_into_unmapped_columns_are_masked_for_readers_who_do_not_handle_parties(engine, tmp_path):
    head = ["编号", "登记日期", "村(社区)", "纠纷类型", "申请人", "化解情况", "其他信息"]
    path = write_csv(tmp_path / "台账.csv", head,
                     [["EX-1", "2026-01-05", "甲村", "邻里纠纷", "张三", "调处中", f"身份证{ID_A}，电话13812345678"]])
    engine.import_ledger(path, actor="sup")
    number = by_ref(engine)["EX-1"]
    assert engine.case(number, actor="sup")["data"]["ledger"]["extra"] == {
        "其他信息": f"身份证{ID_A}，电话13812345678"}  # kept word for word for the roles that handle parties
    text = json.dumps(engine.case(number, actor="admin")["data"], ensure_ascii=False)
    assert "其他信息" in text and ID_A not in text and "13812345678" not in text and "138****5678" in text
    text = json.dumps(engine.history(number, actor="admin"), ensure_ascii=False)
    assert ID_A not in text and "13812345678" not in text


def test_progress_says_reading_before_the_file_loads_then_each_phase_up_to_its_total(engine, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    calls = []
    engine.import_ledger(path, actor="sup", progress=lambda *a: calls.append(a))
    assert calls[0] == ("read", 0, None) and [c for c in calls if c[0] == "read"] == [calls[0]]
    phases = [c[0] for c in calls]
    assert phases.index("validate") < phases.index("write")
    last_write = [c for c in calls if c[0] == "write"][-1]
    assert last_write[1] == last_write[2] == count(engine, "cases")
