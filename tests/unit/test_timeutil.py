"""Time helpers: UTC inside, Asia/Shanghai for people, no guessing of zones."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from disputeflow.workflow.timeutil import (LOCAL_TZ, TimeFormatError, at_local, format_local, iso, local_date, month_bounds,
                               parse_time, to_local, utc)

UTC = timezone.utc


def test_local_zone_is_shanghai():
    assert str(LOCAL_TZ) == "Asia/Shanghai"
    assert datetime(2026, 7, 1, tzinfo=LOCAL_TZ).utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("text", [
    "2026-03-05T14:30+08:00", "2026-03-05T06:30Z", "2026-03-05T06:30:00z", "2026-03-05 14:30+08:00",
    "2026-03-05T14:30:00+0800", "2026-03-05T01:30-05:00", "  2026-03-05T06:30:00+00:00  ",
])
def test_parse_time_accepts_zoned_iso_8601(text):
    got = parse_time(text)
    assert got == datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    assert got.tzinfo == UTC


@pytest.mark.parametrize("text", ["2026-03-05", "20260305"])
def test_a_bare_date_means_local_midnight(text):
    assert parse_time(text) == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-03-05 14:30", "2026-03-05T14:30:00", "2026-03-05T14"])
def test_a_time_without_zone_is_refused_in_both_languages(text):
    with pytest.raises(ValueError) as e:
        parse_time(text)
    assert isinstance(e.value, TimeFormatError)
    assert "时区" in e.value.message_zh and "+08:00" in e.value.zh
    assert "no zone" in e.value.message("en")


@pytest.mark.parametrize("text", ["", "   ", "yesterday", "2026-02-30", "2026-13-01T10:00Z", "2026/03/05 10:00+08:00"])
def test_malformed_times_are_refused(text):
    with pytest.raises(TimeFormatError) as e:
        parse_time(text)
    assert e.value.message() == e.value.zh and e.value.zh and e.value.en


def test_utc_refuses_naive_and_converts_aware():
    with pytest.raises(ValueError) as e:
        utc(datetime(2026, 3, 5, 14, 30))
    assert "时区" in e.value.zh
    assert utc(datetime(2026, 3, 5, 14, 30, tzinfo=LOCAL_TZ)) == datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    with pytest.raises(TypeError):
        utc(date(2026, 3, 5))


def test_to_local_format_local_and_iso():
    t = datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    assert to_local(t).hour == 14 and to_local(t).tzinfo == LOCAL_TZ
    assert format_local(t) == "2026-03-05 14:30"
    assert format_local(None) == ""
    assert iso(t) == "2026-03-05T14:30:00+08:00"
    assert iso(datetime(2026, 3, 5, 6, 30, 0, 500, tzinfo=UTC)) == "2026-03-05T14:30:00.000500+08:00"
    assert parse_time(iso(t)) == t


def test_local_date_is_the_beijing_day_not_the_utc_day():
    late_utc = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)     # 2026-10-01 01:00 in Beijing
    assert late_utc.date() == date(2026, 9, 30)
    assert local_date(late_utc) == date(2026, 10, 1)
    assert at_local(date(2026, 10, 1), time(1)) == late_utc


def test_month_bounds_follow_the_local_month():
    start, end = month_bounds(datetime(2026, 2, 28, 17, 0, tzinfo=UTC))   # 2026-03-01 01:00 local
    assert start == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    start, end = month_bounds(datetime(2026, 12, 15, tzinfo=UTC))
    assert (to_local(start).date(), to_local(end).date()) == (date(2026, 12, 1), date(2027, 1, 1))
