"""An open ledger and its heading: which row names the columns, and what each column is called.

Real ledgers start with a title row or two (often a merged cell across the
sheet) and may have a two-level heading (当事人 merged over 姓名 | 联系电话).
The heading row is the first row among the top ones with the most cells that
name a known column; the row under it is a second heading level when all its
cells are text and one of them names a known column. In read-only mode a merged
cell's value sits in its first cell and the others read as empty, so a group
heading is carried right over the empty cells that have a sub-heading below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from disputeflow.workflow.errors import ValidationError

HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class Column:
    """One column of the ledger: its position, the heading shown to people, and the names it answers to."""

    index: int
    label: str
    names: tuple[str, ...]  # primary first (sub-heading, "group/sub"), then the group heading alone
    group: str | None = None


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
