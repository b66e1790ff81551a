"""The stationed offices (站所) of the demo's towns, the categories each handles, and their staff.

The routing table is data: each office lists the categories it ``handles``
(the engine proposes those offices when a case of that category is
dispatched), so a town can change it without code. Why each office takes
what it takes (practice, not law, unless named):

- 司法所: the people's mediation committees' guide (《人民调解法》第五条) — neighbours, family, damages
  and whatever no other office takes.
- 派出所: fights and damage arising from civil disputes may be settled by police mediation
  (《治安管理处罚法》, 治安调解), so neighbour quarrels and damages also go there.
- 市场监管所: consumer complaints; property-fee disputes as price supervision (local practice).
- 人力资源和社会保障所: unpaid wages and labour (劳动保障监察).
- 自然资源所: land boundaries and ownership, land taking and demolition.
- 农村经营管理站: rural contracts, land contracting and transfers, collective income shares
  (农村土地承包经营纠纷 are mediated by the town, 《农村土地承包经营纠纷调解仲裁法》第三条).
- 卫生院: medical disputes.
- 信访办: takes no category; petitions and referrals are sent to it by name.

Environmental complaints have no town office (they belong to the county's ecology bureau): the
engine proposes none, and the demo leaves such cases with the justice office.
"""

from __future__ import annotations

import random
from typing import Iterable, NamedTuple

from disputeflow.demo.common import phone


class Office(NamedTuple):
    id: str
    name: str
    handles: tuple[str, ...]
    staff: tuple[tuple[str, str], ...]  # (user id, name) of its office_staff


SHUANGRU = (
    Office("sr-justice", "双乳司法所", ("neighbour", "marriage_family", "damages", "other"), (("sf-zhou", "周敏"),)),
    Office("sr-police", "双乳派出所", ("neighbour", "damages"), (("pcs-liu", "刘洋"), ("pcs-wu", "吴涛"))),
    Office("sr-market", "双乳市场监管所", ("consumer", "property"), (("sj-huang", "黄芳"),)),
    Office("sr-rss", "双乳人力资源和社会保障所", ("labour",), (("rs-tang", "唐丽"), ("rs-cao", "曹刚"))),
    Office("sr-zrzy", "双乳自然资源所", ("land", "demolition"), (("zr-peng", "彭建华"),)),
    Office("sr-njz", "双乳农村经营管理站", ("contract", "land"), (("nj-zeng", "曾玉兰"),)),
    Office("sr-wsy", "双乳镇卫生院", ("medical",), (("wsy-ma", "马春梅"),)),
    Office("sr-xfb", "双乳镇信访办", (), (("xf-dong", "董志强"),)),
)

QINGSHI = (
    Office("qs-justice", "青石司法所", ("neighbour", "marriage_family", "damages", "contract", "other"),
           (("qs-sf-jiang", "蒋桂芳"),)),
    Office("qs-rss", "青石人力资源和社会保障所", ("labour",), (("qs-rs-pan", "潘伟"),)),
)

FALLBACK = "justice"  # the office that keeps a case no office handles: the town's justice office


def add(engine, town: str, offices: Iterable[Office], rng: random.Random, mail_domain: str) -> None:
    """The offices as units under ``town``, each with its categories and its staff (role office_staff)."""
    for o in offices:
        engine.add_unit(o.id, o.name, "office", town, handles=list(o.handles))
        for uid, person in o.staff:
            engine.add_user(uid, person, "office_staff", o.id, phone=phone(rng), email=f"{uid}@{mail_domain}")


def route(offices: Iterable[Office], category: str, police: bool = False) -> str:
    """The office a case of ``category`` goes to: the first that handles it (the police station first when
    the police brought the case or there was violence, if it handles the category), else the justice office."""
    offices = tuple(offices)
    handling = [o for o in offices if category in o.handles]
    if police:
        handling.sort(key=lambda o: not o.id.endswith("-police"))
    if handling:
        return handling[0].id
    return next(o.id for o in offices if o.id.endswith("-" + FALLBACK))
