"""Datasets to files: CSV, XLSX (openpyxl) and printable HTML.

Each function returns bytes. CSV carries a UTF-8 byte-order mark so that the
spreadsheet programs used in township offices open the Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timezone

from disputeflow.reports.cells import neutralised, text_cell, xlsx_cell
from disputeflow.workflow.inputs import strip_controls
from disputeflow.reports.render import (LEDGER_COLUMNS, OFFICE_COLUMNS, OFFICE_TITLE, STAT_COLUMNS, TREND_COLUMNS,
                                     Labels, chart_context, en, fmt_value, group_rows, ledger_cells, office_rows,
                                     render, t)
from disputeflow.reports import offices
from disputeflow.reports.stats import DEFINITIONS
from disputeflow.workflow.timeutil import to_local

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Ledger columns written as spreadsheet dates (the local day; a register records days, not instants).
LEDGER_DATES = ("reported", "assessed", "resolved", "closed")
# Ledger columns of running text, allowed to wrap (every other column is short and kept on one line on screen).
LEDGER_WIDE = ("title", "parties", "supervision", "outcome")


def _period(doc: dict, lang: str) -> str:
    return doc["period"]["label_en" if en(lang) else "label_zh"]


def _stat_context(doc: dict, labels: Labels) -> dict:
    lang = labels.lang
    doc = neutralised(doc)  # user-typed names reach the page as text a spreadsheet would not run
    return {
        "doc": doc, "period": _period(doc, lang), "columns": STAT_COLUMNS, "trend_columns": TREND_COLUMNS,
        "overall": {"name": t(lang, "合计", "Total"), **doc["overall"]},
        "control": doc["overall"].get("control", {}),
        "villages": group_rows(doc, "village", labels), "categories": group_rows(doc, "category", labels),
        "sources": group_rows(doc, "source", labels),
        "nil_names": [r["name"] for r in doc["by_village"] if r["reported"] == 0],
        "definitions": _definitions(doc),
        "office_title": OFFICE_TITLE[1 if en(lang) else 0], "office_columns": OFFICE_COLUMNS,
        "offices": office_rows(doc),
    }


def _definitions(doc: dict) -> list:
    """The definitions a statistics report prints: the work orders' too when it has their table."""
    return DEFINITIONS + offices.DEFINITIONS if doc.get("by_office") else DEFINITIONS


def _office_heads(lang: str) -> list[str]:
    return [c[2] if en(lang) else c[1] for c in OFFICE_COLUMNS]


def ledger_html(engine, doc: dict, lang: str) -> bytes:
    labels = Labels(engine, lang)
    ctx = _stat_context(doc, labels)
    ctx.update(headers=[c[2] if en(lang) else c[1] for c in LEDGER_COLUMNS], keys=[c[0] for c in LEDGER_COLUMNS],
               wide=LEDGER_WIDE, cells=[[text_cell(v) for v in row] for row in ledger_cells(doc, labels)])
    return render(engine, "ledger.html.j2", lang, **ctx).encode("utf-8")


def stats_html(engine, doc: dict, lang: str) -> bytes:
    labels = Labels(engine, lang)
    ctx = _stat_context(doc, labels)
    ctx.update(chart_context(doc, lang, labels))
    from disputeflow.reports import monthly_xlsx

    ctx.update(monthly_xlsx.html_context(doc, lang))  # the judged figures, as on the monthly form (names neutralised)
    return render(engine, "stats.html.j2", lang, **ctx).encode("utf-8")


def offices_html(engine, doc: dict, lang: str) -> bytes:
    doc = neutralised(doc)
    return render(engine, "offices.html.j2", lang, doc=doc, period=_period(doc, lang),
                  office_title=t(lang, *OFFICE_TITLE), office_columns=OFFICE_COLUMNS, offices=office_rows(doc),
                  definitions=offices.DEFINITIONS).encode("utf-8")


def offices_csv(engine, doc: dict, lang: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(_office_heads(lang))
    for row in office_rows(doc):
        w.writerow([text_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def nil_html(engine, doc: dict, lang: str) -> bytes:
    return render(engine, "nil.html.j2", lang, doc=neutralised(doc), period=_period(doc, lang)).encode("utf-8")


def ledger_csv(engine, doc: dict, lang: str) -> bytes:
    labels = Labels(engine, lang)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c[2] if en(lang) else c[1] for c in LEDGER_COLUMNS])
    for row in ledger_cells(doc, labels):
        w.writerow([text_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def stats_csv(engine, doc: dict, lang: str) -> bytes:
    """The breakdown tables one after another, each with its own header row."""
    labels = Labels(engine, lang)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    heads = [c[2] if en(lang) else c[1] for c in STAT_COLUMNS]
    for by, title in (("overall", t(lang, "合计", "Total")), ("village", t(lang, "村（社区）", "Village")),
                      ("category", t(lang, "纠纷类型", "Category")), ("source", t(lang, "来源", "Source"))):
        rows = [{"name": title, **doc["overall"]}] if by == "overall" else group_rows(doc, by, labels)
        w.writerow([title, *heads])
        for r in rows:
            w.writerow([text_cell(r["name"]), *(text_cell(fmt_value(r.get(k), kind)) for k, _, _, kind in STAT_COLUMNS)])
        w.writerow([])
    if doc.get("by_office"):
        w.writerow([t(lang, *OFFICE_TITLE)])
        w.writerow(_office_heads(lang))
        for row in office_rows(doc):
            w.writerow([text_cell(v) for v in row])
        w.writerow([])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx_stat_sheet(ws, doc: dict, labels: Labels, title: str) -> None:
    from openpyxl.styles import Font

    lang = labels.lang
    ws.append([xlsx_cell(ws, title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([xlsx_cell(ws, t(lang, "统计期间：", "Period: ") + _period(doc, lang))])
    heads = [c[2] if en(lang) else c[1] for c in STAT_COLUMNS]
    for by, first in (("overall", t(lang, "合计", "Total")), ("village", t(lang, "村（社区）", "Village")),
                      ("category", t(lang, "纠纷类型", "Category")), ("source", t(lang, "来源", "Source"))):
        ws.append([])
        ws.append([first, *heads])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        rows = [{"name": first, **doc["overall"]}] if by == "overall" else group_rows(doc, by, labels)
        for r in rows:
            ws.append([xlsx_cell(ws, v) for v in (r["name"], *(r.get(k) for k, *_ in STAT_COLUMNS))])
            for col, (k, _, _, kind) in enumerate(STAT_COLUMNS, 2):
                if kind == "rate":
                    ws.cell(row=ws.max_row, column=col).number_format = "0.0%"
    if doc.get("by_office"):
        ws.append([])
        ws.append([t(lang, *OFFICE_TITLE)])
        ws.append(_office_heads(lang))
        for row in office_rows(doc):
            ws.append([xlsx_cell(ws, v) for v in row])
    ws.append([])
    ws.append([t(lang, "逐月趋势", "Month by month")])
    ws.append([c[2] if en(lang) else c[1] for c in TREND_COLUMNS])
    for m in doc.get("trend", []):
        ws.append([xlsx_cell(ws, m[k]) for k, *_ in TREND_COLUMNS])
    ws.append([])
    ws.append([t(lang, "指标口径", "Definitions")])
    for _key, zh, en_text in _definitions(doc):
        ws.append([en_text if en(lang) else zh])


def ledger_xlsx(engine, doc: dict, lang: str) -> bytes:
    """Sheet 1 the ledger (title, period, header on row 3, one case per row from row 4); sheet 2 the summary.

    The ledger sheet is streamed (openpyxl's write-only mode): a county month
    has thousands of rows and the workbook never holds them as cell objects.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    labels = Labels(engine, lang)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t(lang, "台账", "Ledger"))
    widths = {"seq": 6, "number": 20, "title": 24, "parties": 28, "supervision": 26, "responsible_unit": 14,
              "village": 12, "category": 12, "outcome": 16, "state": 10, **{k: 12 for k in LEDGER_DATES}}
    for i, (key, *_rest) in enumerate(LEDGER_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(key, 11)
    ws.freeze_panes = "C4"
    rows = ledger_cells(doc, labels)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(LEDGER_COLUMNS))}{3 + max(len(rows), 1)}"
    ws.print_options.gridLines = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.print_title_rows = "3:3"
    title = xlsx_cell(ws, doc["unit"]["name"] + t(lang, "矛盾纠纷排查调处工作台账", " — dispute mediation ledger"))
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([xlsx_cell(ws, t(lang, "统计期间：", "Period: ") + _period(doc, lang) + "　" + t(lang, "数据截至：", "As of: ")
                         + doc["as_of"][:16].replace("T", " "))])
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    heads = []
    for c in LEDGER_COLUMNS:
        cell = WriteOnlyCell(ws, c[2] if en(lang) else c[1])
        cell.font, cell.alignment = bold, wrap
        heads.append(cell)
    ws.append(heads)
    dated = {i for i, (key, *_rest) in enumerate(LEDGER_COLUMNS) if key in LEDGER_DATES}
    for row in rows:
        ws.append([_date_cell(ws, v) if i in dated else xlsx_cell(ws, v) for i, v in enumerate(row)])
    summary = Workbook()  # the summary is small: built normally, then copied value by value
    _xlsx_stat_sheet(summary.active, doc, labels, t(lang, "汇总", "Summary"))
    ws2 = wb.create_sheet(t(lang, "汇总", "Summary"))
    for row in summary.active.iter_rows():
        out = []
        for c in row:
            cell = xlsx_cell(ws2, c.value)
            if c.font and c.font.b:
                cell.font = bold
            if c.number_format != "General":
                cell.number_format = c.number_format
            out.append(cell)
        ws2.append(out)
    return _saved(wb, doc)


def _date_cell(ws, value: str):
    """A ledger date (a local ``YYYY-MM-DD``, "" for none) as a spreadsheet date, so it sorts and filters as one."""
    from openpyxl.cell import WriteOnlyCell

    if not value:
        return WriteOnlyCell(ws, None)
    cell = WriteOnlyCell(ws, date.fromisoformat(value))
    cell.number_format = "yyyy-mm-dd"
    return cell


def stats_xlsx(engine, doc: dict, lang: str) -> bytes:
    from openpyxl import Workbook

    labels = Labels(engine, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = t(lang, "统计", "Statistics")
    _xlsx_stat_sheet(ws, doc, labels, strip_controls(doc["unit"]["name"]) + t(lang, "矛盾纠纷排查调处工作统计表", " — dispute statistics"))
    return _saved(wb, doc)


def month_xlsx(engine, doc: dict, lang: str) -> bytes:
    """The monthly statistics form forwarded upward (:mod:`disputeflow.reports.monthly_xlsx`)."""
    from disputeflow.reports import monthly_xlsx

    return _saved(monthly_xlsx.build(doc, lang), doc)


def _saved(wb, doc: dict) -> bytes:
    """The workbook's bytes, stamped with the report's own time instead of the wall clock.

    openpyxl writes the time of saving into the document properties and every
    zip member, so the same report built a second later would differ byte for
    byte; stamped with ``as_of`` one report is one file (a download equals the
    facade's output, a stored report can be compared with a rebuilt one).
    """
    from openpyxl.xml.functions import tostring

    as_of = datetime.fromisoformat(doc["as_of"])
    raw = io.BytesIO()
    wb.save(raw)  # sets properties.modified to now
    at = as_of.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
    wb.properties.created = wb.properties.modified = at  # openpyxl writes these as UTC
    core = tostring(wb.properties.to_tree())
    local = to_local(as_of)  # zip times have no zone: the reader's local time
    stamp = (max(local.year, 1980),) + local.timetuple()[1:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            dst.writestr(member, core if info.filename == "docProps/core.xml" else src.read(info.filename))
    return out.getvalue()
