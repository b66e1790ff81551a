"""The workflow's state diagram as inline SVG, drawn from the definition itself.

No Graphviz and no network: states are laid out in columns by their distance
from the initial state (breadth-first over the moving actions); forward edges
are straight, backward and same-column edges (reopen, refer) arc below. The
layout is deterministic, so the page is the same on every request.
"""

from __future__ import annotations

from collections import defaultdict, deque
from xml.sax.saxutils import escape

BOX_W, BOX_H, COL_W, ROW_H, PAD = 120, 40, 170, 90, 30


def _layers(definition) -> dict[str, int]:
    edges = defaultdict(set)
    for a in definition.actions:
        if a.dest:
            for s in a.sources:
                edges[s].add(a.dest)
    layer = {definition.initial: 0}
    queue = deque([definition.initial])
    while queue:
        s = queue.popleft()
        for t in sorted(edges[s]):
            if t not in layer:
                layer[t] = layer[s] + 1
                queue.append(t)
    for st in definition.states:  # unreachable states still get drawn
        layer.setdefault(st.name, max(layer.values(), default=0) + 1)
    return layer


def svg(definition, lang: str = "zh_CN") -> str:
    layer = _layers(definition)
    columns: dict[int, list[str]] = defaultdict(list)
    for st in definition.states:
        columns[layer[st.name]].append(st.name)
    pos = {}
    for col, names in columns.items():
        for row, name in enumerate(names):
            pos[name] = (PAD + col * COL_W, PAD + 40 + row * ROW_H)
    width = PAD * 2 + (max(columns) + 1) * COL_W
    height = PAD * 2 + 40 + max(len(v) for v in columns.values()) * ROW_H + 120
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(definition.label.get(lang))}" font-size="12">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    # Edges, merged when several actions join the same two states.
    labels: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in definition.actions:
        if a.dest:
            for s in a.sources:
                labels[(s, a.dest)].append(a.label.get(lang))
    arc = 0
    for (s, t), names in sorted(labels.items()):
        (x1, y1), (x2, y2) = pos[s], pos[t]
        text = escape("、".join(dict.fromkeys(names)))
        if layer[t] > layer[s] and (y1 == y2 or layer[t] == layer[s] + 1):
            sx, sy, tx, ty = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
            out.append(f'<line x1="{sx}" y1="{sy}" x2="{tx}" y2="{ty}" stroke="#555" marker-end="url(#arrow)"/>')
            out.append(f'<text x="{(sx + tx) / 2}" y="{(sy + ty) / 2 - 4}" text-anchor="middle" fill="#333">{text}</text>')
        else:
            arc += 1
            sx, sy, tx, ty = x1 + BOX_W / 2, y1 + BOX_H, x2 + BOX_W / 2, y2 + BOX_H
            depth = max(sy, ty) + 25 + 12 * (arc % 5)
            if tx == sx:
                tx += 10
            out.append(f'<path d="M{sx},{sy} C{sx},{depth} {tx},{depth} {tx},{ty}" fill="none" stroke="#888" '
                       f'stroke-dasharray="4 3" marker-end="url(#arrow)"/>')
            out.append(f'<text x="{(sx + tx) / 2}" y="{depth - 2}" text-anchor="middle" fill="#555">{text}</text>')
    for st in definition.states:
        x, y = pos[st.name]
        fill = "#e7f5ff" if not st.terminal else "#f1f3f5"
        stroke = "#a3161a" if st.name == definition.initial else "#1c5fb8"
        width_px = 3 if st.terminal else 1.5
        out.append(f'<g data-state="{escape(st.name)}"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" '
                   f'fill="{fill}" stroke="{stroke}" stroke-width="{width_px}"/>'
                   f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" font-size="14">'
                   f'{escape(st.label.get(lang))}</text></g>')
    out.append("</svg>")
    return "".join(out)
