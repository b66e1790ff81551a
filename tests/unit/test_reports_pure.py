"""Pure parts of the reports: periods, ratios, charts."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from disputeflow.workflow.errors import ValidationError
from disputeflow.reports import charts, period
from disputeflow.reports.stats import ratio


def test_a_month_is_a_beijing_month():
    p = period.month("2026-03")
    assert (p.first, p.after) == (date(2026, 3, 1), date(2026, 4, 1))
    assert p.start == datetime(2026, 2, 28, 16, tzinfo=timezone.utc)  # 1 March 00:00 +08:00
    assert p.is_month and p.label() == "2026年3月" and p.label("en") == "2026-03"
    assert period.year(2026).label() == "2026年"
    assert period.span("2026-01-15", "2026-02-10").label() == "2026年1月15日至2026年2月10日"


@pytest.mark.parametrize("text", ["2026-13", "2026-3", "26-03", "", "三月"])
def test_bad_months_are_refused_by_name(text):
    with pytest.raises(ValidationError) as exc:
        period.month(text)
    assert exc.value.errors[0].field == "month"


def test_span_checks_its_ends_and_splits_into_months():
    with pytest.raises(ValidationError):
        period.span("2026-03-02", "2026-03-01")
    months = period.span("2026-01-20", "2026-03-05").months()
    assert [(m.first.isoformat(), m.last.isoformat()) for m in months] == [
        ("2026-01-20", "2026-01-31"), ("2026-02-01", "2026-02-28"), ("2026-03-01", "2026-03-05")]
    assert period.month("2026-03").closed(datetime(2026, 3, 31, 16, tzinfo=timezone.utc))
    assert not period.month("2026-03").closed(datetime(2026, 3, 31, 15, 59, tzinfo=timezone.utc))


def test_ratio_has_no_value_when_nothing_to_divide():
    assert ratio(0, 0) is None and ratio(1, 3) == 0.3333 and ratio(3, 3) == 1.0


def test_charts_escape_labels_and_scale_bars():
    svg = charts.bars([("<script>甲村</script>", 4), ("乙村", 2)], title="受理&数")
    assert "<script>" not in svg and "&lt;script&gt;甲村" in svg and "受理&amp;数" in svg
    widths = [float(w) for w in __import__("re").findall(r'class="bar" x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    line = charts.lines(["01", "02"], [("受理", [0, 5])], title="趋势")
    assert line.count("<polyline") == 1 and "http" not in line.replace('xmlns="http://www.w3.org/2000/svg"', "")
