"""The monthly statistics export (人民调解工作统计表): one XLSX a county can forward upwards.

Layout. The Ministry of Justice's statistical form for people's mediation
(司法部 人民调解工作统计报表) was not found in a published copy; what is
published is how the figures are reported upward — units as rows, and each
item as a count of cases with, where people matter, a count of persons
(件/人): e.g. the 2003 yearbook of Harbin (哈尔滨年鉴, 司法行政·人民调解工作,
http://117.78.9.86:8080/was40/print?back=-2&channelid=33295&record=176) reports
调解各类纠纷 31576件, 调解成功率 98%, 防止民转刑案件 222件680人, 制止群众集体上访
151件3244人. The sheet follows that closest published layout: a merged title,
the reporting unit and period, a two-row header (item over 件 / 人 or rate),
the total first and then one row per village (社区), real numbers (rates as
numbers formatted as percentages, — where a figure does not exist), a footer
with 填表人 / 审核人 / 报送日期, and a second sheet with every definition.
"""

from __future__ import annotations

from disputeflow.reports.cells import text_cell
from disputeflow.reports.judged import FIGURES as JUDGED
from disputeflow.reports.stats import DEFINITIONS

LAYOUT_SOURCE_ZH = ("表式说明：司法部人民调解工作统计报表的正式表式未能查得公开文本；本表参照公开的上报口径"
                    "（各单位分行，调解纠纷、防止民转刑、制止集体上访等按“件/人”统计，如《哈尔滨年鉴》司法行政·人民调解工作），"
                    "指标口径见“指标口径”工作表。")
LAYOUT_SOURCE_EN = ("Layout: the Ministry of Justice's people's-mediation statistical form was not found in a published "
                    "copy; this sheet follows the published way of reporting upward (units as rows, cases/people pairs, "
                    "e.g. the Harbin yearbook's mediation section). Definitions are on the Definitions sheet.")

# Column groups: (group zh, group en, [(figure key, sub-header zh, sub-header en, kind)]).
# kind: count (件), people (人), rate (%), or screening (from the screening figures; — when not recorded).
GROUPS = [
    ("受理纠纷", "Disputes reported", [("reported", "件", "cases", "count"), ("people", "人", "people", "count")]),
    ("调解", "Mediation", [("concluded", "办结（件）", "concluded", "count"), ("resolved", "调解成功（件）", "resolved", "count"),
                          ("mediation_success_rate", "调解成功率", "success rate", "rate")]),
    ("协议履行", "Performance", [("performance_rate", "协议履行率", "performance rate", "rate")]),
    ("司法确认", "Judicial confirmation", [("confirm_applied", "申请（件）", "applied", "count"),
                                      ("confirmed", "确认有效（件）", "confirmed", "count"),
                                      ("confirm_rejected", "驳回（件）", "rejected", "count")]),
    ("回访", "Follow-up", [("follow_up_rate", "回访率", "follow-up rate", "rate"),
                          ("satisfaction_rate", "满意率", "satisfaction", "rate")]),
    *[(zh, en, [(f"{key}", "件", "cases", "count"), (f"{key}_people", "人", "people", "count")])
      for key, zh, en, kind, *_ in JUDGED if kind == "pair"],
    ("稳控", "Control", [("control_rate", "稳控率", "control rate", "rate"),
                        ("kp_case_control_rate", "涉重点人员纠纷稳控落实率", "key-person disputes controlled", "rate")]),
    ("信访", "Petitions", [("repeat_petitions", "重复信访（件）", "repeat", "count"),
                          ("skip_level_petitions", "越级上访（件）", "skip-level", "count")]),
    ("排查", "Screening", [("rounds_held", "已排查（次）", "rounds held", "screening"),
                          ("rounds_on_time", "按时排查（次）", "on time", "screening"),
                          ("found_by_screening", "排查发现纠纷（件）", "disputes found", "screening"),
                          ("filing_on_time_rate", "按时报送率", "filed on time", "screening")]),
]
DASH = "—"


def columns() -> list[tuple[str, str, str, str, str, str]]:
    """``(group zh, group en, key, sub zh, sub en, kind)`` in sheet order (after the unit column)."""
    return [(gz, ge, key, sz, se, kind) for gz, ge, subs in GROUPS for key, sz, se, kind in subs]


def row_values(row: dict, screening: dict | None) -> list:
    """One unit's figures in column order: numbers stay numbers, a missing figure is —."""
    out = []
    for *_g, key, _sz, _se, kind in columns():
        if kind == "screening":
            v = (screening or {}).get(key)
        else:
            v = row.get(key)
        out.append(DASH if v is None else v)
    return out


def table(doc: dict, lang: str = "zh_CN") -> tuple[list[str], list[list]]:
    """The sheet's body as plain values: header labels and rows (the total first), for tests and text output."""
    en = lang.startswith("en")
    heads = ["单位" if not en else "Unit"] + [
        (f"{ge} {se}" if en else f"{gz}{sz}" if sz in ("件", "人") else sz) for gz, ge, _k, sz, se, _kind in columns()]
    rows = [["合计" if not en else "Total", *row_values(doc["overall"], doc.get("screening"))]]
    for r in doc.get("by_village", []):
        rows.append([text_cell(r["name"]), *row_values(r, r.get("screening"))])
    return heads, rows


def html_context(doc: dict, lang: str) -> dict:
    """The same table for the statistics page: rates as percentages, — where a figure does not exist."""
    from disputeflow.reports.render import fmt_rate

    heads, rows = table(doc, lang)
    kinds = [kind if not key.endswith("_rate") else "rate" for *_g, key, _sz, _se, kind in columns()]
    shown = [[r[0], *(fmt_rate(v) if k == "rate" and isinstance(v, float) else v for v, k in zip(r[1:], kinds))]
             for r in rows]
    return {"judged_heads": heads, "judged_rows": shown}


def build(doc: dict, lang: str) -> "object":
    """The workbook (openpyxl) of the dataset ``doc`` (a statistics dataset, see :mod:`disputeflow.reports.collect`)."""
    from openpyxl import Workbook

    en = lang.startswith("en")
    wb = Workbook()
    ws = wb.active
    ws.title = "Mediation statistics" if en else "人民调解工作统计表"
    _main_sheet(ws, doc, en)
    _definitions_sheet(wb.create_sheet("Definitions" if en else "指标口径"), en)
    return wb


def _main_sheet(ws, doc: dict, en: bool) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    cols = columns()
    width = len(cols) + 1
    last = get_column_letter(width)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    unit = text_cell(doc["unit"]["name"])
    period = doc["period"]["label_en" if en else "label_zh"]
    ws["A1"] = f"{unit} — people's mediation statistics, {period}" if en else f"{unit}人民调解工作统计表（{period}）"
    ws["A1"].font, ws["A1"].alignment = Font(bold=True, size=16), center
    ws.merge_cells(f"A1:{last}1")
    as_of = doc["as_of"][:16].replace("T", " ")
    ws["A2"] = (f"Reporting unit: {unit}    Period: {period}    As of: {as_of}" if en
                else f"填报单位：{unit}　　统计期间：{period}　　数据截至：{as_of}")
    ws.merge_cells(f"A2:{last}2")
    ws["A3"] = "Unit" if en else "单位"
    ws.merge_cells("A3:A4")
    col = 2
    for gz, ge, subs in GROUPS:
        ws.cell(row=3, column=col, value=ge if en else gz)
        if len(subs) > 1:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(subs) - 1)
        for i, (_key, sz, se, _kind) in enumerate(subs):
            ws.cell(row=4, column=col + i, value=se if en else sz)
        col += len(subs)
    _, rows = table(doc, "en" if en else "zh_CN")
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=width):
        for c in row:
            c.border = box
            c.alignment = center
            if c.row <= 4 or c.row == 5:
                c.font = Font(bold=True)
    for r in range(5, ws.max_row + 1):
        for i, (*_g, _key, _sz, _se, kind) in enumerate(cols, 2):
            cell = ws.cell(row=r, column=i)
            if isinstance(cell.value, float) and (kind == "rate" or _key.endswith("_rate")):
                cell.number_format = "0.0%"
    ws.column_dimensions["A"].width = 16
    for i, (*_g, key, sz, _se, _kind) in enumerate(cols, 2):
        ws.column_dimensions[get_column_letter(i)].width = 7 if sz in ("件", "人") else 11
    ws.row_dimensions[4].height = 42
    ws.freeze_panes = "B5"
    foot = ws.max_row + 2
    ws.cell(row=foot, column=1, value=LAYOUT_SOURCE_EN if en else LAYOUT_SOURCE_ZH)
    ws.merge_cells(start_row=foot, start_column=1, end_row=foot, end_column=width)
    ws.cell(row=foot, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[foot].height = 48
    ws.cell(row=foot + 1, column=1, value="Prepared by:        Checked by:        Date sent:" if en
            else "填表人：　　　　　　审核人：　　　　　　报送日期：　　年　　月　　日")
    ws.merge_cells(start_row=foot + 1, start_column=1, end_row=foot + 1, end_column=width)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "3:4"


def _definitions_sheet(ws, en: bool) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append(["No." if en else "序号", "Definition" if en else "指标口径"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for i, (_key, zh, en_text) in enumerate(DEFINITIONS, 1):
        ws.append([i, en_text if en else zh])
    ws.append([])
    ws.append(["Layout" if en else "表式", LAYOUT_SOURCE_EN if en else LAYOUT_SOURCE_ZH])
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 120
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
