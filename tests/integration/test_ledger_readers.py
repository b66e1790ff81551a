"""The two .xlsx readers (python-calamine, openpyxl streaming) read a ledger alike.

A ledger read with one and then re-imported with the other must compare as
unchanged row for row: the records (dates, phones, parties, extra columns) and
so their hashes are the same; and a dry run names the same rows and columns.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.integration.test_ledger_import import rows_good
from tests.ledgers import write_xlsx
from disputeflow.ledger_import import readers, workbooks
from disputeflow.ledger_import.mapping import load_mapping
from disputeflow.workflow.runtime import runtime_of


def _reader(path) -> type:
    with readers.open_ledger(path, load_mapping().known_heading) as led:
        return type(led)


@pytest.fixture
def openpyxl_only(monkeypatch):
    """Sheets of any size stream through openpyxl (as they do past the calamine bound)."""
    def use():
        monkeypatch.setattr(workbooks, "CALAMINE_MAX_XML", -1)
    return use


def test_a_ledger_read_by_calamine_reimports_unchanged_through_openpyxl(engine, tmp_path, openpyxl_only):
    rows = rows_good() + [["TZ-005", datetime(2026, 1, 6, 14, 30), "乙村", "土地纠纷", "孙八、周九", 13812345678, None,
                           None, "调处中", None, None, "  "]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows, blank_after=(0, 2))
    assert _reader(path) is workbooks.CalamineLedger
    first = engine.import_ledger(path, actor="sup")
    assert (first["created"], first["blank"], first["header_rows"]) == (5, 2, [2, 3])
    openpyxl_only()
    assert _reader(path) is workbooks.XlsxLedger
    again = engine.import_ledger(path, actor="sup")
    assert (again["created"], again["updated"], again["unchanged"], again["blank"]) == (0, 0, 5, 2)
    assert again["header_rows"] == first["header_rows"] and again["columns"] == first["columns"]


def test_both_readers_number_rows_and_name_columns_alike_when_the_sheet_starts_below_and_right_of_a1(
        engine, tmp_path, openpyxl_only):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.cell(3, 2, "台账")
    head = ["编号", "登记日期", "村(社区)", "纠纷类型", "当事人", "联系电话", None, "化解情况"]
    for j, h in enumerate(head, start=2):
        ws.cell(4, j, h)
    good = ["TZ-1", datetime(2026, 1, 5), "甲村", "邻里纠纷", "张三", "13812345678", "附注", "调处中"]
    bad = ["TZ-2", "2026-02-30", "甲村", "邻里纠纷", "李四", "138", None, "调处中"]
    for i, row in enumerate((good, bad)):
        for j, v in enumerate(row, start=2):
            if v is not None:
                ws.cell(5 + i, j, v)
    path = tmp_path / "偏移.xlsx"
    wb.save(path)
    assert _reader(path) is workbooks.CalamineLedger
    fast = engine.import_ledger(path, actor="sup", dry_run=True)
    openpyxl_only()
    slow = engine.import_ledger(path, actor="sup", dry_run=True)
    assert fast["problems"] == slow["problems"] and fast["columns"] == slow["columns"]
    assert [(p["row"], p["column"]) for p in fast["problems"]] == [(6, "登记日期"), (6, "联系电话")]
    assert fast["header_rows"] == slow["header_rows"] == [4]


def test_calamine_honours_the_1904_date_system_of_old_mac_workbooks(engine, tmp_path, openpyxl_only):
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    for j, h in enumerate(["编号", "登记日期", "村(社区)", "纠纷类型", "当事人", "化解情况"], start=1):
        ws.cell(1, j, h)
    # 44562 days after 1904-01-01 is 2026-01-02 (the same number is 2021-12-31 from 1900)
    for j, v in enumerate(["TZ-1", 44562, "甲村", "邻里纠纷", "张三", "调处中"], start=1):
        c = ws.cell(2, j, v)
        c.number_format = "General"
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    assert workbooks._epoch_1904(path)
    assert _reader(path) is workbooks.CalamineLedger
    engine.import_ledger(path, actor="sup")
    with runtime_of(engine).store.read() as tx:
        (record,) = tx.query("SELECT record FROM import_keys")[0]
    assert '"reported_at":"2026-01-02T00:00:00+08:00"' in record
    openpyxl_only()
    assert engine.import_ledger(path, actor="sup")["unchanged"] == 1


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(engine, tmp_path):
    from disputeflow.workflow.errors import ValidationError

    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"not a zip file at all")
    with pytest.raises(ValidationError) as exc:
        engine.import_ledger(path, actor="sup")
    assert "无法读取 Excel 文件" in exc.value.message()


def test_the_write_pass_leaves_the_connections_checkpoint_setting_as_it_found_it(engine, tmp_path):
    if not runtime_of(engine).store.is_sqlite:
        pytest.skip("a SQLite setting")
    path = write_xlsx(tmp_path / "台账.xlsx", rows_good())
    engine.import_ledger(path, actor="sup")
    with runtime_of(engine).store.write() as tx:
        assert tx.query("PRAGMA wal_autocheckpoint")[0][0] == 1000


DATA = ["2026-03-02", "二村", "婚姻家庭", "李四", "13812345678"]


@pytest.mark.parametrize("top, sub, second", [
    # a data row whose texts happen to read like headings: under single-column headings, so data
    (["登记日期", "村(社区)", "纠纷类型", "姓名", "备注"], ["2026-03-01", "一村", "邻里纠纷", "张三", "包案领导"], False),
    # a trailing empty column does not make a group
    (["登记日期", "村(社区)", "纠纷类型", "姓名", "备注", None], ["2026-03-01", "一村", "邻里纠纷", "张三", "包案领导"], False),
    # a real second level under the merged group heading (当事人 over 姓名 | 联系电话)
    (["登记日期", "村(社区)", "纠纷类型", "当事人", None], [None, None, None, "姓名", "联系电话"], True),
    # the merge split and filled (WPS 拆分并填充), or a pandas export: the group's text repeated
    (["登记日期", "村(社区)", "纠纷类型", "当事人", "当事人"], [None, None, None, "姓名", "联系电话"], True),
    # ... with the single-column headings filled down too
    (["登记日期", "村(社区)", "纠纷类型", "当事人", "当事人"], ["登记日期", "村(社区)", "纠纷类型", "姓名", "联系电话"], True),
    # a top row cut short of the rows under it
    (["登记日期", "村(社区)", "纠纷类型", "当事人"], [None, None, None, "姓名", "联系电话"], True),
])
def test_the_row_under_the_heading_is_a_second_level_only_under_a_group(tmp_path, top, sub, second):
    from tests.ledgers import write_csv

    path = write_csv(tmp_path / "台账.csv", top, [sub, DATA])
    with readers.open_ledger(path, load_mapping().known_heading) as led:
        rows = list(led.rows())
        assert led.header_rows == ((1, 2) if second else (1,))
        labels = [c.label for c in led.columns]
    assert [n for n, _ in rows] == ([3] if second else [2, 3])
    if second:
        assert labels[:5] == ["登记日期", "村(社区)", "纠纷类型", "当事人/姓名", "当事人/联系电话"]
