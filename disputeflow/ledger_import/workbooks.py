"""Spreadsheet ledgers (.xlsx): python-calamine for sheets it can hold, openpyxl read-only for the rest.

python-calamine (Rust) reads a sheet about six times faster than openpyxl but
holds the whole sheet while it is read (about 1 KiB per ledger row), so it is
used only for sheets up to ``CALAMINE_MAX_XML`` bytes of uncompressed sheet
XML; a bigger sheet, or a machine without python-calamine, streams through
openpyxl. Both yield what openpyxl's read-only mode yields, so the heading
logic of :class:`~disputeflow.ledger_import.readers.Ledger` is the same.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Iterator

from disputeflow.ledger_import.ledger_file import Ledger
from disputeflow.workflow.errors import NotFound, ValidationError

# Uncompressed worksheet XML up to which a sheet is read with python-calamine. It
# holds about 1.1 KiB per row (measured: 50k rows 58 MiB, 100k rows 112 MiB over the
# interpreter); the 100k-row benchmark ledger, as openpyxl writes it, has 75 MiB of XML.
CALAMINE_MAX_XML = 96 * 1024 * 1024


class _Workbook(Ledger):
    """A spreadsheet reader: rows counted as read against the sheet's row count."""

    _done = 0
    _total: int | None = None

    def progress(self) -> tuple[int, int | None]:
        return self._done, self._total

    def close(self) -> None:
        self.wb.close()


class XlsxLedger(_Workbook):
    kind = "xlsx"

    def __init__(self, path: Path, is_heading, sheet: str | None = None):
        super().__init__(path, is_heading)
        from openpyxl import load_workbook

        try:
            self.wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
            raise ValidationError.one("文件", f"无法读取 Excel 文件 {path.name}：{exc}",
                                      f"cannot read the Excel file {path.name}: {exc}") from None
        names = self.wb.sheetnames
        if sheet is None:
            ws = self.wb[names[0]]
        elif sheet in names:
            ws = self.wb[sheet]
        elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
            ws = self.wb[names[int(sheet) - 1]]
        else:
            self.wb.close()
            raise NotFound(f"工作表“{sheet}”不存在（有：{'、'.join(names)}）",
                           f"no sheet {sheet!r} (sheets: {', '.join(names)})")
        self.ws = ws
        self.sheet = ws.title
        self.epoch_1904 = bool(getattr(self.wb, "epoch", None) and self.wb.epoch.year == 1904)
        self._done = 0
        self._total = ws.max_row if isinstance(ws.max_row, int) else None
        self._it = self._find_header(self._numbered())

    def _numbered(self) -> Iterator[tuple[int, tuple]]:
        for n, values in enumerate(self.ws.iter_rows(min_row=1, values_only=True), start=1):
            self._done = n
            yield n, values



class CalamineLedger(_Workbook):
    """An .xlsx sheet read by python-calamine, yielding what openpyxl's read-only mode yields.

    Empty cells read as ``""`` in calamine and as ``None`` here; rows and columns
    are numbered from A1 even when the sheet's data starts lower or further
    right (the tests pin calamine's way of yielding such a sheet); a date cell is a ``date`` (``datetime`` when it has a time), a number a
    ``float`` (the value readers take 13812340000.0 and 46024.0 as openpyxl's ints).
    A merged cell's value sits in its first cell, the others read empty, as in
    openpyxl's read-only mode, so the heading logic is the same.
    """

    kind = "xlsx"

    def __init__(self, path: Path, is_heading, sheet: str | None = None):
        super().__init__(path, is_heading)
        import python_calamine

        try:
            self.wb = python_calamine.CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # CalamineError, ZipError, XmlError ...
            raise ValidationError.one("文件", f"无法读取 Excel 文件 {path.name}：{exc}",
                                      f"cannot read the Excel file {path.name}: {exc}") from None
        names = list(self.wb.sheet_names)
        if sheet is None and names:
            name = names[0]
        elif sheet in names:
            name = sheet
        elif sheet is not None and sheet.isdigit() and 1 <= int(sheet) <= len(names):
            name = names[int(sheet) - 1]
        else:
            self.wb.close()
            raise NotFound(f"工作表“{sheet}”不存在（有：{'、'.join(names)}）",
                           f"no sheet {sheet!r} (sheets: {', '.join(names)})")
        try:
            self.ws = self.wb.get_sheet_by_name(name)
        except Exception as exc:
            self.wb.close()
            raise ValidationError.one("文件", f"无法读取 Excel 文件 {path.name}：{exc}",
                                      f"cannot read the Excel file {path.name}: {exc}") from None
        self.sheet = name
        self.epoch_1904 = _epoch_1904(path)
        # iter_rows yields every row from the first (empty ones above the data too) but
        # only the columns from the data's first one: pad those on the left
        start, end = self.ws.start, self.ws.end
        self._left = start[1] if start else 0
        self._done = 0
        self._total = end[0] + 1 if end else 0
        self._it = self._find_header(self._numbered())

    def _numbered(self) -> Iterator[tuple[int, tuple]]:
        pad = (None,) * self._left
        n = 0
        for row in self.ws.iter_rows():
            n += 1
            self._done = n
            yield n, pad + tuple([None if v == "" else v for v in row])



_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")


def _epoch_1904(path: Path) -> bool:
    """Whether the workbook counts days from 1904 (old Mac Excel): serial numbers in General cells depend on it."""
    try:
        with zipfile.ZipFile(path) as z:
            return bool(_DATE1904.search(z.read("xl/workbook.xml")))
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def calamine_fits(path: Path) -> bool:
    """Whether ``path`` is read with python-calamine: it is installed and the sheets' XML is small enough."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    try:
        with zipfile.ZipFile(path) as z:
            size = sum(i.file_size for i in z.infolist()
                       if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml")
    except (OSError, zipfile.BadZipFile):
        return False  # openpyxl reports what is wrong with the file
    return size <= CALAMINE_MAX_XML
