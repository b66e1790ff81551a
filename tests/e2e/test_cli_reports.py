"""``disputeflow report …`` as a user drives it: real processes, files written, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cli(request, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("cli")
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)

    # The town is set up in-process (the CLI for that is tested elsewhere); the reports go through the CLI.
    from datetime import datetime, timezone

    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    eng = Engine(url, clock=FixedClock(datetime(2026, 3, 3, 1, tzinfo=timezone.utc)))
    eng.init()
    eng.add_unit("t1", "试点镇", "town")
    eng.add_unit("v1", "甲村", "village", "t1")
    eng.add_unit("v2", "乙村", "village", "t1")
    eng.add_user("go", "小王", "grid_officer", "v1")
    eng.add_user("med1", "老李", "mediator", "v1")
    eng.add_user("sup", "督办员", "supervisor", "t1")
    eng.report("go", title="宅基地纠纷", category="neighbour", unit="v1",
               parties=["张三:applicant:13812348000", "李四:respondent"])
    eng.close()
    run.cwd = tmp_path
    yield run
    drop()


def test_ledger_written_as_xlsx_and_csv(cli):
    from openpyxl import load_workbook

    p = cli("--as", "sup", "--json", "report", "ledger", "--month", "2026-03", now="2026-04-02T09:00+08:00")
    doc = json.loads(p.stdout)
    assert doc["file"] == "t1-台账-2026-03.xlsx" and doc["bytes"] > 1000
    ws = load_workbook(cli.cwd / doc["file"])["台账"]
    assert ws["B4"].value == "试点-2026-000001" and ws["K4"].value == "张*（申请人）、李*（被申请人）"
    out = cli("--as", "sup", "report", "ledger", "--month", "2026-03", "--format", "csv", "--out", "-").stdout
    assert out.splitlines()[1].startswith("1,试点-2026-000001,宅基地纠纷,2026-03-03")
    assert "13812348000" not in out
    p = cli("--as", "sup", "--json", "report", "verify", "ledger", "--month", "2026-03", now="2026-04-02T09:00+08:00")
    assert json.loads(p.stdout) == {"frozen": True, "same": True, "differences": []}


def test_statistics_nil_report_and_agenda(cli, tmp_path):
    stats = json.loads(cli("--as", "sup", "report", "stats", "--month", "2026-03", "--format", "json", "--out", "-").stdout)
    assert stats["overall"]["reported"] == 1 and stats["nil_units"] == ["v2"]
    p = cli("--as", "sup", "report", "nil", "--month", "2026-03", ok=False, now="2026-03-10T10:00+08:00")
    assert p.returncode == 2 and "不能报零报告" in p.stderr  # nothing filed: no paper says 经排查
    for unit in ("v1", "v2"):  # the paper is printed from the reports the villages filed
        cli("--as", "sup", "screening", "record", "--unit", unit, "--participant", "督办员", "--none-found",
            now="2026-03-10T10:00+08:00")
        cli("--as", "sup", "screening", "file", "--unit", unit, now="2026-03-10T10:00+08:00")
    p = cli("--as", "sup", "report", "nil", "--month", "2026-03", "--out", str(tmp_path), now="2026-03-10T10:00+08:00")
    assert "零报告" in p.stdout and (tmp_path / "t1-零报告-2026-03.html").exists()
    md = cli("--as", "sup", "report", "agenda", "--date", "2026-03-03", "--format", "md", "--out", "-").stdout
    assert "## 一、上次会议以来新登记的纠纷（1）" in md


def test_errors_are_one_line_with_exit_codes(cli):
    p = cli("--as", "sup", "report", "ledger", "--month", "2026-13", ok=False)
    assert p.returncode == 2 and "月份“2026-13”无效" in p.stderr and "Traceback" not in p.stderr
    p = cli("--as", "go", "report", "ledger", "--month", "2026-03", ok=False)
    assert p.returncode == 3
    p = cli("--as", "sup", "report", "paper", "agreement", "试点-2026-000009", ok=False)
    assert p.returncode == 5


def test_report_is_listed_lazily(cli):
    out = cli("--help").stdout
    assert "report" in out and "报表：台账、统计、零报告" in out
    p = subprocess.run([sys.executable, "-c", "import sys, disputeflow.cli; print('disputeflow.reports' in sys.modules,"
                        " 'openpyxl' in sys.modules, 'jinja2' in sys.modules)"], capture_output=True, text=True)
    assert p.stdout.strip() == "False False False"


def test_a_paper_as_a_word_document_and_a_party_with_particulars(cli, tmp_path):
    from disputeflow.reports import paper_docx

    p = cli("--as", "sup", "--json", "case", "open", "--title", "借款纠纷", "--category", "contract", "--unit", "v1",
            "--party", '{"name": "王五", "gender": "男", "ethnicity": "回族", "birth_date": "1980-05-01"}',
            "--party", "赵六:respondent")
    number = json.loads(p.stdout)["number"]
    p = cli("--as", "sup", "--json", "report", "paper", "application", number, "--format", "docx", "--out", str(tmp_path))
    doc = json.loads(p.stdout)
    assert doc["file"].endswith(f"{number}-人民调解申请书.docx") and doc["mimetype"] == paper_docx.DOCX_MIME
    text = paper_docx.text_of((tmp_path / f"{number}-人民调解申请书.docx").read_bytes())
    assert "王五" in text and "回族" in text and "男" in text and "甲村人民调解委员会" in text and "（2026）甲调字第" in text
    p = cli("--as", "sup", "report", "paper", "application", number, "--format", "docx", "--out", "-", ok=False)
    assert p.returncode == 2 and "二进制格式" in p.stderr
    p = cli("--as", "sup", "case", "open", "--title", "t", "--category", "contract", "--unit", "v1",
            "--party", '{"name": "王五", "gender": "x"}', ok=False)
    assert p.returncode == 2 and "parties[1].gender" in p.stderr


def test_monthly_statistics_form_as_xlsx(cli):
    from openpyxl import load_workbook

    p = cli("--as", "sup", "--json", "report", "month", "--month", "2026-03", now="2026-04-02T09:00+08:00")
    doc = json.loads(p.stdout)
    assert doc["file"] == "t1-人民调解工作统计表-2026-03.xlsx"
    wb = load_workbook(cli.cwd / doc["file"])
    ws = wb["人民调解工作统计表"]
    assert ws["A1"].value == "试点镇人民调解工作统计表（2026年3月）"
    assert [ws.cell(row=r, column=1).value for r in (5, 6, 7)] == ["合计", "甲村", "乙村"]
    out = cli("--as", "sup", "report", "month", "--month", "2026-03", "--format", "json", "--out", "-").stdout
    data = json.loads(out)
    v1 = next(r for r in data["by_village"] if r["key"] == "v1")
    assert data["overall"]["people"] == 2 * data["overall"]["reported"] > 0  # two parties a case
    assert (ws["B5"].value, ws["C5"].value) == (data["overall"]["reported"], data["overall"]["people"])  # 件, 人
    assert (ws["B6"].value, ws["C6"].value, ws["B7"].value) == (v1["reported"], v1["people"], 0)
    assert wb["指标口径"].max_row > 20
    bad = cli("--as", "sup", "report", "month", "--month", "2026-03", "--out", "-", ok=False)
    assert bad.returncode != 0 and "二进制" in bad.stderr
