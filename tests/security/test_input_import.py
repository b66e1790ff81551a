"""The ledger import refuses control characters row by row, as typed input is refused."""

from __future__ import annotations

from tests.ledgers import write_csv

HEAD = ["编号", "登记日期", "村(社区)", "纠纷名称", "纠纷类型", "当事人", "联系电话", "简要情况", "备注"]


def test_a_row_with_a_control_character_is_reported_with_its_column_and_nothing_is_written(engine, tmp_path):
    rows = [
        ["TZ-001", "2026-03-01", "甲村", "欠薪\u0007纠纷", "劳资欠薪", "张三", "138-1234-8000", "情况", None],
        ["TZ-002", "2026-03-01", "甲村", "院墙纠纷", "邻里纠纷", "李\x1b四", None, None, "备注\x00"],
        ["TZ-003", "2026-03-02", "甲村", "宅基地\n边界纠纷", "邻里纠纷", "王五", "0571 8888 6666", "第一行\n第二行", None],
    ]
    path = write_csv(tmp_path / "台账.csv", HEAD, rows)
    report = engine.import_ledger(path, actor="sup", dry_run=True)
    got = {(p["row"], p["column"]) for p in report["problems"]}
    assert got == {(2, "纠纷名称"), (3, "当事人"), (3, "备注")}
    assert all("控制字符" in p["message"] for p in report["problems"])
    assert (report["valid"], report["bad_rows"]) == (1, 2)


def test_a_wrapped_title_imports_on_one_line_with_a_normalised_phone(engine, tmp_path):
    rows = [["TZ-003", "2026-03-02", "甲村", "宅基地\n边界纠纷", "邻里纠纷", "王五", "0571 8888 6666", "第一行\n第二行", None]]
    engine.import_ledger(write_csv(tmp_path / "台账.csv", HEAD, rows), actor="sup")
    case = engine.list_cases("sup")[0]
    doc = engine.case(case["number"], "sup")
    assert doc["title"] == "宅基地 边界纠纷" and doc["description"] == "第一行\n第二行"
    assert doc["parties"][0]["phone"] == "0571-88886666"
