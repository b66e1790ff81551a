"""Deadlines over all cases: the board, the formal-talk list, the sweep, the scheduler and the calendar.

Grouped because they all read the clocks against the business calendar; the
calendar's refresh recomputes running clocks, so it sits with what reads them.
"""

from __future__ import annotations

import click

from disputeflow.cli.context import Ctx, parse_cli_time, pass_ctx
from disputeflow.cli.params import CLOCK_TIME, INSTANT, MONTH, SECONDS, TEXT, YEAR


@click.command(help="督办看板：所有逾期时限，最严重的在前。")
@click.option("--as-of", type=INSTANT, help="按此时刻计算（ISO 8601，须带时区；默认现在）。")
@click.option("--unit", "unit_id", type=TEXT, help="只看此单位（含下级）。")
@click.option("--by-town", is_flag=True, help="按镇汇总：各镇逾期、在办、挂牌数，及县级挂牌案件（县级用户）。")
@click.option("--key-persons", is_flag=True,
              help="只看重点人员漏报/漏访：辖区内未关闭的漏报事项（不加此项时列在逾期案件之后）。")
@pass_ctx
def overdue(c: Ctx, as_of, unit_id, by_town, key_persons):
    import disputeflow.cli.render as render_case

    eng = c.engine()
    at = parse_cli_time(as_of, "--as-of") if as_of else None
    if by_town:
        got = eng.town_board(as_of=at, actor=c.user, lang=c.lang)
        c.out(got, render_case.town_board_text(got, c.lang))
        return
    lapses = eng.overdue_lapses(as_of=at, unit=unit_id, actor=c.user, lang=c.lang)
    if key_persons:
        c.out(lapses, render_case.lapses_text(lapses, c.lang))
        return
    rows = eng.overdue(as_of=at, unit=unit_id, actor=c.user, lang=c.lang)
    text = render_case.board_text(rows, c.lang)
    c.out(rows, text + ("\n\n" + render_case.lapses_text(lapses, c.lang) if lapses["total"] else ""))


@click.command(help="约谈名单：一个月内红牌达到政策次数的责任单位。")
@click.option("--month", type=MONTH, help="只看此月（YYYY-MM）。")
@pass_ctx
def talks(c: Ctx, month):
    from disputeflow.cli.texttable import render

    rows = c.engine().unit_talks(month=month, actor=c.user)
    c.out(rows, render(c.t("月份 单位 红牌次数 案件", "month unit red-cards cases").split(),
                       [(r["month"], r["unit_name"], r["level3_count"], "、".join(r["cases"])) for r in rows],
                       title=c.t(f"约谈名单（{len(rows)} 个单位）：", f"units listed for a talk ({len(rows)}):")))


@click.command(help="执行一次升级巡检：把已到期的提醒和升级各发出一次。")
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


@click.group(help="调度器：定时巡检升级、每日督办摘要。")
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


@click.group("calendar", help="工作日历：法定节假日与调休。")
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

    res = refresh(c.runtime())
    c.out(res, c.t(f"已检查 {res['checked']} 个在途时限，重算 {res['changed']} 个（日历版本 {res['revision']}）。",
                   f"checked {res['checked']} running clocks, recomputed {res['changed']} (calendar {res['revision']})."))
