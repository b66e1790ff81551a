"""Reading what people type into ledgers: dates in every common form, phone numbers, headings."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from workflow.ledger_import.mapping import norm_heading
from workflow.ledger_import.readers import build_columns
from workflow.ledger_import.values import LedgerValueError, parse_date, parse_phone
from workflow.timeutil import iso

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
