"""The ``disputeflow`` command line: a stable contract (see DESIGN.md).

Human output is Chinese tables (English with ``--lang en``); ``--json`` prints
one JSON document. Errors are one readable line on stderr, never a traceback,
with the exit codes 0 ok, 2 usage/validation, 3 not permitted, 4 conflict,
5 not found, 1 other. Heavy modules are imported inside the commands so that
``disputeflow --help`` starts fast.

This module holds the top-level group, the schema and demo commands and the
entry point; each command group lives in a module named for what it works on
(:mod:`.directory`, :mod:`.cases`, :mod:`.deadlines`, :mod:`.outbox`,
:mod:`.definitions`, and the lazily loaded ones in ``LAZY_COMMANDS``).
"""

from __future__ import annotations

import os
import sys

import click

from disputeflow.cli.help_en import Asked, english
from disputeflow.cli.help_en import COMMANDS as COMMANDS_EN, GROUP as GROUP_EN, OPTIONS as OPTIONS_EN
from disputeflow.cli.attachments import COMMANDS as ATTACHMENT_COMMANDS
from disputeflow.cli.cases import case
from disputeflow.cli.deadlines import calendar_group, overdue, scheduler, sweep, talks
from disputeflow.cli.definitions import workflow_group
from disputeflow.cli.directory import unit, user
from disputeflow.cli.outbox import notify
from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.cli.params import INSTANT


# Command groups that live in their own modules, imported only when invoked so that
# ``disputeflow --help`` stays fast. name -> ("module:attribute", short help zh).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "screening": ("disputeflow.cli.screening:group", "矛盾纠纷排查：登记排查、报送排查报告（零报告）、敏感期。"),
    "person": ("disputeflow.cli.person:group", "重点人员稳控：登记、查看、走访、解除稳控。"),
    "inbox": ("disputeflow.cli.inbox:group", "站内消息：查看与标记已读。"),
    "import": ("disputeflow.cli.ledger:import_command", "从 Excel 或 CSV 台账导入案件"),
    "serve": ("disputeflow.cli.web:serve", "启动网页工作台和 HTTP 接口（含调度器）。"),
    "token": ("disputeflow.cli.web:token", "HTTP 接口令牌：签发、列出、吊销。"),
    "report": ("disputeflow.cli.report:group", "报表：台账、统计、零报告、研判会议程、调解文书。"),
    "audit": ("disputeflow.cli.audit:group", "审计日志：校验、重新签名、生成密钥。"),
    "policy": ("disputeflow.cli.policy:group", "时限与升级政策：查看当前生效的政策。"),
    "definition": ("disputeflow.cli.definition:group", "流程定义文件：检查。"),
    "board": ("disputeflow.cli.search:board", "看板：反复纠纷的当事人。"),
    "directory": ("disputeflow.cli.directory_sync:group", "与外部系统同步单位和用户。"),
}


class LazyGroup(click.Group):
    """A click group whose extra commands are imported on first use."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is None and name in LAZY_COMMANDS:
            import importlib

            target, _ = LAZY_COMMANDS[name]
            module, attr = target.split(":")
            cmd = getattr(importlib.import_module(module), attr)
            self.add_command(cmd, name)
        return cmd

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS and name not in self.commands:
                rows.append((name, LAZY_COMMANDS[name][1]))
            else:
                cmd = self.commands.get(name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            en = english(ctx)
            if en:
                rows = [(name, COMMANDS_EN.get(name, text)) for name, text in rows]
            with formatter.section("Commands" if en else "命令"):
                formatter.write_dl(rows)

    def format_help_text(self, ctx, formatter):
        if ctx.parent is None and english(ctx):
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(GROUP_EN)
            return
        super().format_help_text(ctx, formatter)

    def format_options(self, ctx, formatter):
        if ctx.parent is None and english(ctx):
            rows = []
            for param in self.get_params(ctx):
                record = param.get_help_record(ctx)
                if record is not None:
                    rows.append((record[0], OPTIONS_EN.get(param.name, record[1])))
            if rows:
                with formatter.section("Options"):
                    formatter.write_dl(rows)
            self.format_commands(ctx, formatter)
            return
        super().format_options(ctx, formatter)


def _remember_lang(ctx, param, value):
    """Read ``--lang`` before ``--help`` runs, so the help itself is in that language."""
    if value:
        ctx.meta["disputeflow.lang"] = value
    return value


@click.group(cls=LazyGroup, help="disputeflow — 矛盾纠纷排查调处工作流引擎。")
@click.option("--db", envvar="DISPUTEFLOW_DB", help="数据库地址（默认：嵌入式 SQLite 文件 disputeflow.db）。")
@click.option("--as", "user", envvar="DISPUTEFLOW_USER", help="操作人的用户名。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档。")
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default=None, envvar="DISPUTEFLOW_LANG",
              is_eager=True, callback=_remember_lang, help="界面语言（默认简体中文）。")
@click.option("--now", envvar="DISPUTEFLOW_NOW", type=INSTANT, help="把本次命令的时钟固定在此时刻（ISO 8601，须带时区）。")
@click.option("--config", envvar="DISPUTEFLOW_CONFIG", help="配置文件（TOML）。")
@click.version_option(package_name="disputeflow", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx, db, user, as_json, lang, now, config):
    if now is None and os.environ.get("DISPUTEFLOW_NOW") == "":  # click drops an empty variable silently
        from disputeflow.workflow.errors import ValidationError

        raise ValidationError.one("DISPUTEFLOW_NOW", "为空；请填写时间（例如 2026-03-05T14:30+08:00）或取消该变量",
                                  "is empty; set a time (e.g. 2026-03-05T14:30+08:00) or unset it")
    ctx.obj = Ctx(db=db, user=user, as_json=as_json, lang=lang or "zh_CN", now=now, config=config,
                  command=ctx.invoked_subcommand)


# --------------------------------------------------------------------------- schema, demo


@cli.command(help="创建或升级数据库结构（可重复执行）。")
@pass_ctx
def init(c: Ctx):
    rev = c.engine().init()
    c.out({"ok": True, "revision": rev}, c.t(f"数据库已就绪（结构版本 {rev}）。", f"database ready (schema revision {rev})."))


@cli.command(help="载入示范数据（虚构的澄川县及双乳镇、青石镇：站所、案件、交办单）；--day 再演示双乳镇一天的工作。")
@click.option("--day", is_flag=True, help="载入后演示一天的工作，最后显示督办看板。")
@pass_ctx
def demo(c: Ctx, day: bool):
    from disputeflow.demo import town as demo_mod

    eng = c.engine()
    summary = demo_mod.load(eng)
    if c.as_json and not day:
        c.out(summary, "")
        return
    if not c.as_json:
        click.echo(demo_mod.summary_text(summary, c.lang))
    if day:
        demo_mod.run_day(eng, echo=(lambda s: None) if c.as_json else click.echo, lang=c.lang)
        if c.as_json:
            c.out({"demo": summary, "overdue": eng.overdue(lang=c.lang)}, "")


# --------------------------------------------------------------------------- the command groups of their own modules

for _command in (unit, user, case, overdue, talks, sweep, scheduler, calendar_group, notify, workflow_group):
    cli.add_command(_command)
for _command in ATTACHMENT_COMMANDS:
    case.add_command(_command)


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    """Run the CLI, turning every expected error into one line on stderr and an exit code."""
    from disputeflow.cli.errors import schema_missing, schema_missing_message, usage_message
    from disputeflow.workflow.errors import DisputeflowError
    from disputeflow.workflow.terminal import one_line

    lang = os.environ.get("DISPUTEFLOW_LANG", "zh_CN")
    args = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in args:
        i = args.index("--lang")
        if i + 1 < len(args):
            lang = args[i + 1]
    en = lang.startswith("en")
    try:
        # ``obj`` carries the language to a ``--help`` that comes before ``--lang``; the group's callback replaces it
        cli.main(args=args, prog_name="disputeflow", standalone_mode=False, obj=Asked(en))
        return 0
    except DisputeflowError as exc:
        click.echo(("error: " if en else "错误：") + one_line(exc.message(lang)), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted" if en else "已中止", err=True)
        return 1
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group named without its command: show its help
            click.echo(exc.format_message(), err=True)
            return 2
        click.echo(("usage error: " if en else "用法错误：") + usage_message(exc, en), err=True)
        return 2
    except click.ClickException as exc:
        click.echo(("error: " if en else "错误：") + one_line(exc.format_message()), err=True)
        return exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: one line, never a traceback
        import logging

        from disputeflow.extras import install_message, missing_extra

        extra = missing_extra(exc)
        if extra is not None:  # an optional part that is not installed: say which extra brings it
            click.echo(("error: " if en else "错误：") + install_message(extra, lang), err=True)
            return 2

        if schema_missing(exc):
            click.echo(("error: " if en else "错误：") + schema_missing_message(en), err=True)
            return 2
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        click.echo(("unexpected error: " if en else "意外错误：") + one_line(f"{type(exc).__name__}: {exc}"), err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
