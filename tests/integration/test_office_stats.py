"""交办办理情况（按承办站所）: per office, orders dispatched, sign-for and feedback on time, returns — replayed
from the work orders' events and clocks, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.integration.test_work_orders import dispatch, labour_case, running, town  # noqa: F401  (fixture)
from disputeflow.workflow.runtime import runtime_of


def due_of(eng, number, clock_name) -> datetime:
    return datetime.fromisoformat(running(eng, number)[clock_name]["due_at"])


@pytest.fixture
def march(town, clock):
    """A month of the labour office's work: one order signed on time, one late, one never; one returned once;
    one cancelled with its case before its sign-for deadline."""
    eng = town
    n = labour_case(eng)
    on_time, late = dispatch(eng, n), dispatch(eng, n)
    clock.advance(hours=1)
    eng.act(on_time, "sign", "rss1")
    clock.set(due_of(eng, late, "order_sign") + timedelta(hours=1))
    eng.act(late, "sign", "rss1")
    eng.act(on_time, "feedback", "rss1", result="已核实")
    eng.act(on_time, "return", "med1", reason="未附凭证")
    clock.advance(days=1)
    eng.act(on_time, "feedback", "rss1", result="附凭证")
    clock.set(due_of(eng, late, "order_handle") + timedelta(days=1))
    eng.act(late, "feedback", "rss1", result="逾期反馈")
    withdrawn = labour_case(eng)
    cancelled = dispatch(eng, withdrawn)
    eng.act(withdrawn, "withdraw", "med1", reason="当事人和解")
    never = dispatch(eng, labour_case(eng))
    assert clock.now() < datetime(2026, 3, 25, tzinfo=timezone.utc)  # every deadline above fell in March
    clock.set(datetime(2026, 4, 2, 1, 0, tzinfo=timezone.utc))
    return {"on_time": on_time, "late": late, "cancelled": cancelled, "never": never}


def office(doc, key) -> dict:
    (row,) = [r for r in doc["by_office"] if r["key"] == key]
    return row


def test_the_month_counts_each_offices_deadlines_met_and_missed(town, march):
    doc = town.report_data("stats", actor="sup", month="2026-03")
    rss = office(doc, "rss")
    assert rss["orders"] == 4 and rss["returns"] == 1
    assert (rss["signed_on_time"], rss["sign_due"]) == (1, 3)  # on time; late; never signed. Not the cancelled one
    assert (rss["fed_back_on_time"], rss["handle_due"]) == (2, 3)  # two rounds of the returned one; one late
    assert rss["sign_on_time_rate"] == 0.3333 and rss["feedback_on_time_rate"] == 0.6667
    zrzy = office(doc, "zrzy")
    assert (zrzy["orders"], zrzy["sign_due"], zrzy["sign_on_time_rate"]) == (0, 0, None)
    assert [r["key"] for r in doc["by_office"]] == ["justice", "rss", "zrzy"]  # every office of the town, by path
    april = town.report_data("stats", actor="sup", month="2026-04")
    assert office(april, "rss")["orders"] == 0 and office(april, "rss")["sign_due"] == 0  # counted once, in March


def test_the_report_shows_the_rates_with_their_counts(town, march):
    name, body, mime = town.report_file("stats", fmt="html", actor="sup", month="2026-03")
    html = body.decode("utf-8")
    assert "交办办理情况（按承办站所）" in html
    row = html[html.index("人社所</td>"):].split("</tr>")[0]
    assert ">4<" in row and "1/3 33.3%" in row and "2/3 66.7%" in row and ">1<" in row
    zrzy = html[html.index("自然资源所</td>"):].split("</tr>")[0]
    assert zrzy.count("—") == 2
    assert "按时签收率 = " in html  # its definition is printed with the others
    csv = town.report_file("stats", fmt="csv", actor="sup", month="2026-03")[1].decode("utf-8-sig")
    assert "人社所,4,1/3 33.3%,2/3 66.7%,1" in csv
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(town.report_file("stats", fmt="xlsx", actor="sup", month="2026-03")[1])).active
    rows = [[c.value for c in r if c.value is not None] for r in ws.iter_rows()]
    title = rows.index(["交办办理情况（按承办站所）"])
    assert rows[title + 1] == ["承办站所", "交办数", "按时签收率", "按时反馈率", "退回数"]
    assert ["人社所", 4, "1/3 33.3%", "2/3 66.7%", 1] in rows[title + 2:title + 5]
    en = town.report_file("stats", fmt="html", actor="sup", month="2026-03", lang="en")[1].decode("utf-8")
    assert "Work orders by receiving office" in en


def test_a_frozen_month_verifies_and_one_frozen_before_the_table_still_does(town, march):
    from disputeflow.cases import transactions
    from disputeflow.reports.files import verify_snapshot
    from sqlalchemy import text

    eng = runtime_of(town)
    town.report_data("stats", actor="sup", month="2026-03")  # the month has ended: frozen
    assert verify_snapshot(eng, "stats", "sup", month="2026-03") == {"frozen": True, "same": True, "differences": []}
    import json

    with transactions.write(eng.store) as conn:
        body = json.loads(conn.execute(text("SELECT body FROM report_snapshots WHERE kind = 'stats'")).scalar())
        del body["by_office"]
        conn.execute(text("UPDATE report_snapshots SET body = :b WHERE kind = 'stats'"), {"b": json.dumps(body)})
    res = verify_snapshot(eng, "stats", "sup", month="2026-03")
    assert res["same"] is True and res["added"] == ["by_office"]
    html = town.report_file("stats", fmt="html", actor="sup", month="2026-03")[1].decode("utf-8")
    assert "交办办理情况" not in html and "按时签收率 = " not in html  # an old frozen report renders as it was


def test_a_village_report_counts_the_orders_of_its_own_disputes(town, march):
    v2 = town.report_data("stats", actor="sup", month="2026-03", unit="v2")
    assert v2["by_office"] == []  # no office lies in 乙村 and none was sent an order from it
    v1 = town.report_data("stats", actor="sup", month="2026-03", unit="v1")
    assert [(r["key"], r["orders"]) for r in v1["by_office"]] == [("rss", 4)]
