"""How the command line words what went wrong before a command could run.

click writes its own usage errors in English ("No such option", "Missing
argument"); these say the same in the person's language, on one line, with the
command's help to turn to. A database that is missing or has no tables gets a
pointer to ``disputeflow init`` instead of "no such table".
"""

from __future__ import annotations

import os

import click

from disputeflow.workflow.terminal import one_line


def usage_message(exc: click.UsageError, en: bool) -> str:
    """One line for a click usage error, in Chinese unless ``en``."""
    text = _explain(exc, en)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        text += (f" (see: {ctx.command_path} --help)" if en else f"（查看用法：{ctx.command_path} --help）")
    return one_line(text)


def _explain(exc: click.UsageError, en: bool) -> str:
    if isinstance(exc, click.MissingParameter):
        hint = _hint(exc)
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        if en:
            return f"missing {kind} {hint}"
        return f"缺少{'参数' if kind == 'argument' else '选项'} {hint}"
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc, en)
    if isinstance(exc, click.NoSuchOption):
        near = "、".join(exc.possibilities or ())
        if en:
            return f"no such option {exc.option_name}" + (f"; did you mean {', '.join(exc.possibilities)}?" if near else "")
        return f"没有选项 {exc.option_name}" + (f"，是否想用 {near}？" if near else "")
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)
    if no_such_command is not None and isinstance(exc, no_such_command):
        return f"no such command {exc.command_name!r}" if en else f"没有命令“{exc.command_name}”"
    if isinstance(exc, click.BadOptionUsage):
        if "requires" in exc.message:
            return f"option {exc.option_name} needs a value" if en else f"选项 {exc.option_name} 需要一个值"
        if "does not take" in exc.message:
            return f"option {exc.option_name} takes no value" if en else f"选项 {exc.option_name} 不带值"
    if exc.message.startswith("Got unexpected extra argument"):
        extra = exc.message.split("(", 1)[-1].rstrip(")")
        return f"unexpected extra arguments: {extra}" if en else f"多余的参数：{extra}"
    if exc.message.startswith("No such command"):
        name = exc.message.split("'")[1] if "'" in exc.message else exc.message
        return f"no such command {name!r}" if en else f"没有命令“{name}”"
    return exc.format_message()


def _hint(exc: click.BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    if exc.param is not None:
        if isinstance(exc.param, click.Option) and exc.param.opts:
            return max(exc.param.opts, key=len)
        return (exc.param.name or "").upper()
    return ""


def _bad_value(exc: click.BadParameter, en: bool) -> str:
    hint = _hint(exc)
    ptype = exc.param.type if exc.param is not None else None
    if isinstance(ptype, click.Choice):
        choices = [str(c) for c in ptype.choices]
        return (f"{hint} must be one of: {', '.join(choices)}" if en
                else f"{hint} 的值无效，可选：{'、'.join(choices)}")
    if isinstance(ptype, (click.types.IntParamType, click.types.FloatParamType)):
        return f"{hint} must be a number" if en else f"{hint} 应为数字"
    if isinstance(ptype, click.Path):
        return f"{hint}: {exc.message}" if en else f"{hint} 的路径无效（{exc.message}）"
    return f"invalid value for {hint}: {exc.message}" if en else f"{hint} 的值无效（{exc.message}）"


def require_database(url: str) -> None:
    """Refuse to run against an SQLite file that does not exist.

    Opening one creates it (and its folders) empty, so a mistyped ``--db`` used to
    leave a stray file behind and fail with "no such table". Only ``init`` creates
    a database.

    Raises:
        ConfigError: ``url`` names an SQLite file that is not there.
    """
    from sqlalchemy.engine import make_url

    from disputeflow.cases.db import normalise_url
    from disputeflow.workflow.errors import ConfigError

    u = make_url(normalise_url(url))
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return
    if u.database.startswith("file:") or os.path.exists(u.database):
        return
    raise ConfigError(f"数据库文件 {u.database} 不存在；请检查 --db，新建数据库请先运行 disputeflow init",
                      f"database file {u.database} does not exist; check --db, or create it with disputeflow init")


def schema_missing(exc: BaseException) -> bool:
    """Whether ``exc`` says the database has no tables yet (an empty file, a fresh schema)."""
    orig = getattr(exc, "orig", None)
    if orig is not None and type(orig).__name__ == "UndefinedTable":
        return True
    return "no such table" in str(exc)


def schema_missing_message(en: bool) -> str:
    return ("the database has no tables yet; run disputeflow init first" if en
            else "数据库尚未初始化（没有数据表），请先运行 disputeflow init")
