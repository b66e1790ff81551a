"""The two ledgers townships keep, built with the headings of their published forms.

The people's-mediation register follows the Ministry of Justice's 受理登记表 /
结案报告表 / 回访记录 fields; the screening ledger (排查稳控台账) the columns a
综治中心 keeps. Each has a title row merged across the sheet, Excel serial dates,
full-width digits and several phones in one cell, as the files townships send do.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

REGISTER = ["卷号", "受理时间", "承办单位", "调解员", "当事人姓名", "住址", "联系电话", "案件来源", "纠纷类型",
            "纠纷简要事实", "调解结果", "结案时间", "协议履行情况", "回访情况", "备注"]

SCREENING = ["序号", "排查日期", "排查区域/单位", "排查人员", "矛盾类型", "矛盾级别", "当事人", "联系电话", "主要诉求",
             "化解责任单位", "稳控责任单位", "包案领导", "是否在控", "是否化解", "化解时间", "备注"]


def register_rows() -> list[list]:
    """Five rows of a mediation register: four concluded (结案), one still open."""
    return [
        ["（２０２６）东调字第１号", 46027, "东岗村人民调解委员会", "调解员甲", "张建国、李秀英", "东岗村三组",
         "13812345678、13912345678", "当事人申请", "房屋宅基地纠纷", "两家因宅基地边界发生争执", "达成书面协议",
         46036, "已履行", "双方满意，未再发生纠纷", "院墙已重砌"],
        ["(2026)东调字第2号", "2026年1月10日", "东岗村人民调解委员会", "调解员甲", "王强", "东岗村五组",
         "１３７１２３４５６７８", "调委会主动调解", "劳动争议纠纷", "工地拖欠工资三个月", "调解不成",
         "2026-01-25", None, "已告知申请劳动仲裁", None],
        ["(2026)双调字第3号", "2026/1/12", "双乳镇人民调解委员会", "调解员甲", "刘长山、陈二", "双乳镇街道",
         "13612345678，13512345678", "公安机关移交", "交通事故纠纷", "电动车与三轮车相撞，赔偿有争议", "达成口头协议",
         "2026年2月3日", "部分履行", "基本满意，余款约定三月付清", None],
        ["(2026)双调字第4号", "2026-01-20", "双乳镇人民调解委员会", "调解员甲", "赵林、孙木", "双乳镇西山",
         "13412345678", "人民法院委派", "山林土地纠纷", "林地界址不清", "达成书面协议", 46052, "已全部履行",
         "回访满意", None],
        ["(2026)东调字第5号", 46045, "东岗村人民调解委员会", "调解员甲", "周大妈", "东岗村一组", "13312345678",
         "当事人申请", "婚姻家庭纠纷", "赡养费分担", None, None, None, None, "正在调解"],
    ]


def screening_rows() -> list[list]:
    """Five rows of a screening-and-control ledger: three controlled high risks, a group, one resolved."""
    return [
        [1, 46030, "东岗村", "网格员小王", "邻里纠纷", "较大", "李明、赵刚", "13812345678、13912345678",
         "要求对方拆除违建", "劳动保障所", "东岗村", "包案领导", "是", "否", None, None],
        [2, "2026年1月15日", "双乳镇", "网格员小王", "劳资纠纷", "较大", "胡某等15人", "１３６１２３４５６７８",
         "讨要工程款", "劳动保障所", "双乳镇派出所", "包案领导", "是", "否", None, "农民工群体"],
        [3, "2026-01-20", "东岗村", "网格员小王", "征地拆迁纠纷", "重大", "钱某某", "13512345678",
         "补偿标准异议", "双乳镇人民政府", "东岗村", "包案领导", "是", "否", None, None],
        [4, "2026/2/2", "东岗村", "网格员小王", "婚姻家庭纠纷", "一般", "孙丽、周伟", None,
         "离婚财产分割", "东岗村", "东岗村", None, "是", "是", 46070, None],
        [5, 46060, "双乳镇", "网格员小王", "合同纠纷", "一般", "吴某", "13412345678",
         "货款未结", "双乳镇司法所", None, None, "否", "否", None, None],
    ]


def write_ledger(path: Path, headings: list[str], rows: list[list], title: str, date_cols: tuple[int, ...]) -> Path:
    """An .xlsx ledger: a title merged across the sheet, one heading row, the rows (serials in General cells)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    for j, h in enumerate(headings, start=1):
        ws.cell(2, j, h)
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(row, start=1):
            if v is None:
                continue
            c = ws.cell(i, j, v)
            if isinstance(v, (int, float)) and j - 1 in date_cols:
                c.number_format = "General"  # a date typed or pasted as a bare serial number
    wb.save(path)
    return path


def write_register(path: Path, rows: list[list] | None = None) -> Path:
    return write_ledger(path, REGISTER, register_rows() if rows is None else rows,
                        "双乳镇人民调解案件登记台账（2026年度）", (1, 11))


def write_screening(path: Path, rows: list[list] | None = None) -> Path:
    return write_ledger(path, SCREENING, screening_rows() if rows is None else rows,
                        "双乳镇矛盾纠纷排查稳控台账", (1, 14))


def build_shuangru(engine) -> None:
    """The town the two ledgers come from: 双乳镇, 东岗村, its offices (the labour office handles labour)."""
    engine.add_unit("sr", "双乳镇", "town")
    engine.add_unit("dg", "东岗村", "village", "sr")
    engine.add_unit("sr-labour", "双乳镇劳动保障所", "office", "sr", handles=["labour"])
    engine.add_unit("sr-justice", "双乳镇司法所", "office", "sr")
    engine.add_unit("sr-police", "双乳镇派出所", "office", "sr")
    engine.add_user("sr-sup", "双乳镇综治中心", "supervisor", "sr")


NOW = datetime(2026, 3, 3, 1, 0)
