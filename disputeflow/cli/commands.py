"""The ``disputeflow`` command line: a stable contract (see DESIGN.md).

Human output is Chinese tables (English with ``--lang en``); ``--json`` prints
one JSON document. Errors are one readable line on stderr, never a traceback,
with the exit codes 0 ok, 2 usage/validation, 3 not permitted, 4 conflict,
5 not found, 1 other. Heavy modules are imported inside the commands so that
``disputeflow --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from disputeflow.cli.params import CLOCK_TIME, INSTANT, LIMIT, MONTH, ROW_ID, SECONDS, TEXT, VERSION, YEAR


from disputeflow.cli.context import Ctx, parse_cli_time, pass_ctx  # noqa: F401  (the command modules' context)


# Command groups that live in their own modules, imported only when invoked so that
# ``disputeflow --help`` stays fast. name -> ("module:attribute", short help zh).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "person": ("disputeflow.cli.person:group", "重点人员稳控：登记、查看、走访、解除稳控。"),
    "inbox": ("disputeflow.cli.inbox:group", "站内消息：查看与标记已读。"),
    "import": ("disputeflow.cli.ledger:import_command", "从 Excel 或 CSV 台账导入案件"),
    "serve": ("disputeflow.cli.web:serve", "启动网页工作台和 HTTP 接口（含调度器）。"),
    "token": ("disputeflow.cli.web:token", "HTTP 接口令牌：签发、列出、吊销。"),
    "report": ("disputeflow.cli.report:group", "报表：台账、统计、零报告、研判会议程、调解文书。"),
    "audit": ("disputeflow.cli.audit:group", "审计日志：校验、重新签名、生成密钥。"),
    "policy": ("disputeflow.cli.policy:group", "时限与升级政策：查看当前生效的政策。"),
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
            with formatter.section("命令" if not (ctx.obj and getattr(ctx.obj, "en", False)) else "Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, help="disputeflow — 矛盾纠纷排查调处工作流引擎。")
@click.option("--db", envvar="DISPUTEFLOW_DB", help="数据库地址（默认：嵌入式 SQLite 文件 disputeflow.db）。")
@click.option("--as", "user", envvar="DISPUTEFLOW_USER", help="操作人的用户名。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档。")
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default=None, envvar="DISPUTEFLOW_LANG",
              help="界面语言（默认简体中文）。")
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


@cli.command(help="载入示范镇（双乳镇）及样例案件；--day 再演示一天的工作。")
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
            c.out({"demo": summary, "overdue": eng.overdue()}, "")


# --------------------------------------------------------------------------- units and users


@cli.group(help="辖区单位：镇、村（社区）、网格、站所。")
def unit():
    pass


@unit.command("add", help="新增单位。")
@click.argument("unit_id")
@click.option("--name", required=True, help="单位名称。")
@click.option("--parent", help="上级单位编号。")
@click.option("--kind", type=click.Choice(["town", "village", "community", "grid", "office"]), default="village",
              show_default=True, help="单位类型。")
@pass_ctx
def unit_add(c: Ctx, unit_id, name, parent, kind):
    u = c.engine().add_unit(unit_id, name, kind, parent)
    c.out(u, c.t(f"已新增单位 {u['id']}（{u['name']}）。", f"unit {u['id']} ({u['name']}) added."))


@unit.command("list", help="列出单位。")
@pass_ctx
def unit_list(c: Ctx):
    from disputeflow.workflow.vocabulary import UNIT_KINDS
    from disputeflow.cli.texttable import render

    rows = c.engine().units()
    kinds = {k: (v[1] if c.en else v[0]) for k, v in UNIT_KINDS.items()}
    c.out(rows, render(c.t("编号 名称 类型 上级", "id name kind parent").split(),
                       [(r["id"], r["name"], kinds.get(r["kind"], r["kind"]), r["parent"]) for r in rows]))


@cli.group(help="用户与角色。")
def user():
    pass


@user.command("add", help="新增用户。角色：grid_officer 网格员、mediator 调解员、lead_official 包案领导、supervisor 督办人员、admin 管理员。")
@click.argument("user_id")
@click.option("--name", required=True, help="姓名。")
@click.option("--role", required=True, help="角色。")
@click.option("--unit", "unit_id", help="所属单位（默认：唯一的镇）。")
@click.option("--phone", help="手机号。")
@click.option("--email", help="电子邮箱。")
@pass_ctx
def user_add(c: Ctx, user_id, name, role, unit_id, phone, email):
    eng = c.engine()
    if not unit_id:
        towns = [u for u in eng.units() if u["kind"] == "town"]
        if len(towns) != 1:
            from disputeflow.workflow.errors import ValidationError

            raise ValidationError.one("--unit", "请用 --unit 指明所属单位", "say which unit with --unit")
        unit_id = towns[0]["id"]
    u = eng.add_user(user_id, name, role, unit_id, phone, email)
    c.out(u, c.t(f"已新增用户 {u['id']}（{u['name']}，{eng.role_label(role)}）。",
                 f"user {u['id']} ({u['name']}, {role}) added."))


@user.command("list", help="列出用户。")
@click.option("--unit", "unit_id", type=TEXT, help="只看此单位。")
@click.option("--role", type=TEXT, help="只看此角色。")
@pass_ctx
def user_list(c: Ctx, unit_id, role):
    from disputeflow.workflow.masking import mask_contacts
    from disputeflow.cli.texttable import render

    eng = c.engine()
    if unit_id and unit_id not in {u["id"] for u in eng.units()}:
        from disputeflow.workflow.errors import NotFound

        raise NotFound(f"单位“{unit_id}”不存在", f"no unit {unit_id!r}")
    rows = [mask_contacts(r) for r in eng.users(unit_id, role)]
    c.out(rows, render(c.t("用户名 姓名 角色 单位 电话", "id name role unit phone").split(),
                       [(r["id"], r["name"], eng.role_label(r["role"]), r["unit_name"], r["phone"]) for r in rows]))


def _user_passwd():
    from disputeflow.cli.web import passwd  # click only: keeps --help fast

    return passwd


user.add_command(_user_passwd(), "passwd")


# --------------------------------------------------------------------------- cases


@cli.group(help="案件：登记、查看、办理。")
def case():
    pass


@case.command("open", help="登记一起矛盾纠纷。当事人写作 姓名[:角色[:电话]]，可重复。")
@click.option("--title", required=True, help="纠纷名称。")
@click.option("--category", required=True, help="纠纷类型（如 neighbour 邻里纠纷、land 土地山林、labour 劳资欠薪……）。")
@click.option("--unit", "unit_id", required=True, help="所属村（社区）或网格编号。")
@click.option("--party", "parties", multiple=True, help="当事人：姓名[:角色[:电话]]，角色 applicant/respondent/other。")
@click.option("--source", type=TEXT, help="来源：grid 网格排查、visit 来访、hotline 12345、police 110联动、petition 信访转办、other。")
@click.option("--flag", "flags", multiple=True, help="风险标记：civil_to_criminal、key_person、violence。")
@click.option("--description", help="纠纷简要情况。")
@click.option("--note", help="备注（写入审计日志）。")
@click.option("--workflow", "definition", type=TEXT, help="流程名称（默认为配置的默认流程；如 hotline 12345热线工单，须在配置中启用）。")
@pass_ctx
def case_open(c: Ctx, title, category, unit_id, parties, source, flags, description, note, definition):
    fields: dict[str, Any] = {"title": title, "category": category, "unit": unit_id, "parties": list(parties)}
    if source:
        fields["source"] = source
    if flags:
        fields["flags"] = list(flags)
    if description:
        fields["description"] = description
    if note:
        fields["note"] = note
    eng = c.engine()
    out = eng.report(c.actor(), definition=definition, **fields)
    doc = eng.case(out.number, c.actor(), lang=c.lang)
    c.out(doc, c.t(f"已登记：{out.number}（{doc['state_label']}，风险{doc['risk_label']}）",
                   f"reported: {out.number} ({doc['state_label']}, risk {doc['risk_label']})"))


@case.command("show", help="查看案件详情。")
@click.argument("number")
@pass_ctx
def case_show(c: Ctx, number):
    import disputeflow.cli.render as render_case

    eng = c.engine()
    doc = eng.case(number, c.user, lang=c.lang)
    c.out(doc, render_case.case_text(doc, eng, c.lang))


@case.command("list", help="列出案件。")
@click.option("--state", type=TEXT, help="只看此状态。")
@click.option("--unit", "unit_id", type=TEXT, help="只看此单位（含下级）。")
@click.option("--limit", type=LIMIT, default=200, show_default=True, help="最多列出条数。")
@pass_ctx
def case_list(c: Ctx, state, unit_id, limit):
    from disputeflow.cli.texttable import render

    rows = c.engine().list_cases(c.user, state=state, unit=unit_id, limit=limit)
    from disputeflow.workflow.timeutil import format_local, parse_time

    c.out(rows, render(c.t("编号 名称 村(社区) 类型 风险 状态 登记时间 督办", "number title unit category risk state reported supervision").split(),
                       [(r["number"], r["title"], r["unit_name"], r["category_label"], r["risk_label"], r["state_label"],
                         format_local(parse_time(r["reported_at"])), r["supervision"]) for r in rows], max_col=24))


@case.command("actions", help="列出当前可执行的动作及其字段。")
@click.argument("number")
@pass_ctx
def case_actions(c: Ctx, number):
    from disputeflow.cli.texttable import render

    rows = c.engine().actions(number, c.actor())
    body = render(c.t("动作 名称 结果状态 字段 可否执行", "action label moves_to fields available").split(),
                  [(r["action"], r["label"], r["moves_to_label"] or c.t("（不变）", "(same)"),
                    ", ".join(f["name"] + ("*" if f["required"] else "") for f in r["fields"]),
                    c.t("可", "yes") if r["available"] else "；".join(r["reasons"])) for r in rows], max_col=60)
    c.out(rows, body + c.t("\n（* 为必填字段；用 case do 编号 动作 --set 字段=值 执行）",
                           "\n(* marks required fields; run: case do NUMBER ACTION --set FIELD=VALUE)"))


@case.command("history", help="查看案件的审计时间线。")
@click.argument("number")
@pass_ctx
def case_history(c: Ctx, number):
    import disputeflow.cli.render as render_case

    eng = c.engine()
    rows = eng.history(number, c.user)
    c.out(rows, render_case.history_text(rows, eng, number, c.lang))


@case.command("do", help="对案件执行一个动作：case do 编号 动作 [--set 字段=值]...")
@click.argument("number")
@click.argument("action")
@click.option("--note", help="备注（写入审计日志）。")
@click.option("--set", "sets", multiple=True, help="字段=值，可重复；同一字段重复时组成列表。")
@click.option("--expect-version", type=VERSION, help="您看到的案件版本；若已被他人修改则拒绝（退出码 4）。")
@pass_ctx
def case_do(c: Ctx, number, action, note, sets, expect_version):
    from disputeflow.workflow.errors import ValidationError

    data: dict[str, Any] = {}
    for item in sets:
        if "=" not in item:
            raise ValidationError.one("--set", f"“{item}”应写作 字段=值", f"{item!r} must be FIELD=VALUE")
        k, v = item.split("=", 1)
        k = k.strip()
        if k in data:
            data[k] = (data[k] if isinstance(data[k], list) else [data[k]]) + [v]
        else:
            data[k] = v
    if note:
        data["note"] = note
    eng = c.engine()
    out = eng.act(number, action, c.actor(), expected_version=expect_version, **data)
    meta = eng.case(out.number)  # labels come from the case's own workflow, not the default one
    d = eng.definition(meta["definition"], meta["definition_version"])
    doc = {"number": out.number, "action": out.event, "from_state": out.from_state, "to_state": out.to_state,
           "version": out.version, "seq": out.seq, "data": out.data}
    frm, to = d.state_label(out.from_state, c.lang), d.state_label(out.to_state, c.lang)
    moved = c.t(f"{frm} → {to}", f"{frm} → {to}") if out.from_state != out.to_state else c.t(f"状态仍为{to}", f"still {to}")
    c.out(doc, c.t(f"{out.number}：已{d.action_label(out.event, c.lang)}（{moved}）",
                   f"{out.number}: {d.action_label(out.event, c.lang)} done ({moved})"))


# --------------------------------------------------------------------------- deadlines


@cli.command(help="督办看板：所有逾期时限，最严重的在前。")
@click.option("--as-of", type=INSTANT, help="按此时刻计算（ISO 8601，须带时区；默认现在）。")
@click.option("--unit", "unit_id", type=TEXT, help="只看此单位（含下级）。")
@pass_ctx
def overdue(c: Ctx, as_of, unit_id):
    import disputeflow.cli.render as render_case

    eng = c.engine()
    at = parse_cli_time(as_of, "--as-of") if as_of else None
    rows = eng.overdue(as_of=at, unit=unit_id, actor=c.user)
    c.out(rows, render_case.board_text(rows, c.lang))


@cli.command(help="约谈名单：一个月内红牌达到政策次数的责任单位。")
@click.option("--month", type=MONTH, help="只看此月（YYYY-MM）。")
@pass_ctx
def talks(c: Ctx, month):
    from disputeflow.cli.texttable import render

    rows = c.engine().unit_talks(month=month, actor=c.user)
    c.out(rows, render(c.t("月份 单位 红牌次数 案件", "month unit red-cards cases").split(),
                       [(r["month"], r["unit_name"], r["level3_count"], "、".join(r["cases"])) for r in rows],
                       title=c.t(f"约谈名单（{len(rows)} 个单位）：", f"units listed for a talk ({len(rows)}):")))


@cli.command(help="执行一次升级巡检：把已到期的提醒和升级各发出一次。")
@pass_ctx
def sweep(c: Ctx):
    from disputeflow.cli.texttable import render

    from disputeflow.cases import gc_tuning

    with gc_tuning.relaxed_collector():  # a process that only sweeps: its collector may be tuned
        rows = c.engine().sweep()
    labels = {"warning": c.t("预警", "warning"), "level1": c.t("黄牌", "level 1"), "level2": c.t("橙牌", "level 2"),
              "level3": c.t("红牌", "level 3"), "tier_upgrade": c.t("升级为复杂", "tier upgrade")}
    for r in rows:
        if r["step"] == "unit_talk":
            labels[f"talk:{r['unit']}"] = c.t(f"约谈 {r['unit']}（本月红牌 {r['level3_count']} 次）",
                                              f"talk with {r['unit']} ({r['level3_count']} red cards this month)")
    c.out({"raised": rows, "count": len(rows)},
          render(c.t("编号 时限 级别 应发时间 自动挂牌", "number clock step at listed").split(),
                 [(r["number"], r["clock"], labels.get(f"talk:{r['unit']}" if r["step"] == "unit_talk" else r["step"],
                                                         r["step"]), r["step_at"], r["listed"]) for r in rows],
                 title=c.t(f"本次巡检发出 {len(rows)} 条升级：", f"{len(rows)} escalations raised:")))


@cli.group(help="调度器：定时巡检升级、每日督办摘要。")
def scheduler():
    pass


@scheduler.command("run", help="在前台运行调度器（收到 SIGTERM/SIGINT 时干净退出）。启动时先补做停机期间到期的升级。")
@click.option("--every", type=SECONDS, default=60, show_default=True, help="巡检间隔（秒，1—86400）。")
@click.option("--digest-at", type=CLOCK_TIME, default="08:30", show_default=True, help="每个工作日发送督办摘要的时刻。")
@pass_ctx
def scheduler_run(c: Ctx, every, digest_at):
    import logging

    from disputeflow.cases import gc_tuning
    from disputeflow.workflow.scheduler import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    eng = c.engine()
    with gc_tuning.relaxed_collector():  # a standalone sweeper process: no web threads share its collector
        run_forever(eng, sweep_seconds=every, digest_at=digest_at,
                    ready=lambda: click.echo(c.t(f"调度器已启动：每 {every} 秒巡检一次，工作日 {digest_at} 发送督办摘要。",
                                                 f"scheduler started: sweep every {every}s, digest at {digest_at} on business days."),
                                             err=True))
    click.echo(c.t("调度器已停止。", "scheduler stopped."), err=True)


@cli.group("calendar", help="工作日历：法定节假日与调休。")
def calendar_group():
    pass


@calendar_group.command("show", help="列出某年的放假日和调休上班日。")
@click.argument("year", type=YEAR)
@pass_ctx
def calendar_show(c: Ctx, year):
    from disputeflow.cli.texttable import render

    cal = c.engine().calendar
    off, work = cal.days_off(year), cal.makeup_workdays(year)
    warnings = cal.warnings(year, c.lang)
    doc = {"year": year, "revision": cal.revision, "days_off": [[d.isoformat(), n] for d, n in off],
           "makeup_workdays": [[d.isoformat(), n] for d, n in work], "warnings": warnings}
    wk = "一二三四五六日"
    body = render(c.t("日期 星期 名称", "date weekday name").split(),
                  [(d.isoformat(), c.t("星期" + wk[d.weekday()], d.strftime("%a")), n) for d, n in off],
                  title=c.t(f"{year} 年放假日：", f"days off in {year}:"))
    body += "\n\n" + render(c.t("日期 星期 名称", "date weekday name").split(),
                             [(d.isoformat(), c.t("星期" + wk[d.weekday()], d.strftime("%a")), n) for d, n in work],
                             title=c.t(f"{year} 年调休上班日：", f"make-up workdays in {year}:"))
    if warnings:
        body += "\n\n" + c.t("注意：", "note: ") + " ".join(warnings)
    body += "\n" + c.t(f"日历数据版本：{cal.revision}", f"calendar revision: {cal.revision}")
    c.out(doc, body)


@calendar_group.command("refresh", help="日历数据变化后（升级节假日包或修改调整文件），重算受影响的在途时限并记入审计。")
@pass_ctx
def calendar_refresh(c: Ctx):
    from disputeflow.workflow.recalc import refresh

    res = refresh(c.engine()._rt)
    c.out(res, c.t(f"已检查 {res['checked']} 个在途时限，重算 {res['changed']} 个（日历版本 {res['revision']}）。",
                   f"checked {res['checked']} running clocks, recomputed {res['changed']} (calendar {res['revision']})."))


@cli.group(help="通知发件箱。")
def notify():
    pass


@notify.command("list", help="列出通知的投递记录（--failed 只看失败或已放弃的）。")
@click.option("--failed", is_flag=True, help="只看发送失败或已放弃的。")
@click.option("--limit", type=LIMIT, default=200, show_default=True, help="最多列出条数。")
@pass_ctx
def notify_list(c: Ctx, failed, limit):
    from disputeflow.notifications.dispatcher import listing
    from disputeflow.cli.texttable import render

    rows = listing(c.engine()._rt, failed, limit)
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
    if not retry(eng._rt, delivery_id, eng.clock.now()):
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
    out = c.engine()._rt.notifier.renderer.render(kind, c.lang, ev, ctx)
    c.out({"event": ev, "subject": out.subject, "text": out.text, "html": out.html},
          out.text if kind == "short" else f"{out.subject}\n\n{out.text}")


# --------------------------------------------------------------------------- workflow


@cli.group("workflow", help="流程定义。")
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
    compiled = compile_definition(d)  # the machine draws itself (transitions' diagram support)
    text = compiled.mermaid(c.lang) if fmt == "mermaid" else compiled.dot(c.lang)
    c.out({"format": fmt, "diagram": text}, text.rstrip("\n"))


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
        cli.main(args=args, prog_name="disputeflow", standalone_mode=False)
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

        if schema_missing(exc):
            click.echo(("error: " if en else "错误：") + schema_missing_message(en), err=True)
            return 2
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        click.echo(("unexpected error: " if en else "意外错误：") + one_line(f"{type(exc).__name__}: {exc}"), err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
