"""A scripted day in 双乳镇, printed as it happens: a group wage dispute from report to agreement,
with a work order to the labour office signed for and reported back on the way."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Callable

from disputeflow.demo.common import LOCAL, officer
from disputeflow.workflow.timesource import FixedClock


END = (17, 45)  # the scripted day's last step (local time)


def day_to_play(now):
    """08:30 of the latest day whose script has ended by ``now``: today after 17:45, else the day before,
    so that no event of the day is written later than the current time."""
    local = now.astimezone(LOCAL)
    if (local.hour, local.minute) < END:
        local -= timedelta(days=1)
    return local.replace(hour=8, minute=30, second=0, microsecond=0)


def run_day(engine, echo: Callable[[str], None], lang: str = "zh_CN") -> None:
    """A day in the town, printed as it happens, ending with the supervisor's board."""
    from disputeflow.cli.render import board_text, town_board_text
    from disputeflow.cli.texttable import render

    en = lang.startswith("en")
    t = (lambda zh, e: e if en else zh)
    real = engine.clock
    today = day_to_play(real.now())
    if today.date() != real.now().astimezone(LOCAL).date():
        echo(t(f"（现在还不到 {END[0]}:{END[1]:02d}，演示的是 {today:%Y-%m-%d} 这一天，不写入未来的时间。）",
               f"(it is not yet {END[0]}:{END[1]:02d}: the day played is {today:%Y-%m-%d}, nothing is written "
               f"in the future.)"))
    clock = FixedClock(today.astimezone(timezone.utc))
    engine.clock = clock
    try:
        def at(h: int, m: int, what: str) -> None:
            clock.set(today.replace(hour=h, minute=m).astimezone(timezone.utc))
            echo("")
            echo(f"── {today.replace(hour=h, minute=m):%H:%M}  {what}")

        at(8, 30, t("早间巡检：调度器执行升级巡检", "morning sweep by the scheduler"))
        raised = engine.sweep()
        echo(t(f"发出 {len(raised)} 条预警/升级。", f"{len(raised)} warnings/escalations raised."))

        at(9, 10, t("东岗村网格员上报一起群体性劳资纠纷", "a grid officer reports a group wage dispute in 东岗村"))
        reporter = officer("donggang", 3, 1)
        parties = [f"工友{n}:applicant:1390000{n:04d}" for n in range(1, 6)] + ["某建筑公司:respondent"]
        out = engine.report(reporter, title="村道硬化工程拖欠六名工人工资", category="labour", unit="donggang-g03",
                            parties=parties, source="grid", flags=["civil_to_criminal"],
                            description="六名工人称工程完工三个月未结清工资，情绪激动，扬言堵路。")
        number = out.number
        doc = engine.case(number, reporter, lang=lang)
        echo(t(f"已登记 {number}：风险自动定为“{doc['risk_label']}”（五方以上当事人、有民转刑风险），研判时限 4 小时。",
               f"reported {number}: risk raised to {doc['risk_label']} at intake; assessment due in 4 hours."))

        at(10, 0, t("研判会：镇综治中心指派调解员并研判", "review meeting: assign and assess"))
        engine.act(number, "assign", "zz-wang", mediator="tj-donggang", responsible_unit="sr-rss")
        engine.act(number, "assess", "tj-donggang", risk="high", responsible_unit="sr-rss")
        engine.act(number, "assign_lead", "zz-wang", official="ld-zhao")
        echo(t("研判为高风险，赵德明包案，24 小时稳控时限开始。", "assessed high; lead official assigned; 24-hour control clock started."))
        order = engine.act(number, "dispatch", "tj-donggang", to="sr-rss",
                           request="核实工程量和欠薪数额，约谈施工方，督促制定支付方案。").data["spawned"]
        echo(t(f"交办人社所：{order}，高风险 2 小时内签收。", f"work order {order} to the labour office; sign-for within 2 hours."))

        at(10, 40, t("人社所签收交办单", "the labour office signs for the work order"))
        engine.act(order, "sign", "rs-tang")

        at(11, 30, t("包案领导落实稳控和“五个一”", "lead official puts control and five-ones in place"))
        engine.act(number, "control", "ld-zhao", measures="派出所民警和网格员当日见面稳控，劝导依法维权。")
        engine.act(number, "plan", "tj-donggang", team="包案领导、司法所、派出所、劳动保障所、村调委会",
                   plan="核实工程量和欠薪数额，约谈施工方，三日内拿出支付方案。")
        engine.act(number, "consent", "tj-donggang", party="工友1", agrees="yes", remark="五名工友推举工友1为代表")
        engine.act(number, "consent", "tj-donggang", party="某建筑公司", agrees="yes")
        engine.act(number, "inform", "tj-donggang", informed_parties="工友1至工友5、某建筑公司", method="written")
        engine.act(number, "mediate", "tj-donggang")

        at(15, 30, t("人社所反馈，调解员核查通过", "the labour office reports back; the mediator approves"))
        engine.act(order, "feedback", "rs-tang", result="已核实六名工人欠薪共 18.6 万元，施工方承诺十日内分两期支付。")
        engine.act(order, "approve", "tj-donggang")

        at(16, 0, t("调处达成协议", "mediation reaches an agreement"))
        engine.act(number, "session", "tj-donggang", place="东岗村调委会", participants="工友代表、施工方、包案领导",
                   statements="工友：要求结清三个月工资。施工方：工程款未到账。", proposal="施工方十日内分两期付清")
        engine.act(number, "resolve", "tj-donggang", outcome="written_agreement",
                   agreement="施工方于十日内分两期付清全部欠薪，村委会监督履行。")
        echo(render(t("序号 时间 操作人 动作", "# at actor action").split(),
                    [(h["seq"], h["at"][11:16], h["actor_name"], h["action_label"])
                     for h in engine.history(number)], title=t(f"{number} 当日时间线：", f"{number} that day:")))

        at(17, 30, t("下班前：督办看板", "end of day: the supervisor's board"))
        engine.sweep()
        echo(board_text(engine.overdue(actor="zz-wang", lang=lang), lang))
        if any(u["id"] == "cc-zhang" for u in engine.users(role="supervisor")):
            at(17, 45, t("县综治中心：全县各镇看板", "the county centre: the board by town"))
            echo(town_board_text(engine.town_board(actor="cc-zhang", lang=lang), lang))
    finally:
        engine.clock = real
