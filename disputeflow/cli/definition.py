"""``disputeflow definition check FILE``: a workflow definition checked as the engine would load it.

Needs no database: an author checks a file before a deployment loads it, and
reads every problem at once as ``file:line: problem（最接近的有效名称：…）``.
With ``--policy`` (or a configuration naming one) the definition and its
policy are checked together: every clock needs a duration.
"""

from __future__ import annotations

import importlib
import sys

import click

from disputeflow.cli.context import Ctx


@click.group("definition", help="流程定义文件：检查。")
def group():
    pass


@group.command("check", help="检查流程定义文件（TOML），与引擎载入时的检查相同；有问题时逐条列出文件、行号和最接近的有效名称，"
                             "退出码 2。--policy 同时检查政策文件是否规定了每个时限的时长。")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False),
              help="同时检查的政策文件（默认：配置文件中的政策；未指定配置时不检查政策）。")
@click.option("--import", "modules", multiple=True, metavar="MODULE",
              help="先导入此 Python 模块（注册自定义条件、效果），可重复。")
@click.pass_obj
def check(c: Ctx, path, policy_path, modules):
    from disputeflow.workflow.config import Config
    from disputeflow.workflow.definition import load_definition
    from disputeflow.workflow.definition_check import policy_problems
    from disputeflow.workflow.definition_errors import DefinitionError, DefinitionProblem, place
    from disputeflow.workflow.policy import Policy
    from disputeflow.workflow.tomlfile import ConfigFileError, key_lines

    for name in modules:
        importlib.import_module(name)
    try:
        defn = load_definition(path)
        policy = None
        if policy_path or c.config:
            policy = Policy.load(policy_path or Config.load(c.config).policy)
            with open(path, encoding="utf-8") as f:
                found = place(policy_problems(defn, policy), path, key_lines(f.read()))
            if found:
                raise DefinitionError(found)
    except DefinitionError as exc:
        _refuse(c, exc.problems)
    except ConfigFileError as exc:  # the policy file itself is wrong
        _refuse(c, [DefinitionProblem(exc.path, exc.line, exc.reason_zh, exc.reason_en)])
    checked_zh = f"，政策文件 {policy.source} 规定了每个时限的时长" if policy else "；未检查政策（可用 --policy 指定）"
    checked_en = f"; policy {policy.source} has a duration for every clock" if policy else \
        "; no policy checked (use --policy)"
    c.out({"ok": True, "file": str(path), "name": defn.name, "version": defn.version,
           "states": len(defn.states), "actions": 1 + len(defn.actions), "clocks": sorted(defn.clocks),
           "policy": policy.source if policy else None},
          c.t(f"流程定义 {path} 无误：{defn.label.zh}（{defn.name} 第 {defn.version} 版），{len(defn.states)} 个状态、"
              f"{1 + len(defn.actions)} 个动作、{len(defn.clocks)} 个时限{checked_zh}。",
              f"workflow definition {path} is sound: {defn.label.en} ({defn.name} v{defn.version}), "
              f"{len(defn.states)} states, {1 + len(defn.actions)} actions, {len(defn.clocks)} clocks{checked_en}."))


def _refuse(c: Ctx, problems) -> None:
    """Every problem on its own line (stderr; stdout with ``--json``), then exit 2."""
    if c.as_json:
        c.out({"ok": False, "problems": [{"file": p.file, "line": p.line, "message": p.message(c.lang),
                                          "nearest": p.nearest} for p in problems]}, "")
    else:
        for p in problems:
            click.echo(p.message(c.lang), err=True)
    sys.exit(2)
