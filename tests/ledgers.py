"""Real ledger files for the import tests, written the way townships' Excel files look.

A title row merged across the sheet, a two-level heading (当事人 merged over
姓名 | 联系电话, the single-level headings merged down over both heading rows),
then the data rows.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADINGS = ["编号", "登记日期", "村(社区)", "纠纷类型", "当事人", None, "风险等级", "包案领导", "化解情况", "办结日期",
            "销号日期", "备注"]
SUB = [None, None, None, None, "姓名", "联系电话", None, None, None, None, None, None]


def write_xlsx(path: Path, rows: list[list], *, title: str = "试点镇矛盾纠纷排查化解工作台账（2026年）",
               sheet: str = "台账", extra_sheets: tuple[str, ...] = (), blank_after: tuple[int, ...] = ()) -> Path:
    """An .xlsx ledger: title (merged), two heading rows with merged cells, ``rows`` from Excel row 4."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for name in extra_sheets:
        wb.create_sheet(name)
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADINGS))
    for j, (h, s) in enumerate(zip(HEADINGS, SUB), start=1):
        if h is not None:
            ws.cell(2, j, h)
        if s is not None:
            ws.cell(3, j, s)
        if h is not None and s is None:
            ws.merge_cells(start_row=2, start_column=j, end_row=3, end_column=j)
    ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=6)
    r = 4
    for i, row in enumerate(rows):
        for j, v in enumerate(row, start=1):
            if v is not None:
                c = ws.cell(r, j, v)
                if isinstance(v, (int, float)) and j in (2, 10, 11):
                    c.number_format = "General"  # a date typed as a bare serial number
        r += 1
        if i in blank_after:
            r += 1  # a blank row
    wb.save(path)
    return path


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
