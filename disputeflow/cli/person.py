"""``disputeflow person``: the key-person register (重点人员稳控) on the command line.

Loaded on first use (``LAZY_COMMANDS``). Every read goes through the facade,
so it is masked for readers not in charge of the person and written to the
person's audit log, exactly as on the web.
"""

from __future__ import annotations

import click

from disputeflow.cli.context import Ctx, parse_cli_time
from disputeflow.cli.params import DAY, INSTANT, LIMIT, ROW_ID, TEXT, Count
from disputeflow.workflow.person_types import TYPES as PERSON_TYPES


def _when(text: str | None) -> str:
    from disputeflow.workflow.timeutil import format_local, parse_time

    return format_local(parse_time(text)) if text else ""


@click.group(help="重点人员稳控：登记、查看、走访记录、解除稳控。")
def group():
    pass


@group.command("add", help="登记重点人员（或重点群体）；可关联一起或多起案件，也可不关联案件（须写 --unit）。")
@click.option("--name", required=True, help="姓名（群体写群体名称）。")
@click.option("--case", "cases", multiple=True, help="关联案件编号，可重复；不写即不关联案件。")
@click.option("--type", "person_type", type=click.Choice(list(PERSON_TYPES)), default="dispute_party",
              show_default=True, help="人员类别：" + "、".join(f"{k}（{v[0]}）" for k, v in PERSON_TYPES.items()) + "。")
@click.option("--stabilise-unit", help="稳控责任单位。")
@click.option("--resolve-unit", help="化解责任单位。")
@click.option("--keeper-county", help="县级包保责任人用户名。")
@click.option("--keeper-town", help="乡镇级包保责任人用户名。")
@click.option("--keeper-village", help="村级包保责任人用户名。")
@click.option("--risk", required=True, type=click.Choice(["low", "medium", "high", "critical"]), help="风险等级。")
@click.option("--grid-officer", required=True, help="责任网格员用户名。")
@click.option("--lead", "lead_official", required=True, help="包案领导用户名。")
@click.option("--unit", "unit_id", help="所在村（社区）或网格（默认：第一起案件的单位；不关联案件时必填）。")
@click.option("--kind", type=click.Choice(["person", "group"]), default="person", show_default=True)
@click.option("--group-size", type=Count(1, 1_000_000), help="群体人数。")
@click.option("--id-number", help="身份证号。")
@click.option("--phone", help="联系电话。")
@click.option("--address", help="住址。")
@click.option("--threat", help="现实危害或扬言情况。")
@click.option("--mental-state", help="精神、情绪状况。")
@click.option("--prior-incidents", help="既往事件。")
@click.option("--note", help="其他情况。")
@click.pass_obj
def add(c: Ctx, name, cases, person_type, stabilise_unit, resolve_unit, keeper_county, keeper_town, keeper_village,
        risk, grid_officer, lead_official, unit_id, kind, group_size, id_number, phone, address,
        threat, mental_state, prior_incidents, note):
    reasons = {k: v for k, v in (("threat", threat), ("mental_state", mental_state),
                                 ("prior_incidents", prior_incidents), ("note", note)) if v}
    keepers = {k: v for k, v in (("county", keeper_county), ("town", keeper_town), ("village", keeper_village)) if v}
    eng = c.engine()
    out = eng.add_person(c.actor(), name=name, cases=list(cases), risk=risk, grid_officer=grid_officer,
                         lead_official=lead_official, unit=unit_id, kind=kind, group_size=group_size,
                         id_number=id_number, phone=phone, address=address, reasons=reasons,
                         person_type=person_type, stabilise_unit=stabilise_unit, resolve_unit=resolve_unit,
                         keepers=keepers)
    linked_zh = f"关联案件：{'、'.join(out['cases'])}" if out["cases"] else "未关联案件"
    linked_en = f"linked to {', '.join(out['cases'])}" if out["cases"] else "no case linked"
    c.out(out, c.t(f"已登记重点人员 {out['id']}（{PERSON_TYPES[out['person_type']][0]}），{linked_zh}。",
                   f"key person {out['id']} ({PERSON_TYPES[out['person_type']][1]}) registered, {linked_en}."))


@group.command("show", help="查看一名重点人员（非责任人员只见脱敏姓名；每次查看均记入审计日志）。")
@click.argument("person_id", type=ROW_ID)
@click.pass_obj
def show(c: Ctx, person_id):
    doc = c.engine().person(person_id, c.actor(), lang=c.lang)
    lines = [
        f"{c.t('重点人员', 'key person')} {doc['id']}：{doc['name']}（{doc['kind_label']}）",
        f"{c.t('风险', 'risk')}：{doc['risk_label']}    {c.t('状态', 'status')}：{doc['status_label']}",
        f"{c.t('单位', 'unit')}：{doc['unit_name']}    {c.t('关联案件', 'cases')}：{'、'.join(doc['cases']) or '—'}",
        f"{c.t('类别', 'type')}：{doc['person_type_label']}    {c.t('稳控责任单位', 'stabilising unit')}："
        f"{doc['stabilise_unit'] or '—'}    {c.t('化解责任单位', 'resolving unit')}：{doc['resolve_unit'] or '—'}",
        f"{c.t('包保', 'keepers')}：" + "  ".join(f"{c.t(zh, en)} {doc['keepers'][lv] or '—'}" for lv, zh, en in
                                              (("county", "县级", "county"), ("town", "乡镇", "town"),
                                               ("village", "村级", "village"))),
        f"{c.t('责任网格员', 'grid officer')}：{doc['grid_officer']}    {c.t('包案领导', 'lead official')}：{doc['lead_official']}",
    ]
    if not doc["masked"]:
        r = doc["reasons"]
        lines.append(f"{c.t('电话', 'phone')}：{doc['phone'] or '—'}    {c.t('住址', 'address')}：{doc['address'] or '—'}")
        for key, zh, en in (("threat", "现实危害", "threat"), ("mental_state", "精神状况", "mental state"),
                            ("prior_incidents", "既往事件", "prior incidents"), ("note", "其他", "note")):
            if r.get(key):
                lines.append(f"{c.t(zh, en)}：{r[key]}")
        lines.append(c.t("稳控职责：", "duties: ") + "；".join(f"{p['label']}（{p['recurrence']}）" for p in doc["plan"]))
        for d in doc["duties"][:10]:
            mark = {"met": c.t("已完成", "met"), "due": c.t("待完成", "due"), "missed": c.t("未完成", "missed")}[d["status"]]
            lines.append(f"  {d['label']}  {c.t('期限', 'due')} {_when(d['due_at'])}  {mark}")
        for m in doc["missed_items"]:
            if m["closed_at"] is None:
                lines.append(c.t(f"未完成事项：漏做 {'、'.join(m['days_missed'])}（已升级至 {m['level'] or '—'}）",
                                 f"open item: missed {', '.join(m['days_missed'])} (raised to {m['level'] or '-'})"))
        for k in doc["contacts"][:10]:
            alarm = c.t("  ⚠ 异常", "  ! alarming") if k["alarming"] else ""
            method = {"visit": c.t("见面", "visit"), "phone": c.t("电话", "phone"),
                      "report": c.t("报告", "report")}.get(k["method"], k["method"])
            lines.append(f"  {_when(k['at'])}  {method}  {k['state']}{alarm}")
    else:
        lines.append(c.t("（您不是该人员的责任人员，详细信息已隐藏）", "(you are not in charge of this person; details hidden)"))
    c.out(doc, "\n".join(lines))


@group.command("list", help="重点人员名册。")
@click.option("--status", type=click.Choice(["controlled", "released"]), help="只看此状态。")
@click.option("--unit", "unit_id", type=TEXT, help="只看此单位（含下级）。")
@click.option("--limit", type=LIMIT, default=200, show_default=True, help="最多列出条数。")
@click.pass_obj
def list_(c: Ctx, status, unit_id, limit):
    from disputeflow.cli.texttable import render

    rows = c.engine().persons(c.actor(), status=status, unit=unit_id, limit=limit, lang=c.lang)
    c.out(rows, render(c.t("编号 姓名 风险 状态 单位 网格员 包案领导 关联案件",
                           "id name risk status unit officer lead cases").split(),
                       [(r["id"], r["name"], r["risk_label"], r["status_label"], r["unit_name"], r["grid_officer"],
                         r["lead_official"], "、".join(r["cases"])) for r in rows], max_col=30))


@group.command("contact", help="记录一次走访、电话或报告（零报告）；--alarming 表示发现异常，立即告知包案领导。")
@click.argument("person_id", type=ROW_ID)
@click.option("--method", required=True, type=click.Choice(["visit", "phone", "report"]),
              help="visit 见面、phone 电话、report 报告（零报告）。")
@click.option("--at", "at_text", type=INSTANT, help="时间（ISO 8601，须带时区；默认现在）。")
@click.option("--state", default="", help="人员现状。")
@click.option("--alarming", is_flag=True, help="发现异常情况。")
@click.option("--note", default="", help="备注。")
@click.pass_obj
def contact(c: Ctx, person_id, method, at_text, state, alarming, note):
    at = parse_cli_time(at_text, "--at") if at_text else None
    out = c.engine().record_contact(person_id, c.actor(), method=method, at=at, state=state, alarming=alarming,
                                    note=note)
    duties = c.engine().policy.key_persons.duties
    met = [duties[d].label(c.lang) if d in duties else d for d in out["met"]]
    msg = c.t(f"已记录。完成职责：{'、'.join(met) or '无'}。", f"recorded; duties met: {', '.join(met) or 'none'}.")
    if out["risk_raised"]:
        msg += c.t(f" 风险已升为{out['risk']}。", f" risk raised to {out['risk']}.")
    if alarming:
        msg += c.t(" 已立即告知包案领导。", " the lead official has been told at once.")
    c.out(out, msg)


@group.command("link", help="为重点人员关联另一起案件（提高该案风险下限）。")
@click.argument("person_id", type=ROW_ID)
@click.argument("number")
@click.pass_obj
def link(c: Ctx, person_id, number):
    out = c.engine().link_person(person_id, number, c.actor())
    c.out(out, c.t(f"已关联案件 {number}。", f"case {number} linked.") if out["linked"]
          else c.t(f"案件 {number} 早已关联。", f"case {number} was already linked."))


@group.command("release", help="解除稳控：须本辖区督办人员决定、说明理由，且关联案件均已化解。")
@click.argument("person_id", type=ROW_ID)
@click.option("--reason", required=True, help="解除理由。")
@click.pass_obj
def release(c: Ctx, person_id, reason):
    out = c.engine().release_person(person_id, c.actor(), reason=reason)
    c.out(out, c.t(f"重点人员 {person_id} 已解除稳控。", f"key person {person_id} released from control."))


@group.command("due", help="今日（或 --day 指定日）应完成的走访与报告。")
@click.option("--day", "day_text", type=DAY, help="日期 YYYY-MM-DD（默认今天）。")
@click.pass_obj
def due(c: Ctx, day_text):
    from datetime import date

    from disputeflow.cli.texttable import render

    day = date.fromisoformat(day_text) if day_text else None  # checked by DAY
    rows = c.engine().contacts_due(c.actor(), day, lang=c.lang)
    marks = {"met": c.t("已完成", "met"), "due": c.t("待完成", "due"), "missed": c.t("未完成", "missed")}
    c.out(rows, render(c.t("编号 姓名 风险 职责 期限 状态", "id name risk duty due status").split(),
                       [(r["person_id"], r["name"], r["risk_label"], r["duty_label"], _when(r["due_at"]),
                         marks[r["status"]]) for r in rows]))


@group.command("rate", help="稳控率：期间内在控且职责均按期完成的人数 ÷ 期间内在控人数（限 --as 用户管辖范围内的单位）。")
@click.option("--unit", "unit_id", type=TEXT, required=True, help="单位（含下级）。")
@click.option("--start", "start_text", type=INSTANT, required=True, help="起（含），ISO 8601 或 YYYY-MM-DD。")
@click.option("--end", "end_text", type=INSTANT, required=True, help="止（不含），ISO 8601 或 YYYY-MM-DD。")
@click.pass_obj
def rate(c: Ctx, unit_id, start_text, end_text):
    start, end = parse_cli_time(start_text, "--start"), parse_cli_time(end_text, "--end")
    if end <= start:
        from disputeflow.workflow.errors import ValidationError

        raise ValidationError.one("--end", "应晚于 --start", "must be after --start")
    out = c.engine().control_rate(unit_id, start, end, actor=c.actor())
    pct = "—" if out["rate"] is None else f"{out['rate']:.1%}"
    c.out(out, c.t(f"稳控率 {pct}（{out['all_duties_met']}/{out['under_control']}；未按期完成 {out['occurrences_missed']} 次）",
                   f"control rate {pct} ({out['all_duties_met']}/{out['under_control']}; "
                   f"{out['occurrences_missed']} missed occurrences)"))


@group.command("verify", help="校验重点人员审计日志（含每次查阅记录）：签名、序号、记录与日志是否一致；"
                              "发现篡改退出码 1，无法完整校验退出码 6。")
@click.pass_obj
def verify(c: Ctx):
    from disputeflow.cli.audit import problem_docs, summary

    out = c.engine().verify_person_audit()
    human, code = summary(c, out, f"{out['persons']} 名人员", f"{out['persons']} persons")
    c.out({**out, "ok": code == 0, "problems": problem_docs(out["problems"], c.lang)}, human)
    if code:
        raise SystemExit(code)
