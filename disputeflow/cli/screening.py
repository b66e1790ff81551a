"""``disputeflow screening`` (排查) and ``disputeflow report filing`` (报送情况) on the command line.

Loaded on first use (``LAZY_COMMANDS``); every command goes through the facade
with the acting user's jurisdiction, and ``--json`` prints the facade's document.
"""

from __future__ import annotations

import click

from disputeflow.cli.context import pass_ctx
from disputeflow.cli.params import DAY, TEXT


def _day(value):
    from datetime import date

    return value if isinstance(value, date) or value is None else date.fromisoformat(str(value))


@click.group(help="矛盾纠纷排查：登记排查、查看排查记录、本期应排查应报送情况、报送排查报告（零报告）、设定敏感期。")
def group():
    pass


@group.command("record", help="登记一次排查：日期、单位、参加人员、排查范围，发现的纠纷（已有案件或新登记），或“未发现”。")
@click.option("--unit", "unit_id", type=TEXT, help="排查单位（村、社区、乡镇、县；默认：本人所在单位）。")
@click.option("--date", "held_on", type=DAY, help="排查日期（YYYY-MM-DD，默认今天）。")
@click.option("--participant", "participants", multiple=True, required=True, help="参加排查人员，可重复。")
@click.option("--coverage", default="", help="排查范围（片区、组、户）。")
@click.option("--households", type=click.IntRange(0, 1_000_000), help="走访户数。")
@click.option("--case", "cases", multiple=True, help="本次排查发现的已登记案件编号，可重复。")
@click.option("--new", "new_titles", multiple=True,
              help="本次排查发现的新纠纷，格式 标题:类别:当事人[:电话]，登记为新案件，可重复。")
@click.option("--none-found", is_flag=True, help="本次排查未发现矛盾纠纷。")
@click.option("--note", default="", help="备注。")
@pass_ctx
def record(c, unit_id, held_on, participants, coverage, households, cases, new_titles, none_found, note):
    new_cases = []
    for spec in new_titles:
        parts = spec.split(":")
        if len(parts) < 3:
            raise click.BadParameter(c.t("应为 标题:类别:当事人[:电话]", "expected TITLE:CATEGORY:PARTY[:PHONE]"),
                                     param_hint="--new")
        party = {"name": parts[2], "role": "applicant", **({"phone": parts[3]} if len(parts) > 3 else {})}
        new_cases.append({"title": parts[0], "category": parts[1], "parties": [party]})
    out = c.engine().record_round(c.actor(), unit=unit_id, held_on=_day(held_on), participants=list(participants),
                                  coverage=coverage, households=households, cases=list(cases), new_cases=new_cases,
                                  none_found=none_found, note=note)
    found = "、".join(out["cases"]) or c.t("未发现矛盾纠纷", "none found")
    c.out(out, c.t(f"已登记{out['unit_name']} {out['held_on']} 的排查（{out['id']}）：{found}。",
                   f"round {out['id']} of {out['unit']} on {out['held_on']} recorded: {found}."))


@group.command("list", help="排查记录（默认最近一个月，本人管辖范围）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位。")
@click.option("--from", "since", type=DAY, help="起始日期（含）。")
@click.option("--to", "until", type=DAY, help="截止日期（含）。")
@pass_ctx
def list_rounds(c, unit_id, since, until):
    rows = c.engine().screening_rounds(c.actor(), unit_id, _day(since), _day(until))
    lines = [f"{r['held_on']}  {r['unit_name']}  {'、'.join(r['participants'])}  "
             f"{'、'.join(k['number'] for k in r['cases']) or c.t('未发现', 'none found')}" for r in rows]
    c.out(rows, "\n".join(lines) or c.t("没有排查记录。", "no rounds on record."))


@group.command("due", help="本期应排查、应报送而尚未完成的单位（含敏感期每日报告）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位。")
@pass_ctx
def due(c, unit_id):
    rows = c.engine().screening_due(c.actor(), unit_id, lang=c.lang)
    lines = []
    for d in rows:
        todo = [c.t("排查", "round") for _ in [0] if not d["round_held"]] + \
               [c.t("报告", "report") for _ in [0] if not d["report_filed"]]
        late = c.t("  已逾期", "  overdue") if d["overdue"] else ""
        lines.append(f"{d['name']}  {d['cadence_label']} {d['period_start']}～{d['period_end']}  "
                     f"{c.t('待', 'owes ')}{'、'.join(todo)}{late}")
    c.out(rows, "\n".join(lines) or c.t("各单位本期排查、报告均已完成。", "nothing owed."))


@group.command("file", help="报送本期排查报告：发现 N 件；没有发现的为零报告。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人所在单位）。")
@click.option("--period", type=DAY, help="周期内任一日期（默认今天；敏感期内为当日的日报告）。")
@click.option("--cadence", type=click.Choice(["day", "half_month", "month", "quarter"]),
              help="报告周期（敏感期内补报常规周期时指明）。")
@click.option("--note", default="", help="备注。")
@pass_ctx
def file_report(c, unit_id, period, cadence, note):
    out = c.engine().file_screening_report(c.actor(), unit=unit_id, period=_day(period), cadence=cadence, note=note)
    what = c.t("零报告", "nil report") if out["nil"] else c.t(f"发现 {out['found']} 件", f"{out['found']} found")
    late = "" if out["on_time"] else c.t("（逾期报送）", " (late)")
    c.out(out, c.t(f"已报送{out['unit_name']} {out['period_start']}～{out['period_end']} 排查报告：{what}{late}。",
                   f"report of {out['unit']} for {out['period_start']} to {out['period_end']} filed: {what}{late}."))


@group.command("sensitive", help="设定敏感期（如春节、国庆）：所列单位及其下级单位每日排查、每日报告。")
@click.option("--name", required=True, help="名称（如 春节）。")
@click.option("--from", "starts_on", type=DAY, required=True, help="开始日期。")
@click.option("--to", "ends_on", type=DAY, required=True, help="结束日期（含）。")
@click.option("--unit", "units", multiple=True, required=True, help="适用单位，可重复。")
@pass_ctx
def sensitive(c, name, starts_on, ends_on, units):
    out = c.engine().set_sensitive_period(c.actor(), name=name, starts_on=_day(starts_on), ends_on=_day(ends_on),
                                          units=list(units))
    c.out(out, c.t(f"已设定敏感期“{out['name']}”（{out['starts_on']}～{out['ends_on']}）：{'、'.join(out['units'])}。",
                   f"sensitive period {out['name']} set ({out['starts_on']} to {out['ends_on']})."))


@click.command("filing", help="排查与报告的按时情况：各单位应排查、已排查、按时排查；应报送、已报送、按时报送。")
@click.option("--from", "since", type=DAY, required=True, help="起始日期（含；周期结束日在此范围内的计入）。")
@click.option("--to", "until", type=DAY, required=True, help="截止日期（含）。")
@click.option("--unit", "unit_id", type=TEXT, help="单位（默认：本人管辖范围）。")
@pass_ctx
def filing(c, since, until, unit_id):
    doc = c.engine().screening_filing(_day(since), _day(until), unit_id, c.actor())

    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"

    lines = [f"{u['name']}  {c.t('排查', 'rounds')} {u['rounds_held']}/{u['rounds_due']}（{c.t('按时', 'on time')} "
             f"{u['rounds_on_time']}）  {c.t('报告', 'reports')} {u['reports_filed']}/{u['reports_due']}（"
             f"{c.t('按时', 'on time')} {u['reports_on_time']}）  {c.t('按时报送率', 'on-time rate')} {pct(u['on_time_rate'])}"
             for u in doc["units"]]
    lines.append(f"{c.t('合计按时报送率', 'overall on-time rate')} {pct(doc['total']['on_time_rate'])}")
    c.out(doc, "\n".join(lines))
