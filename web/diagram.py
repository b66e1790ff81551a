"""The workflow's state diagram as inline SVG, drawn from the compiled machine's moves.

The moves (which action leads from which state to which) are the machine's
(:meth:`disputeflow.workflow.machine.CompiledWorkflow.moves`), as in the Mermaid
text ``transitions`` draws; this module only lays them out for a browser page.
No Graphviz and no network: states are laid out in columns by the longest path
from the initial state over the moving actions; edges to the next column are
straight, the others (reopen, withdraw from afar) arc below. The
layout is deterministic, so the page is the same on every request.
"""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import escape

from disputeflow.workflow.machine import compile_definition

BOX_W, BOX_H, COL_W, ROW_H, PAD = 120, 40, 170, 90, 30


def _layers(definition, moves) -> dict[str, int]:
    """Column of each state: the longest path from the initial state over forward edges.

    Back edges (reopen, repeated follow-ups) are found by a depth-first walk and left
    out, so the main line (report … close) runs straight and the side exits (refer,
    withdraw) sit after the last state they leave from.
    """
    edges: dict[str, list[str]] = defaultdict(list)
    for s, t, _ in moves:
        if t not in edges[s]:
            edges[s].append(t)
    finished: list[str] = []
    seen: set[str] = set()

    def visit(s: str) -> None:
        seen.add(s)
        for t in edges[s]:
            if t not in seen:
                visit(t)
        finished.append(s)

    for name in [definition.initial] + [st.name for st in definition.states]:
        if name not in seen:
            visit(name)
    topo = list(reversed(finished))
    rank = {s: i for i, s in enumerate(topo)}
    column = {s: 0 for s in topo}
    for s in topo:
        for t in edges[s]:
            if rank[t] > rank[s]:
                column[t] = max(column[t], column[s] + 1)
    return column


def svg(definition, lang: str = "zh_CN") -> str:
    moves = compile_definition(definition).moves()
    layer = _layers(definition, moves)
    columns: dict[int, list[str]] = defaultdict(list)
    main_end = max(definition.states, key=lambda st: (layer[st.name], not st.terminal)).name
    # Side exits (terminal states other than the end of the main line) go below the main line.
    for st in sorted(definition.states, key=lambda st: st.terminal and st.name != main_end):
        columns[layer[st.name]].append(st.name)
    pos = {}
    for col, names in columns.items():
        for row, name in enumerate(names):
            pos[name] = (PAD + col * COL_W, PAD + 70 + row * ROW_H)
    width = PAD * 2 + (max(columns) + 1) * COL_W
    height = PAD * 2 + 70 + max(len(v) for v in columns.values()) * ROW_H + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(definition.label.get(lang))}" font-size="12">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    # Edges, merged when several actions join the same two states.
    labels: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, t, action in moves:
        labels[(s, t)].append(definition.action_label(action, lang))
    arc = 0
    labelled: set[tuple[str, str]] = set()
    for (s, t), names in sorted(labels.items(), key=lambda kv: (layer[kv[0][0]], kv[0])):
        (x1, y1), (x2, y2) = pos[s], pos[t]
        text = escape("、".join(dict.fromkeys(names)))
        shown = "" if (t, text) in labelled else text  # one label per exit, however many arrows lead there
        labelled.add((t, text))
        if layer[t] > layer[s] and y1 == y2 and x2 - x1 == COL_W:
            sx, sy, tx, ty = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
            out.append(f'<line x1="{sx}" y1="{sy}" x2="{tx}" y2="{ty}" stroke="#555" marker-end="url(#arrow)"/>')
            out.append(f'<text x="{(sx + tx) / 2}" y="{sy - 6}" text-anchor="middle" fill="#333">{text}</text>')
            continue
        arc += 1
        if layer[t] <= layer[s]:  # back to an earlier state (reopen): above the main line
            sx, sy, tx, ty = x1 + BOX_W / 2 + 8, y1, x2 + BOX_W / 2 + 8, y2
            bend = min(sy, ty) - 30 - 10 * (arc % 4)
            colour = "#a3161a"
        else:  # forward past the next column, or down to a side exit: below
            sx, sy, tx, ty = x1 + BOX_W / 2 - 8, y1 + BOX_H, x2 + BOX_W / 2 - 8, y2 + (BOX_H if y2 == y1 else 0)
            bend = max(sy, ty) + 25 + 10 * (arc % 4)
            colour = "#888"
        if tx == sx:  # a loop on one state
            tx += 16
        out.append(f'<path d="M{sx},{sy} C{sx},{bend} {tx},{bend} {tx},{ty}" fill="none" stroke="{colour}" '
                   f'stroke-dasharray="4 3" marker-end="url(#arrow)"/>')
        if shown:
            out.append(f'<text x="{(sx + tx) / 2}" y="{bend + (-4 if bend < sy else 12)}" text-anchor="middle" '
                       f'fill="{colour}">{shown}</text>')
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
