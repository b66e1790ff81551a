"""The demo's work orders (交办单): one in every state, sent by category to 双乳镇's offices.

Each is dispatched on an open sample case and driven through the work-order
workflow with the clock set back in time, so its clocks and ladder are what
the engine would have produced: one waits to be signed for long past its
deadline, one was returned once and is being handled again, one waits for the
dispatcher's review, one is approved. Actors: "M" is the parent case's
mediator, "S" the town's supervisor, "O" the receiving office's first member
of staff.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from typing import Iterable

from disputeflow.demo.offices import Office

# parent case title, receiving office, dispatcher, request, hours ago dispatched,
# then the work order's steps: (action, actor, data, hours after the previous step).
SHUANGRU: tuple[tuple, ...] = (
    # 待签收, overdue on purpose: high risk, two hours to sign for, not signed for two and a half days
    ("采石场工伤赔偿纠纷", "sr-rss", "M", "核实用工关系和工伤认定情况，督促采石场先行垫付医疗费。", 60, []),
    # 待签收, on time (one business day): the police brought the accident, the police station is asked
    ("交通事故赔偿分歧", "sr-police", "S", "调取事故认定书和出警记录，协助核定损失。", 3, []),
    # 办理中: signed for, within the seven-day handling time
    ("村卫生室用药纠纷", "sr-wsy", "M", "组织医务人员核查用药记录和处方，出具书面意见。", 50,
     [("sign", "O", {}, 3)]),
    # 办理中, handling time passed
    ("农药质量导致减产", "sr-market", "M", "抽检同批次农药，核实经销商进货渠道。", 240,
     [("sign", "O", {}, 20)]),
    # 退回 once, then 办理中 again
    ("季节工工资纠纷", "sr-rss", "M", "核实雇主用工记录和工资发放情况，督促支付。", 216,
     [("sign", "O", {}, 4),
      ("feedback", "O", {"result": "已约谈雇主，雇主称工资已全部发放。"}, 48),
      ("return", "M", {"reason": "未附工资发放凭证，工人不认可，请补充核实。"}, 24)]),
    # 已反馈, awaiting the dispatcher's review
    ("山林权属争议", "sr-zrzy", "M", "调取林权证和山林定权档案，现场核实四至界线。", 480,
     [("sign", "O", {}, 5),
      ("feedback", "O", {"result": "已调取1982年山林定权档案并现场勘界，争议山林界线以山脊分水线为准，附勘界图。"}, 445)]),
    # 已办结: reported back and approved
    ("道路拓宽征地补偿纠纷", "sr-zrzy", "S", "核实征地面积和补偿标准，答复群众质疑。", 576,
     [("sign", "O", {}, 1),
      ("feedback", "O", {"result": "已会同村组丈量，征地面积无误，补偿款按县政府批复标准计算。"}, 120),
      ("approve", "S", {}, 24)]),
    ("狗咬伤人赔偿", "sr-police", "M", "调取出警记录，核实犬只主人和伤情。", 120,
     [("sign", "O", {}, 2),
      ("feedback", "O", {"result": "出警记录和伤情鉴定已调取，犬只主人为被申请人。"}, 30),
      ("approve", "M", {}, 6)]),
)

# Referrals (移交) that keep tracking: the case waits in 已移交 for the receiving body's answer
# (parent title, receiving office, body, request, hours ago referred, the referral's steps).
REFERRALS: tuple[tuple, ...] = (
    # 待反馈: threats and shoving at the mother's home go to the police station; the case stays on
    # the board until the station answers (referral_feedback, 15 days, local practice)
    ("离婚后子女抚养探视纠纷", "sr-police", "police", "男方多次到女方住处滋扰并有推搡行为，请依法处置并反馈处理结果。", 20, []),
)

QINGSHI: tuple[tuple, ...] = (
    # 待签收, overdue: the county board shows this town's late office next to 双乳镇's
    ("砖厂拖欠工资纠纷", "qs-rss", "M", "核实砖厂用工名册和欠薪数额，依法督促支付。", 100, []),
    # 已办结
    ("分家析产纠纷", "qs-justice", "M", "协助核实房屋宅基地使用权登记情况。", 200,
     [("sign", "O", {}, 6),
      ("feedback", "O", {"result": "已查阅不动产登记档案，宅基地登记在父亲名下，附查询结果。"}, 52),
      ("approve", "M", {}, 20)]),
)


def load(engine, orders: Iterable[tuple], numbers: dict[str, str], offices: Iterable[Office], supervisor: str,
         now: datetime, action: str = "dispatch") -> list[str]:
    """Dispatch (or, with ``action="refer"``, refer) and drive ``orders`` on the cases named (title → number).

    A referral's entries name the receiving body (``police`` …) after the office. Returns the child cases' numbers.
    """
    clock = engine.clock
    staff = {o.id: o.staff[0][0] for o in offices}
    out = []
    for title, office, dispatcher, request, hours_ago, steps in orders:
        body = None
        if action == "refer":
            body, dispatcher = dispatcher, "M"
        parent = numbers[title]
        doc = engine.case(parent)
        who = {"M": doc["mediator"], "S": supervisor, "O": staff[office]}
        last = datetime.fromisoformat(engine.history(parent)[-1]["at"])
        clock.set(min(max(now - timedelta(hours=hours_ago), last + timedelta(minutes=30)), now))  # never after now
        fields = {"to": body, "unit": office} if body else {"to": office}
        order = engine.act(parent, action, who[dispatcher], request=request, **fields).data["spawned"]
        for step, actor, data, hours in steps:
            clock.advance(hours=hours)
            if clock.now() > now:
                break
            engine.act(order, step, who[actor], **data)
        out.append(order)
    return out
