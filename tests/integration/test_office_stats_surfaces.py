"""The work orders by office where people fetch it: the CLI, the HTTP API and the reports page, both databases."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import cli_runner
from tests.integration.test_work_orders import dispatch, labour_case
from tests.web_support import client, live, login  # noqa: F401

ROW = ["人社所", "1", "1/1 100%", "—", "0"]


@pytest.fixture
def offices(live):
    """The labour office signed for its one order on time; the land office got none."""
    eng = live.engine
    eng.add_unit("rss", "人社所", "office", "t1", handles=["labour"])
    eng.add_unit("zrzy", "自然资源所", "office", "t1", handles=["land"])
    eng.add_user("rss1", "人社所小李", "office_staff", "rss")
    w = dispatch(eng, labour_case(eng))
    eng.act(w, "sign", "rss1")
    return live


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_reports_page_offers_it_and_downloads_it(offices):
    sup = login(offices, "sup")
    page = sup.get("/reports").text
    assert 'id="offices-form"' in page and "交办办理情况（按承办站所）" in page
    r = sup.get("/reports/download", params={"kind": "offices", "format": "csv", "unit": "t1", "month": "2026-03"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = rows_of(r.content.decode("utf-8"))
    assert rows[0] == ["承办站所", "交办数", "按时签收率", "按时反馈率", "退回数"]
    assert ROW in rows and ["自然资源所", "0", "—", "—", "0"] in rows
    html = sup.get("/reports/download", params={"kind": "offices", "format": "html", "unit": "t1",
                                                "month": "2026-03"}).text
    assert "1/1 100%" in html and "按时签收率 = " in html
    assert login(offices, "go").get("/reports/download", params={"kind": "offices", "month": "2026-03"}).status_code == 403


def test_the_api_gives_it_as_data_and_the_statistics_carry_it(offices):
    eng = offices.engine
    token = eng.create_token("system-sup", "sup", None)["token"]
    with client(offices) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        doc = c.get("/api/v1/reports/offices", params={"month": "2026-03", "format": "json"}).json()
        stats = c.get("/api/v1/reports/stats", params={"month": "2026-03", "format": "json"}).json()
    (rss,) = [r for r in doc["by_office"] if r["key"] == "rss"]
    assert (rss["orders"], rss["signed_on_time"], rss["sign_due"], rss["sign_on_time_rate"]) == (1, 1, 1, 1.0)
    assert doc["kind"] == "offices" and stats["by_office"] == doc["by_office"]


def test_the_cli_writes_it(offices, db_url, tmp_path):
    run = cli_runner(db_url, tmp_path)
    out = run("--as", "sup", "report", "offices", "--month", "2026-03", "--format", "csv", "--out", "-").stdout
    assert ROW in rows_of(out)
    p = run("--as", "sup", "--json", "report", "offices", "--month", "2026-03", now="2026-04-02T09:00+08:00")
    assert json.loads(p.stdout)["file"] == "t1-交办办理情况-2026-03.html"
    p = run("--as", "sup", "--json", "report", "verify", "offices", "--month", "2026-03", now="2026-04-02T09:00+08:00")
    assert json.loads(p.stdout) == {"frozen": True, "same": True, "differences": []}
