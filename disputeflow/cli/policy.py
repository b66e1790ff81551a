"""``disputeflow policy show``: the deadline policy in force, as an operator checks it before a start.

Reads only the configuration and the policy file (no database), so a copy
can be checked on any machine: a broken file is refused with its line and
reason, exactly as at start.
"""

from __future__ import annotations

from typing import Any

import click

from disputeflow.cli.context import Ctx


@click.group("policy", help="时限与升级政策：查看当前生效的政策。")
def group():
    pass


@group.command("show", help="显示当前生效的政策（配置的政策文件，或内置默认政策）；--file 查看另一份政策文件。")
@click.option("--file", "path", type=click.Path(dir_okay=False), help="改为读取此政策文件（TOML）。")
@click.pass_obj
def show(c: Ctx, path):
    from disputeflow.workflow.config import Config
    from disputeflow.workflow.policy import Policy

    policy = Policy.load(path or Config.load(c.config).policy)
    doc = document(policy)
    c.out(doc, human(doc, policy, c))


def document(policy) -> dict[str, Any]:
    """The policy as plain data (the ``--json`` output)."""
    def dur(d):
        return None if d is None else {"amount": d.amount, "unit": d.unit}

    a, sources = policy.auto_listing, policy.section_sources
    return {
        "source": policy.source, "revision": policy.revision, "count_from": policy.count_from,
        "clocks": {name: {"default": dur(r.default), **{k: dur(v) for k, v in r.by_risk.items()},
                          "categories": {k: {r2: dur(d) for r2, d in v.items()} for k, v in r.by_category.items()},
                          "tiers": {k: dur(v) for k, v in r.by_tier.items()},
                          "extension_cap": dur(r.extension_cap), "count_from": r.count_from,
                          "ladder_time": "business" if policy.counts_business(name) else "elapsed",
                          "source": r.source}
                   for name, r in policy.clocks.items()},
        "ladder": [{"name": s.name, "kind": s.kind, "value": s.value, "recipients": list(s.recipients),
                    "list_for_supervision": s.list_for_supervision, "label_zh": s.label_zh, "label_en": s.label_en,
                    "source": s.source}
                   for s in policy.ladder],
        "working_hours": {"from": f"{policy.working_hours.start:%H:%M}", "to": f"{policy.working_hours.end:%H:%M}",
                          "source": policy.working_hours.source},
        "quiet_hours": _quiet_doc(policy.quiet_hours),
        "unsourced": policy.unsourced(),
        "auto_listing": {"enabled": a.enabled, "level": a.level, "by_zh": a.by_zh, "by_en": a.by_en,
                         "deadline_workdays": a.deadline_workdays, "risks": list(a.risks),
                         "categories": list(a.categories), "source": sources.get("auto_listing")},
        "extension": {"max_per_clock": policy.max_extensions_per_clock,
                      "hard_cap": dur(policy.extension_hard_cap), "source": sources.get("extension")},
        "tier_upgrade": {"after": dur(policy.tier_upgrade_after),
                         "recipients": list(policy.tier_upgrade_recipients), "source": sources.get("tier_upgrade")},
        "unit_talk": {"level3_per_month": policy.unit_talk_level3_per_month,
                      "recipients": list(policy.unit_talk_recipients), "source": sources.get("unit_talk")},
        "key_persons": {"alarm_recipients": list(policy.key_persons.alarm_recipients),
                        "duties": {n: {"label_zh": d.label_zh, "label_en": d.label_en,
                                       "satisfied_by": list(d.satisfied_by), "source": d.source,
                                       **{k: {"every": v.every, "unit": v.unit} for k, v in d.by_risk.items()}}
                                   for n, d in policy.key_persons.duties.items()}},
    }


def _quiet_doc(q) -> dict[str, Any]:
    def win(w):
        return None if w is None else {"from": f"{w.start:%H:%M}", "to": f"{w.end:%H:%M}"}

    return {"default": win(q.default), **{k: win(v) for k, v in q.by_risk.items()}, "source": q.source}


def human(doc: dict[str, Any], policy, c: Ctx) -> str:
    """The same, as tables a person reads (Chinese, or English with ``--lang en``)."""
    from disputeflow.cli.texttable import render

    lang, sep = c.lang, c.t("、", ", ")
    out = [c.t(f"政策文件：{doc['source']}（版本 {doc['revision']}）", f"policy: {doc['source']} "
                                                                  f"(revision {doc['revision']})")]
    rows = []
    for name, r in policy.clocks.items():
        by_risk = sep.join(f"{k} {v.label(lang)}" for k, v in r.by_risk.items())
        rows.append((name, r.default.label(lang) if r.default else c.t("挂牌时指定", "set when started"), by_risk,
                     sep.join(f"{k} {v.label(lang)}" for k, v in r.by_tier.items()), sep.join(r.by_category)))
    out.append(render(c.t("时限 默认 按风险 按等级 按类别", "clock default by-risk by-tier by-category").split(), rows,
                      max_col=60, title=c.t("时限：", "clocks:")))
    none = c.t("（未注明出处）", "(no source given)")
    rows = [(name, r.source or none) for name, r in policy.clocks.items()]
    rows += [(f"ladder.{s.name}", s.source or none) for s in policy.ladder]
    out.append(render(c.t("时限 出处", "limit source").split(), rows, max_col=400,
                      title=c.t("时限的出处：", "where each limit comes from:")))
    w, q = policy.working_hours, policy.quiet_hours
    quiet = sep.join([q.default.label() if q.default else c.t("无", "none")] +
                     [f"{k} {v.label() if v else c.t('无', 'none')}" for k, v in q.by_risk.items()])
    out.append(c.t(f"工作时间 {w.label()}（工作日时限的预警按工作时间计算）；免打扰 {quiet}。",
                   f"working hours {w.label()} (business-day warnings count working time); quiet hours {quiet}."))
    if doc["unsourced"]:
        out.append(c.t(f"警告：以下条目未注明出处（source）：{'、'.join(doc['unsourced'])}",
                       f"warning: no source given for: {', '.join(doc['unsourced'])}"))
    rows = [(s.label(lang), _when(s, c), sep.join(s.recipients), c.t("是", "yes") if s.list_for_supervision else "")
            for s in policy.ladder]
    out.append(render(c.t("级别 触发 告知 自动挂牌", "step fires told lists").split(), rows,
                      title=c.t("升级阶梯：", "escalation ladder:")))
    out.append(_listing_text(policy.auto_listing, c))
    out.append(c.t(f"延期：每个时限最多 {policy.max_extensions_per_clock} 次，至多 {policy.extension_hard_cap.label()}。",
                   f"extensions: at most {policy.max_extensions_per_clock} per clock, "
                   f"never beyond {policy.extension_hard_cap.label('en')}."))
    out.append(c.t(f"升级为复杂案件：登记后 {policy.tier_upgrade_after.label()} 未化解，告知 "
                   f"{'、'.join(policy.tier_upgrade_recipients)}。",
                   f"tier upgrade: unresolved {policy.tier_upgrade_after.label('en')} after report, told: "
                   f"{', '.join(policy.tier_upgrade_recipients)}."))
    out.append(c.t(f"约谈：一个自然月内红牌 {policy.unit_talk_level3_per_month} 次，告知 "
                   f"{'、'.join(policy.unit_talk_recipients)}。",
                   f"unit talk: {policy.unit_talk_level3_per_month} red cards in a calendar month, told: "
                   f"{', '.join(policy.unit_talk_recipients)}."))
    duties = [(d.label(lang), sep.join(f"{k} {v.label(lang)}" for k, v in d.by_risk.items()), sep.join(d.satisfied_by))
              for d in policy.key_persons.duties.values()]
    if duties:
        out.append(render(c.t("重点人员职责 频次 满足方式", "key-person-duty recurrence met-by").split(), duties,
                          max_col=60, title=c.t("重点人员稳控：", "key persons:")))
    return "\n\n".join(out)


def _when(step, c: Ctx) -> str:
    if step.kind == "fraction":
        return c.t(f"时限过去 {step.value:.0%}", f"{step.value:.0%} of the time")
    n = int(step.value)
    return c.t(f"到期后 {n} 个工作日", f"{n} business days after due") if n else c.t("到期时", "at due")


def _listing_text(a, c: Ctx) -> str:
    if not a.enabled:
        return c.t("自动挂牌督办：不自动挂牌（红牌只告知）。", "automatic listing: off (a red card only notifies).")
    scope_zh = "、".join(a.risks) if a.risks else "全部风险等级"
    scope_en = ", ".join(a.risks) if a.risks else "every risk"
    if a.categories:
        scope_zh += f"，类别 {'、'.join(a.categories)}"
        scope_en += f", categories {', '.join(a.categories)}"
    return c.t(f"自动挂牌督办：红牌时未挂牌的案件由“{a.by_zh}”挂牌（{a.level}），督办期限 {a.deadline_workdays} 个工作日；"
               f"适用：{scope_zh}。",
               f"automatic listing: at a red card an unlisted case is listed by \"{a.by_en}\" ({a.level}), "
               f"{a.deadline_workdays} business days to settle; applies to: {scope_en}.")
