"""Human-readable text for the CLI: a case, its timeline, the supervisor's board."""

from __future__ import annotations

from disputeflow.cli.texttable import pairs, render

LEVELS = {
    None: ("正常", "on time"),
    "warning": ("预警", "warning"),
    "level1": ("黄牌", "level 1 (yellow)"),
    "level2": ("橙牌", "level 2 (orange)"),
    "level3": ("红牌", "level 3 (red)"),
}


def level_label(level: str | None, lang: str) -> str:
    zh, en = LEVELS.get(level, (level or "", level or ""))
    return en if lang.startswith("en") else zh


def _local(iso_text: str | None) -> str | None:
    if not iso_text:
        return None
    from disputeflow.workflow.timeutil import format_local, parse_time

    return format_local(parse_time(iso_text))


def _court_and_referral(doc: dict, d, t, lang: str) -> list[tuple[str, str]]:
    """The court that sent the case (诉调对接) and where it was referred, with the result, when the case has them."""
    data = doc.get("data") or {}
    out = [(t(zh, en), data[key]) for key, zh, en in (("court_name", "委派/委托法院", "entrusting court"),
                                                      ("court_case_number", "法院案号", "court case number"))
           if data.get(key)]
    if data.get("referred_to"):
        out.append((t("移交", "referred to"), d.vocab_label("referral", data["referred_to"], lang)
                    + (f"（{data['referred_detail']}）" if data.get("referred_detail") else "")))
    if data.get("referral_result"):
        out.append((t("移交处理结果", "result of the referral"), data["referral_result"]))
    return out


def case_text(doc: dict, engine, lang: str) -> str:
    en = lang.startswith("en")
    d = engine.definition(doc["definition"], doc["definition_version"])
    t = (lambda zh, e: e if en else zh)
    flags = "、".join(d.vocab_label("flag", f, lang) for f in doc["flags"]) or None
    sup = doc["supervision"]
    sup_text = f"{sup['level_label']}（{sup['authority']}，期限 {_local(sup['deadline'])}）" if sup else None
    items = [
        (t("编号", "number"), doc["number"]),
        (t("名称", "title"), doc["title"]),
        (t("状态", "state"), doc["state_label"]),
        (t("风险等级", "risk"), doc["risk_label"]),
        (t("案件类别", "tier"), doc["tier_label"]),
        (t("风险标记", "flags"), flags),
        (t("类型", "category"), doc["category_label"]),
        (t("来源", "source"), doc["source_label"]),
        *_court_and_referral(doc, d, t, lang),
        (t("所属村（社区）", "unit"), doc["unit_name"]),
        (t("办理层级", "handled at"), doc.get("handling_unit_name") or doc["unit_name"]),
        (t("登记人", "reported by"), doc["reporter_name"] or doc["reporter"]),
        (t("登记时间", "reported at"), _local(doc["reported_at"])),
        (t("承办调解员", "mediator"), doc["mediator_name"]),
        (t("责任站所", "responsible unit"), doc["responsible_unit_name"]),
        (t("包案领导", "lead official"), doc["lead_official_name"]),
        (t("挂牌督办", "supervision"), sup_text),
        (t("版本", "version"), doc["version"]),
    ]
    if doc.get("parent"):
        items.insert(1, (t("所属案件", "parent case"), doc["parent"]))
    if doc["description"]:
        items.insert(2, (t("简要情况", "description"), doc["description"]))
    if doc["five_ones"]["required"]:
        missing = doc["five_ones"]["missing_labels"]
        items.append((t("“五个一”", "five-ones"), t("已落实", "complete") if not missing else
                      t("缺少 ", "missing ") + ("、" if not en else ", ").join(missing)))
    out = [pairs(items)]
    roles = {k: d.vocab_label("party_role", k, lang) for k in d.vocab.get("party_role", {})}
    out.append("")
    out.append(render(t("序号 当事人 身份 电话 身份证号", "# party role phone id").split(),
                      [(p["seq"], p["name"], roles.get(p["role"], p["role"]), p.get("phone"), p.get("id_number"))
                       for p in doc["parties"]], title=t("当事人：", "parties:")))
    if doc["deadlines"]:
        out.append("")
        status = {"running": t("计时中", "running"), "stopped": t("已停止", "stopped")}
        out.append(render(t("时限 到期时间 预警时间 级别 状态 已延期", "clock due warn level status extended").split(),
                          [(k["label"], _local(k["due_at"]), _local(k["warn_at"]), level_label(k["level"], lang),
                            status.get(k["status"], k["status"]) + _late(k, t), k["extended"]) for k in doc["deadlines"]],
                          title=t("时限：", "deadlines:")))
    if doc.get("work_orders"):
        out.append("")
        out.append(render(t("交办单/移交 承办单位 状态 退回次数 当前时限到期", "work_order office state returns due").split(),
                          [(w["number"], w["to_name"] or w["to"], w["state_label"], w["returns"],
                            next((_local(k["due_at"]) for k in w["deadlines"] if k["status"] == "running"), None))
                           for w in doc["work_orders"]], title=t("交办单与移交：", "work orders and referrals:")))
    return "\n".join(out)


def _workdays(n: int, t) -> str:
    """How late an overdue deadline is; less than one business day is said so, not "0 business days"."""
    return t(f"{n} 个工作日", f"{n} business days") if n else t("不足 1 个工作日", "under 1 business day")


def _late(clock: dict, t) -> str:
    n = clock.get("overdue_business_days")
    return t(f"，逾期 {n} 个工作日", f", {n} business days overdue") if n else ""


def history_text(rows: list[dict], engine, number: str, lang: str) -> str:
    en = lang.startswith("en")
    body = []
    for r in rows:
        data = {k: v for k, v in r["data"].items() if k not in ("parties",)}
        summary = "，".join(f"{k}={v}" for k, v in data.items() if not isinstance(v, (dict, list)))
        body.append((r["seq"], _local(r["at"]), r["actor_name"], r["action_label"],
                     f"{r['from_state'] or '—'} → {r['to_state']}", summary))
    return render(("#", "时间" if not en else "at", "操作人" if not en else "actor", "动作" if not en else "action",
                   "状态" if not en else "state", "内容" if not en else "details"), body, max_col=50,
                  title=(f"案件 {number} 的时间线：" if not en else f"timeline of {number}:"))


def board_text(rows: list[dict], lang: str) -> str:
    en = lang.startswith("en")
    t = (lambda zh, e: e if en else zh)
    body = [(level_label(r["level"], lang), r["number"], r["title"], r["unit_name"], r["clock_label"],
             _local(r["due_at"]), _workdays(r["overdue_business_days"], t),
             r["risk_label"], r["lead_official_name"], t("是", "yes") if r["supervision"] else t("否", "no"))
            for r in rows]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["level"] or "none"] = counts.get(r["level"] or "none", 0) + 1
    summary = "，".join(f"{level_label(k if k != 'none' else None, lang)} {v}" for k, v in counts.items())
    title = t(f"督办看板：逾期 {len(rows)} 项" + (f"（{summary}）" if summary else ""),
              f"supervisor's board: {len(rows)} overdue" + (f" ({summary})" if summary else ""))
    return render(t("级别 编号 名称 村(社区) 时限 到期 逾期 风险 包案领导 督办", "level number title unit clock due overdue risk lead supervised").split(),
                  body, max_col=22, title=title)


def lapses_text(got: dict, lang: str) -> str:
    """The board's group of key persons' open missed-duty items, counted apart from the cases."""
    t = (lambda zh, e: e if lang.startswith("en") else zh)
    body = [(r["level_label"], r["person"], r["unit_name"], "、".join(d[5:] for d in r["days_missed"]),
             len(r["days_missed"]), r["link"]) for r in got["items"]]
    return render(t("级别 人员 村(社区) 漏报日期 天数 详情", "level person unit days-missed days page").split(), body,
                  max_col=40, title=t(f"{got['label']}：{got['total']} 人", f"{got['label']}: {got['total']}"))


def town_board_text(got: dict, lang: str) -> str:
    """The board by town, then the cases listed at county level."""
    t = (lambda zh, e: e if lang.startswith("en") else zh)
    towns = render(t("镇 逾期 在办 挂牌 县级挂牌", "town overdue open listed county-listed").split(),
                   [(r["name"], r["overdue"], r["open"], r["listed"], r["county_listed"]) for r in got["towns"]],
                   title=t(f"各镇情况（{len(got['towns'])} 个镇）：", f"per town ({len(got['towns'])}):"))
    if not got["county_listed"]:
        return towns
    listed = render(t("编号 名称 镇 督办单位 督办期限", "number title town authority deadline").split(),
                    [(c["number"], c["title"], c["town_name"], c["authority"] or "", _local(c["deadline"]) or "—")
                     for c in got["county_listed"]], max_col=22,
                    title=t(f"县级挂牌案件（{len(got['county_listed'])} 件）：",
                            f"listed by the county ({len(got['county_listed'])}):"))
    return towns + "\n\n" + listed
