"""Workflow definitions: ``disputeflow workflow show/diagram``.

Read-only views of a definition; without a configuration file they show the
built-in workflow and need no database.
"""

from __future__ import annotations

import click

from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.cli.params import TEXT


@click.group("workflow", help="流程定义。")
def workflow_group():
    pass


@workflow_group.command("show", help="列出流程的状态和动作。")
@click.option("--name", type=TEXT, help="流程名称（默认 grassroots）。")
@pass_ctx
def workflow_show(c: Ctx, name):
    from disputeflow.workflow.definition import builtin
    from disputeflow.cli.texttable import render

    d = c.engine().definition(name) if c.config else builtin(name or "grassroots")
    roles_zh = {"grid_officer": "网格员", "mediator": "调解员", "lead_official": "包案领导", "supervisor": "督办人员", "admin": "管理员"}
    roles_zh.update({k: v.label.zh for k, v in d.roles.items()})
    doc = {
        "name": d.name, "version": d.version, "label": d.label.get(c.lang),
        "states": [{"name": s.name, "label": s.label.get(c.lang), "stage": s.stage, "terminal": s.terminal} for s in d.states],
        "actions": [{"name": a.name, "label": a.label.get(c.lang), "from": list(a.sources), "to": a.dest,
                     "roles": list(a.roles), "fields": [f.name for f in a.fields], "guards": list(a.guards)}
                    for a in (d.intake, *d.actions)],
    }
    states = render(c.t("状态 名称 阶段 终止", "state label stage terminal").split(),
                    [(s.name, s.label.get(c.lang), s.stage, s.terminal) for s in d.states],
                    title=c.t(f"流程：{d.label.zh}（{d.name} 第 {d.version} 版）\n\n状态：", f"workflow: {d.label.en} ({d.name} v{d.version})\n\nstates:"))
    acts = render(c.t("动作 名称 从 到 角色", "action label from to roles").split(),
                  [(a.name, a.label.get(c.lang), "、".join(d.state_label(s, c.lang) for s in a.sources) or c.t("（新案件）", "(new)"),
                    d.state_label(a.dest, c.lang) if a.dest else (d.state_label(d.initial, c.lang) if a is d.intake else c.t("（不变）", "(same)")),
                    "、".join(a.roles if c.en else [roles_zh.get(r, r) for r in a.roles])) for a in (d.intake, *d.actions)],
                  max_col=60, title=c.t("\n动作：", "\nactions:"))
    c.out(doc, states + "\n" + acts)


@workflow_group.command("diagram", help="输出状态图（Mermaid 或 Graphviz DOT）。")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.option("--name", type=TEXT, help="流程名称（默认 grassroots）。")
@pass_ctx
def workflow_diagram(c: Ctx, fmt, name):
    from disputeflow.workflow.definition import builtin
    from disputeflow.workflow.machine import compile_definition

    d = c.engine().definition(name) if c.config else builtin(name or "grassroots")
    compiled = compile_definition(d)
    text = compiled.mermaid(c.lang) if fmt == "mermaid" else compiled.dot(c.lang)
    c.out({"format": fmt, "diagram": text}, text.rstrip("\n"))
