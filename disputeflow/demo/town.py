"""The demo town: 双乳镇, its villages, grids, offices and people, and a few dozen cases.

Loading is idempotent (a town already present is left alone). The cases are
driven through the engine itself with a clock set back in time, so their
histories, deadlines and escalations are exactly what the engine would have
produced; some are overdue today on purpose.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Callable

from disputeflow.workflow.timesource import FixedClock

TOWN = ("shuangru", "双乳镇")
VILLAGES = [
    ("donggang", "东岗村", "village"),
    ("xiping", "西坪村", "village"),
    ("nantang", "南塘村", "village"),
    ("beishan", "北山村", "village"),
    ("shiqiao", "石桥村", "village"),
    ("liuwan", "柳湾村", "village"),
    ("shuangru-sq", "双乳社区", "community"),
]
OFFICES = [
    ("sr-police", "双乳派出所"),
    ("sr-justice", "双乳司法所"),
    ("sr-market", "双乳市场监管所"),
]
GRIDS_PER_UNIT = 8
OFFICERS_PER_GRID = 4  # 7 units × 8 grids × 4 = 224 grid officers
LAW_SAVVY_RESIDENTS = 71

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕春梅德明凤英桂芳"

STAFF = [
    # id, name, role, unit
    ("admin", "系统管理员", "admin", "shuangru"),
    ("zz-wang", "王建国", "supervisor", "shuangru"),
    ("zz-li", "李秀英", "supervisor", "shuangru"),
    ("ld-zhao", "赵德明", "lead_official", "shuangru"),
    ("ld-sun", "孙海燕", "lead_official", "shuangru"),
    ("ld-zhou", "周志强", "lead_official", "shuangru"),
    ("sf-chen", "陈静", "mediator", "sr-justice"),
    ("sf-yang", "杨磊", "mediator", "sr-justice"),
    ("pcs-liu", "刘洋", "mediator", "sr-police"),
    ("sj-huang", "黄芳", "mediator", "sr-market"),
]
VILLAGE_MEDIATORS = {
    "donggang": ("tj-donggang", "郭春梅"), "xiping": ("tj-xiping", "何建华"), "nantang": ("tj-nantang", "林桂芳"),
    "beishan": ("tj-beishan", "罗勇"), "shiqiao": ("tj-shiqiao", "郑玉兰"), "liuwan": ("tj-liuwan", "梁超"),
    "shuangru-sq": ("tj-shequ", "谢丽"),
}
LEGAL_ADVISERS = {
    "donggang": "宋律师", "xiping": "唐律师", "nantang": "许律师", "beishan": "韩律师", "shiqiao": "冯律师",
    "liuwan": "邓律师", "shuangru-sq": "曹律师",
}

LOCAL = timezone(timedelta(hours=8))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def officer(unit: str, grid: int, n: int) -> str:
    return f"wg-{unit}-{grid:02d}-{n}"


def load(engine) -> dict:
    """Load the town and the sample cases unless the town is there already."""
    engine.init()
    existing = {u["id"] for u in engine.units()}
    if TOWN[0] in existing:
        return _summary(engine, loaded=False)
    rng = random.Random(20261128)
    real_clock = engine.clock
    start = real_clock.now() - timedelta(days=70)
    engine.clock = FixedClock(start)
    try:
        engine.add_unit(TOWN[0], TOWN[1], "town")
        for oid, oname in OFFICES:
            engine.add_unit(oid, oname, "office", TOWN[0])
        for vid, vname, kind in VILLAGES:
            engine.add_unit(vid, vname, kind, TOWN[0])
            for g in range(1, GRIDS_PER_UNIT + 1):
                engine.add_unit(f"{vid}-g{g:02d}", f"{vname}第{g}网格", "grid", vid)
        for uid, name, role, unit in STAFF:
            engine.add_user(uid, name, role, unit, phone=_phone(rng), email=f"{uid}@shuangru.gov.example")
        for vid, (uid, name) in VILLAGE_MEDIATORS.items():
            engine.add_user(uid, name, "mediator", vid, phone=_phone(rng))
            engine.add_user(f"fg-{vid}", LEGAL_ADVISERS[vid], "mediator", vid, phone=_phone(rng))
        for vid, _, _ in VILLAGES:
            for g in range(1, GRIDS_PER_UNIT + 1):
                for n in range(1, OFFICERS_PER_GRID + 1):
                    engine.add_user(officer(vid, g, n), _name(rng), "grid_officer", f"{vid}-g{g:02d}", phone=_phone(rng))
        _cases(engine, rng, real_clock.now())
        from disputeflow.demo import persons as demo_persons

        demo_persons.load(engine, rng, real_clock.now())
    finally:
        engine.clock = real_clock
    engine.sweep()
    return _summary(engine, loaded=True)


def _summary(engine, loaded: bool) -> dict:
    units = engine.units()
    users = engine.users()
    cases = engine.list_cases(limit=100000)
    by_state: dict[str, int] = {}
    for c in cases:
        by_state[c["state_label"]] = by_state.get(c["state_label"], 0) + 1
    return {
        "loaded": loaded,
        "town": TOWN[1],
        "villages": sum(1 for u in units if u["kind"] == "village"),
        "communities": sum(1 for u in units if u["kind"] == "community"),
        "grids": sum(1 for u in units if u["kind"] == "grid"),
        "offices": [u["name"] for u in units if u["kind"] == "office"],
        "grid_officers": sum(1 for u in users if u["role"] == "grid_officer"),
        "mediators": sum(1 for u in users if u["role"] == "mediator"),
        "legal_advisers": sum(1 for u in users if u["id"].startswith("fg-")),
        "law_savvy_residents": LAW_SAVVY_RESIDENTS,
        "cases": len(cases),
        "cases_by_state": by_state,
    }


def summary_text(s: dict, lang: str = "zh_CN") -> str:
    from disputeflow.cli.texttable import render

    if lang.startswith("en"):
        head = (f"Demo town {s['town']}: {s['villages']} villages, {s['communities']} community, {s['grids']} grids, "
                f"{s['grid_officers']} grid officers, {s['mediators']} mediators (incl. {s['legal_advisers']} legal advisers), "
                f"offices: {', '.join(s['offices'])}; {s['law_savvy_residents']} law-savvy residents.")
        head += "" if s["loaded"] else " (already loaded)"
    else:
        head = (f"示范镇 {s['town']}：{s['villages']} 个村、{s['communities']} 个社区、{s['grids']} 个网格，"
                f"网格员 {s['grid_officers']} 名，调解员 {s['mediators']} 名（含村（社区）法律顾问 {s['legal_advisers']} 名），"
                f"驻镇站所：{'、'.join(s['offices'])}；法律明白人 {s['law_savvy_residents']} 名。")
        head += "" if s["loaded"] else "（已载入，未重复载入）"
    table = render(("状态", "案件数") if not lang.startswith("en") else ("state", "cases"),
                   sorted(s["cases_by_state"].items(), key=lambda kv: -kv[1]))
    return head + "\n\n" + table


# --------------------------------------------------------------------------- sample cases

# Each scenario: village, category, title, source, flags, number of parties, days ago, steps.
# A step is (action, actor, data, hours after the previous step). A value "*" stands for all
# the case's parties, "#2" for the second one; mediation is preceded by each party's consent
# and 告知 (人民调解法 arts. 17, 23–24), as the workflow requires.
S = "zz-wang"  # supervisor
L1, L2, L3 = "ld-zhao", "ld-sun", "ld-zhou"


def _m(v: str) -> str:
    return VILLAGE_MEDIATORS[v][0]


def _scenarios(now: datetime) -> list[tuple]:
    deadline_ok = (now + timedelta(days=10)).astimezone(LOCAL).isoformat(timespec="minutes")
    assess = lambda r: ("assess", "M", {"risk": r, "responsible_unit": "sr-justice"}, 20)  # noqa: E731
    mediate = ("mediate", "M", {}, 4)
    session = ("session", "M", {"place": "村调委会调解室", "participants": "*", "statements": "双方各自陈述事实和诉求。",
                                "proposal": "依法依情提出调解方案，双方各让一步。", "result": "双方同意方案"}, 48)
    agree = [session, ("resolve", "M", {"outcome": "written_agreement",
                                         "agreement": "双方自愿达成协议，按约定期限履行。"}, 24)]
    visit = ("follow_up", "G", {"method": "visit", "satisfaction": "satisfied", "relapse_risk": "low",
                                "performance": "full"}, 120)
    partly = ("follow_up", "G", {"method": "phone", "satisfaction": "basically_satisfied", "relapse_risk": "low",
                                 "performance": "partly", "performance_note": "首期款已付，余款约定下月付清"}, 120)
    confirm = ("apply_confirmation", "M", {"court": "县人民法院"}, 24)
    close = ("close", S, {}, 48)
    high_prep = lambda lead: [("assign_lead", S, {"official": lead}, 2),  # noqa: E731
                              ("control", "M", {"measures": "落实网格员每日走访，派出所民警联系双方，防止矛盾激化。"}, 6),
                              ("plan", "M", {"team": "包案领导、司法所、派出所、村调委会组成工作专班",
                                             "plan": "分头做双方工作，核实事实，依法提出调解方案。"}, 4)]
    return [
        # closed, full cycle
        ("donggang", "neighbour", "宅基地滴水檐纠纷", "grid", [], 2, 62, [assess("low"), mediate, *agree, visit, close]),
        ("xiping", "marriage_family", "赡养老人费用分担纠纷", "visit", [], 3, 58, [assess("low"), mediate, *agree, visit, close]),
        ("nantang", "contract", "农资赊销货款纠纷", "hotline", [], 2, 55, [assess("medium"), mediate, *agree, visit, close]),
        ("shuangru-sq", "property", "小区停车位收费纠纷", "hotline", [], 6, 50,
         [assess("high"), *high_prep(L2), mediate, *agree, visit, close]),
        # following up
        ("beishan", "land", "承包地界址纠纷", "grid", [], 2, 40, [assess("medium"), mediate, *agree, confirm, partly]),
        ("shiqiao", "damages", "放养家禽毁损庄稼赔偿", "grid", [], 2, 30, [assess("low"), mediate, *agree, visit]),
        ("liuwan", "labour", "建筑工地拖欠工资", "police", [], 7, 35,
         [assess("high"), *high_prep(L1), mediate, *agree, visit]),
        # resolved, follow-up due or overdue
        ("donggang", "consumer", "农机维修质量纠纷", "visit", [], 2, 25, [assess("low"), mediate, *agree]),
        ("xiping", "neighbour", "排水沟堵塞邻里纠纷", "grid", [], 2, 16, [assess("low"), mediate, *agree]),
        # mediating
        ("nantang", "demolition", "道路拓宽征地补偿纠纷", "petition", [], 9, 28,
         [assess("high"), *high_prep(L3), mediate]),
        ("beishan", "medical", "村卫生室用药纠纷", "visit", [], 2, 20, [assess("medium"), mediate]),
        ("shiqiao", "environment", "养殖场异味扰民", "hotline", [], 4, 45, [assess("medium"), mediate]),
        ("liuwan", "contract", "民间借贷还款纠纷", "visit", ["civil_to_criminal"], 2, 12,
         [assess("high"), *high_prep(L2), mediate]),
        ("shuangru-sq", "neighbour", "楼上漏水损害赔偿", "grid", [], 2, 9, [assess("low"), mediate]),
        ("donggang", "land", "山林权属争议", "grid", [], 4, 33, [assess("medium"), mediate]),
        # controlled, awaiting mediation
        ("xiping", "marriage_family", "离婚后子女抚养探视纠纷", "police", ["violence"], 2, 6,
         [assess("critical"), ("assign_lead", S, {"official": L1}, 1),
          ("control", "M", {"measures": "民警上门告诫，妇联介入，网格员每日见面。"}, 3)]),
        # assessed, high risk, control clock overdue
        ("nantang", "labour", "采石场工伤赔偿纠纷", "visit", ["key_person"], 3, 4, [assess("high")]),
        ("beishan", "neighbour", "相邻通行权纠纷", "grid", [], 2, 3, [assess("low")]),
        ("shuangru-sq", "consumer", "预付卡退费纠纷", "hotline", [], 12, 2, [assess("medium")]),
        # reported, not yet assessed (some overdue)
        ("shiqiao", "damages", "交通事故赔偿分歧", "police", [], 2, 5, []),
        ("liuwan", "land", "土地流转租金纠纷", "grid", [], 6, 3, []),
        ("donggang", "other", "祖坟迁移分歧", "visit", [], 3, 1, []),
        ("xiping", "contract", "房屋装修款结算纠纷", "hotline", [], 2, 0, []),
        # under supervision
        ("nantang", "land", "集体经济组织收益分配纠纷", "petition", [], 15, 38,
         [assess("high"), *high_prep(L3), mediate,
          ("supervise", S, {"level": "county", "authority": "县委政法委", "deadline": deadline_ok}, 24)]),
        # referred and withdrawn
        ("beishan", "contract", "工程款结算纠纷（标的较大）", "visit", [], 2, 26,
         [assess("medium"), ("refer", "M", {"to": "court", "detail": "县人民法院诉调对接中心"}, 30)]),
        ("shiqiao", "neighbour", "鸡犬扰邻口角", "grid", [], 2, 18, [("withdraw", "M", {"reason": "双方已自行和解"}, 30)]),
        # reopened after relapse
        ("liuwan", "neighbour", "宅前空地堆放杂物纠纷", "grid", [], 2, 44,
         [assess("low"), mediate, *agree, ("follow_up", "G", {"method": "phone", "satisfaction": "dissatisfied",
                                                            "relapse_risk": "high"}, 96),
          ("reopen", "M", {"reason": "一方未按协议清理杂物，矛盾反弹"}, 4)]),
        # no agreement, guided to litigation
        ("shuangru-sq", "property", "物业服务费拖欠纠纷", "hotline", [], 2, 22,
         [assess("low"), mediate, ("resolve", "M", {"outcome": "no_agreement", "legal_channel": "litigation"}, 96)]),
        ("donggang", "labour", "季节工工资纠纷", "grid", [], 4, 14, [assess("medium"), mediate]),
        ("xiping", "damages", "狗咬伤人赔偿", "grid", [], 2, 8, [assess("low"), mediate]),
        ("nantang", "neighbour", "院墙加高采光纠纷", "grid", [], 2, 11, [assess("low"), mediate, *agree]),
        ("beishan", "environment", "秸秆焚烧烟尘纠纷", "grid", [], 3, 7, [assess("low")]),
        ("shiqiao", "marriage_family", "彩礼返还纠纷", "visit", [], 2, 13, [assess("medium"), mediate]),
        ("liuwan", "consumer", "农药质量导致减产", "hotline", [], 4, 19, [assess("medium"), mediate]),
    ]


def _procedure_scenarios() -> list[tuple]:
    """Ends the mediation procedure adds (appended after the others, so their case numbers stay)."""
    assess = ("assess", "M", {"risk": "low", "responsible_unit": "sr-justice"}, 20)
    return [
        # a party refused mediation (人民调解法 art. 17): the case ends as declined
        ("donggang", "contract", "合伙养殖分红纠纷", "visit", [], 2, 15,
         [assess, ("consent", "M", {"party": "#2", "agrees": "no", "remark": "坚持向法院起诉"}, 24),
          ("decline", "M", {"party": "#2", "reason": "被申请人明确拒绝调解，告知双方可向人民法院起诉"}, 2)]),
        # an oral agreement, recorded with the parties' confirmation (art. 28)
        ("xiping", "neighbour", "邻居口角致轻微推搡", "grid", [], 2, 9,
         [assess, ("mediate", "M", {}, 4),
          ("resolve", "M", {"outcome": "oral_agreement", "agreement": "一方当场赔礼道歉，双方和好",
                            "oral_confirmation": "双方当事人当场口头确认协议内容"}, 6)]),
    ]


def _cases(engine, rng: random.Random, now: datetime) -> None:
    clock = engine.clock
    for vid, category, title, source, flags, n_parties, days_ago, steps in _scenarios(now) + _procedure_scenarios():
        grid = rng.randint(1, GRIDS_PER_UNIT)
        reporter = officer(vid, grid, rng.randint(1, OFFICERS_PER_GRID))
        local_day = (now - timedelta(days=days_ago)).astimezone(LOCAL).replace(
            hour=rng.randint(8, 11), minute=rng.choice((0, 10, 20, 30, 40, 50)), second=0, microsecond=0)
        clock.set(local_day.astimezone(timezone.utc))
        parties = []
        for i in range(n_parties):
            role = "applicant" if i == 0 else ("respondent" if i == 1 else "other")
            parties.append({"name": _name(rng), "role": role, "phone": _phone(rng)})
        applied = source in ("visit", "hotline", "petition")
        out = engine.report(reporter, title=title, category=category, unit=f"{vid}-g{grid:02d}", parties=parties,
                            source=source, flags=flags, description=f"{title}，{n_parties}方当事人，网格员排查发现后登记。",
                            initiation="application" if applied else "initiative",
                            request=f"请求调解{title}" if applied else "")
        engine.act(out.number, "assign", S, mediator=_m(vid))
        names = [p["name"] for p in parties]
        for action, actor, data, hours in _with_consent(steps, names):
            clock.advance(hours=hours)
            if clock.now() > now:
                break
            who = {"M": _m(vid), "G": reporter}.get(actor, actor)
            engine.act(out.number, action, who, **_named(data, names))


def _with_consent(steps: list[tuple], names: list[str]) -> list[tuple]:
    """The steps, each party's consent and 告知 recorded before the first mediation."""
    out: list[tuple] = []
    for step in steps:
        if step[0] == "mediate" and not any(s[0] == "inform" for s in out):
            out += [("consent", "M", {"party": n, "agrees": "yes"}, 1) for n in names]
            out.append(("inform", "M", {"informed_parties": "*", "method": "written"}, 1))
        out.append(step)
    return out


def _named(data: dict, names: list[str]) -> dict:
    """``data`` with "*" (all parties) and "#n" (the n-th party) replaced by names."""
    def one(v):
        if v == "*":
            return "、".join(names)
        if isinstance(v, str) and v.startswith("#") and v[1:].isdigit():
            return names[int(v[1:]) - 1]
        return v
    return {k: one(v) for k, v in data.items()}


# --------------------------------------------------------------------------- a scripted day


def run_day(engine, echo: Callable[[str], None], lang: str = "zh_CN") -> None:
    """A day in the town, printed as it happens, ending with the supervisor's board."""
    from disputeflow.cli.render import board_text
    from disputeflow.cli.texttable import render

    en = lang.startswith("en")
    t = (lambda zh, e: e if en else zh)
    real = engine.clock
    today = real.now().astimezone(LOCAL).replace(hour=8, minute=30, second=0, microsecond=0)
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
        engine.act(number, "assign", "zz-wang", mediator="tj-donggang", responsible_unit="sr-justice")
        engine.act(number, "assess", "tj-donggang", risk="high", responsible_unit="sr-justice")
        engine.act(number, "assign_lead", "zz-wang", official="ld-zhao")
        echo(t("研判为高风险，赵德明包案，24 小时稳控时限开始。", "assessed high; lead official assigned; 24-hour control clock started."))

        at(11, 30, t("包案领导落实稳控和“五个一”", "lead official puts control and five-ones in place"))
        engine.act(number, "control", "ld-zhao", measures="派出所民警和网格员当日见面稳控，劝导依法维权。")
        engine.act(number, "plan", "tj-donggang", team="包案领导、司法所、派出所、劳动保障所、村调委会",
                   plan="核实工程量和欠薪数额，约谈施工方，三日内拿出支付方案。")
        engine.act(number, "consent", "tj-donggang", party="工友1", agrees="yes", remark="五名工友推举工友1为代表")
        engine.act(number, "consent", "tj-donggang", party="某建筑公司", agrees="yes")
        engine.act(number, "inform", "tj-donggang", informed_parties="工友1至工友5、某建筑公司", method="written")
        engine.act(number, "mediate", "tj-donggang")

        at(16, 0, t("调处达成协议", "mediation reaches an agreement"))
        engine.act(number, "session", "tj-donggang", place="东岗村调委会", participants="工友代表、施工方、包案领导",
                   statements="工友：要求结清三个月工资。施工方：工程款未到账。", proposal="施工方十日内分两期付清")
        engine.act(number, "resolve", "tj-donggang", outcome="written_agreement",
                   agreement="施工方于十日内分两期付清全部欠薪，村委会监督履行。")
        echo(render(t("序号 时间 操作人 动作", "# at actor action").split(),
                    [(h["seq"], h["at"][11:16], h["actor_name"], h["action_label"])
                     for h in engine.history(number)], title=t(f"{number} 今日时间线：", f"{number} today:")))

        at(17, 30, t("下班前：督办看板", "end of day: the supervisor's board"))
        engine.sweep()
        echo(board_text(engine.overdue(actor="zz-wang", lang=lang), lang))
    finally:
        engine.clock = real
