"""The documented result types say exactly which keys the Engine's reads return.

Each read of a real case is compared with its ``TypedDict`` from ``disputeflow``:
every required key is there, and no key is there that the type does not name
(an optional key may be missing). A new key in a read without its line in
``disputeflow.workflow.results`` fails here.
"""

from __future__ import annotations

from typing import Any

import disputeflow
from disputeflow import (ActionDoc, ActionField, AttachmentDoc, AuditReport, CaseDoc, CaseSummary, ContactDue,
                         ControlRate, NewAttachment,
                         RepeatCase, RepeatParties, RepeatParty, UnitTalk,
                         DeskItem, OfficeDesk, OfficeOverdue, OrderClock, OverdueOrder,
                         FiledReport, FilingTotal, MissingDuty, RoundCase, ScreeningDue, ScreeningEscalation,
                         ScreeningFiling, ScreeningOverdue, ScreeningRound, UnitFiling,
                         CountyListedCase, Deadline, MissedItem, PersonAuditReport, PersonContact, PersonDoc,
                         PersonDuty, PersonsPage, PersonSummary, PlanDuty,
                         DispatchReport, FiveOnes, Health, HistoryEntry, InboxMessage, LapseGroup, LapseItem, NewToken,
                         NewUnit, NewUser, OverdueItem, OverduePage, SearchHit, SearchPage, SearchParty, SweepEvent,
                         TokenDoc, TownBoard, TownRow, UnitDoc, UserDoc, WorkClock, WorkItem, WorkPage)
from tests.conftest import report


def same_keys(doc: dict[str, Any], shape: Any, where: str) -> None:
    keys = set(doc)
    missing = shape.__required_keys__ - keys
    unknown = keys - shape.__required_keys__ - shape.__optional_keys__
    assert not missing and not unknown, f"{where}: missing {sorted(missing)}, not in {shape.__name__}: {sorted(unknown)}"


def test_every_read_has_the_keys_its_type_names(engine):
    number = report(engine)
    engine.act(number, "assess", "med1", risk="high")
    case = engine.case(number, "sup")
    same_keys(case, CaseDoc, "case")
    same_keys(case["five_ones"], FiveOnes, "case.five_ones")
    for d in case["deadlines"]:
        same_keys(d, Deadline, "case.deadlines")
    for h in engine.history(number, "sup"):
        same_keys(h, HistoryEntry, "history")
    for a in engine.actions(number, "med1"):
        same_keys(a, ActionDoc, "actions")
        for f in a["fields"]:
            same_keys(f, ActionField, "actions.fields")
    for c in engine.list_cases("sup"):
        same_keys(c, CaseSummary, "list_cases")
    for u in engine.units():
        same_keys(u, UnitDoc, "units")
    for u in engine.users():
        same_keys(u, UserDoc, "users")
    same_keys(engine.add_unit("v3", "丙村", "village", "t1"), NewUnit, "add_unit")
    same_keys(engine.add_user("med3", "调解员丙", "mediator", "v3"), NewUser, "add_user")

    engine.clock.advance(days=40)
    raised = engine.sweep()
    assert raised
    for e in raised:
        same_keys(e, SweepEvent, "sweep")
    board = engine.overdue_page(actor="sup")
    same_keys(board, OverduePage, "overdue_page")
    assert board["items"]
    for row in board["items"] + engine.overdue(actor="sup"):
        same_keys(row, OverdueItem, "overdue")
    work = engine.my_work("med1")
    same_keys(work, WorkPage, "my_work")
    assert work["items"]
    for item in work["items"]:
        same_keys(item, WorkItem, "my_work.items")
        for c in item["clocks"]:
            same_keys(c, WorkClock, "my_work.items.clocks")
    same_keys(engine.supervised_cases("sup"), WorkPage, "supervised_cases")
    same_keys(engine.dispatch(), DispatchReport, "dispatch")
    inbox = engine.inbox("med1")
    assert inbox
    for m in inbox:
        same_keys(m, InboxMessage, "inbox")
    same_keys(engine.verify_audit(), AuditReport, "verify_audit")
    same_keys(engine.health(), Health, "health")


def test_search_tokens_and_the_town_board_have_the_keys_their_types_name(engine):
    number = report(engine)
    found = engine.search_cases("sup", q="纠纷")
    same_keys(found, SearchPage, "search_cases")
    assert found["items"]
    for hit in found["items"]:
        same_keys(hit, SearchHit, "search_cases.items")
        assert hit["parties"]
        for p in hit["parties"]:
            same_keys(p, SearchParty, "search_cases.items.parties")
    same_keys(engine.create_token("hotline", "sup"), NewToken, "create_token")
    tokens = engine.tokens()
    assert tokens
    for t in tokens:
        same_keys(t, TokenDoc, "tokens")

    engine.add_unit("cty", "示范县", "county")
    engine.move_unit("t1", "cty")
    engine.add_user("sup-cty", "县督办员", "supervisor", "cty")
    engine.clock.advance(days=40)
    engine.sweep()
    engine.act(number, "supervise", "sup-cty", level="county", authority="县综治中心",
               deadline="2026-06-30T17:00+08:00")
    board = engine.town_board(actor="sup-cty")
    same_keys(board, TownBoard, "town_board")
    assert board["towns"] and board["county_listed"]
    for t in board["towns"]:
        same_keys(t, TownRow, "town_board.towns")
    for c in board["county_listed"]:
        same_keys(c, CountyListedCase, "town_board.county_listed")


def test_the_missed_duty_group_has_the_keys_its_type_names(engine):
    number = report(engine)
    engine.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go",
                      lead_official="lead", reasons={"threat": "扬言报复"})
    engine.clock.advance(days=5)
    engine.sweep()
    group = engine.overdue_lapses(actor="sup")
    same_keys(group, LapseGroup, "overdue_lapses")
    assert group["items"]
    for item in group["items"]:
        same_keys(item, LapseItem, "overdue_lapses.items")


def test_the_key_person_reads_have_the_keys_their_types_name(engine):
    number = report(engine)
    pid = engine.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go",
                            lead_official="lead", reasons={"threat": "扬言报复"})["id"]
    engine.clock.advance(days=5)
    engine.sweep()
    engine.record_contact(pid, "go", method="visit", state="情绪平稳")
    full = engine.person(pid, "go")
    assert not full["masked"]
    same_keys(full, PersonDoc, "person")
    assert PersonDoc.__optional_keys__ <= set(full)  # the full record has every optional key
    for d in full["plan"]:
        same_keys(d, PlanDuty, "person.plan")
    assert full["contacts"] and full["duties"] and full["missed_items"]
    for c in full["contacts"]:
        same_keys(c, PersonContact, "person.contacts")
    for d in full["duties"]:
        same_keys(d, PersonDuty, "person.duties")
    for m in full["missed_items"]:
        same_keys(m, MissedItem, "person.missed_items")
    engine.add_user("sup9", "村督办员", "supervisor", "v1")
    for who in ("sup", "sup9"):
        same_keys(engine.person(pid, who), PersonDoc, f"person as {who}")
    listed = engine.persons("sup")
    assert listed
    for p in listed:
        same_keys(p, PersonSummary, "persons")
    page = engine.persons_page("sup")
    same_keys(page, PersonsPage, "persons_page")
    for p in page["items"]:
        same_keys(p, PersonSummary, "persons_page.items")
    due = engine.contacts_due("go")
    assert due
    for d in due:
        same_keys(d, ContactDue, "contacts_due")
    start = engine.clock.now().replace(day=1)
    same_keys(engine.control_rate("t1", start, engine.clock.now()), ControlRate, "control_rate")
    same_keys(engine.verify_person_audit(), PersonAuditReport, "verify_person_audit")


def test_the_screening_reads_have_the_keys_their_types_name(engine):
    from datetime import date, datetime, timezone

    engine.clock.set(datetime(2026, 4, 10, 2, tzinfo=timezone.utc))
    number = report(engine)
    engine.record_round("med1", unit="v1", participants="调解员", coverage="全村", cases=[number])
    engine.file_screening_report("med1", unit="v1")
    engine.sweep()  # opens the periods' duties; v2 meets none of them
    for day in (20, 28):
        engine.clock.set(datetime(2026, 4, day, 2, tzinfo=timezone.utc))
        engine.sweep()
    engine.clock.set(datetime(2026, 5, 12, 2, tzinfo=timezone.utc))
    engine.sweep()
    rounds = engine.screening_rounds("sup", since=date(2026, 4, 1))
    assert rounds and rounds[0]["cases"]
    for r in rounds:
        same_keys(r, ScreeningRound, "screening_rounds")
        for c in r["cases"]:
            same_keys(c, RoundCase, "screening_rounds.cases")
    due = engine.screening_due("sup")
    assert due
    for d in due:
        same_keys(d, ScreeningDue, "screening_due")
    filing = engine.screening_filing(date(2026, 4, 1), date(2026, 4, 30), actor="sup")
    same_keys(filing, ScreeningFiling, "screening_filing")
    same_keys(filing["total"], FilingTotal, "screening_filing.total")
    assert filing["units"]
    for u in filing["units"]:
        same_keys(u, UnitFiling, "screening_filing.units")
        for m in u["missing"]:
            same_keys(m, MissingDuty, "screening_filing.units.missing")
    late = engine.screening_overdue(actor="sup")
    assert late
    for u in late:
        same_keys(u, ScreeningOverdue, "screening_overdue")
        for m in u["missing"]:
            same_keys(m, MissingDuty, "screening_overdue.missing")
    filed = engine.screening_reports(date(2026, 4, 1), date(2026, 4, 30), actor="sup")
    assert filed
    for f in filed:
        same_keys(f, FiledReport, "screening_reports")
    steps = engine.screening_escalations()
    assert steps
    for e in steps:
        same_keys(e, ScreeningEscalation, "screening_escalations")


def test_the_work_order_reads_have_the_keys_their_types_name(engine):
    from tests.conftest import PARTIES

    engine.add_unit("rss", "人社所", "office", "t1", handles=["labour"])
    engine.add_user("rss1", "人社所小李", "office_staff", "rss")
    number = engine.report("go", title="工地欠薪", category="labour", unit="v1-g1", parties=PARTIES).number
    engine.act(number, "assess", "med1", risk="medium")
    engine.act(number, "dispatch", "med1", to="rss", request="核实欠薪金额并督促支付")
    engine.clock.advance(days=30)
    desk = engine.office_desk("rss1")
    same_keys(desk, OfficeDesk, "office_desk")
    assert desk["items"]
    for item in desk["items"]:
        same_keys(item, DeskItem, "office_desk.items")
        assert item["deadlines"]
        for c in item["deadlines"]:
            same_keys(c, OrderClock, "office_desk.items.deadlines")
    late = engine.overdue_work_orders(actor="sup")
    assert late and late[0]["items"]
    for group in late:
        same_keys(group, OfficeOverdue, "overdue_work_orders")
        for row in group["items"]:
            same_keys(row, OverdueOrder, "overdue_work_orders.items")


def test_repeat_parties_and_unit_talks_have_the_keys_their_types_name(engine):
    numbers = [report(engine) for _ in range(3)]  # the same parties on each: repeated disputes
    found = engine.repeat_parties("sup")
    same_keys(found, RepeatParties, "repeat_parties")
    assert found["items"]
    for p in found["items"]:
        same_keys(p, RepeatParty, "repeat_parties.items")
        assert p["case_list"]
        for c in p["case_list"]:
            same_keys(c, RepeatCase, "repeat_parties.items.case_list")
    for n in numbers:  # three red cards against one unit in a month list it for a talk
        engine.act(n, "assess", "med1", risk="low", responsible_unit="justice")
        engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
        engine.act(n, "mediate", "med1")
    engine.clock.advance(days=45)
    engine.sweep()
    talks = engine.unit_talks(actor="sup")
    assert talks
    for t in talks:
        same_keys(t, UnitTalk, "unit_talks")


def test_attachments_have_the_keys_their_types_name(db_url, clock, tmp_path):
    from disputeflow import Config, Engine
    from tests.conftest import build_town
    from tests.integration.test_attachments import jpeg

    eng = Engine(Config(url=db_url, attachments={"dir": str(tmp_path / "files"), "max_mb": 1}), clock=clock)
    try:
        eng.init()
        build_town(eng)
        number = report(eng)
        same_keys(eng.attach(number, "go", "IMG_0001.JPG", jpeg()), NewAttachment, "attach")
        listed = eng.attachments(number, "med1")
        assert listed
        for a in listed:
            same_keys(a, AttachmentDoc, "attachments")
    finally:
        eng.close()


def test_every_result_type_is_exported_and_documented():
    from disputeflow.workflow import results

    for name in results.__all__:
        shape = getattr(disputeflow, name)
        assert shape is getattr(results, name) and name in disputeflow.__all__
        assert shape.__doc__ and len(shape.__doc__) > 20, name
