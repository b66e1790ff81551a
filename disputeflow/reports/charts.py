"""Small inline SVG charts for printed reports.

Reports are opened on machines without network access and printed on A4, so
the charts are plain SVG drawn here: no scripts, no web fonts, no external
files. Every label is XML-escaped; the caller marks the result safe.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

PALETTE = ("#c0392b", "#2471a3", "#239b56", "#b9770e", "#7d3c98")
FONT = "font-family=\"'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif\""


def _nice_max(v: float, ticks: int = 4) -> float:
    """The smallest round axis maximum ≥ ``v`` that splits into ``ticks`` round steps."""
    if v <= 0:
        return ticks
    raw = v / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * mag >= raw:
            step = m * mag
            return step * ticks if step >= 1 else ticks
    return raw * ticks


def bars(items: list[tuple[str, float]], *, title: str, width: int = 640, bar_h: int = 18) -> str:
    """A horizontal bar chart: one bar per (label, value)."""
    label_w, pad = 150, 8
    h = 30 + max(len(items), 1) * (bar_h + pad) + 10
    top = _nice_max(max((v for _, v in items), default=0))
    plot_w = width - label_w - 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" width="{width}" height="{h}" '
           f'viewBox="0 0 {width} {h}" role="img" aria-label="{escape(title)}" {FONT} font-size="12">',
           f'<title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    y = 30
    for i, (label, value) in enumerate(items):
        w = 0 if top == 0 else plot_w * value / top
        out.append(f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end">{escape(str(label))}</text>')
        out.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                   f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 5}">{escape(str(value))}</text>')
        y += bar_h + pad
    if not items:
        out.append(f'<text x="{label_w}" y="{y + 12}">—</text>')
    out.append("</svg>")
    return "".join(out)


def lines(xs: list[str], series: list[tuple[str, list[float]]], *, title: str, width: int = 640,
          height: int = 260) -> str:
    """A line chart: one line per named series over the x labels (months)."""
    left, right, top_pad, bottom = 40, 110, 30, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _nice_max(max((v for _, vs in series for v in vs), default=0))
    n = max(len(xs), 1)
    step = plot_w / max(n - 1, 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-lines" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {FONT} font-size="11">',
           f'<title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for k in range(5):
        val = top * k / 4
        y = top_pad + plot_h - plot_h * k / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{val:g}</text>')
    for i, x in enumerate(xs):
        out.append(f'<text x="{left + i * step:.1f}" y="{height - 10}" text-anchor="middle">{escape(x)}</text>')
    for j, (name, values) in enumerate(series):
        color = PALETTE[j % len(PALETTE)]
        pts = " ".join(f"{left + i * step:.1f},{top_pad + plot_h - (plot_h * v / top if top else 0):.1f}"
                       for i, v in enumerate(values))
        out.append(f'<polyline class="series" fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        ly = top_pad + 14 * j
        out.append(f'<rect x="{left + plot_w + 10}" y="{ly}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{left + plot_w + 24}" y="{ly + 9}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
