"""Overdue is counted and labelled in business days wherever a figure is shown (逾期 N 个工作日).

Reported on Tuesday 3 March 09:00; the assessment is due Wednesday 4 March 09:00. Read on Friday
6 March it is late by Thursday and Friday: two business days. Read on Monday 9 March, six calendar
days after the report, it is three (the weekend does not count).
"""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import report
from tests.web_support import client, live, login, sqlite_url  # noqa: F401


def _assess(doc: dict) -> dict:
    return next(k for k in doc["deadlines"] if k["clock"] == "assess")


def test_the_case_and_the_work_list_count_business_days(engine, clock):
    n = report(engine)
    assert _assess(engine.case(n, "med1"))["overdue_business_days"] == 0
    clock.advance(days=3, hours=1)  # Friday 6 March 10:00
    assert _assess(engine.case(n, "med1"))["overdue_business_days"] == 2
    clock.advance(days=3)  # Monday 9 March 10:00: Saturday and Sunday are not business days
    assert _assess(engine.case(n, "med1"))["overdue_business_days"] == 3
    (item,) = [i for i in engine.my_work("med1")["items"] if i["number"] == n]
    assert item["next_clock"]["clock"] == "assess" and item["next_clock"]["overdue_business_days"] == 3
    assert [k["overdue_business_days"] for k in item["clocks"] if k["clock"] == "assess"] == [3]
    from disputeflow.cli.render import case_text

    shown = case_text(engine.case(n, "med1"), engine, "zh_CN")  # `disputeflow case show`
    assert "计时中，逾期 3 个工作日" in shown
    engine.act(n, "assess", "med1", risk="low")
    assert _assess(engine.case(n, "med1"))["overdue_business_days"] == 0  # stopped: no longer running late


def test_the_case_page_and_my_work_say_overdue_in_business_days(live, clock):
    n = report(live.engine)
    c = login(live, "med1")
    assert "个工作日" not in c.get(f"/cases/{n}").text
    clock.advance(days=3, hours=1)
    page = c.get(f"/cases/{n}").text
    clocks = page.split('id="clocks"')[1].split("</section>")[0]
    assert '<span class="late-days">逾期 2 个工作日</span>' in clocks
    work = c.get("/").text
    row = work[work.index(n):]
    assert '<span class="late-days">逾期 2 个工作日</span>' in row[:row.index("</tr>")]


def test_less_than_a_business_day_late_is_not_shown_as_zero(engine, clock):
    """An hour past due is late, but by less than one business day: the board says so, not "0 个工作日"."""
    from disputeflow.cli.render import board_text

    n = report(engine)
    clock.advance(days=1, hours=1)  # Wednesday 4 March 10:00, an hour after the assessment was due
    rows = [r for r in engine.overdue(actor="sup") if r["number"] == n]
    assert rows and rows[0]["overdue_business_days"] == 0
    table = board_text(rows, "zh_CN")
    assert "不足 1 个工作日" in table and " 0 个工作日" not in table
    assert "under 1 business day" in board_text(rows, "en")


def test_the_board_page_says_under_one_business_day(live, clock):
    n = report(live.engine)
    clock.advance(days=1, hours=1)
    page = login(live, "sup").get("/board").text
    row = page[page.index(n):]
    assert '<td data-label="逾期工作日">不足 1</td>' in row[:row.index("</tr>")]
