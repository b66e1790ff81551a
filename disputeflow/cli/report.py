"""``disputeflow report …``: the ledger, statistics, nil report, review-meeting agenda and paperwork.

Each command writes one file (named after the unit, the report and the period)
into the current directory, or where ``--out`` says; ``--out -`` prints text
formats to standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from disputeflow.cli.params import DAY, MONTH, TEXT, YEAR

# ``click.pass_obj`` rather than a type-matched decorator: under ``python -m disputeflow.cli`` the
# ``Ctx`` class of ``__main__`` is not the one this module would import.
pass_ctx = click.pass_obj


def _write(c, name: str, body: bytes, mime: str, out: str | None) -> None:
    if out == "-":
        if not (mime.startswith("text/") or mime == "application/json"):
            from disputeflow.workflow.errors import ValidationError

            raise ValidationError.one("--out", "二进制格式不能输出到标准输出，请用 --out 指明文件",
                                      "a binary format cannot go to standard output; name a file with --out")
        sys.stdout.write(body.decode("utf-8"))
        return
    path = Path(out) if out else Path(name)
    if path.is_dir():
        path = path / name
    try:
        path.write_bytes(body)
    except OSError as exc:
        from disputeflow.workflow.errors import DisputeflowError

        raise DisputeflowError(f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}") from None
    c.out({"file": str(path), "bytes": len(body), "mimetype": mime},
          c.t(f"已生成 {path}（{len(body)} 字节）", f"wrote {path} ({len(body)} bytes)"))


def _period_params(month, year, start, end) -> dict:
    return {"month": month, "year": year, "start": start, "end": end}


def _check_out(out: str | None, fmt: str | None) -> None:
    """Refuse a destination that cannot take the file before any work is done.

    Producing a monthly report freezes its snapshot; a typo in ``--out`` found only
    when writing left a frozen report and no file.

    Raises:
        ValidationError: the folder is missing or not writable, or a binary format goes to ``-``.
    """
    import os

    from disputeflow.workflow.errors import ValidationError

    if out == "-":
        if fmt in ("xlsx", "docx"):
            raise ValidationError.one("--out", "二进制格式不能输出到标准输出，请用 --out 指明文件",
                                      "a binary format cannot go to standard output; name a file with --out")
        return
    if out is not None and not out.strip():
        raise ValidationError.one("--out", "不能为空", "must not be empty")
    path = Path(out or ".")
    folder = path if (path.is_dir() or (out or "").endswith(("/", os.sep))) else path.parent
    if not folder.is_dir():
        raise ValidationError.one("--out", f"文件夹 {folder} 不存在", f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValidationError.one("--out", f"文件夹 {folder} 不可写", f"folder {folder} is not writable")


def _run(c, kind: str, fmt: str | None, out: str | None, **params) -> None:
    _check_out(out, fmt)
    eng = c.engine()
    params = {k: v for k, v in params.items() if v is not None}
    name, body, mime = eng.report_file(kind, fmt=fmt, actor=c.actor(), lang=c.lang, **params)
    _write(c, name, body, mime, out)


@click.group("report", help="报表：台账、统计、交办办理情况、零报告、研判会议程、调解文书。")
def group():
    pass


@group.command("ledger", help="月度台账：每起纠纷一行，另附汇总表。")
@click.option("--month", type=MONTH, required=True, help="月份（YYYY-MM）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "html", "json"]), default="xlsx", show_default=True)
@click.option("--out", help="输出文件或目录；- 为标准输出（仅文本格式）。")
@pass_ctx
def ledger(c, month, unit_id, fmt, out):
    _run(c, "ledger", fmt, out, month=month, unit=unit_id)


@group.command("stats", help="统计报表：分村、分类型、分来源，逐月趋势，附指标口径。")
@click.option("--month", type=MONTH, help="月份（YYYY-MM）。")
@click.option("--year", type=YEAR, help="年度（YYYY）。")
@click.option("--from", "start", type=DAY, help="起始日期（含）。")
@click.option("--to", "end", type=DAY, help="截止日期（含）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@click.option("--format", "fmt", type=click.Choice(["html", "xlsx", "csv", "json"]), default="html", show_default=True)
@click.option("--out", help="输出文件或目录；- 为标准输出（仅文本格式）。")
@pass_ctx
def stats(c, month, year, start, end, unit_id, fmt, out):
    _run(c, "stats", fmt, out, unit=unit_id, **_period_params(month, year, start, end))


@group.command("month", help="月度统计报表（人民调解工作统计表）：各村（社区）分行，件/人，附指标口径，可直接上报。")
@click.option("--month", type=MONTH, required=True, help="月份（YYYY-MM）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "json"]), default="xlsx", show_default=True)
@click.option("--out", help="输出文件或目录；- 为标准输出（仅 json）。")
@pass_ctx
def month_form(c, month, unit_id, fmt, out):
    _run(c, "month", fmt, out, month=month, unit=unit_id)


@group.command("offices", help="交办办理情况（按承办站所）：交办数、按时签收率、按时反馈率、退回数，附指标口径。")
@click.option("--month", type=MONTH, help="月份（YYYY-MM）。")
@click.option("--year", type=YEAR, help="年度（YYYY）。")
@click.option("--from", "start", type=DAY, help="起始日期（含）。")
@click.option("--to", "end", type=DAY, help="截止日期（含）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "json"]), default="html", show_default=True)
@click.option("--out", help="输出文件或目录；- 为标准输出。")
@pass_ctx
def offices(c, month, year, start, end, unit_id, fmt, out):
    _run(c, "offices", fmt, out, unit=unit_id, **_period_params(month, year, start, end))


@group.command("nil", help="零报告：本期无新发纠纷的单位报送。")
@click.option("--month", type=MONTH, required=True, help="月份（YYYY-MM）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html", show_default=True)
@click.option("--out", help="输出文件或目录；- 为标准输出。")
@pass_ctx
def nil(c, month, unit_id, fmt, out):
    _run(c, "nil", fmt, out, month=month, unit=unit_id)


from disputeflow.cli.screening import filing  # noqa: E402  (报送情况: one command of the screening module)

group.add_command(filing)


@group.command("agenda", help="研判会议程：新案、高风险、逾期、督办、反弹、待销号。")
@click.option("--date", "day", type=DAY, required=True, help="会议日期（YYYY-MM-DD）。")
@click.option("--since", type=DAY, help="上次会议日期（默认：七天前）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "json"]), default="html", show_default=True)
@click.option("--out", help="输出文件或目录；- 为标准输出。")
@pass_ctx
def agenda(c, day, since, unit_id, fmt, out):
    _run(c, "agenda", fmt, out, date=day, since=since, unit=unit_id)


PAPER_HELP = ("人民调解文书：application 申请书、acceptance 受理登记表、notice 权利义务告知书、investigation 调查记录、"
              "record 调解记录、agreement 调解协议书、oral 口头协议登记表、visit 回访记录、file 卷宗（封面、卷内目录、封底）。"
              "文书编号按调委会、年度顺序编排，首次打印时确定，重印不变。")


@group.command("paper", help=PAPER_HELP)
@click.argument("kind", type=click.Choice(["application", "acceptance", "notice", "investigation", "record",
                                           "agreement", "oral", "visit", "file", "index"]))
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["html", "docx"]), default="html", show_default=True,
              help="html 供浏览器打印；docx 为 Word 文档（A4）。")
@click.option("--performance", help="履行方式（调解协议书）。")
@click.option("--performance-due", help="履行期限（调解协议书）。")
@click.option("--out", help="输出文件或目录；- 为标准输出（仅 html）。")
@pass_ctx
def paper(c, kind, number, fmt, performance, performance_due, out):
    _run(c, kind, fmt, out, number=number, performance=performance, performance_due=performance_due)


@group.command("verify", help="用审计日志重算已封存的报表，核对每个数字是否一致。")
@click.argument("kind", type=click.Choice(["ledger", "stats", "nil", "offices"]))
@click.option("--month", type=MONTH, required=True, help="月份（YYYY-MM）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@pass_ctx
def verify(c, kind, month, unit_id):
    from disputeflow.reports.files import verify_snapshot

    res = verify_snapshot(c.runtime(), kind, c.actor(), month=month, unit=unit_id)
    if not res["frozen"]:
        c.out(res, c.t("该报表尚未封存。", "this report has not been frozen yet."))
        return
    if res["same"]:
        c.out(res, c.t("重算结果与封存报表一致。", "recomputation matches the frozen report."))
        return
    c.out(res, c.t("重算结果与封存报表不一致：", "recomputation differs from the frozen report: ")
          + ", ".join(res["differences"]))
    sys.exit(1)
