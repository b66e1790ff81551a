"""Reading what people type into ledgers: dates in every common form, phone numbers, headings."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from disputeflow.ledger_import.mapping import norm_heading
from disputeflow.ledger_import.ledger_file import build_columns
from disputeflow.ledger_import.values import LedgerValueError, parse_date, parse_id_number, parse_phone
from disputeflow.workflow.timeutil import iso

MARCH_5 = "2026-03-05T00:00:00+08:00"


@pytest.mark.parametrize("value", [
    "2026年3月5日", "2026/3/5", "2026-03-05", "2026.3.5", "20260305", "２０２６年３月５日", " 2026 年 3 月 5 日 ",
    46086, 46086.0, "46086", date(2026, 3, 5), datetime(2026, 3, 5),
])
def test_every_common_form_of_a_date_is_the_same_beijing_day(value):
    assert iso(parse_date(value)) == MARCH_5


def test_a_time_of_day_is_kept_and_read_as_beijing_time():
    assert iso(parse_date("2026-03-05 14:30")) == "2026-03-05T14:30:00+08:00"
    assert iso(parse_date("2026年3月5日 9时05分")) == "2026-03-05T09:05:00+08:00"
    assert iso(parse_date(46086.5)) == "2026-03-05T12:00:00+08:00"
    assert iso(parse_date("2026-03-05T06:30:00Z")) == "2026-03-05T14:30:00+08:00"  # another platform's export


def test_the_1904_date_system_is_honoured():
    assert iso(parse_date(44624, epoch_1904=True)) == MARCH_5


@pytest.mark.parametrize("value, reason", [
    ("2026-02-30", "不存在"), ("3月5日", "无法识别"), ("明天", "无法识别"), ("", "为空"), (12, "之间"),
    ("1899/1/1", "之间"),
])
def test_unreadable_dates_are_refused_with_a_reason(value, reason):
    with pytest.raises(LedgerValueError) as exc:
        parse_date(value)
    assert reason in exc.value.zh


@pytest.mark.parametrize("value, phone", [
    (13812345678, "13812345678"), (13812345678.0, "13812345678"), ("１３８１２３４５６７８", "13812345678"),
    ("138 1234 5678", "13812345678"), ("+86 13812345678", "13812345678"), ("0571-87654321", "0571-87654321"),
])
def test_phone_numbers_stored_as_numbers_or_typed_full_width_are_read(value, phone):
    assert parse_phone(value) == phone


@pytest.mark.parametrize("value", ["12345", "1381234567", "电话", 23812345678])
def test_malformed_phone_numbers_are_refused(value):
    with pytest.raises(LedgerValueError) as exc:
        parse_phone(value)
    assert "电话号码" in exc.value.zh


def test_headings_compare_without_spaces_marks_or_full_width_brackets():
    assert norm_heading("村（社区）") == norm_heading("村(社区)") == norm_heading(" 村 (社区)*\n")


def test_a_two_level_heading_names_each_column_by_its_group_and_sub_heading():
    cols = build_columns(["编号", "当事人", None, "备注"], [None, "姓名", "联系电话", None])
    assert [c.label for c in cols] == ["编号", "当事人/姓名", "当事人/联系电话", "备注"]
    assert cols[2].names == ("联系电话", "当事人/联系电话", "当事人")
    flat = build_columns(["当事人/姓名"], None)
    assert flat[0].names == ("当事人/姓名", "姓名", "当事人")


@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
                                   " 110105 19491231 002X ", "110105-19491231-002X"])
def test_resident_id_numbers_are_read_in_every_typed_form(value):
    assert parse_id_number(value) == "11010519491231002X"


@pytest.mark.parametrize("value, message", [
    ("320102198001011239", "身份证号码“**************1239”校验位有误，请核对"),
    ("32010219800101123", "身份证号码“*************1123”格式有误（应为 18 位，最后一位可为 X）"),
    ("110105491231002", "身份证号码“***********1002”格式有误（应为 18 位，最后一位可为 X）"),
    (320102198001011238, "身份证号码被存成了数字，末几位已丢失，请把该列设为文本后重新填写"),
    (3.20102198001011e17, "身份证号码被存成了数字，末几位已丢失，请把该列设为文本后重新填写"),
    ("3.20102198001011E+17", "身份证号码被存成了数字，末几位已丢失，请把该列设为文本后重新填写"),
])
def test_a_wrong_id_number_is_refused_in_chinese_showing_only_its_last_four(value, message):
    with pytest.raises(LedgerValueError) as exc:
        parse_id_number(value)
    assert exc.value.zh == message
