"""Opening a ledger file: .xlsx (see ``workbooks``) or .csv (the csv module), and cells as text.

Rows come one at a time, each with the row number a person sees in Excel (or
the line number in the CSV), so an error report points at the right row. The
CSV and openpyxl readers stream and hold nothing of the file; python-calamine
holds a sheet only up to a bound. Memory is therefore bounded whatever the
file's size.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterator

from disputeflow.ledger_import.ledger_file import Ledger
from disputeflow.ledger_import.workbooks import CalamineLedger, XlsxLedger, calamine_fits
from disputeflow.workflow.errors import NotFound, ValidationError


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
