"""What every part of the demo shares: made-up names and phone numbers, officer ids, the local zone.

Names and numbers are drawn from one seeded ``random.Random`` so that a demo
loaded twice is the same demo (same case numbers, same parties).
"""

from __future__ import annotations

import random
from datetime import timedelta, timezone

LOCAL = timezone(timedelta(hours=8))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕春梅德明凤英桂芳"


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def officer(unit: str, grid: int, n: int) -> str:
    """The user id of grid officer ``n`` of grid ``grid`` of ``unit`` (wg-donggang-03-1)."""
    return f"wg-{unit}-{grid:02d}-{n}"
