"""The ledgers townships keep, imported as they keep them: the mediation register and the screening ledger."""

from __future__ import annotations

import pytest

from tests.standard_ledgers import REGISTER, build_shuangru, register_rows, write_register, write_screening
from disputeflow.ledger_import import unit_names
from disputeflow.ledger_import.parties import group_size, people, title_name
from disputeflow.workflow.runtime import runtime_of


@pytest.fixture
def town(engine):
    build_shuangru(engine)
    return engine


def cases_by_key(engine) -> dict[str, dict]:
    with runtime_of(engine).store.read() as tx:
        rows = tx.query("SELECT k.key, c.number FROM import_keys k JOIN cases c ON c.id = k.case_id")
    return {key: engine.case(number, actor="sr-sup") for key, number in rows}


def by_volume(engine) -> dict[str, dict]:
    return {d["data"]["volume_number"]: d for d in cases_by_key(engine).values()}


def outbox_rows(engine) -> int:
    with runtime_of(engine).store.read() as tx:
        return tx.query("SELECT COUNT(*) FROM outbox")[0][0]


def test_the_mediation_register_is_read_whole_without_a_mapping(town, tmp_path):
    path = write_register(tmp_path / "人民调解登记台账.xlsx")
    dry = town.import_ledger(path, actor="sr-sup", dry_run=True)
    assert (dry["rows"], dry["valid"], dry["bad_rows"], dry["created"]) == (5, 5, 0, 5)
    assert dry["problems"] == [] and dry["warnings"] == []
    assert dry["columns"]["unit"] == "承办单位" and dry["columns"]["concluded_at"] == "结案时间"
    assert dry["tracking"] == {"mode": "history", "open": 1, "overdue": 1}
    town.import_ledger(path, actor="sr-sup")
    docs = by_volume(town)
    # the committee's number as written (full-width digits and brackets read), committees read as their units
    assert sorted(docs) == ["(2026)东调字第1号", "(2026)东调字第2号", "(2026)东调字第5号", "(2026)双调字第3号",
                            "(2026)双调字第4号"]
    one, two, three, four, five = (docs[k] for k in ("(2026)东调字第1号", "(2026)东调字第2号", "(2026)双调字第3号",
                                                      "(2026)双调字第4号", "(2026)东调字第5号"))
    assert [d["unit"] for d in (one, two, three, four, five)] == ["dg", "dg", "sr", "sr", "dg"]
    assert [d["category"] for d in (one, two, three, four)] == ["house_site", "labour", "damages", "land"]
    assert [d["source"] for d in (one, two, three, four)] == ["visit", "grid", "police", "court"]
    assert (one["data"]["initiation"], two["data"]["initiation"]) == ("application", "initiative")
    assert "initiation" not in three["data"]
    # several phones in one cell, full-width digits, the address on the parties
    assert [p["phone"] for p in one["parties"]] == ["13812345678", "13912345678"]
    assert two["parties"][0]["phone"] == "13712345678"
    assert one["parties"][0]["address"] == "东岗村三组"
    again = town.import_ledger(path, actor="sr-sup")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)


def test_concluded_register_rows_arrive_closed_with_their_outcome_performance_and_visit(town, tmp_path):
    town.import_ledger(write_register(tmp_path / "台账.xlsx"), actor="sr-sup")
    docs = by_volume(town)
    one, three = docs["(2026)东调字第1号"], docs["(2026)双调字第3号"]
    assert [docs[k]["state"] for k in sorted(docs)] == ["closed", "closed", "reported", "closed", "closed"]
    assert (one["data"]["outcome"], docs["(2026)东调字第2号"]["data"]["outcome"], three["data"]["outcome"]) == \
        ("written_agreement", "no_agreement", "oral_agreement")
    # the row's own dates: received on serial 46027 (5 January), concluded on serial 46036 (14 January)
    hist = [(h["action"], h["at"][:10]) for h in town.history(one["number"], actor="sr-sup")]
    assert hist[0] == ("report", "2026-01-05")
    assert [h for h in hist if h[0] in ("resolve", "follow_up", "close")] == [
        ("resolve", "2026-01-14"), ("follow_up", "2026-01-14"), ("close", "2026-01-14")]
    visit = one["data"]["follow_ups"][0]
    assert (visit["performance"], visit["satisfaction"], visit["visit_note"]) == \
        ("full", "satisfied", "双方满意，未再发生纠纷")
    visit3 = three["data"]["follow_ups"][0]
    assert (visit3["performance"], visit3["satisfaction"]) == ("partly", "basically_satisfied")
    assert town.history(three["number"], actor="sr-sup")[-1]["at"][:10] == "2026-02-03"
    assert town.verify_audit()["problems"] == []


def test_the_screening_ledger_records_control_resolution_groups_and_masked_titles(town, tmp_path):
    report = town.import_ledger(write_screening(tmp_path / "排查稳控台账.xlsx"), actor="sr-sup")
    assert (report["rows"], report["created"], report["bad_rows"]) == (5, 5, 0)
    docs = sorted(cases_by_key(town).values(), key=lambda d: d["number"])
    assert [d["state"] for d in docs] == ["controlled", "controlled", "controlled", "resolved", "assessed"]
    # 较大 / 重大 / 一般 on the four-level scale; 胡某等15人 is fifteen people, so the group rule raises it
    assert [d["risk"] for d in docs] == ["medium", "high", "high", "low", "low"]
    group = docs[1]
    assert [p["name"] for p in group["parties"]] == ["胡某等15人"]
    assert group["data"]["people_involved"] == 15 and group["party_count"] == 15
    assert group["risk_floor"] == "high"  # the ledger said 较大 (medium); five or more people make it high
    # 是否在控 = 是 is a control step; 是否化解 = 是 without an agreement is not an agreement
    assert any(h["action"] == "control" for h in town.history(docs[0]["number"], actor="sr-sup"))
    assert docs[3]["data"]["outcome"] == "resolved" and "agreement" not in docs[3]["data"]
    assert town.history(docs[3]["number"], actor="sr-sup")[-1]["at"][:10] == "2026-02-17"
    # titles carry masked names, by the parties' rule
    assert [d["title"] for d in docs] == ["李*、赵*邻里纠纷", "胡某等15人劳资欠薪", "钱某某征地拆迁", "孙*、周*婚姻家庭",
                                          "吴某合同债务"]
    # 劳动保障所 is the town's labour office; a name that is no office is kept as written
    assert docs[0]["responsible_unit"] == "sr-labour"
    said = {(w["row"], w["message"]) for w in report["warnings"]}
    assert (3, "责任单位“劳动保障所”按“双乳镇劳动保障所”导入") in said
    assert docs[0]["data"]["ledger"]["control_unit_name"] == "东岗村"
    assert docs[0]["data"]["ledger"]["screener_name"] == "网格员小王"


def test_importing_overdue_history_escalates_notifies_and_lists_nothing(town, tmp_path):
    town.import_ledger(write_screening(tmp_path / "排查.xlsx"), actor="sr-sup")
    report = town.import_ledger(write_register(tmp_path / "登记.xlsx"), actor="sr-sup")
    assert report["tracking"]["overdue"] == 1
    assert outbox_rows(town) == 0
    overdue = {r["number"] for r in town.overdue()}
    assert overdue  # the open history shows as overdue ...
    assert town.sweep() == []  # ... but no step of any ladder is raised for it
    assert outbox_rows(town) == 0
    assert all(d["supervision"] is None for d in cases_by_key(town).values())


def test_a_mapping_file_maps_unit_names_categories_sources_and_risk_words(town, tmp_path):
    rows = register_rows()[:2]
    rows[0][2], rows[0][8], rows[0][7] = "东岗调解小组", "宅基地边界", "乡贤转来"
    rows[1][2] = "老镇调委会"
    path = write_register(tmp_path / "台账.xlsx", rows)
    refused = town.import_ledger(path, actor="sr-sup", dry_run=True)
    assert refused["valid"] == 0 and refused["refused_by"] == {"承办单位": 2, "纠纷类型": 1}
    mapping = tmp_path / "映射.toml"
    mapping.write_text('[values.unit]\n"东岗调解小组" = "东岗村"\n"老镇调委会" = "sr"\n\n'
                       '[values.category]\n"宅基地边界" = "house_site"\n\n[values.source]\n"乡贤转来" = "visit"\n',
                       encoding="utf-8")
    report = town.import_ledger(path, actor="sr-sup", mapping=mapping)
    assert (report["created"], report["bad_rows"], report["warnings"]) == (2, 0, [])
    docs = by_volume(town)
    assert (docs["(2026)东调字第1号"]["unit"], docs["(2026)东调字第1号"]["category"],
            docs["(2026)东调字第1号"]["source"]) == ("dg", "house_site", "visit")
    assert docs["(2026)东调字第2号"]["unit"] == "sr"


def test_units_are_found_by_id_name_or_the_committee_and_office_names_containing_them():
    units = [("sr", "双乳镇", "town", "/sr/", None), ("dg", "东岗村", "village", "/sr/dg/", None),
             ("dg-1", "东岗村第一网格", "grid", "/sr/dg/dg-1/", None),
             ("sr-labour", "双乳镇劳动保障所", "office", "/sr/sr-labour/", '["labour"]'),
             ("xx-labour", "新桥镇劳动保障所", "office", "/xx/xx-labour/", '["labour"]'),
             ("sr-justice", "双乳镇司法所", "office", "/sr/sr-justice/", None)]
    kinds = ("town", "village", "community", "grid")

    def one(text, k=kinds, **kw):
        found, _ = unit_names.find(units, text, k, **kw)
        return [u[0] for u in found]

    assert one("东岗村人民调解委员会") == ["dg"]
    assert one("双乳镇人民调解委员会") == ["sr"]
    assert one("东岗村第一网格调解室") == ["dg-1"]
    assert one("西山村人民调解委员会") == []
    assert unit_names.find(units, "双乳镇西山村", kinds) == ([units[0]], True)  # taken, and the import says so
    assert unit_names.find(units, "东岗村村民委员会", kinds) == ([units[1]], False)
    assert one("劳动保障所", ("office",)) == ["sr-labour", "xx-labour"]  # two towns: ambiguous alone
    assert one("劳动保障所", ("office",), within="/sr/dg/") == ["sr-labour"]


def test_group_entries_and_masked_title_names():
    assert group_size("胡某等15人") == 15 and group_size("胡某等１５人") == 15 and group_size("胡某等十五人") == 15
    assert group_size("张三") is None and group_size("胡某等1人") is None
    assert people([{"name": "胡某等15人", "people": 15}, {"name": "某公司"}]) == 16
    assert title_name("张建国") == "张**" and title_name("李某") == "李某"
    assert REGISTER[0] == "卷号"


def test_a_corrected_register_row_updates_its_case_and_says_what_changed(town, tmp_path):
    path = write_register(tmp_path / "台账.xlsx")
    town.import_ledger(path, actor="sr-sup")
    rows = register_rows()
    rows[4][0] = "（２０２６）东调字第５号"  # the same number, written again in full-width: the same row
    rows[4][13] = "电话回访，当事人不满意"
    report = town.import_ledger(write_register(tmp_path / "台账.xlsx", rows), actor="sr-sup")
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 4)
    five = by_volume(town)["(2026)东调字第5号"]
    update = [h for h in town.history(five["number"], actor="sr-sup") if h["action"] == "ledger_update"]
    assert len(update) == 1 and "visit_note" in str(update[0])
    rows = register_rows()
    rows[0][4] = "张建国、李秀英、王某"
    rows[0][6] = "13812345678、13912345678、13712345678"
    report = town.import_ledger(write_register(tmp_path / "台账.xlsx", rows), actor="sr-sup")
    assert report["updated"] == 2 and report["bad_rows"] == 0  # row 5 is back as it was, row 1 has a third party
    one = by_volume(town)["(2026)东调字第1号"]
    assert [p["name"] for p in one["parties"]] == ["张建国", "李秀英", "王某"]
    assert town.verify_audit()["problems"] == []
