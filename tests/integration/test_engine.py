"""The engine on a real database (SQLite file and PostgreSQL), driven through the facade."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.conftest import PARTIES, report
from disputeflow import Conflict, Engine, InvalidAction, NotFound, NotPermitted, ValidationError
from disputeflow.workflow.runtime import runtime_of


def count(engine, sql, **params):
    with runtime_of(engine).db.connect() as c:
        return c.execute(text(sql), params).scalar()


def test_low_risk_case_runs_the_whole_cycle(engine, clock):
    n = report(engine)
    assert engine.case(n)["state"] == "reported"
    engine.act(n, "assign", "sup", mediator="med1")
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(n, "mediate", "med1")
    clock.advance(days=3)
    engine.act(n, "resolve", "med1", outcome="agreement", agreement="张三让出 30 厘米")
    engine.act(n, "follow_up", "go", method="visit", satisfaction="satisfied", relapse_risk="low", performance="full")
    engine.act(n, "close", "sup")
    doc = engine.case(n)
    assert doc["state"] == "closed" and doc["closed_at"]
    assert [h["action"] for h in engine.history(n)] == [
        "report", "assign", "assess", "inform", "mediate", "resolve", "follow_up", "close"]
    assert all(k["status"] == "stopped" for k in doc["deadlines"])
    assert {k["clock"] for k in doc["deadlines"]} == {"assess", "tier", "resolve", "follow_up", "close", "confirmation"}
    assert engine.verify_audit()["problems"] == []


def test_case_numbers_carry_town_and_year_and_count_up(engine):
    a, b = report(engine), report(engine)
    assert a == "试点-2026-000001" and b == "试点-2026-000002"


def test_intake_raises_the_risk_floor(engine):
    many = [{"name": f"工人{i}"} for i in range(5)]
    assert engine.case(report(engine, parties=many))["risk"] == "high"
    assert engine.case(report(engine, flags=["civil_to_criminal"]))["risk"] == "high"
    assert engine.case(report(engine, flags=["key_person"]))["risk"] == "high"
    assert engine.case(report(engine, flags=["violence"]))["risk"] == "critical"
    assert engine.case(report(engine, parties=[{"name": "新当事人"}]))["risk"] == "low"
    assert engine.case(report(engine))["risk"] == "medium"  # the same parties have open cases: a repeated dispute


def test_assessment_cannot_go_below_the_floor(engine):
    n = report(engine, flags=["violence"])
    out = engine.act(n, "assess", "med1", risk="low")
    assert out.data["risk_raised_to_floor"] == "critical"
    assert engine.case(n)["risk"] == "critical"


def test_high_risk_needs_control_lead_and_plan_before_mediation(engine):
    n = report(engine, flags=["civil_to_criminal"])
    engine.act(n, "assess", "med1", risk="high")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
        engine.act(n, "mediate", "med1")
    assert {f.field for f in e.value.errors} == {"measures", "lead_official", "plan"}
    engine.act(n, "assign_lead", "sup", official="lead")
    engine.act(n, "control", "lead", measures="每日见面")
    engine.act(n, "plan", "med1", team="专班", plan="方案")
    assert engine.act(n, "mediate", "med1").to_state == "mediating"


def test_close_needs_a_satisfied_follow_up_and_no_supervision(engine, clock):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(n, "mediate", "med1")
    engine.act(n, "resolve", "med1", outcome="agreement", agreement="协议")
    engine.act(n, "follow_up", "med1", method="phone", satisfaction="dissatisfied")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "close", "sup")
    assert e.value.errors[0].field == "follow_ups"
    engine.act(n, "follow_up", "med1", method="visit", satisfaction="basically_satisfied", performance="full")
    engine.act(n, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-20T17:00+08:00")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "close", "sup")
    assert e.value.errors[0].field == "supervision"
    engine.act(n, "delist", "sup")
    assert engine.act(n, "close", "sup").to_state == "closed"


def test_agreement_text_is_required_when_agreed(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(n, "mediate", "med1")
    with pytest.raises(ValidationError) as e:
        engine.act(n, "resolve", "med1", outcome="agreement")
    assert e.value.errors[0].field == "agreement"
    out = engine.act(n, "resolve", "med1", outcome="no_agreement", legal_channel="litigation")
    assert out.to_state == "resolved"


def test_reopen_after_closure_restarts_the_resolution_clock(engine, clock):
    n = report(engine)
    for a, who, kw in [("assess", "med1", {"risk": "low"}),
                       ("inform", "med1", {"informed_parties": "张三、李四", "method": "oral"}), ("mediate", "med1", {}),
                       ("resolve", "med1", {"outcome": "agreement", "agreement": "x"}),
                       ("follow_up", "go", {"method": "visit", "satisfaction": "satisfied", "performance": "full"}),
                       ("close", "sup", {})]:
        engine.act(n, a, who, **kw)
    clock.advance(days=10)
    out = engine.act(n, "reopen", "med1", reason="反弹")
    assert out.to_state == "mediating"
    doc = engine.case(n)
    running = [k for k in doc["deadlines"] if k["status"] == "running"]
    assert [k["clock"] for k in running] == ["resolve"]
    assert doc["closed_at"] is None and doc["data"]["reopenings"][0]["reason"] == "反弹"


def test_refer_and_withdraw_end_the_case(engine):
    a, b = report(engine), report(engine)
    engine.act(a, "assess", "med1", risk="low")
    assert engine.act(a, "refer", "med1", to="court").to_state == "referred"
    assert engine.act(b, "withdraw", "med1", reason="双方和解").to_state == "withdrawn"
    assert all(k["status"] == "stopped" for k in engine.case(b)["deadlines"])


def test_invalid_action_lists_what_is_allowed(engine):
    n = report(engine)
    with pytest.raises(InvalidAction) as e:
        engine.act(n, "close", "sup")
    assert "assess" in e.value.allowed and "close" not in e.value.allowed
    assert "已登记" in e.value.message()


def test_roles_and_jurisdiction_are_enforced(engine):
    n = report(engine)
    with pytest.raises(NotPermitted):
        engine.act(n, "assess", "go", risk="low")  # grid officers do not assess
    with pytest.raises(NotPermitted):
        engine.act(n, "assess", "med2", risk="low")  # another village
    with pytest.raises(NotPermitted):
        engine.case(n, "med2")
    engine.act(n, "assign", "sup", responsible_unit="justice")
    engine.act(n, "assess", "med-j", risk="low")  # the responsible office may act
    with pytest.raises(NotPermitted):
        engine.report("med2", title="x", category="other", unit="v1-g1", parties=["甲"])
    with pytest.raises(NotFound):
        engine.act("试点-2026-999999", "assess", "med1", risk="low")


def test_bad_input_names_every_field_and_writes_nothing(engine):
    before = count(engine, "SELECT count(*) FROM audit_events")
    with pytest.raises(ValidationError) as e:
        engine.report("go", title="", category="quarrel", unit="v1-g1",
                      parties=[{"name": "张三", "phone": "12345", "id_number": "110105194912310021"}])
    fields = {f.field for f in e.value.errors}
    assert {"title", "category", "parties[1].phone", "parties[1].id_number"} <= fields
    with pytest.raises(ValidationError) as e:
        engine.report("go", title="t", category="neighbour", unit="v1-g1", parties=[])
    assert e.value.errors[0].field == "parties"
    n = report(engine)
    with pytest.raises(ValidationError) as e:
        engine.act(n, "assess", "med1", risk="low", colour="red")
    assert e.value.errors[0].field == "colour"
    with pytest.raises(ValidationError) as e:
        engine.act(n, "supervise", "sup", level="town", authority="镇", deadline="2026-03-20 17:00")
    assert e.value.errors[0].field == "deadline" and "时区" in e.value.errors[0].zh
    assert count(engine, "SELECT count(*) FROM audit_events") == before + 1
    assert count(engine, "SELECT count(*) FROM cases") == 1


def test_a_party_added_later_is_masked_in_history_for_roles_that_do_not_need_it(engine):
    n = report(engine)
    engine.act(n, "add_party", "med1", party="王五:other:13900002222")
    full = [h for h in engine.history(n, "med1") if h["action"] == "add_party"][0]["data"]
    masked = [h for h in engine.history(n, "go") if h["action"] == "add_party"][0]["data"]
    assert "13900002222" in json.dumps(full, ensure_ascii=False)
    assert "13900002222" not in json.dumps(masked, ensure_ascii=False)
    assert "139****2222" in json.dumps(masked, ensure_ascii=False)


def test_chinese_labels_and_full_width_digits_are_accepted(engine):
    n = engine.report("go", title="t", category="邻里纠纷", unit="v1-g1",
                      parties=["王五:被申请人:１３８１２３４８０００"]).number
    doc = engine.case(n, "med1")
    assert doc["category"] == "neighbour"
    assert doc["parties"][0]["role"] == "respondent" and doc["parties"][0]["phone"] == "13812348000"


def test_personal_data_is_masked_for_roles_that_do_not_need_it(engine):
    n = report(engine)
    full = engine.case(n, "med1")["parties"][0]
    masked = engine.case(n, "go")["parties"][0]
    assert full["phone"] == "13812348000" and full["id_number"] == "11010519491231002X"
    assert masked["phone"] == "138****8000" and masked["id_number"] == "**************002X"
    hist = engine.history(n, "go")[0]["data"]["parties"][0]
    assert hist["phone"] == "138****8000"


def test_second_writer_with_a_stale_version_gets_a_conflict(db_url, engine):
    n = report(engine)
    seen = engine.case(n)["version"]
    other = Engine(db_url, clock=engine.clock)  # a second process's connection pool
    try:
        other.act(n, "assess", "med1", risk="medium", expected_version=seen)
        events = count(engine, "SELECT count(*) FROM audit_events")
        with pytest.raises(Conflict):
            engine.act(n, "note", "med1", text="我看到的是旧版本", expected_version=seen)
        assert count(engine, "SELECT count(*) FROM audit_events") == events
        assert engine.case(n)["risk"] == "medium"
    finally:
        other.close()


@pytest.mark.parametrize("first", [("note", {"text": "抢先一步"}), ("assess", {"risk": "high"})],
                         ids=["case-only", "same-clock-started"])
def test_a_change_between_the_read_and_the_write_is_a_conflict_and_writes_nothing(db_url, engine, monkeypatch, first):
    """PostgreSQL reads the case without a lock: another command may commit before this one writes. The write
    (the case update with the audit event and the outbox row, one statement) then changes nothing; when the
    other command started the clock this one starts, the clock's unique index refuses it first — a conflict
    too, not a database error."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite: BEGIN IMMEDIATE serialises writers, so nothing can come between a command's read and its write")
    from disputeflow.workflow import commands

    n = report(engine)
    engine.act(n, "assign", "med1", mediator="med1")  # a mediator to tell: the commands below write outbox rows
    other = Engine(db_url, clock=engine.clock)
    real = commands.decide
    fired = []

    def decide_then_interfere(*args, **kwargs):
        out = real(*args, **kwargs)
        if not fired:
            fired.append(1)
            other.act(n, first[0], "med1", **first[1])  # commits on its own connection before the write
        return out

    monkeypatch.setattr(commands, "decide", decide_then_interfere)
    try:
        events = count(engine, "SELECT count(*) FROM audit_events")
        with pytest.raises(Conflict) as caught:
            engine.act(n, "assess", "med1", risk="high")
        assert fired and "已被他人修改" in caught.value.message("zh_CN")
        # the other command's event only; none of this one's rows
        assert count(engine, "SELECT count(*) FROM audit_events") == events + 1
        assert count(engine, "SELECT count(*) FROM audit_events WHERE action = 'assess'") == (first[0] == "assess")
        # this command's outbox row (assess tells the mediator) is not there; the other's, if it was an assess, is
        assert count(engine, "SELECT count(*) FROM outbox WHERE event = 'assess'") == (first[0] == "assess")
        assert engine.history(n)[-1]["action"] == first[0]
        assert engine.verify_audit()["problems"] == []
        if first[0] == "note":
            assert engine.case(n)["state"] == "reported"
            engine.act(n, "assess", "med1", risk="high")  # read again, it goes through
            assert engine.case(n)["state"] != "reported"
    finally:
        other.close()


def test_a_command_that_fails_after_its_clock_writes_leaves_no_clock_changed(engine, monkeypatch):
    """Clock rows and the case change commit together: the first write of several opens the transaction."""
    from disputeflow.cases.store import Tx

    n = report(engine)
    before = engine.case(n)
    clocks = count(engine, "SELECT count(*) FROM clocks WHERE stopped_at IS NULL")

    def fail(self, *a, **k):
        raise RuntimeError("disk full")  # after the clock rows were sent

    monkeypatch.setattr(Tx, "change_case", fail)
    with pytest.raises(RuntimeError):
        engine.act(n, "assess", "med1", risk="high")  # stops assess, starts control
    assert count(engine, "SELECT count(*) FROM clocks WHERE stopped_at IS NULL") == clocks
    assert count(engine, "SELECT count(*) FROM clocks WHERE name = 'control'") == 0
    assert engine.case(n)["deadlines"] == before["deadlines"] and engine.case(n)["version"] == before["version"]
    monkeypatch.undo()
    engine.act(n, "assess", "med1", risk="high")
    assert count(engine, "SELECT count(*) FROM clocks WHERE name = 'control'") == 1


def test_pooled_connections_go_back_to_beginning_transactions_by_themselves(engine):
    """A PostgreSQL command runs in autocommit until it writes; the pool's other users must not inherit that."""
    from disputeflow import NotFound

    n = report(engine)
    engine.act(n, "note", "med1", text="一句")  # one statement
    with pytest.raises(NotFound):
        engine.act("不存在-1", "note", "med1", text="x")
    with pytest.raises(ValidationError):
        engine.act(n, "assess", "med1", risk="extreme")
    engine.act(n, "assess", "med1", risk="high")  # several statements
    events = count(engine, "SELECT count(*) FROM audit_events")
    with pytest.raises(RuntimeError):
        with runtime_of(engine).store.write() as tx:  # on whichever pooled connection: rolled back as a whole
            tx.execute("UPDATE cases SET title = 'x' WHERE number = :n", {"n": n})
            tx.execute("DELETE FROM outbox")
            raise RuntimeError("changed my mind")
    assert engine.case(n)["title"] != "x" and count(engine, "SELECT count(*) FROM audit_events") == events
    if not runtime_of(engine).store.is_sqlite:
        conns = [runtime_of(engine).db.raw_connection() for _ in range(3)]
        try:
            assert [c.dbapi_connection.autocommit for c in conns] == [False] * 3
        finally:
            for c in conns:
                c.close()


def test_concurrent_updates_from_two_connections(db_url, engine):
    """Two transactions read the same version; the one that commits second is refused."""
    import threading

    n = report(engine)
    version = engine.case(n)["version"]
    engines = [Engine(db_url, clock=engine.clock) for _ in range(2)]
    results: list = []
    barrier = threading.Barrier(2)

    def worker(e, risk):
        barrier.wait()
        try:
            e.act(n, "assess", "med1", risk=risk, expected_version=version)
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except InvalidAction:
            results.append("conflict")  # the winner moved the state first

    threads = [threading.Thread(target=worker, args=(e, r)) for e, r in zip(engines, ("low", "medium"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.close()
    assert sorted(results) == ["conflict", "ok"]
    assert count(engine, "SELECT count(*) FROM audit_events") == 2


def test_audit_verify_detects_tampering_and_deletion(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "note", "med1", text="原始记录")
    assert engine.verify_audit()["problems"] == []
    with runtime_of(engine).db.begin() as c:
        c.execute(text("UPDATE audit_events SET data = :d WHERE seq = 3"), {"d": '{"text":"篡改后的记录"}'})
    problems = engine.verify_audit()["problems"]
    assert problems and problems[0].seq == 3
    with runtime_of(engine).db.begin() as c:
        c.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    assert any(p.seq is None for p in engine.verify_audit()["problems"])


def test_the_rows_a_command_writes_follow_their_statements_parameter_order(engine, monkeypatch):
    """The writer builds the audit and outbox rows of a decision as tuples; each value must sit at its
    statement's parameter."""
    from disputeflow.cases.store import _PARAM, STATEMENTS, Tx

    seen = []
    real = Tx.change_case
    monkeypatch.setattr(Tx, "change_case", lambda self, cols, case, audit, outbox, conflict: (
        seen.append((audit, outbox)), real(self, cols, case, audit, outbox, conflict))[1])
    n = report(engine)
    engine.act(n, "assign", "med1", mediator="med1")
    d_audit, d_outbox = seen[-1]
    audit = dict(zip(_PARAM.findall(STATEMENTS["insert_audit"]), d_audit))
    outbox = dict(zip(_PARAM.findall(STATEMENTS["insert_outbox"]), d_outbox))
    assert len(d_audit) == len(audit) and len(d_outbox) == len(_PARAM.findall(STATEMENTS["insert_outbox"]))
    stored = engine.history(n, "med1")[-1]
    assert (audit["actor"], audit["action"], audit["seq"]) == ("med1", "assign", stored["seq"])
    assert (audit["from_state"], audit["to_state"]) == ("reported", "reported")
    assert audit["hash"] == stored["hash"] and len(audit["prev_hash"]) == 64 and audit["prev_hash"] != audit["hash"]
    assert json.loads(audit["data"])["mediator"] == "med1"
    assert (outbox["event"], outbox["case_number"], outbox["actor"]) == ("assign", n, "med1")
    assert outbox["case_id"] == audit["case_id"] and "user:med1" in json.loads(outbox["audience"])
    assert json.loads(outbox["payload"])["seq"] == stored["seq"]
    assert d_outbox[0] == d_outbox[-1] == audit["at"]  # "now" twice: created and first due


def test_init_is_idempotent(engine):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="high")
    tables = ("cases", "audit_events", "outbox", "clocks", "parties", "users", "units")
    before = {t: count(engine, f"SELECT count(*) FROM {t}") for t in tables}
    doc, hist = engine.case(n, "med1"), engine.history(n, "med1")
    assert engine.init() == engine.init()
    assert {t: count(engine, f"SELECT count(*) FROM {t}") for t in tables} == before  # nothing dropped or added
    assert engine.case(n, "med1") == doc and engine.history(n, "med1") == hist
    assert engine.verify_audit()["problems"] == []


def test_actions_list_only_what_the_actor_may_do(engine):
    n = report(engine)
    names = [a["action"] for a in engine.actions(n, "med1")]
    assert "assess" in names and "close" not in names and "supervise" not in names
    sup = {a["action"]: a for a in engine.actions(n, "sup")}
    assert "supervise" in sup and "delist" in sup and not sup["delist"]["available"]
    assess = sup["assess"]
    assert assess["fields"][0]["name"] == "risk" and "critical" in assess["fields"][0]["choices"]


def test_listeners_are_called_after_commit(engine):
    seen = []
    engine.on("assess", lambda o: seen.append((o.number, o.to_state)))
    engine.on("*", lambda o: seen.append(o.event))
    engine.on("assess", lambda o: 1 / 0)  # a broken listener does not undo the change
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    assert seen == ["report", (n, "assessed"), "assess"]
    assert engine.case(n)["state"] == "assessed"


def test_add_party_can_raise_the_risk_floor(engine):
    n = report(engine)
    for i in range(3):
        engine.act(n, "add_party", "med1", party=f"村民{i}:other")
    assert engine.case(n)["party_count"] == 5 and engine.case(n)["risk"] == "high"


def test_unit_ids_may_not_hold_like_wildcards(engine):
    """Jurisdiction is a LIKE on the unit path: "v_1" would otherwise also match "vx1"."""
    from disputeflow.workflow.errors import ValidationError

    for bad in ("v_1", "v%1", "a/b", "v\\1"):
        with pytest.raises(ValidationError) as err:
            engine.add_unit(bad, "某村", "village", "t1")
        assert [e.field for e in err.value.errors] == ["id"]
        assert "连字符" in err.value.errors[0].zh
    assert engine.add_unit("v-3", "丙村", "village", "t1")["id"] == "v-3"


def test_the_user_an_action_names_is_read_with_the_case_and_checked_as_before(engine, monkeypatch):
    """``assign`` reads its mediator in the case's own statement; every answer is the lookup's answer."""
    from collections import Counter

    from disputeflow.cases.store import Tx

    seen = Counter()
    real = Tx.one

    def one(self, name, *a, **kw):
        seen[name] += 1
        return real(self, name, *a, **kw)

    monkeypatch.setattr(Tx, "one", one)
    number = report(engine)
    with pytest.raises(ValidationError) as e:
        engine.act(number, "assign", "sup", mediator="ghost")
    assert [(f.field, f.zh) for f in e.value.errors] == [("mediator", "用户“ghost”不存在")]
    with pytest.raises(ValidationError) as e:
        engine.act(number, "assign", "sup", mediator="go")  # a grid officer, not a mediator
    assert [f.field for f in e.value.errors] == ["mediator"]
    with runtime_of(engine).store.engine.begin() as c:
        c.execute(text("UPDATE users SET active = :f WHERE id = 'med2'"), {"f": False})
    with pytest.raises(ValidationError) as e:
        engine.act(number, "assign", "sup", mediator="med2")  # no longer active
    assert [(f.field, f.zh) for f in e.value.errors] == [("mediator", "用户“med2”已停用，不能再指定")]
    seen.clear()
    out = engine.act(number, "assign", "sup", mediator=" med1 ")
    assert out.data["mediator"] == "med1" and engine.case(number)["mediator"] == "med1"
    assert seen["case_for_actor_and_user"] == 1 and seen["user"] == 0 and seen["case_for_actor"] == 0
    with pytest.raises(NotFound):
        engine.act("NOPE-2026-000001", "assign", "sup", mediator="med1")
