"""``disputeflow case attach/attachments/attachment/detach``: a case's evidence files from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.cli.params import TEXT


@click.command("attach", help="为案件上传附件（照片、PDF 扫描件、Word 或 Excel）：case attach 编号 文件...")
@click.argument("number")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", type=TEXT, help="附件名称（默认为文件名；只上传一个文件时可用）。")
@pass_ctx
def case_attach(c: Ctx, number, files, name):
    from disputeflow.workflow.errors import ValidationError

    if name and len(files) > 1:
        raise ValidationError.one("--name", "上传多个文件时不能指定 --name", "--name is for a single file")
    eng = c.engine()
    done = []
    for path in files:
        size = path.stat().st_size
        if size > eng.attachment_max_bytes:  # refused before reading a file far past the limit into memory
            data = path.open("rb").read(eng.attachment_max_bytes + 1)
        else:
            data = path.read_bytes()
        done.append(eng.attach(number, c.actor(), name or path.name, data))
    c.out(done, "\n".join(c.t(f"{number}：已上传附件 {d['id']}「{d['name']}」（{_size(d['size'])}）",
                              f"{number}: attached {d['id']} {d['name']!r} ({_size(d['size'])})") for d in done))


@click.command("attachments", help="列出案件的附件。")
@click.argument("number")
@click.option("--deleted", is_flag=True, help="也列出已删除的附件。")
@pass_ctx
def case_attachments(c: Ctx, number, deleted):
    from disputeflow.cli.texttable import render
    from disputeflow.workflow.timeutil import format_local, parse_time

    rows = c.engine().attachments(number, c.user, with_deleted=deleted)
    if not rows:
        c.out(rows, c.t(f"{number} 尚无附件", f"{number} has no attachments"))
        return
    head = c.t("编号 名称 类型 大小 上传人 上传时间 状态", "id name type size by uploaded status").split()
    body = [(r["id"], r["name"], r["content_type"], _size(r["size"]), r["uploaded_by_name"],
             format_local(parse_time(r["uploaded_at"])),
             c.t(f"已删除（{r['deleted_by_name']}）", f"deleted ({r['deleted_by_name']})") if r["deleted_at"] else "")
            for r in rows]
    c.out(rows, render(head, body, max_col=40))


@click.command("attachment", help="取出一个附件保存到文件：case attachment 编号 附件编号 --out 路径")
@click.argument("number")
@click.argument("attachment_id", type=click.IntRange(1, 2**63 - 1))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="保存到此路径。")
@pass_ctx
def case_attachment(c: Ctx, number, attachment_id, out):
    name, data, ctype = c.engine().attachment_file(number, attachment_id, c.user)
    out.write_bytes(data)
    c.out({"id": attachment_id, "name": name, "content_type": ctype, "path": str(out)},
          c.t(f"已保存「{name}」到 {out}", f"saved {name!r} to {out}"))


@click.command("detach", help="删除案件的一个附件（记入审计日志，记录保留）。")
@click.argument("number")
@click.argument("attachment_id", type=click.IntRange(1, 2**63 - 1))
@click.option("--reason", type=TEXT, help="删除理由。")
@pass_ctx
def case_detach(c: Ctx, number, attachment_id, reason):
    done = c.engine().detach(number, attachment_id, c.actor(), reason=reason)
    c.out(done, c.t(f"{number}：已删除附件 {attachment_id}「{done['name']}」",
                    f"{number}: deleted attachment {attachment_id} {done['name']!r}"))


def _size(n: int) -> str:
    from disputeflow.web.files_out import human_size

    return human_size(n)


COMMANDS = (case_attach, case_attachments, case_attachment, case_detach)
