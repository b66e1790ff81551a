"""Finding cases, duplicate reports and repeated disputes, on both databases.

Search by number, title, party name, phone or ID number (exact after
normalising), unit, category, state, dates and 我上报的; the intake's warning of
the same party's other cases; the raised risk floor of a repeated dispute and
the board's list of parties in repeated disputes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import report
from disputeflow import ValidationError

ZHANG = {"name": "张三", "role": "applicant", "phone": "13812348000", "id_number": "11010519491231002X"}
LI = {"name": "李四", "role": "respondent", "phone": "0571-88886666"}


def numbers(found) -> list[str]:
    return [i["number"] for i in found["items"]]


def test_search_by_phone_in_any_typed_form_matches_exactly_and_masks_by_role(engine):
    n = report(engine, parties=[ZHANG, LI])
    other = report(engine, parties=[{"name": "王五", "phone": "13812348001"}])
    for typed in ("138-1234-8000", "138 1234 8000", "+86 13812348000", "１３８１２３４８０００"):
        assert numbers(engine.search_cases("sup", phone=typed)) == [n], typed
        assert numbers(engine.search_cases("sup", q=typed)) == [n], typed
    assert numbers(engine.search_cases("sup", q="0571 8888 6666")) == [n]
    assert other not in numbers(engine.search_cases("sup", phone="13812348000"))  # exact, not a prefix
    full = engine.search_cases("sup", phone="13812348000")["items"][0]["parties"][0]
    masked = engine.search_cases("go", phone="13812348000")["items"][0]["parties"][0]
    assert full["phone"] == "13812348000" and full["id_number"] == "11010519491231002X"
    assert masked["phone"] != "13812348000" and "8000" in masked["phone"] and "1234" not in masked["phone"]
    assert masked["id_number"] != ZHANG["id_number"]


def test_search_by_id_number_name_title_number_category_state_and_unit(engine):
    a = report(engine, parties=[ZHANG, LI], title="宅基地边界纠纷")
    b = engine.report("sup", parties=[{"name": "赵六"}], title="欠薪纠纷", category="labour", unit="v2").number
    assert numbers(engine.search_cases("sup", id_number="11010519491231002x")) == [a]
    assert numbers(engine.search_cases("sup", q="110105 19491231 002x")) == [a]
    assert numbers(engine.search_cases("sup", party="赵")) == [b]
    assert numbers(engine.search_cases("sup", q="欠薪")) == [b]
    assert numbers(engine.search_cases("sup", q="李四")) == [a]
    assert numbers(engine.search_cases("sup", number=b[-6:])) == [b]
    assert numbers(engine.search_cases("sup", q=a)) == [a]
    assert numbers(engine.search_cases("sup", category="labour")) == [b]
    assert numbers(engine.search_cases("sup", unit="v1")) == [a]
    engine.act(a, "assess", "med1", risk="low")
    assert numbers(engine.search_cases("sup", state="assessed")) == [a]
    assert numbers(engine.search_cases("sup", title="%")) == []  # LIKE wildcards are taken literally


def test_search_holds_to_jurisdiction_and_lists_my_reports(engine):
    a = report(engine, parties=[ZHANG])  # by the grid officer, in v1
    b = engine.report("sup", title="乙村纠纷", category="neighbour", unit="v2", parties=[{"name": "孙七"}]).number
    assert numbers(engine.search_cases("med2", q="张三")) == []  # med2 works in v2 only
    assert numbers(engine.search_cases("med2", q="孙七")) == [b]
    assert numbers(engine.search_cases("sup", q="张三")) == [a]
    assert numbers(engine.search_cases("go", mine=True)) == [a]
    assert numbers(engine.search_cases("sup", mine=True)) == [b]


def test_search_by_report_date_counts_whole_local_days(engine, clock):
    a = report(engine, parties=[ZHANG])  # 2026-03-03 09:00 local
    clock.advance(days=3)
    b = report(engine, parties=[{"name": "周八"}])  # 2026-03-06
    assert numbers(engine.search_cases("sup", reported_from="2026-03-04")) == [b]
    assert numbers(engine.search_cases("sup", reported_to="2026-03-03")) == [a]
    assert numbers(engine.search_cases("sup", reported_from="2026-03-03", reported_to="2026-03-06")) == [b, a]


def test_search_refuses_a_malformed_phone_id_number_or_date(engine):
    with pytest.raises(ValidationError) as bad:
        engine.search_cases("sup", phone="12345", id_number="110105194912310021", reported_from="2026-13-01")
    assert {e.field for e in bad.value.errors} == {"phone", "id_number", "reported_from"}


def test_intake_warns_of_the_same_party_and_links_the_case_without_blocking(engine, clock):
    first = report(engine, parties=[ZHANG])
    by_phone = engine.report("go", title="又来", category="neighbour", unit="v1-g1",
                             parties=[{"name": "张叁", "phone": "138-1234-8000"}])
    assert [s["number"] for s in by_phone.data["similar"]] == [first]
    assert by_phone.data["similar"][0]["matched"] == ["phone"]
    by_id = engine.report("go", title="再来", category="neighbour", unit="v1-g1",
                          parties=[{"name": "张", "id_number": "11010519491231002x"}])
    assert first in [s["number"] for s in by_id.data["similar"]]
    by_name = engine.report("go", title="同村同名", category="neighbour", unit="v1-g1", parties=[{"name": "张三"}])
    assert first in [s["number"] for s in by_name.data["similar"]]
    elsewhere = engine.report("sup", title="他村同名", category="neighbour", unit="v2", parties=[{"name": "张三"}])
    assert "similar" not in elsewhere.data  # a name alone matches within the village only
    assert engine.case(elsewhere.number)["risk"] == "low"


def test_a_closed_case_older_than_ninety_days_is_not_a_possible_duplicate(engine, clock):
    first = report(engine, parties=[ZHANG])
    engine.act(first, "withdraw", "med1", reason="当事人自行和解")
    clock.advance(days=91)
    again = report(engine, parties=[ZHANG])
    assert "similar" not in engine.history(again)[0]["data"]
    assert engine.case(again)["risk"] == "low"  # one closed case within 12 months is not a repeated dispute


def test_a_repeated_dispute_raises_the_risk_floor_and_names_the_earlier_cases(engine, clock):
    a = report(engine, parties=[ZHANG])
    engine.act(a, "withdraw", "med1", reason="和解")
    clock.advance(days=100)
    b = report(engine, parties=[ZHANG])
    engine.act(b, "withdraw", "med1", reason="和解")
    assert engine.case(b)["risk"] == "low"  # one earlier case, closed: not yet repeated
    clock.advance(days=100)
    c = report(engine, parties=[{"name": "张三", "id_number": "11010519491231002X"}])
    case = engine.case(c, "med1")
    assert case["risk"] == "medium" and case["data"]["repeat_of"] == sorted([a, b])
    first = engine.history(c)[0]["data"]
    assert first["repeat_of"] == sorted([a, b]) and "repeat" in first["risk_reasons"]
    engine.act(c, "assess", "med1", risk="low")
    assert engine.case(c)["risk"] == "medium"  # an assessment may not go below the floor
    clock.advance(days=400)
    d = report(engine, parties=[ZHANG])
    assert engine.case(d)["risk"] == "medium"  # c is still open
    engine.act(c, "withdraw", "med1", reason="和解")
    engine.act(d, "withdraw", "med1", reason="和解")
    clock.advance(days=1)
    e = report(engine, parties=[ZHANG])
    assert engine.case(e)["risk"] == "low"  # c is 13 months old: only d counts, and it is closed
    engine.act(e, "withdraw", "med1", reason="和解")
    assert engine.case(report(engine, parties=[ZHANG]))["risk"] == "medium"  # d and e within 12 months


def test_the_board_lists_parties_in_repeated_disputes_masked_by_role(engine):
    a = report(engine, parties=[ZHANG, LI])
    b = report(engine, parties=[{"name": "张三", "phone": "13812348000"}])
    report(engine, parties=[{"name": "路人", "phone": "13600000000"}])
    found = engine.repeat_parties("sup")
    (phone,) = [i for i in found["items"] if i["key"] == "phone"]
    assert phone["value"] == "13812348000" and phone["cases"] == 2 and phone["open"] == 2
    assert sorted(x["number"] for x in phone["case_list"]) == sorted([a, b])
    assert found["min_cases"] == 2 and "local practice" in found["source"]
    masked = engine.repeat_parties("go")["items"][0]
    assert masked["value"] != "13812348000"
    assert engine.repeat_parties("med2")["items"] == []  # v2's mediator does not see v1's parties


def test_intake_takes_people_amount_place_and_refuses_a_future_time_or_negative_count(engine, clock):
    n = report(engine, parties=[ZHANG], people_involved=12, amount_involved=86000, place="甲村三组晒谷场",
               occurred_at="2026-03-02T20:00+08:00")
    data = engine.case(n)["data"]
    assert (data["people_involved"], data["amount_involved"], data["place"]) == (12, 86000, "甲村三组晒谷场")
    with pytest.raises(ValidationError) as bad:
        report(engine, parties=[ZHANG], people_involved=-1, amount_involved="-5",
               occurred_at=(clock.now() + timedelta(days=1)).isoformat())
    assert {e.field for e in bad.value.errors} == {"people_involved", "amount_involved", "occurred_at"}


def test_one_phone_rule_for_intake_and_the_key_person_register(engine):
    for typed in ("138-1234-8000", "138 1234 8000", "0571-88886666", "(0571) 8888 6666"):
        n = report(engine, parties=[{"name": "甲", "phone": typed}])
        assert engine.case(n, "med1")["parties"][0]["phone"] in ("13812348000", "0571-88886666")
        person = engine.add_person("go", name="王大锤", cases=[n], risk="high", grid_officer="go",
                                   lead_official="lead", phone=typed)
        assert person["id"]
    for bad in ("138-1234-800", "12345678901"):
        with pytest.raises(ValidationError):
            report(engine, parties=[{"name": "甲", "phone": bad}])
        with pytest.raises(ValidationError):
            engine.add_person("go", name="王大锤", cases=[], risk="high", grid_officer="go", lead_official="lead",
                              phone=bad)


def test_cases_imported_from_a_ledger_are_found_by_phone_typed_any_way(engine, tmp_path):
    from datetime import datetime

    from tests.ledgers import write_xlsx

    rows = [["TZ-001", datetime(2026, 1, 5), "甲村", "邻里纠纷", "张三、李四", "138 1234 5678、13912345678", "低", None,
             "调处中", None, None, None],
            ["TZ-002", "2026-03-01", "v1", "欠薪", "赵六", "１３８１２３４５６７０", "高", None, "已登记", None, None, None]]
    engine.import_ledger(write_xlsx(tmp_path / "台账.xlsx", rows), actor="sup")
    (found,) = engine.search_cases("sup", phone="138-1234-5678")["items"]
    assert [p["name"] for p in found["parties"]] == ["张三", "李四"]
    assert [i["parties"][0]["name"] for i in engine.search_cases("sup", q="13812345670")["items"]] == ["赵六"]
    # the imported party is an earlier case of the same person at intake
    again = engine.report("go", title="又因院墙争吵", category="neighbour", unit="v1-g1",
                          parties=[{"name": "张三", "phone": "13812345678"}])
    assert again.data["similar"][0]["number"] == found["number"]


def test_a_party_with_many_cases_keeps_the_newest_twenty_and_the_totals(engine, clock):
    from disputeflow.workflow.repeats import KEEP

    earlier = []
    for _ in range(KEEP + 5):
        earlier.append(report(engine, parties=[ZHANG]))
        clock.advance(minutes=5)
    new = engine.report("go", title="第二十六次", category="neighbour", unit="v1-g1", parties=[ZHANG])
    data = new.data
    assert data["repeat_of"] == sorted(earlier[-KEEP:]) and data["repeat_total"] == KEEP + 5
    assert [s["number"] for s in data["similar"]] == earlier[::-1][:KEEP] and data["similar_total"] == KEEP + 5
    assert engine.history(new.number)[0]["data"]["repeat_total"] == KEEP + 5
    assert engine.case(new.number)["risk"] == "medium"
