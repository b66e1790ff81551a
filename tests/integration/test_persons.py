"""Key persons (重点人员稳控) on a real database with an injected clock: duties over a simulated month,
exactly-once escalation, contacts, release, access and the audit of every read."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from tests.conftest import PARTIES, report
from disputeflow import NotFound, NotPermitted, ValidationError
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timeutil import LOCAL_TZ, local_date


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def q(engine, sql, **params):
    with runtime_of(engine).db.connect() as c:
        return c.execute(text(sql), params).all()


def escalated(engine, pid=None):
    """(person, item, step, days missed) of every escalation of missed key-person duties, in order."""
    rows = q(engine, "SELECT person_id, data FROM key_person_events WHERE action = 'duty_escalated' ORDER BY id")
    out = [(p, d["item"], d["step"], tuple(d["days_missed"])) for p, d in ((p, json.loads(t)) for p, t in rows)]
    return [r for r in out if pid is None or r[0] == pid]


def occurrences(engine, pid, duty):
    rows = q(engine, "SELECT period_start, due_at, status FROM key_person_duties WHERE person_id = :p AND duty = :d "
                     "ORDER BY period_start", p=pid, d=duty)
    from disputeflow.cases.types import from_db

    return [(from_db(s), from_db(d), st) for s, d, st in rows]


def add_more_people(engine):
    engine.add_user("go2", "网格员小赵", "grid_officer", "v1-g1")
    engine.add_user("lead2", "另一位包案领导", "lead_official", "t1")
    engine.add_user("sup2", "乙村督办员", "supervisor", "v2")


def register(engine, risk="critical", number=None, **over):
    number = number or report(engine)
    fields = dict(name="王大锤", cases=[number], risk=risk, grid_officer="go", lead_official="lead",
                  id_number="110105198001011238", phone="13700001111", address="甲村三组",
                  reasons={"threat": "扬言报复", "mental_state": "情绪激动", "prior_incidents": "曾持刀威胁"})
    fields.update(over)
    return engine.add_person("go", **fields)["id"], number


# --------------------------------------------------------------------------- register and risk floor

def test_registering_links_the_case_and_raises_its_risk_floor_with_an_audit_event(engine):
    pid, number = register(engine)
    c = engine.case(number)
    assert c["risk_floor"] == "high" and c["risk"] == "high" and "key_person" in c["flags"]
    last = engine.history(number)[-1]
    assert last["action"] == "key_person_linked" and last["data"]["person_id"] == pid
    assert last["data"]["person"] == "王**"  # the case log never holds the name
    assert engine.verify_audit()["problems"] == []
    doc = engine.person(pid, "go")
    assert doc["cases"] == [number] and doc["status"] == "controlled"
    assert [d["duty"] for d in doc["plan"]] == ["contact", "report"]


def test_a_bad_registration_names_every_field_and_writes_nothing(engine):
    number = report(engine)
    with pytest.raises(ValidationError) as e:
        engine.add_person("go", name="", cases=[number, "NOPE-1"], risk="severe", grid_officer="med1",
                          lead_official="ghost")
    assert {f.field for f in e.value.errors} == {"name", "cases", "risk", "grid_officer", "lead_official"}
    assert q(engine, "SELECT count(*) FROM key_persons")[0][0] == 0
    assert engine.case(number)["risk"] == "low"


def test_linking_a_second_case_raises_its_floor_too(engine):
    pid, _ = register(engine)
    other = report(engine, title="另一起纠纷")
    assert engine.link_person(pid, other, "go")["linked"] is True
    assert engine.case(other)["risk_floor"] == "high"
    assert engine.link_person(pid, other, "go")["linked"] is False


# --------------------------------------------------------------------------- duties over a simulated month

def test_duties_fall_due_every_calendar_day_weekends_and_holidays_included(engine, clock):
    clock.set(local(2026, 3, 25, 9))
    pid, _ = register(engine, risk="critical")
    end = local(2026, 4, 12, 12)
    t = local(2026, 3, 25, 9)
    while t <= end:
        clock.set(t)
        engine.sweep()
        t += timedelta(hours=7)
    contact = occurrences(engine, pid, "contact")
    days = [local_date(s) for s, _, _ in contact]
    # every calendar day from the first to the last, once each; due at 24:00 local of its day
    assert days == [date(2026, 3, 25) + timedelta(days=i) for i in range(len(days))]
    assert days[-1] == date(2026, 4, 12)
    assert all(d == local(s.year, 1, 1) or local_date(d - timedelta(seconds=1)) == local_date(s) for s, d, _ in contact)
    report_days = [local_date(s) for s, _, _ in occurrences(engine, pid, "report")]
    cal = engine.calendar
    # the daily report is owed every calendar day: weekends and Qingming included
    assert report_days == [date(2026, 3, 25) + timedelta(days=i) for i in range(19)]
    assert any(not cal.is_workday(d) for d in report_days)


def test_weekly_contact_for_high_risk_is_due_each_monday(engine, clock):
    pid, _ = register(engine, risk="high")  # Tuesday 2026-03-03 09:00
    clock.set(local(2026, 3, 31, 10))
    engine.sweep()
    dues = [d for _, d, _ in occurrences(engine, pid, "contact")]
    assert dues == [local(2026, 3, 9), local(2026, 3, 16), local(2026, 3, 23), local(2026, 3, 30), local(2026, 4, 6)]


def _simulate(engine, clock, pid, sweep_times, contacts):
    """Run sweeps at ``sweep_times``; record the contacts (time, method) as their times come."""
    pending = sorted(contacts)
    for t in sweep_times:
        while pending and pending[0][0] <= t:
            at, method = pending.pop(0)
            clock.set(at)
            engine.record_contact(pid, "go", method=method)
        clock.set(t)
        engine.sweep()


def test_missed_duties_escalate_exactly_once_each_whatever_the_sweeps(engine, clock, tmp_path):
    from disputeflow import Engine
    from tests.conftest import build_town

    start = local(2026, 3, 3, 9)
    end = local(2026, 3, 20, 18)
    # visits on some days, nothing on the others
    visits = [(local(2026, 3, d, 15), "visit") for d in (3, 4, 6, 9, 10, 11, 13, 16, 17)]

    pid, _ = register(engine)
    hourly = []
    t = start
    while t <= end:
        hourly.append(t)
        t += timedelta(hours=1)
    _simulate(engine, clock, pid, hourly, visits)
    again = list(hourly[-5:])  # repeated sweeps at the same instants change nothing
    _simulate(engine, clock, pid, again, [])
    frequent = escalated(engine, pid)

    # the same month with sweeps only twice a day, then one very late sweep
    other_url = f"sqlite:///{tmp_path / 'late.db'}"  # a second, independent database for the late-sweep run
    clock2 = type(clock)(start)
    eng2 = Engine(other_url, clock=clock2)
    eng2.init()
    build_town(eng2)
    pid2, _ = register(eng2)
    assert pid2 == pid
    sparse = [t for t in hourly if to_local_hour(t) in (8, 20)]
    _simulate(eng2, clock2, pid2, sparse, visits)
    clock2.set(end)
    eng2.sweep()
    eng2.sweep()
    late = escalated(eng2, pid2)
    eng2.close()

    assert frequent == late
    # one item per run of missed days (a visit closes it), each step once; it names the days missed
    items = {}
    for _p, item, step, days in frequent:
        items.setdefault(item, []).append((step, days))
    for steps in items.values():
        assert [st for st, _ in steps] == ["level1", "level2", "level3"][:len(steps)]
    lapses = [json.loads(d) for (d,) in q(engine, "SELECT days FROM key_person_lapses WHERE person_id = :p "
                                                      "ORDER BY id", p=pid)]
    # contact was missed on the days without a visit (up to the end of the run), one item per run of days
    assert [sorted(d) for d in lapses] == [[f"2026-03-{d:02d}" for d in run]
                                           for run in ((5,), (7, 8), (12,), (14, 15), (18, 19))]
    assert len(items) == len(lapses)


def to_local_hour(t):
    return t.astimezone(LOCAL_TZ).hour


def test_a_contact_closes_the_item_and_escalations_reach_the_persons_officials(engine, clock):
    pid, number = register(engine)
    clock.set(local(2026, 3, 3, 21, 30))
    engine.sweep()
    assert escalated(engine, pid) == []  # the day is still running: nothing is missed yet
    engine.record_contact(pid, "go", method="visit", state="情绪平稳")
    clock.set(local(2026, 3, 12, 12))
    engine.sweep()
    steps = escalated(engine, pid)
    # eight missed days (4th–11th) make one item: yellow, orange and red once each, naming every day
    assert [st for _, _, st, _ in steps] == ["level1", "level2", "level3"]
    assert steps[-1][3] == tuple(f"2026-03-{d:02d}" for d in range(4, 12))
    events = q(engine, "SELECT event, audience FROM outbox WHERE event LIKE 'person.duty_%' ORDER BY id")
    by_event = {}
    for ev, aud in events:
        by_event.setdefault(ev, set()).update(json.loads(aud))
    assert "user:go" in by_event["person.duty_level1"]
    assert by_event["person.duty_level2"] == {"user:lead"}
    assert by_event["person.duty_level3"] == {"role:supervisor@/t1/v1/v1-g1/"}
    assert all("王大锤" not in r[0] for r in q(engine, "SELECT payload FROM outbox"))
    # a critical person's red card lists the item (policy by risk); the case keeps its own supervision state
    assert q(engine, "SELECT listed, closed_at FROM key_person_lapses WHERE person_id = :p", p=pid) == [(True, None)]
    engine.sweep()
    assert len(escalated(engine, pid)) == 3
    engine.record_contact(pid, "go", method="visit")
    assert q(engine, "SELECT closed_reason FROM key_person_lapses WHERE person_id = :p", p=pid) == [("met",)]
    assert engine.verify_audit()["problems"] == [] and engine.verify_person_audit()["problems"] == []


def test_a_phone_call_meets_the_report_but_not_the_face_to_face_contact(engine, clock):
    pid, _ = register(engine)
    clock.set(local(2026, 3, 3, 11))
    out = engine.record_contact(pid, "go", method="phone")
    assert out["met"] == ["report"]
    out = engine.record_contact(pid, "go", method="visit")
    assert out["met"] == ["contact"]


def test_an_alarming_contact_raises_the_risk_and_tells_the_lead_official_at_once(engine, clock):
    pid, _ = register(engine, risk="high")
    clock.set(local(2026, 3, 4, 10))
    out = engine.record_contact(pid, "go", method="visit", state="扬言要报复", alarming=True)
    assert out["risk"] == "critical" and out["risk_raised"]
    rows = q(engine, "SELECT audience, payload FROM outbox WHERE event = 'person.alarm'")
    assert len(rows) == 1 and json.loads(rows[0][0]) == ["user:lead"]
    assert json.loads(rows[0][1])["risk_to"] == "critical"
    # the weekly contact became daily from the alarm on, and the alarming visit itself met today's
    contact = occurrences(engine, pid, "contact")
    assert [st for _, _, st in contact] == ["cancelled", "met"]
    assert contact[1][1] == local(2026, 3, 5)
    clock.set(local(2026, 3, 6, 10))
    engine.sweep()
    assert [local_date(s) for s, _, st in occurrences(engine, pid, "contact") if st != "cancelled"] == [
        date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 6)]


def test_release_needs_a_supervisor_a_reason_and_resolved_cases_and_stops_every_duty(engine, clock):
    pid, number = register(engine)
    clock.set(local(2026, 3, 6, 10))
    engine.sweep()
    with pytest.raises(NotPermitted):
        engine.release_person(pid, "lead", reason="已化解")
    with pytest.raises(ValidationError) as e:
        engine.release_person(pid, "sup", reason="")
    assert {f.field for f in e.value.errors} == {"reason", "cases"}
    engine.act(number, "assess", "med1", risk="high")
    engine.act(number, "control", "med1", measures="专人盯守")
    engine.act(number, "assign_lead", "sup", official="lead")
    engine.act(number, "plan", "med1", team="调解组", plan="方案")
    engine.act(number, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(number, "mediate", "med1")
    engine.act(number, "resolve", "med1", outcome="agreement", agreement="赔偿")
    engine.release_person(pid, "sup", reason="纠纷已化解，情绪稳定")
    assert q(engine, "SELECT closed_reason FROM key_person_lapses WHERE person_id = :p", p=pid) == [("released",)]
    before = escalated(engine, pid)
    n_occ = q(engine, "SELECT count(*) FROM key_person_duties WHERE person_id = :p", p=pid)[0][0]
    clock.set(local(2026, 3, 30, 10))
    engine.sweep()
    assert escalated(engine, pid) == before
    assert q(engine, "SELECT count(*) FROM key_person_duties WHERE person_id = :p", p=pid)[0][0] == n_occ
    with pytest.raises(ValidationError):
        engine.record_contact(pid, "go", method="visit")
    with pytest.raises(ValidationError):
        engine.release_person(pid, "sup", reason="再次")


def test_closing_the_anchor_case_does_not_stop_the_duties(engine, clock):
    pid, number = register(engine)
    engine.act(number, "withdraw", "med1", reason="当事人撤回")
    open_now = q(engine, "SELECT count(*) FROM key_person_duties WHERE person_id = :p AND status = 'open'", p=pid)
    assert open_now[0][0] == 2


# --------------------------------------------------------------------------- reads, access, audit

def test_only_the_officer_the_lead_and_supervisors_of_the_jurisdiction_see_details(engine):
    add_more_people(engine)
    pid, _ = register(engine)
    for who in ("go", "lead", "sup"):
        doc = engine.person(pid, who)
        assert doc["name"] == "王大锤" and not doc["masked"]
        assert doc["reasons"]["threat"] == "扬言报复" and doc["phone"] == "13700001111"
    for who in ("go2", "med1", "admin"):  # in the jurisdiction, not in charge: masked
        doc = engine.person(pid, who)
        assert doc["name"] == "王**" and doc["masked"]
        assert "reasons" not in doc and "phone" not in doc and "contacts" not in doc
    for who in ("med2", "sup2"):  # outside the jurisdiction
        with pytest.raises(NotPermitted):
            engine.person(pid, who)
    assert engine.person(pid, "lead2")["masked"]  # a lead official of the town, but not this person's
    with pytest.raises(NotFound):
        engine.person(9999, "sup")
    # lists follow the same rule
    assert [p["name"] for p in engine.persons("go")] == ["王大锤"]
    assert [p["name"] for p in engine.persons("go2")] == ["王**"]
    assert engine.persons("med2") == []
    # writes too
    for who in ("go2", "med1", "admin", "lead2"):
        with pytest.raises(NotPermitted):
            engine.record_contact(pid, who, method="visit")
    with pytest.raises(NotPermitted):
        engine.record_contact(pid, "med2", method="visit")
    with pytest.raises(NotPermitted):
        engine.add_person("med2", name="某某", cases=[report(engine)], risk="high", grid_officer="go",
                          lead_official="lead")
    with pytest.raises(NotPermitted):  # administrators keep the system, not the register
        engine.add_person("admin", name="某某", cases=[report(engine)], risk="high", grid_officer="go",
                          lead_official="lead")
    for who in ("sup2", "go", "lead", "admin", "med1"):  # release: a supervisor of the jurisdiction only
        with pytest.raises(NotPermitted):
            engine.release_person(pid, who, reason="已化解")
    with pytest.raises(NotPermitted):
        engine.link_person(pid, report(engine), "go2")
    with pytest.raises(NotPermitted):
        engine.persons(None)


def test_the_register_lists_exactly_the_persons_each_reader_may_open_and_masks_them_alike(engine):
    """Lists filter in SQL, a single person is checked in Python: both must draw the same line for every reader."""
    add_more_people(engine)
    in_v1, _ = register(engine)
    in_v1_other, _ = register(engine, risk="high", grid_officer="go2", lead_official="lead2", name="李二")
    v2_case = engine.report("med2", title="土地纠纷", category="neighbour", unit="v2", parties=PARTIES).number
    in_v2 = engine.add_person("med2", name="赵六", cases=[v2_case], risk="medium", grid_officer="go",
                              lead_official="lead2")["id"]
    everyone = (in_v1, in_v1_other, in_v2)
    for reader in ("go", "go2", "med1", "med2", "med-j", "lead", "lead2", "sup", "sup2", "admin"):
        listed = {p["id"]: p["masked"] for p in engine.persons(reader)}
        opened = {}
        for pid in everyone:
            try:
                opened[pid] = engine.person(pid, reader)["masked"]
            except NotPermitted:
                pass
        assert listed == opened, reader
    # the rule has each of its branches exercised: by unit, by being in charge, and not at all
    assert {p["id"] for p in engine.persons("go")} == {in_v1, in_v1_other, in_v2}  # v2 only as its officer
    assert {p["id"] for p in engine.persons("go2")} == {in_v1, in_v1_other}
    assert {p["id"] for p in engine.persons("sup2")} == {in_v2}
    assert {p["id"] for p in engine.persons("med-j")} == set()


def test_every_read_is_written_to_the_persons_audit_log(engine):
    add_more_people(engine)
    pid, _ = register(engine)
    engine.person(pid, "go")
    engine.person(pid, "go2")
    engine.persons("sup")
    engine.contacts_due("go")
    reads = q(engine, "SELECT actor, data FROM key_person_events WHERE person_id = :p AND action = 'read' "
                      "ORDER BY seq", p=pid)
    assert [(a, json.loads(d)["view"], json.loads(d)["masked"]) for a, d in reads] == [
        ("go", "detail", False), ("go2", "detail", True), ("sup", "list", False), ("go", "contacts_due", False)]
    assert engine.verify_person_audit()["problems"] == []
    with runtime_of(engine).db.begin() as c:
        c.execute(text("UPDATE key_person_events SET actor = 'nobody' WHERE person_id = :p AND seq = 2"), {"p": pid})
    assert engine.verify_person_audit()["problems"]


def test_contacts_due_today_for_a_grid_officer(engine, clock):
    add_more_people(engine)
    pid, _ = register(engine)
    other, _ = register(engine, risk="high", name="李某", grid_officer="go2")
    clock.set(local(2026, 3, 3, 10))
    today = engine.contacts_due("go")
    assert {(r["person_id"], r["duty"], r["status"]) for r in today} == {(pid, "contact", "due"), (pid, "report", "due")}
    engine.record_contact(pid, "go", method="visit")
    assert {r["status"] for r in engine.contacts_due("go")} == {"met"}
    # a future day is projected from the plan; a Saturday has the daily contact and the daily report
    sat = engine.contacts_due("go", date(2026, 3, 7))
    assert [(r["duty"], r["due_at"]) for r in sat] == [("contact", "2026-03-08T00:00:00+08:00"),
                                                       ("report", "2026-03-08T00:00:00+08:00")]
    assert {r["person_id"] for r in engine.contacts_due("sup")} == {pid, other}
    assert engine.contacts_due("go2")[0]["person_id"] == other


def test_control_rate_counts_persons_whose_duties_were_all_met(engine, clock):
    a, _ = register(engine)
    b, _ = register(engine, name="赵某")
    for d in (3, 4, 5):
        clock.set(local(2026, 3, d, 10))
        engine.record_contact(a, "go", method="visit")
        if d != 4:
            engine.record_contact(b, "go", method="visit")
        engine.sweep()
    clock.set(local(2026, 3, 6, 1))
    engine.sweep()
    rate = engine.control_rate("t1", local(2026, 3, 3), local(2026, 3, 6))
    assert rate["under_control"] == 2 and rate["all_duties_met"] == 1 and rate["rate"] == 0.5
    assert rate["occurrences_due"] == 12 and rate["occurrences_missed"] == 2  # b's contact and report on the 4th
    assert engine.control_rate("v2", local(2026, 3, 3), local(2026, 3, 6))["rate"] is None


def test_concurrent_sweepers_roll_and_escalate_each_occurrence_exactly_once(db_url, engine, clock):
    import threading

    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    ids = [register(engine, name=f"人员{i}")[0] for i in range(12)]
    at = local(2026, 3, 16, 10)
    errors, barrier = [], threading.Barrier(3)

    def worker():
        eng = Engine(db_url, clock=FixedClock(at))
        try:
            barrier.wait()
            for _ in range(2):
                eng.sweep(batch=7)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            eng.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    # 3..16 March: 14 daily contacts and 10 workday reports per person, each once
    per_person = q(engine, "SELECT person_id, duty, count(*), count(DISTINCT period_start) FROM key_person_duties "
                           "GROUP BY person_id, duty")
    assert sorted({(d, n, m) for _, d, n, m in per_person}) == [("contact", 14, 14), ("report", 14, 14)]
    assert len(per_person) == 2 * len(ids)
    steps = escalated(engine)
    assert len(steps) == len(set(steps)) > 0
    # one item per person, each step once: 3..15 March missed, so yellow, orange and red for each
    assert sorted(steps) == sorted({(p, i, s, d) for p, i, s, d in steps})
    assert len(steps) == 3 * len(ids)
    notices = q(engine, "SELECT count(*) FROM outbox WHERE event LIKE 'person.duty_%'")[0][0]
    assert notices == len(steps)
    assert engine.verify_audit()["problems"] == [] and engine.verify_person_audit()["problems"] == []


def test_a_paper_record_entered_late_meets_the_day_it_happened_and_bad_times_are_refused(engine, clock):
    pid, _ = register(engine)
    clock.set(local(2026, 3, 4, 21, 30))
    engine.sweep()  # the 3rd was missed: its item is yellow
    assert [(st, d) for _, _, st, d in escalated(engine, pid)] == [("level1", ("2026-03-03",))]
    out = engine.record_contact(pid, "go", method="visit", at=local(2026, 3, 4, 10), note="纸质记录补录")
    assert out["met"] == ["contact", "report"]
    statuses = {local_date(s): st for s, _, st in occurrences(engine, pid, "contact")}
    assert statuses == {date(2026, 3, 3): "missed", date(2026, 3, 4): "met"}
    # a record for a missed day, entered late, meets that day too
    out = engine.record_contact(pid, "go", method="visit", at=local(2026, 3, 3, 16), note="纸质记录补录")
    assert out["met"] == ["contact", "report"]
    with pytest.raises(ValidationError) as e:
        engine.record_contact(pid, "go", method="visit", at=local(2026, 3, 7))
    assert e.value.errors[0].field == "at"
    with pytest.raises(ValidationError):
        engine.record_contact(pid, "go", method="visit", at=local(2026, 3, 1))
    with pytest.raises(ValidationError) as e:
        engine.add_person("go", name="某群体", kind="group", cases=[report(engine)], risk="high", grid_officer="go",
                          lead_official="lead", reasons={"colour": "red"})
    assert {f.field for f in e.value.errors} == {"group_size", "reasons"}
    assert engine.add_person("go", name="讨薪群体", kind="group", group_size=12, cases=[report(engine)], risk="medium",
                             grid_officer="go", lead_official="lead")["duties"] == {"report": "every 1 day(s)"}
