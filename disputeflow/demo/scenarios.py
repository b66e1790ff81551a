"""双乳镇's sample cases: a few dozen disputes in every stage, some overdue today on purpose.

The order is the order of their numbers (双乳-2026-000001 …): new scenarios are
appended, never inserted, so a number named in tests or docs keeps its case.
Steps and their shorthand are described in :mod:`disputeflow.demo.cases`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from disputeflow.demo.cases import AGREE, CLOSE, CONFIRM, MEDIATE, PARTLY, VISIT, assess, high_prep
from disputeflow.demo.common import LOCAL

L1, L2, L3 = "ld-zhao", "ld-sun", "ld-zhou"  # lead officials (包案领导)


def scenarios(now: datetime) -> list[tuple]:
    """Every scenario of the town, in number order."""
    return _scenarios(now) + _procedure_scenarios()


def _scenarios(now: datetime) -> list[tuple]:
    deadline_ok = (now + timedelta(days=10)).astimezone(LOCAL).isoformat(timespec="minutes")
    return [
        # closed, full cycle
        ("donggang", "neighbour", "宅基地滴水檐纠纷", "grid", [], 2, 62, [assess("low"), MEDIATE, *AGREE, VISIT, CLOSE]),
        ("xiping", "marriage_family", "赡养老人费用分担纠纷", "visit", [], 3, 58, [assess("low"), MEDIATE, *AGREE, VISIT, CLOSE]),
        ("nantang", "contract", "农资赊销货款纠纷", "hotline", [], 2, 55, [assess("medium"), MEDIATE, *AGREE, VISIT, CLOSE]),
        ("shuangru-sq", "property", "小区停车位收费纠纷", "hotline", [], 6, 50,
         [assess("high"), *high_prep(L2), MEDIATE, *AGREE, VISIT, CLOSE]),
        # following up
        ("beishan", "land", "承包地界址纠纷", "grid", [], 2, 40, [assess("medium"), MEDIATE, *AGREE, CONFIRM, PARTLY]),
        ("shiqiao", "damages", "放养家禽毁损庄稼赔偿", "grid", [], 2, 30, [assess("low"), MEDIATE, *AGREE, VISIT]),
        ("liuwan", "labour", "建筑工地拖欠工资", "police", [], 7, 35,
         [assess("high"), *high_prep(L1), MEDIATE, *AGREE, VISIT]),
        # resolved, follow-up due or overdue
        ("donggang", "consumer", "农机维修质量纠纷", "visit", [], 2, 25, [assess("low"), MEDIATE, *AGREE]),
        ("xiping", "neighbour", "排水沟堵塞邻里纠纷", "grid", [], 2, 16, [assess("low"), MEDIATE, *AGREE]),
        # mediating
        ("nantang", "demolition", "道路拓宽征地补偿纠纷", "petition", [], 9, 28,
         [assess("high"), *high_prep(L3), MEDIATE]),
        ("beishan", "medical", "村卫生室用药纠纷", "visit", [], 2, 20, [assess("medium"), MEDIATE]),
        ("shiqiao", "environment", "养殖场异味扰民", "hotline", [], 4, 45, [assess("medium"), MEDIATE]),
        ("liuwan", "contract", "民间借贷还款纠纷", "visit", ["civil_to_criminal"], 2, 12,
         [assess("high"), *high_prep(L2), MEDIATE]),
        ("shuangru-sq", "neighbour", "楼上漏水损害赔偿", "grid", [], 2, 9, [assess("low"), MEDIATE]),
        ("donggang", "land", "山林权属争议", "grid", [], 4, 33, [assess("medium"), MEDIATE]),
        # controlled, awaiting mediation
        ("xiping", "marriage_family", "离婚后子女抚养探视纠纷", "police", ["violence"], 2, 6,
         [assess("critical"), ("assign_lead", "S", {"official": L1}, 1),
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
         [assess("high", "sr-njz"), *high_prep(L3), MEDIATE,
          ("supervise", "cc-zhang", {"level": "county", "authority": "县委政法委", "deadline": deadline_ok}, 24)]),
        # referred and withdrawn
        ("beishan", "contract", "工程款结算纠纷（标的较大）", "visit", [], 2, 26,
         [assess("medium"), ("refer", "M", {"to": "court", "detail": "县人民法院诉调对接中心"}, 30)]),
        ("shiqiao", "neighbour", "鸡犬扰邻口角", "grid", [], 2, 18, [("withdraw", "M", {"reason": "双方已自行和解"}, 30)]),
        # reopened after relapse
        ("liuwan", "neighbour", "宅前空地堆放杂物纠纷", "grid", [], 2, 44,
         [assess("low"), MEDIATE, *AGREE,
          ("follow_up", "G", {"method": "phone", "satisfaction": "dissatisfied", "relapse_risk": "high"}, 96),
          ("reopen", "M", {"reason": "一方未按协议清理杂物，矛盾反弹"}, 4)]),
        # no agreement, guided to litigation
        ("shuangru-sq", "property", "物业服务费拖欠纠纷", "hotline", [], 2, 22,
         [assess("low"), MEDIATE, ("resolve", "M", {"outcome": "no_agreement", "legal_channel": "litigation",
                                                     "prevented": ["collective_petition"]}, 96)]),
        ("donggang", "labour", "季节工工资纠纷", "grid", [], 4, 14, [assess("medium"), MEDIATE]),
        ("xiping", "damages", "狗咬伤人赔偿", "grid", [], 2, 8, [assess("low"), MEDIATE]),
        ("nantang", "neighbour", "院墙加高采光纠纷", "grid", [], 2, 11, [assess("low"), MEDIATE, *AGREE]),
        ("beishan", "environment", "秸秆焚烧烟尘纠纷", "grid", [], 3, 7, [assess("low")]),
        ("shiqiao", "marriage_family", "彩礼返还纠纷", "visit", [], 2, 13, [assess("medium"), MEDIATE]),
        ("liuwan", "consumer", "农药质量导致减产", "hotline", [], 4, 19, [assess("medium"), MEDIATE]),
    ]


def _procedure_scenarios() -> list[tuple]:
    """Ends the mediation procedure adds (appended after the others, so their case numbers stay)."""
    return [
        # a party refused mediation (人民调解法 art. 17): the case ends as declined
        ("donggang", "contract", "合伙养殖分红纠纷", "visit", [], 2, 15,
         [assess("low"), ("consent", "M", {"party": "#2", "agrees": "no", "remark": "坚持向法院起诉"}, 24),
          ("decline", "M", {"party": "#2", "reason": "被申请人明确拒绝调解，告知双方可向人民法院起诉"}, 2)]),
        # an oral agreement, recorded with the parties' confirmation (art. 28)
        ("xiping", "neighbour", "邻居口角致轻微推搡", "grid", [], 2, 9,
         [assess("low"), ("mediate", "M", {}, 4),
          ("resolve", "M", {"outcome": "oral_agreement", "agreement": "一方当场赔礼道歉，双方和好",
                            "oral_confirmation": "双方当事人当场口头确认协议内容",
                            "prevented": ["civil_to_criminal"]}, 6)]),
    ]


