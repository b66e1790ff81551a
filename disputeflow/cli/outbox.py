"""The notification outbox for operators: ``disputeflow notify list/dispatch/retry/preview``.

These work on deliveries rather than cases, so they reach the runtime's
dispatcher directly (:meth:`disputeflow.cli.context.Ctx.runtime`).
"""

from __future__ import annotations

import click

from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.cli.params import LIMIT, ROW_ID


@click.group(help="通知发件箱。")
def notify():
    pass


@notify.command("list", help="列出通知的投递记录（--failed 只看失败或已放弃的）。")
@click.option("--failed", is_flag=True, help="只看发送失败或已放弃的。")
@click.option("--limit", type=LIMIT, default=200, show_default=True, help="最多列出条数。")
@pass_ctx
def notify_list(c: Ctx, failed, limit):
    from disputeflow.notifications.dispatcher import listing
    from disputeflow.cli.texttable import render

    rows = listing(c.runtime(), failed, limit)
    status = {"queued": c.t("待分发", "queued"), "pending": c.t("待发送", "pending"), "sent": c.t("已发送", "sent"),
              "dead": c.t("已放弃", "dead")}
    c.out(rows, render(c.t("序号 事件 案件 渠道 接收人 状态 尝试次数 错误", "id event case channel recipient status attempts error").split(),
                       [(r["id"], r["event"], r["case_number"], r["channel"], r["recipient"],
                         status.get(r["status"], r["status"]), r["attempts"], r["last_error"]) for r in rows], max_col=50))


@notify.command("dispatch", help="分发并发送到期的通知。")
@pass_ctx
def notify_dispatch(c: Ctx):
    res = c.engine().dispatch()
    c.out(res, c.t(f"分发 {res.get('routed', 0)} 条通知；认领 {res['claimed']} 条投递，成功 {res['sent']} 条，失败 {res['failed']} 条"
                   f"（其中放弃 {res.get('dead', 0)} 条）。",
                   f"routed {res.get('routed', 0)} notifications; claimed {res['claimed']} deliveries, sent {res['sent']}, "
                   f"failed {res['failed']} (dead {res.get('dead', 0)})."))


@notify.command("retry", help="把失败或已放弃的投递重新放回待发送（ID 见 notify list）。")
@click.argument("delivery_id", type=ROW_ID)
@pass_ctx
def notify_retry(c: Ctx, delivery_id):
    from disputeflow.notifications.dispatcher import retry
    from disputeflow.workflow.errors import NotFound

    eng = c.engine()
    if not retry(c.runtime(), delivery_id, eng.clock.now()):
        raise NotFound(f"投递 {delivery_id} 不存在或已发送", f"delivery {delivery_id} not found or already sent")
    c.out({"ok": True, "id": delivery_id}, c.t(f"投递 {delivery_id} 已重新排队。", f"delivery {delivery_id} queued again."))


@notify.command("preview", help="用示例案件预览某个事件的通知模板（含运维覆盖的模板）。")
@click.argument("event")
@click.option("--kind", type=click.Choice(["short", "email"]), default="email", show_default=True,
              help="short：短文本（机器人、短信）；email：主题和正文。")
@pass_ctx
def notify_preview(c: Ctx, event, kind):
    from disputeflow.notifications import samples
    from disputeflow.workflow.errors import ValidationError

    if event not in samples.EVENTS:
        raise ValidationError.one("EVENT", f"没有事件“{event}”的示例，可选：{'、'.join(samples.EVENTS)}",
                                  f"no sample for event {event!r}; known: {', '.join(samples.EVENTS)}")
    ev, ctx = samples.context(event, c.lang)
    out = c.runtime().notifier.renderer.render(kind, c.lang, ev, ctx)
    c.out({"event": ev, "subject": out.subject, "text": out.text, "html": out.html},
          out.text if kind == "short" else f"{out.subject}\n\n{out.text}")
