"""The kinds of people on the key-population register (重点人员/重点人群类别), as data.

A dispute party comes from a case; the others are registered whether or not a
case names them: 社区矫正对象 and 安置帮教对象 (the "two kinds" the justice office
supervises: 《社区矫正法》《社区矫正法实施办法》, and the 安置帮教 rules of the
Ministry of Justice), people with a severe mental disorder under community
management (《精神卫生法》), drug users under community treatment or
rehabilitation (《禁毒法》), and people whose petitions are watched
(信访重点人员). The codes are stored; the labels are what people read.
"""

from __future__ import annotations

TYPES: dict[str, tuple[str, str]] = {
    "dispute_party": ("矛盾纠纷当事人", "dispute party"),
    "community_correction": ("社区矫正对象", "person under community correction"),
    "released_prisoner": ("安置帮教对象", "released prisoner under resettlement support"),
    "mental_disorder": ("严重精神障碍患者", "person with a severe mental disorder"),
    "drug_user": ("吸毒人员", "drug user"),
    "petitioner": ("信访重点人员", "key petitioner"),
    "other": ("其他", "other"),
}
DEFAULT = "dispute_party"
LEVELS = ("county", "town", "village")  # 包保 at each level


def label(code: str, lang: str = "zh_CN") -> str:
    zh, en = TYPES.get(code, (code, code))
    return en if lang.startswith("en") else zh
