"""Plain-text tables that line up with Chinese text (wide characters count double)."""

from __future__ import annotations

import unicodedata
from typing import Any, Sequence

from disputeflow.workflow.terminal import one_line


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return one_line(str(value))


def _clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, w = "", 0
    for ch in text:
        cw = width(ch)
        if w + cw > limit - 1:
            break
        out += ch
        w += cw
    return out + "…"


def render(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_col: int = 40, title: str | None = None) -> str:
    cells = [[_clip(_cell(v), max_col) for v in row] for row in rows]
    widths = [width(h) for h in headers]
    for row in cells:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], width(v))

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (widths[i] - width(v)) for i, v in enumerate(values)).rstrip()

    out = []
    if title:
        out.append(title)
    out.append(line(list(headers)))
    out.append("  ".join("─" * w for w in widths))
    out.extend(line(r) for r in cells)
    if not rows:
        out.append("（无）")
    return "\n".join(out)


def pairs(items: Sequence[tuple[str, Any]]) -> str:
    """A two-column key/value block, for one record."""
    w = max((width(k) for k, _ in items), default=0)
    return "\n".join(f"{k}{' ' * (w - width(k))}  {_cell(v)}" for k, v in items)
