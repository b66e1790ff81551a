"""``disputeflow import``: bring an Excel or CSV ledger (台账) in.

Prints a per-row report (row, column, what is wrong) and a summary; a progress
bar goes to the terminal's stderr while a big file is read and written.
"""

from __future__ import annotations

import sys

import click

from disputeflow.cli.context import Ctx
from disputeflow.cli.params import Count


def _bar(c: Ctx, enabled: bool):
    """A progress callback drawing one bar per phase on stderr (only on a terminal)."""
    if not enabled:
        return None
    labels = {"validate": c.t("校验", "checking rows"), "check": c.t("比对", "comparing"),
              "write": c.t("写入", "writing")}
    state = {"phase": None, "bar": None, "done": 0}

    def update(phase: str, done: int, total):
        if phase == "read":
            click.echo(c.t("正在读取文件……", "reading the file..."), err=True)
            return
        if not total:  # an unsized sheet: count rows instead of drawing a bar
            click.echo(f"\r{labels.get(phase, phase)}：{done:,}", nl=False, err=True)
            state["phase"] = None
            return
        if phase != state["phase"]:
            if state["bar"] is not None:
                state["bar"].render_finish()
            state.update(phase=phase, done=0,
                         bar=click.progressbar(length=total or 0, label=labels.get(phase, phase), file=sys.stderr,
                                               show_pos=phase != "validate", show_percent=True))
        bar = state["bar"]
        if total and bar.length != total:
            bar.length = total
        step = max(done - state["done"], 0)
        state["done"] = done
        bar.update(step)
        if total and done >= total:
            bar.render_finish()
    return update


def _reopened_zh(r: dict) -> str:
    return f"（其中重新打开 {r['reopened']} 件）" if r.get("reopened") else ""


def _reopened_en(r: dict) -> str:
    return f" ({r['reopened']} reopened)" if r.get("reopened") else ""


def _refusals(c: Ctx, r: dict) -> str:
    by = r.get("refused_by") or {}
    if not by:
        return ""
    zh = "、".join(f"{col} {n} 行" for col, n in sorted(by.items(), key=lambda x: -x[1]))
    en = ", ".join(f"{col} {n}" for col, n in sorted(by.items(), key=lambda x: -x[1]))
    return c.t(f"（按原因：{zh}）", f" (by reason: {en})")


def _tracking(c: Ctx, r: dict) -> str:
    t = r.get("tracking")
    if not t:
        return ""
    if t["mode"] == "live":
        return c.t(f"在办案件 {t['open']} 件按今日起重新计时。", f" {t['open']} open cases are tracked from today.")
    return c.t(f"在办案件 {t['open']} 件按台账日期计时，其中导入前已超期 {t['overdue']} 件：只列为超期，不因导入升级、通知或挂牌。",
               f" {t['open']} open cases keep the ledger's dates; {t['overdue']} were overdue before the import and are "
               "shown as overdue but not escalated, notified or listed because of it.")


def _counts(c: Ctx, r: dict, where: str) -> str:
    """The one-paragraph summary: rows created, updated, skipped and refused (by reason), and the clocks."""
    skipped = r["unchanged"] + r["blank"]
    zh = (f"共 {r['rows']} 行（另有空行 {r['blank']} 行），有效 {r['valid']} 行，有误 {r['bad_rows']} 行，有提示 {r['warning_rows']} 行；"
          f"{'将' if r['dry_run'] else '已'}新建 {r['created']} 件，更新 {r['updated']} 件{_reopened_zh(r)}，"
          f"跳过 {skipped} 行（无变化 {r['unchanged']} 件、空行 {r['blank']} 行），"
          f"拒收 {r['bad_rows']} 行{_refusals(c, r) if not c.en else ''}。")
    en = (f"{r['rows']} rows ({r['blank']} blank), {r['valid']} valid, {r['bad_rows']} with errors, "
          f"{r['warning_rows']} with warnings; "
          f"{'would create' if r['dry_run'] else 'created'} {r['created']}, "
          f"{'update' if r['dry_run'] else 'updated'} {r['updated']}{_reopened_en(r)}, "
          f"skipped {skipped} ({r['unchanged']} unchanged, {r['blank']} blank), refused {r['bad_rows']}"
          f"{_refusals(c, r) if c.en else ''}.")
    head = c.t(f"试导入 {where}：" if r["dry_run"] else f"已导入 {where}：",
               f"dry run of {where}: " if r["dry_run"] else f"imported {where}: ")
    tail = c.t("未写入任何数据。", " Nothing was written.") if r["dry_run"] else ""
    return head + c.t(zh, en) + _tracking(c, r) + tail


def _summary(c: Ctx, r: dict) -> str:
    lines = []
    probs = r.get("problems", [])
    if probs:
        from disputeflow.cli.texttable import render

        lines.append(c.t("错误：", "Errors:"))
        lines.append(render(c.t("行号 列 问题", "row column problem").split(),
                            [(p["row"], p["column"], p["message"]) for p in probs]))
    warns = r.get("warnings", [])
    if warns:
        from disputeflow.cli.texttable import render

        lines.append(c.t("提示：", "Warnings:"))
        lines.append(render(c.t("行号 列 提示", "row column note").split(),
                            [(p["row"], p["column"], p["message"]) for p in warns]))
    notes = r.get("notices", [])
    if notes:
        from disputeflow.cli.texttable import render

        lines.append(c.t("回退：", "Moved back:"))
        lines.append(render(c.t("行号 列 说明", "row column note").split(),
                            [(p["row"], p["column"], p["message"]) for p in notes]))
    where = r["file"] + (f"（工作表 {r['sheet']}）" if r.get("sheet") and not c.en else
                         f" (sheet {r['sheet']})" if r.get("sheet") else "")
    lines.append(_counts(c, r, where))
    if not r["dry_run"]:
        if r.get("error_file"):
            lines.append(c.t(f"有误的行已写入 {r['error_file']}，改正后可再次导入。",
                             f"the bad rows are in {r['error_file']}; fix them and import that file."))
    return "\n".join(lines)


@click.command("import", help="从 Excel（.xlsx）或 CSV 台账导入案件：先校验每一行，按台账记载的状态建案，可重复导入。")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--sheet", help="工作表名称或序号（默认第一个）。")
@click.option("--mapping", type=click.Path(dir_okay=False), help="列映射文件（TOML），补充默认的中文列名。")
@click.option("--dry-run", is_flag=True, help="只校验并报告，不写入。")
@click.option("--skip-bad", is_flag=True, help="跳过有误的行，导入其余行，并把有误的行写入错误文件。")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False), help="错误文件路径（默认：<文件名>.errors.csv）。")
@click.option("--namespace", help="编号空间（不同台账的编号可能重复时，各用一个）。")
@click.option("--batch", type=Count(1, 100_000), default=500, show_default=True, help="每个事务写入的行数。")
@click.option("--as-of-today", "live", is_flag=True,
              help="在办案件从今日起重新计时（默认按台账日期计时，导入前已超期的不因导入升级、通知或挂牌）。")
@click.pass_obj
def import_command(c: Ctx, file, sheet, mapping, dry_run, skip_bad, errors_path, namespace, batch, live):
    from disputeflow.ledger_import.service import ImportRejected, public

    _check_paths(file, errors_path if skip_bad and not dry_run else None)
    eng = c.engine()
    progress = _bar(c, sys.stderr.isatty() and not c.as_json)
    try:
        report = eng.import_ledger(file, actor=c.actor(), sheet=sheet, mapping=mapping, dry_run=dry_run,
                                   skip_bad=skip_bad, errors_path=errors_path, namespace=namespace, batch=batch,
                                   progress=progress, lang=c.lang, live=live)
    except ImportRejected as exc:
        c.out(public(exc.report), _summary_rejected(c, exc.report))
        raise
    c.out(public(report), _summary(c, report))
    if not report["valid"]:
        from disputeflow.workflow.errors import ValidationError

        raise ValidationError.one("FILE", "台账中没有一行可以导入" + ("（试导入）" if dry_run else ""),
                                  "no row of the ledger can be imported" + (" (dry run)" if dry_run else ""))


def _check_paths(file: str, errors_path: str | None) -> None:
    """Refuse an empty file name or an error file in a missing folder before anything is read or written."""
    from pathlib import Path

    from disputeflow.workflow.errors import ValidationError

    if not file.strip():
        raise ValidationError.one("FILE", "请指明台账文件", "name the ledger file")
    if errors_path is not None:
        folder = Path(errors_path).parent
        if not errors_path.strip() or not folder.is_dir():
            raise ValidationError.one("--errors", f"文件夹 {folder} 不存在", f"folder {folder} does not exist")


def _summary_rejected(c: Ctx, r: dict) -> str:
    text = _summary(c, {**r, "dry_run": True})
    return text.rsplit("\n", 1)[0] if r.get("problems") else text
