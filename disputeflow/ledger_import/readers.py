"""Readers for ledgers: .xlsx (python-calamine, or openpyxl read-only) and .csv (the csv module).

Rows come one at a time, each with the row number a person sees in Excel (or
the line number in the CSV), so an error report points at the right row. The
CSV and openpyxl readers stream and hold nothing of the file. python-calamine
(Rust) reads a sheet about six times faster than openpyxl but holds the whole
sheet while it is read (about 1 KiB per ledger row), so it is used only for
sheets up to ``CALAMINE_MAX_XML`` bytes of uncompressed sheet XML; a bigger
sheet, or a machine without python-calamine, streams through openpyxl. Memory
is therefore bounded whatever the file's size.

Real ledgers start with a title row or two (often a merged cell across the
sheet) and may have a two-level heading (当事人 merged over 姓名 | 联系电话).
The heading row is the first row among the top ones with the most cells that
name a known column; the row under it is a second heading level when all its
cells are text and one of them names a known column. In read-only mode a merged
cell's value sits in its first cell and the others read as empty, so a group
heading is carried right over the empty cells that have a sub-heading below.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Callable, Iterator

from disputeflow.workflow.errors import NotFound, ValidationError

HEADER_SCAN_ROWS = 20
# Uncompressed worksheet XML up to which a sheet is read with python-calamine. It
# holds about 1.1 KiB per row (measured: 50k rows 58 MiB, 100k rows 112 MiB over the
# interpreter); the 100k-row benchmark ledger, as openpyxl writes it, has 75 MiB of XML.
CALAMINE_MAX_XML = 96 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    """One column of the ledger: its position, the heading shown to people, and the names it answers to."""

    index: int
    label: str
    names: tuple[str, ...]  # primary first (sub-heading, "group/sub"), then the group heading alone
    group: str | None = None


class CountingReader(io.RawIOBase):
    """Counts bytes read from a binary file, for a progress bar over a CSV."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        self.count += n or 0
        return n


class Ledger:
    """An open ledger: its columns and a stream of data rows.

    Use as a context manager; ``rows()`` may be called once.
    """

    kind = ""

    def __init__(self, path: Path, is_heading: Callable[[object], bool]):
        self.path = path
        self.is_heading = is_heading
        self.columns: list[Column] = []
        self.sheet: str | None = None
        self.header_rows: tuple[int, ...] = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def progress(self) -> tuple[int, int | None]:
        """(done, total) in the reader's own unit (rows or bytes) for a progress bar."""
        return 0, None

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """The data rows, numbered as the file numbers them (``_it``, set once the header is found)."""
        return self._it

    def _find_header(self, it: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
        """Read the top rows, set ``columns``, and return the rows iterator positioned after the heading."""
        head: list[tuple[int, tuple]] = []
        for _ in range(HEADER_SCAN_ROWS):
            try:
                head.append(next(it))
            except StopIteration:
                break
        best, best_score = None, 1
        for i, (_, values) in enumerate(head):
            score = sum(1 for v in values if self.is_heading(v))
            if score > best_score:
                best, best_score = i, score
        if best is None:
            raise ValidationError.one(
                "表头", f"在前 {HEADER_SCAN_ROWS} 行中找不到表头（应含“登记日期”“村(社区)”“纠纷类型”等列名），请用 --mapping 指定列名",
                f"no heading row in the first {HEADER_SCAN_ROWS} rows (expected names such as 登记日期, 村(社区), 纠纷类型); "
                "name the columns with --mapping")
        top = list(head[best][1])
        sub: list | None = None
        rest = head[best + 1:]
        if rest:
            cand = list(rest[0][1])
            texts = [v for v in cand if v not in (None, "")]
            if (texts and all(isinstance(v, str) for v in texts) and any(self.is_heading(v) for v in texts)
                    and _under_groups(top, cand)):
                sub = cand
                rest = rest[1:]
                self.header_rows = (head[best][0], head[best + 1][0])
        if sub is None:
            self.header_rows = (head[best][0],)
        self.columns = build_columns(top, sub)

        def chain():
            yield from rest
            yield from it

        return chain()


def _under_groups(top: list, row: list) -> bool:
    """Whether every filled cell of ``row`` sits where a second heading level can: under a group heading
    spanning several columns (当事人 over 姓名 | 联系电话) or under an empty top cell.

    A group spans a column when its neighbour in the top row is empty (merged: read-only readers give the
    value to the first cell only), repeats its text (a merge split and filled, a pandas CSV export), or is
    missing (a top row cut short of the rows under it). A heading that spans one column is merged down over
    the row below, so that row is empty there or repeats it (filled); a data row has values under those
    headings, even when one of its texts happens to read like a heading (a 备注 saying 包案领导).
    """
    top = [_text(v) for v in top] + [""] * (len(row) - len(top))

    def spans(j: int) -> bool:
        t = top[j]
        return not t or (j + 1 < len(top) and top[j + 1] in ("", t)) or (j > 0 and top[j - 1] == t)

    return all(_text(v) in ("", top[j]) or spans(j) for j, v in enumerate(row))


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def build_columns(top: list, sub: list | None) -> list[Column]:
    """Columns from a heading row and an optional second level under it."""
    width = max(len(top), len(sub or ()))
    top = list(top) + [None] * (width - len(top))
    sub = (list(sub) + [None] * (width - len(sub))) if sub is not None else [None] * width
    out = []
    group = ""
    for i in range(width):
        t, s = _text(top[i]), _text(sub[i])
        if t:
            group = t
        elif not s:
            group = ""
        g = t or (group if s else "")
        if s and g and s != g:
            names = (s, f"{g}/{s}", g)
            label = f"{g}/{s}"
        else:
            label = s or g
            names = (label,) if label else ()
            if "/" in label:  # a flattened two-level heading, as an error file writes it
                grp, _, leaf = label.rpartition("/")
                names = (label, leaf, grp)
        out.append(Column(i, label or f"第{i + 1}列", names, g if s else None))
    return out


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


class CsvLedger(Ledger):
    """A CSV export: UTF-8 (with or without BOM) or GB 18030 (what Chinese Excel writes), any common delimiter."""

    kind = "csv"

    def __init__(self, path: Path, is_heading):
        super().__init__(path, is_heading)
        self.sheet = None
        with open(path, "rb") as f:
            sample = f.read(256 * 1024)
        encoding = sniff_encoding(sample)
        text = sample.decode(encoding, errors="ignore")
        try:
            dialect = csv.Sniffer().sniff(text[:20000], delimiters=",\t;|")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        self._size = os.path.getsize(path)
        self._raw = CountingReader(open(path, "rb"))
        self._text = io.TextIOWrapper(io.BufferedReader(self._raw, 1 << 16), encoding=encoding, newline="")
        self._reader = csv.reader(self._text, delimiter=delimiter)
        self._it = self._find_header(self._numbered())

    def _numbered(self) -> Iterator[tuple[int, tuple]]:
        for values in self._reader:
            yield self._reader.line_num, tuple(values)

    def progress(self) -> tuple[int, int | None]:
        return self._raw.count, self._size

    def close(self) -> None:
        self._text.close()


def sniff_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut by the sample's end
            return "utf-8"
        return "gb18030"


def open_ledger(path: str | os.PathLike, is_heading, sheet: str | None = None) -> Ledger:
    """Open an .xlsx or .csv ledger.

    Raises:
        NotFound: the file or the sheet does not exist.
        ValidationError: the file is not a ledger this reader understands.
    """
    p = Path(path)
    if not p.is_file():
        raise NotFound(f"文件“{p}”不存在", f"file {str(p)!r} not found")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        if calamine_fits(p):
            return CalamineLedger(p, is_heading, sheet)
        return XlsxLedger(p, is_heading, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return CsvLedger(p, is_heading)
    if suffix == ".xls":
        raise ValidationError.one("文件", "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入",
                                  "old .xls files are not supported; save as .xlsx in Excel and import that")
    raise ValidationError.one("文件", f"不支持的文件类型“{suffix}”（支持 .xlsx、.csv）",
                              f"unsupported file type {suffix!r} (.xlsx or .csv)")


def cell_text(value) -> str:
    """A cell as text for an error file: dates as 2026-03-05, whole numbers without “.0”."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != time(0) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
