"""Report pages over real HTTP, on SQLite and PostgreSQL: downloads, file names, refusals, case paperwork.

The files themselves are tested with the reports; here the page must hand over
exactly the engine's bytes with the right type and a UTF-8 file name, keep to
the reader's role and jurisdiction, and explain a refused request in Chinese.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest

from tests.conftest import report
from tests.web_support import client, live, login  # noqa: F401
from disputeflow.reports import paper_docx
from disputeflow.web.reports import content_disposition


@pytest.fixture
def cases(live):
    eng = live.engine
    a = report(eng, title="宅基地边界纠纷")
    b = report(eng, title="鸡鸭进菜园纠纷")
    other = eng.report("med2", title="乙村土地纠纷", category="land", unit="v2", parties=[{"name": "王五"}]).number
    return a, b, other


def filename_of(response) -> str:
    cd = response.headers["content-disposition"]
    assert "filename*=UTF-8''" in cd
    return unquote(cd.split("filename*=UTF-8''", 1)[1])


def ledger(c, fmt, unit="v1", month="2026-03"):
    return c.get("/reports/download", params={"kind": "ledger", "format": fmt, "unit": unit, "month": month})


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    cd = content_disposition("v1-台账-2026-03.xlsx")
    assert cd.startswith('attachment; filename="v1-_-2026-03.xlsx"; ')
    assert cd.endswith("filename*=UTF-8''v1-%E5%8F%B0%E8%B4%A6-2026-03.xlsx")
    assert content_disposition('a"b\r\n.html', inline=True).startswith('inline; filename="a_b_.html"')


def test_ledger_downloads_in_every_format_keep_to_the_jurisdiction(live, cases):
    from openpyxl import load_workbook

    a, b, other = cases
    med = login(live, "med1")
    page = med.get("/reports")
    assert page.status_code == 200 and 'data-nav="reports"' in page.text and 'id="ledger-form"' in page.text
    r = ledger(med, "xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert r.headers["content-disposition"].startswith("attachment;")
    assert filename_of(r) == "v1-台账-2026-03.xlsx"
    wb = load_workbook(io.BytesIO(r.content))
    cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    assert a in cells and b in cells and other not in cells
    assert r.content == live.engine.report_file("ledger", fmt="xlsx", actor="med1", unit="v1", month="2026-03")[1]
    r = ledger(med, "csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert filename_of(r) == "v1-台账-2026-03.csv"
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    numbers = {v for row in rows for v in row}
    assert a in numbers and b in numbers and other not in numbers
    r = ledger(med, "html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"].startswith("inline;") and "script-src" not in r.headers[
        "content-security-policy"] and "default-src 'none'" in r.headers["content-security-policy"]
    assert a in r.text and "宅基地边界纠纷" in r.text and other not in r.text


def test_statistics_nil_report_and_agenda(live, cases):
    sup = login(live, "sup")
    r = sup.get("/reports/download", params={"kind": "stats", "format": "xlsx", "unit": "t1", "month": "2026-03",
                                              "year": "2026"})  # the month is pre-filled; the typed year wins
    assert r.status_code == 200 and filename_of(r) == "t1-统计-2026-01-01_2026-12-31.xlsx"
    r = sup.get("/reports/download", params={"kind": "stats", "format": "html", "unit": "v1",
                                              "start": "2026-03-01", "end": "2026-03-31"})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    # the monthly statistics form, to forward upward
    r = sup.get("/reports/download", params={"kind": "month", "format": "xlsx", "unit": "t1", "month": "2026-03"})
    assert r.status_code == 200 and filename_of(r) == "t1-人民调解工作统计表-2026-03.xlsx" and r.content[:2] == b"PK"
    assert 'id="month-form"' in sup.get("/reports").text
    r = sup.get("/reports/download", params={"kind": "nil", "format": "html", "unit": "v1", "month": "2026-03"})
    assert r.status_code == 400 and 'id="report-error"' in r.text and "不能报零报告" in r.text  # nothing filed
    live.engine.record_round("med1", unit="v1", participants="调解员甲", none_found=True)
    live.engine.file_screening_report("med1", unit="v1")  # the nil report is the filed one
    r = sup.get("/reports/download", params={"kind": "nil", "format": "html", "unit": "v1", "month": "2026-03"})
    assert r.status_code == 200 and filename_of(r) == "v1-零报告-2026-03.html" and "共报送排查报告 1 份" in r.text
    r = sup.get("/reports/download", params={"kind": "agenda", "format": "md", "unit": "t1", "date": "2026-03-03"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert r.headers["content-disposition"].startswith("attachment;")
    assert filename_of(r) == "t1-研判会议程-2026-03-03.md" and cases[0] in r.text


def test_bad_parameters_come_back_on_the_form_in_chinese(live, cases):
    med = login(live, "med1")
    r = ledger(med, "xlsx", month="March")
    assert r.status_code == 400 and "月份“March”无效" in r.text and 'id="ledger-form"' in r.text
    r = ledger(med, "pdf")
    assert r.status_code == 400 and "格式只能是" in r.text
    r = med.get("/reports/download", params={"kind": "agenda", "format": "html", "unit": "v1", "date": ""})
    assert r.status_code == 400 and "请指明会议日期" in r.text
    r = med.get("/reports/download", params={"kind": "ledger", "format": "csv", "unit": "v1"})
    assert r.status_code == 400 and "请指明期间" in r.text


def test_refused_for_roles_and_units_without_access(live, cases):
    go = login(live, "go")
    assert 'data-nav="reports"' not in go.get("/").text
    for path in ("/reports", "/reports/download?kind=ledger&format=csv&month=2026-03"):
        r = go.get(path)
        assert r.status_code == 403 and "不能生成报表" in r.text
    med = login(live, "med1")
    r = ledger(med, "csv", unit="v2")
    assert r.status_code == 403 and "不在您的管辖范围内" in r.text and cases[2] not in r.text
    r = client(live).get("/reports/download?kind=ledger&format=csv&month=2026-03")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_case_page_links_its_paperwork(live, cases):
    a = cases[0]
    med = login(live, "med1")
    html = med.get(f"/cases/{a}").text
    for k in ("application", "acceptance", "notice", "investigation", "record", "visit", "file"):
        assert f'href="/cases/{a}/paper/{k}"' in html and f'href="/cases/{a}/paper/{k}?format=docx"' in html
    assert 'data-paper="agreement"' not in html  # no agreement reached yet
    r = med.get(f"/cases/{a}/paper/record")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"].startswith("inline;") and filename_of(r) == f"{a}-人民调解记录.html"
    assert "张三" in r.text
    r = med.get(f"/cases/{a}/paper/record?format=docx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert r.headers["content-disposition"].startswith("attachment;") and filename_of(r) == f"{a}-人民调解记录.docx"
    assert r.content[:2] == b"PK" and "张三" in paper_docx.text_of(r.content)
    r = med.get(f"/cases/{a}/paper/agreement")
    assert r.status_code == 400 and "尚未达成调解协议" in r.text
    assert med.get(f"/cases/{a}/paper/nonsense").status_code == 404
    r = login(live, "med2").get(f"/cases/{a}/paper/index")
    assert r.status_code == 403


def test_reports_page_in_english_and_for_the_administrator(live):
    admin = login(live, "admin")
    html = admin.get("/reports").text
    assert 'id="agenda-form"' in html and 'value="2026-02"' in html  # last month is the default
    admin.get("/lang/en?next=/reports")
    html = admin.get("/reports").text
    assert "Dispute ledger" in html and "Review-meeting agenda" in html and "Download" in html
    r = admin.get("/reports/download", params={"kind": "ledger", "format": "csv", "month": "2026-03", "unit": "v2"})
    assert r.status_code == 200 and filename_of(r) == "v2-ledger-2026-03.csv"
