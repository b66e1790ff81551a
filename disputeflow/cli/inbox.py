"""``disputeflow inbox``: read one's in-app messages and mark them read."""

from __future__ import annotations

import click

from disputeflow.cli.context import Ctx
from disputeflow.cli.params import LIMIT, OFFSET, ROW_ID


@click.group("inbox", invoke_without_command=True, help="站内消息：不带子命令时列出最新消息。")
@click.option("--unread", is_flag=True, help="只看未读的。")
@click.option("--limit", type=LIMIT, default=20, show_default=True, help="最多列出条数。")
@click.pass_context
def group(ctx, unread, limit):
    if ctx.invoked_subcommand is None:
        ctx.invoke(inbox_list, unread=unread, limit=limit)


@group.command("list", help="列出我的站内消息，最新的在前。")
@click.option("--unread", is_flag=True, help="只看未读的。")
@click.option("--limit", type=LIMIT, default=20, show_default=True, help="最多列出条数。")
@click.option("--offset", type=OFFSET, default=0, help="跳过前几条。")
@click.pass_obj
def inbox_list(c: Ctx, unread, limit, offset=0):
    from disputeflow.cli.texttable import render
    from disputeflow.workflow.timeutil import format_local

    eng = c.engine()
    me = c.actor()
    rows = eng.inbox(me, unread_only=unread, limit=limit, offset=offset, lang=c.lang)
    unread_n = eng.unread_count(me)
    doc = {"unread": unread_n, "messages": rows}
    table = render(c.t("序号 时间 案件 标题 已读", "id time case title read").split(),
                   [(r["id"], format_local(r["created_at"]), r["case_number"], r["title"], r["read_at"] is not None)
                    for r in rows], max_col=60)
    c.out(doc, c.t(f"未读 {unread_n} 条。\n", f"{unread_n} unread.\n") + table)


@group.command("show", help="显示一条消息全文并标记为已读。")
@click.argument("message_id", type=ROW_ID)
@click.pass_obj
def inbox_show(c: Ctx, message_id):
    from disputeflow.workflow.errors import NotFound

    eng = c.engine()
    me = c.actor()
    found = None
    offset = 0
    while found is None:
        page = eng.inbox(me, limit=200, offset=offset, lang=c.lang)
        if not page:
            break
        found = next((r for r in page if r["id"] == message_id), None)
        offset += 200
    if found is None:
        raise NotFound(f"消息 {message_id} 不存在", f"message {message_id} not found")
    eng.mark_read(me, [message_id])
    c.out(found, f"{found['title']}\n\n{found['body']}")


@group.command("read", help="把消息标记为已读（不给 ID 则全部）。")
@click.argument("ids", type=ROW_ID, nargs=-1)
@click.pass_obj
def inbox_read(c: Ctx, ids):
    n = c.engine().mark_read(c.actor(), list(ids) if ids else None)
    c.out({"marked": n}, c.t(f"已标记 {n} 条为已读。", f"marked {n} as read."))
