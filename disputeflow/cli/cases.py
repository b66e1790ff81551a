"""One case at a time: ``disputeflow case open/show/list/actions/history/do``.

The daily work of grid officers and mediators; every write goes through the engine's
``report``/``act`` and prints the case as the actor may see it.
"""

from __future__ import annotations

from typing import Any

import click

from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.cli.params import LIMIT, TEXT, VERSION


@click.group(help="案件：登记、查看、办理。")
def case():
    pass


@case.command("open", help="登记一起矛盾纠纷。当事人写作 姓名[:角色[:电话]]，可重复。")
@click.option("--title", required=True, help="纠纷名称。")
@click.option("--category", required=True, help="纠纷类型（如 neighbour 邻里纠纷、land 土地山林、labour 劳资欠薪……）。")
@click.option("--unit", "unit_id", required=True, help="所属村（社区）或网格编号。")
@click.option("--party", "parties", multiple=True,
              help="当事人：姓名[:角色[:电话]]，角色 applicant/respondent/other；或 JSON 对象，可含 gender、ethnicity、"
                   "birth_date、occupation、address、kind、legal_representative 等文书所需信息。")
@click.option("--source", type=TEXT, help="来源：grid 网格排查、visit 来访、hotline 12345、police 110联动、petition 信访转办、"
                                        "court 法院委派/委托调解（另用 --set court_name=法院 --set court_case_number=案号）、other。")
@click.option("--flag", "flags", multiple=True, help="风险标记：civil_to_criminal、key_person、violence。")
@click.option("--description", help="纠纷简要情况。")
@click.option("--note", help="备注（写入审计日志）。")
@click.option("--workflow", "definition", type=TEXT, help="流程名称（默认为配置的默认流程；如 hotline 12345热线工单，须在配置中启用）。")
@click.option("--set", "sets", multiple=True,
              help="流程的其他登记字段 字段=值，可重复（如 initiation=application 当事人申请、request=申请调解事项）。")
@pass_ctx
def case_open(c: Ctx, title, category, unit_id, parties, source, flags, description, note, definition, sets):
    fields: dict[str, Any] = {**_pairs(sets), "title": title, "category": category, "unit": unit_id,
                              "parties": list(parties)}
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
    similar, earlier = out.data.get("similar", []), out.data.get("repeat_of", [])
    doc = {**doc, "similar": similar, "repeat_of": earlier}
    text = c.t(f"已登记：{out.number}（{doc['state_label']}，风险{doc['risk_label']}）",
               f"reported: {out.number} ({doc['state_label']}, risk {doc['risk_label']})")
    if similar:
        text += c.t("\n提示：同一当事人已有案件（可能重复登记）：", "\nnote: the same party has cases (a duplicate report?): ")
        text += "、".join(s["number"] for s in similar)
    if earlier:
        text += c.t("\n反复纠纷：风险下限已提高，以往案件：", "\nrepeated dispute: risk floor raised; earlier cases: ")
        text += "、".join(earlier)
    c.out(doc, text)


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

    rows = c.engine().list_cases(c.user, state=state, unit=unit_id, limit=limit, lang=c.lang)
    from disputeflow.workflow.timeutil import format_local, parse_time

    c.out(rows, render(c.t("编号 名称 村(社区) 类型 风险 状态 登记时间 督办", "number title unit category risk state reported supervision").split(),
                       [(r["number"], r["title"], r["unit_name"], r["category_label"], r["risk_label"], r["state_label"],
                         format_local(parse_time(r["reported_at"])), r["supervision"]) for r in rows], max_col=24))


@case.command("actions", help="列出当前可执行的动作及其字段。")
@click.argument("number")
@pass_ctx
def case_actions(c: Ctx, number):
    from disputeflow.cli.texttable import render

    rows = c.engine().actions(number, c.actor(), lang=c.lang)
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
    rows = eng.history(number, c.user, lang=c.lang)
    c.out(rows, render_case.history_text(rows, eng, number, c.lang))


def _pairs(sets) -> dict[str, Any]:
    """``--set 字段=值`` items as fields; a field given more than once becomes a list."""
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
    return data


@case.command("do", help="对案件执行一个动作：case do 编号 动作 [--set 字段=值]...")
@click.argument("number")
@click.argument("action")
@click.option("--note", help="备注（写入审计日志）。")
@click.option("--set", "sets", multiple=True, help="字段=值，可重复；同一字段重复时组成列表。")
@click.option("--expect-version", type=VERSION, help="您看到的案件版本；若已被他人修改则拒绝（退出码 4）。")
@pass_ctx
def case_do(c: Ctx, number, action, note, sets, expect_version):
    data = _pairs(sets)
    if note:
        data["note"] = note
    eng = c.engine()
    out = eng.act(number, action, c.actor(), expected_version=expect_version, **data)
    meta = eng.case(out.number, lang=c.lang)  # labels come from the case's own workflow, not the default one
    d = eng.definition(meta["definition"], meta["definition_version"])
    doc = {"number": out.number, "action": out.event, "from_state": out.from_state, "to_state": out.to_state,
           "version": out.version, "seq": out.seq, "data": out.data}
    frm, to = d.state_label(out.from_state, c.lang), d.state_label(out.to_state, c.lang)
    moved = c.t(f"{frm} → {to}", f"{frm} → {to}") if out.from_state != out.to_state else c.t(f"状态仍为{to}", f"still {to}")
    made = out.data.get("spawned")
    kind = None
    if made:
        child = eng.definition(d.action(out.event).spawns)
        doc["work_order"] = made  # every child case (a referral's too), as the API names it
        if child.name == "referral":
            doc["referral"] = made
        kind = child.label
    c.out(doc, c.t(f"{out.number}：已{d.action_label(out.event, c.lang)}（{moved}）"
                   + (f"，{kind.zh} {made}" if made else ""),
                   f"{out.number}: {d.action_label(out.event, c.lang)} done ({moved})"
                   + (f", {kind.en} {made}" if made else "")))


from disputeflow.cli.search import search as _search  # noqa: E402  (a module of its own; light to import)

case.add_command(_search)
