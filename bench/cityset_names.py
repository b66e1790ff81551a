"""Names for the city data set: people, phones and places, drawn from a seeded random source.

The surnames are the commonest ones with weights roughly as the 2020 census reports them
(王 李 张 刘 陈 each 5-7 %), the given names one or two characters from lists of characters
common in names; local practice, not a census draw. Phones are 11-digit mobiles on the
carriers' real prefixes. Place names are made up (two characters and a suffix) so no real
village is named.
"""

from __future__ import annotations

import itertools
import random

# (surname, weight per mille), the commonest 60, then a long tail with weight 1.
_SURNAMES = ("王72 李71 张68 刘53 陈45 杨31 黄22 赵20 吴19 周18 徐13 孙12 马12 朱11 胡10 郭9 何9 高9 林9 罗8 "
             "郑7 梁7 谢6 宋6 唐6 许5 韩5 冯5 邓5 曹5 彭5 曾4 肖4 田4 董4 袁4 潘4 于4 蒋4 蔡4 余4 杜4 叶4 "
             "程4 苏3 魏3 吕3 丁3 任3 沈3 姚3 卢3 姜3 崔3 钟3 谭3 陆3 汪3 范3 金2 石2 廖2 贾2 夏2 韦2 付2 "
             "方2 白2 邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶1 黎1 贺1 顾1 毛1 郝1 龚1 "
             "邵1 万1 钱1 严1 覃1 武1 戴1 莫1 孔1 向1 汤1 常1 温1 康1 施1 文1 牛1 樊1 葛1 邢1 安1 齐1 易1 "
             "乔1 伍1 庞1 颜1 倪1 庄1 聂1 章1 鲁1 岳1 翟1 殷1 詹1 申1 欧阳1 耿1 关1 兰1 焦1 俞1 左1 柳1 "
             "甘1 祝1 包1 宁1 尚1 符1 舒1 阮1 柯1 纪1 梅1 童1 凌1 毕1 单1 季1 裴1 霍1 涂1 成1 苗1 谷1 "
             "盛1 曲1 翁1 冉1 骆1 蓝1 路1 游1 辛1 靳1 管1 柴1 蒙1 鲍1 华1 喻1 祁1 蒲1 房1 滕1 屈1 饶1")
SURNAMES: list[str] = []
SURNAME_WEIGHTS: list[int] = []
for _tok in _SURNAMES.split():
    SURNAMES.append(_tok.rstrip("0123456789"))
    SURNAME_WEIGHTS.append(int(_tok[len(SURNAMES[-1]):]))

_MALE = ("伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宁 建 国 峰 林 浩 亮 成 东 海 俊 文 兵 龙 "
         "宇 阳 志 晨 帅 健 凯 振 永 新 春 德 福 生 荣 胜 祥 贵 发 金 根 山 江 忠 义 庆 洪 泉 松 柏 宏 伦 "
         "家 民 友 光 天 子 博 昊 然 轩 睿 泽 铭 锦 航 皓 远 达 毅 坤 彬 全 喜 才 利 清 星 雨 瑞 安 正").split()
_FEMALE = ("芳 娜 敏 静 丽 艳 娟 霞 燕 玲 桂 英 秀 兰 红 梅 琴 云 莲 萍 雪 琳 洁 倩 婷 慧 颖 欣 怡 悦 "
           "佳 丹 璐 蓉 薇 莉 淑 珍 凤 翠 玉 彩 春 月 瑶 妍 涵 菲 露 晶 岚 茜 嘉 蕾 楠 宁 亚 素 美 香 爱 "
           "诗 思 梦 琪 晓 婧 雯 馨 蕊 琦 宛 若 可 心 一 文 雅 惠 巧 凡 萱 舒 青 清 娅 晴 钰 彤 语 欢").split()
_GIVEN_FIRST = ("建 国 志 永 德 明 文 海 金 玉 秀 春 小 晓 红 学 俊 家 子 思 雨 佳 嘉 宏 立 长 振 伟 新 天 "
                "世 光 云 庆 少 万 福 桂 丽 美 淑 素 凤 爱 雪 梦 欣 梓 若 一 承 宇 浩 泽 昊 博 诗 静 慧").split()

# Mobile prefixes in use by the three carriers (local practice: a representative set, not all of them).
_MOBILE = ("130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 166 "
           "173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199").split()

_PLACE_1 = "青 平 安 长 永 新 兴 丰 东 西 南 北 和 太 宁 清 龙 凤 石 白 黄 金 桃 柳 杨 梅 松 竹 荷 河 湖 山 阳 云 "\
           "泉 溪 桥 坪 岗 林 田 沙 马 双 三 五 高 大 小 上 下 前 后 庄 富 德 仁 义 福 瑞 吉 乐 华 光 明 秀".split()
_PLACE_2 = "川 江 河 湖 山 岭 溪 泉 桥 坪 岗 林 田 湾 塘 坝 口 沟 庄 埠 集 店 铺 园 洲 源 阳 峰 台 岩 水 塘 "\
           "家 屯 营 寨 堡 畈 垸 岙 墩 圩 冲 坡 里 街 门".split()


_CUM = list(itertools.accumulate(SURNAME_WEIGHTS))


def person_name(rng: random.Random, female: bool | None = None) -> str:
    """A realistic name: a weighted surname and a one- or two-character given name (about 30 % one)."""
    surname = rng.choices(SURNAMES, cum_weights=_CUM)[0]
    female = rng.random() < 0.5 if female is None else female
    last = rng.choice(_FEMALE if female else _MALE)
    if rng.random() < 0.3:
        return surname + last
    return surname + rng.choice(_GIVEN_FIRST) + last


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number as the product stores it (normalised, no separators)."""
    return rng.choice(_MOBILE) + f"{rng.randrange(100_000_000):08d}"


class PlaceNames:
    """Unique made-up place names: ``next("村")`` gives 青川村, 平溪村 … never the same name twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def next(self, suffix: str) -> str:
        for _ in range(200):
            name = self.rng.choice(_PLACE_1) + self.rng.choice(_PLACE_2) + suffix
            if name not in self.used:
                self.used.add(name)
                return name
        while True:  # the two-character space is used up: three characters
            name = self.rng.choice(_PLACE_1) + self.rng.choice(_PLACE_1) + self.rng.choice(_PLACE_2) + suffix
            if name not in self.used:
                self.used.add(name)
                return name


# Titles and descriptions per category: (title patterns, what happened). {a} and {b} are the parties.
STORIES = {
    "neighbour": (("{a}与{b}因排水沟堵塞引发邻里纠纷", "{a}与{b}因楼上漏水发生纠纷", "{a}反映{b}饲养犬只扰民"),
                  "双方因生活琐事多次争吵，网格员排查发现后上报。"),
    "marriage_family": (("{a}与{b}婚姻家庭纠纷", "{a}与{b}赡养老人纠纷", "{a}与{b}因家庭财产分割发生矛盾"),
                        "家庭成员间因财产和赡养问题产生矛盾，村调委会介入。"),
    "land": (("{a}与{b}承包地边界纠纷", "{a}与{b}山林权属纠纷", "{a}与{b}土地流转费用纠纷"),
             "双方对地界和权属各执一词，需现场勘查。"),
    "house_site": (("{a}与{b}宅基地界址纠纷", "{a}与{b}建房相邻通行纠纷"), "建房时界址不清，双方发生争执。"),
    "labour": (("{a}等人反映{b}拖欠工资", "{a}与{b}劳务报酬纠纷"), "务工人员反映工程结束后工资未结清。"),
    "contract": (("{a}与{b}民间借贷纠纷", "{a}与{b}买卖合同纠纷"), "借款到期未还，双方协商未果。"),
    "damages": (("{a}与{b}交通事故损害赔偿纠纷", "{a}与{b}人身损害赔偿纠纷"), "事故发生后双方就赔偿数额分歧较大。"),
    "property": (("{a}与物业({b})服务费纠纷", "{a}反映小区停车位纠纷"), "业主对物业服务不满拒交物业费。"),
    "demolition": (("{a}与{b}征地补偿纠纷", "{a}反映拆迁安置问题"), "对补偿标准有异议，多次到村委会反映。"),
    "medical": (("{a}与卫生院医疗纠纷", "{a}家属与{b}医疗费用纠纷"), "患者家属对诊疗结果有异议。"),
    "environment": (("{a}反映{b}养殖场异味扰民", "{a}反映企业噪声污染"), "群众反映污染影响生活，要求处理。"),
    "consumer": (("{a}与{b}商品质量纠纷", "{a}反映预付卡退费问题"), "消费者要求退款，商家拒绝。"),
    "other": (("{a}与{b}其他民间纠纷",), "其他民间纠纷。"),
}
