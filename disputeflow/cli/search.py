"""Finding cases and repeated disputes: ``disputeflow case search`` and ``disputeflow board repeats``."""

from __future__ import annotations

import click

from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.cli.params import LIMIT, TEXT


@click.command("search", help="查找案件：按编号、名称、当事人姓名、电话或身份证号（精确匹配）、村（社区）、类型、状态、登记日期。"
                              "电话、身份证号按阅读者权限显示（网格员等看到的是遮蔽后的号码）。")
@click.argument("q", required=False)
@click.option("--number", type=TEXT, help="案件编号（可只写一部分）。")
@click.option("--title", type=TEXT, help="纠纷名称中的字词。")
@click.option("--party", type=TEXT, help="当事人姓名（可只写一部分）。")
@click.option("--phone", type=TEXT, help="当事人电话（138-1234-8000、138 1234 8000 均可，精确匹配）。")
@click.option("--id-number", "id_number", type=TEXT, help="当事人身份证号码（精确匹配）。")
@click.option("--unit", type=TEXT, help="村（社区）、网格或镇的编号（含下级）。")
@click.option("--category", type=TEXT, help="纠纷类型（如 neighbour）。")
@click.option("--state", type=TEXT, help="状态（如 reported、mediating）。")
@click.option("--from", "reported_from", type=TEXT, help="登记日期自（含），如 2026-03-01。")
@click.option("--to", "reported_to", type=TEXT, help="登记日期至（含），如 2026-03-31。")
@click.option("--mine", is_flag=True, help="只看我上报的案件。")
@click.option("--limit", type=LIMIT, default=50, show_default=True, help="最多列出条数。")
@pass_ctx
def search(c: Ctx, q, limit, **filters):
    from disputeflow.cli.texttable import render
    from disputeflow.workflow.timeutil import format_local, parse_time

    values = {k: v for k, v in {**filters, "q": q}.items() if v}
    found = c.engine().search_cases(c.user, limit=limit, lang=c.lang, **values)
    rows = found["items"]
    table = render(c.t("编号 名称 村(社区) 类型 状态 当事人 登记时间", "number title unit category state parties reported").split(),
                   [(r["number"], r["title"], r["unit_name"], r["category_label"], r["state_label"],
                     "、".join(p["name"] + (f"({p['phone']})" if p.get("phone") else "") for p in r["parties"]),
                     format_local(parse_time(r["reported_at"]))) for r in rows], max_col=30)
    c.out(found, table if rows else c.t("没有找到符合条件的案件。", "no case matches."))


@click.group(help="看板：反复纠纷的当事人。")
def board():
    pass


@board.command("repeats", help="列出反复纠纷的当事人（政策 [repeat_disputes]：12 个月内 2 起以上），及其案件。")
@click.option("--unit", type=TEXT, help="只看此单位（含下级）。")
@click.option("--limit", type=LIMIT, default=100, show_default=True, help="最多列出人数。")
@pass_ctx
def repeats(c: Ctx, unit, limit):
    from disputeflow.cli.texttable import render

    found = c.engine().repeat_parties(c.user, unit=unit, limit=limit, lang=c.lang)
    kinds = {"phone": c.t("电话", "phone"), "id_number": c.t("身份证", "ID number")}
    rows = [(i["name"], f"{kinds[i['key']]} {i['value']}", i["cases"], i["open"],
             "、".join(x["number"] for x in i["case_list"])) for i in found["items"]]
    table = render(c.t("当事人 号码 件数 未办结 案件", "party number cases open case_numbers").split(), rows, max_col=60)
    c.out(found, table if rows else c.t("没有反复纠纷的当事人。", "no party has repeated disputes."))
