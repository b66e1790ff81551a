"""``audit verify`` detects what matters: direct edits of a case, its parties or a key person, a case deleted
with its events, and an event rewritten with its chain re-hashed — on a real SQLite file and real PostgreSQL.

The attacker here has write access to the database and nothing else: the audit key is in the engine's
configuration, never in the database.
"""

from __future__ import annotations

import json
import pytest
from sqlalchemy import text

from disputeflow.cases.audit import canonical_time, event_hash, seal
from disputeflow.cases.audit_key import Signer, generate
from tests.conftest import build_town, report
from disputeflow import Engine
from disputeflow.workflow.config import Config
from disputeflow.workflow.runtime import runtime_of

KEY_A = "a" * 16 + generate()[16:]
KEY_B = generate()


def make_engine(db_url, clock, key=KEY_A, old=(), init=True):
    eng = Engine(Config(url=db_url, audit_key=key, audit_old_keys=list(old)), clock=clock)
    if init:
        eng.init()
    return eng


@pytest.fixture
def keyed(db_url, clock):
    eng = make_engine(db_url, clock)
    build_town(eng)
    yield eng
    eng.close()


def sql(engine, stmt: str, **params):
    with runtime_of(engine).db.begin() as c:
        res = c.execute(text(stmt), params)
        return res.fetchall() if res.returns_rows else None


def named(res: dict, number: str) -> set:
    return {p.field for p in res["problems"] if p.number == number}


def case_id(engine, number: str) -> int:
    return sql(engine, "SELECT id FROM cases WHERE number = :n", n=number)[0][0]


def worked_case(engine) -> str:
    n = report(engine)
    engine.act(n, "assess", "med1", risk="medium", responsible_unit="justice")
    engine.act(n, "assign", "sup", mediator="med1")
    engine.act(n, "add_party", "med1", party="王五:other:13900002222")
    engine.act(n, "note", "med1", text="电话回访")
    return n


# --------------------------------------------------------------------------- an untouched database


def test_an_untouched_database_verifies_with_every_event_signed(keyed, clock):
    from tests.integration.test_persons import register

    n = worked_case(keyed)
    other = report(keyed, title="噪音纠纷")
    pid, _ = register(keyed, number=other)
    keyed.record_contact(pid, "go", method="visit", alarming=True)
    clock.advance(days=20)  # the assess clock of `other` runs to its red card: auto-listed
    assert keyed.sweep()
    keyed.act_many([(n, "note", "med1", {"text": "批量"}), (other, "note", "med1", {"text": "批量"})])
    res = keyed.verify_audit()
    assert res["problems"] == [] and res["status"] == "ok", res
    assert res["signed"] == res["events"] > 8 and res["unsigned"] == res["legacy"] == 0
    persons = keyed.verify_person_audit()
    assert persons["problems"] == [] and persons["status"] == "ok" and persons["signed"] == persons["events"] >= 2
    listed = sql(keyed, "SELECT supervision_level FROM cases WHERE number = :n", n=other)[0][0]
    assert listed == "town"  # the sweep changed the case, and its event recorded it


def test_an_imported_ledger_and_its_correction_verify(keyed, tmp_path, clock):
    from tests.integration.test_ledger_import import rows_good
    from tests.ledgers import write_xlsx

    keyed.import_ledger(write_xlsx(tmp_path / "台账.xlsx", rows_good()), actor="sup")
    rows = rows_good()
    rows[0][5] = "13812345679、13912345678"  # a corrected phone: the parties are replaced, through an event
    rows[3][8] = "调处中"
    keyed.import_ledger(write_xlsx(tmp_path / "台账2.xlsx", rows), actor="sup")
    res = keyed.verify_audit()
    assert res["problems"] == [] and res["status"] == "ok", res


# --------------------------------------------------------------------------- direct edits


@pytest.mark.parametrize("column, value", [("state", "closed"), ("risk", "low"), ("mediator", "med2"),
                                           ("lead_official", "lead"), ("unit_id", "v2"),
                                           ("responsible_unit", "med-j")])
def test_a_case_column_changed_in_the_database_is_named(keyed, column, value):
    n = worked_case(keyed)
    sql(keyed, f"UPDATE cases SET {column} = :v WHERE number = :n", v=value, n=n)
    res = keyed.verify_audit()
    assert res["status"] == "tampered" and named(res, n) == {column}
    assert any(column in p.en or p.field == column for p in res["problems"])


def test_a_partys_phone_changed_in_the_database_is_named(keyed):
    n = worked_case(keyed)
    sql(keyed, "UPDATE parties SET phone = '13000000000' WHERE case_id = :c AND seq = 3", c=case_id(keyed, n))
    res = keyed.verify_audit()
    assert named(res, n) == {"party:3"}
    assert "当事人 3" in res["problems"][0].message()


def test_a_party_added_or_removed_in_the_database_is_named(keyed):
    n = worked_case(keyed)
    cid = case_id(keyed, n)
    sql(keyed, "INSERT INTO parties (case_id, seq, name, role) VALUES (:c, 4, '赵六', 'other')", c=cid)
    assert named(keyed.verify_audit(), n) == {"party:4"}
    sql(keyed, "DELETE FROM parties WHERE case_id = :c AND seq >= 2", c=cid)
    assert named(keyed.verify_audit(), n) == {"party:2", "party:3"}


def test_case_data_changed_in_the_database_is_named(keyed):
    n = worked_case(keyed)
    sql(keyed, "UPDATE cases SET data = '{\"tier\":\"complex\"}' WHERE number = :n", n=n)
    assert named(keyed.verify_audit(), n) == {"data"}


# --------------------------------------------------------------------------- deletion


def delete_case(engine, number: str) -> None:
    cid = case_id(engine, number)
    for table in ("audit_events", "parties", "clocks", "outbox", "escalations"):
        sql(engine, f"DELETE FROM {table} WHERE case_id = :c", c=cid)
    sql(engine, "DELETE FROM cases WHERE id = :c", c=cid)


def test_a_case_deleted_with_its_events_is_detected(keyed):
    first, middle, last = report(keyed), report(keyed), report(keyed)
    delete_case(keyed, middle)
    res = keyed.verify_audit()
    assert res["status"] == "tampered" and [p.number for p in res["problems"]] == [middle]


def test_the_newest_case_deleted_and_its_counter_lowered_is_detected(keyed):
    report(keyed)
    last = report(keyed)
    delete_case(keyed, last)
    sql(keyed, "UPDATE case_counters SET last = last - 1")
    res = keyed.verify_audit()
    assert res["status"] == "tampered"
    assert any("计数器的签名不符" in p.zh for p in res["problems"]), res["problems"]


# --------------------------------------------------------------------------- rewrite and re-hash


def events_of(engine, cid: int) -> list:
    return sql(engine, "SELECT seq, at, actor, action, from_state, to_state, data, fields, key_id, prev_hash, hash "
                       "FROM audit_events WHERE case_id = :c ORDER BY seq", c=cid)


def rehash(engine, number: str, from_seq: int, signer: Signer, legacy: bool = False) -> None:
    """What an attacker can do: recompute every hash from ``from_seq`` on, with what they have."""
    from disputeflow.cases.types import from_db

    cid = case_id(engine, number)
    rows = events_of(engine, cid)
    prev = rows[from_seq - 2][10] if from_seq > 1 else "0" * 64
    for seq, at, actor, action, frm, to, data, fields, kid, _p, _h in rows[from_seq - 1:]:
        if legacy:
            h, kid, fields = event_hash(prev, number, seq, from_db(at), actor, action, frm, to, data), None, None
        else:
            h, kid = seal(signer, prev, number, seq, canonical_time(from_db(at)), actor, action, frm, to, data, fields)
        sql(engine, "UPDATE audit_events SET prev_hash = :p, hash = :h, key_id = :k, fields = :f "
                    "WHERE case_id = :c AND seq = :s", p=prev, h=h, k=kid, f=fields, c=cid, s=seq)
        prev = h
    sql(engine, "UPDATE cases SET audit_hash = :h WHERE id = :c", h=prev, c=cid)


def rewrite_assessment(engine, number: str) -> None:
    """Lower the assessed risk in the event and in the row alike, as someone covering up a wrong call would."""
    cid = case_id(engine, number)
    data = json.dumps({"responsible_unit": "justice", "risk": "low"}, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)
    sql(engine, "UPDATE audit_events SET data = :d, fields = :f WHERE case_id = :c AND seq = 2",
        d=data, f=json.dumps({"mediator": "med1", "risk": "low", "responsible_unit": "justice", "state": "assessed"}),
        c=cid)  # the assessing mediator took the case in that event: a careful forger keeps that
    sql(engine, "UPDATE cases SET risk = 'low' WHERE id = :c", c=cid)


@pytest.mark.parametrize("how", ["wrong key", "unsigned", "legacy form"])
def test_an_event_rewritten_and_its_chain_rehashed_is_detected(keyed, how):
    n = worked_case(keyed)
    rewrite_assessment(keyed, n)
    if how == "wrong key":
        rehash(keyed, n, 2, Signer(KEY_B))
    else:
        rehash(keyed, n, 2, Signer(), legacy=how == "legacy form")
    res = keyed.verify_audit()
    assert res["status"] == "tampered" and {p.number for p in res["problems"]} == {n}, res


def test_a_whole_chain_rehashed_without_the_key_is_never_reported_intact(keyed):
    n = worked_case(keyed)
    rewrite_assessment(keyed, n)
    rehash(keyed, n, 1, Signer())
    res = keyed.verify_audit()
    # with no signed event left on the chain nothing contradicts it, but it is named as unsigned
    assert res["status"] == "incomplete" and n in res["unsigned_chains"]


# --------------------------------------------------------------------------- keys


def test_rotating_the_key_keeps_old_events_verifiable(db_url, clock, tmp_path):
    eng = make_engine(db_url, clock)
    build_town(eng)
    n = worked_case(eng)
    eng.close()
    rotated = make_engine(db_url, clock, key=KEY_B, old=[KEY_A], init=False)
    rotated.act(n, "note", "med1", text="轮换后")
    res = rotated.verify_audit()
    assert res["status"] == "ok" and res["signed"] == res["events"]
    kids = {r[0] for r in sql(rotated, "SELECT DISTINCT key_id FROM audit_events")}
    assert len(kids) == 2 and "" not in kids and None not in kids
    rotated.close()
    forgot = make_engine(db_url, clock, key=KEY_B, init=False)
    res = forgot.verify_audit()
    assert res["status"] == "tampered"
    assert any("未配置的密钥" in p.zh for p in res["problems"])
    forgot.close()


def test_a_missing_key_is_reported_and_the_rest_still_checked(db_url, clock):
    eng = make_engine(db_url, clock)
    build_town(eng)
    n = worked_case(eng)
    eng.close()
    bare = make_engine(db_url, clock, key=None, init=False)
    res = bare.verify_audit()
    assert res["status"] == "no_key" and res["problems"] == [] and res["unverifiable"] > 0
    sql(bare, "UPDATE cases SET mediator = 'med2' WHERE number = :n", n=n)
    res = bare.verify_audit()
    assert res["status"] == "tampered" and named(res, n) == {"mediator"}  # replay still runs without the key
    bare.close()


def test_a_key_too_short_is_a_configuration_error(db_url, clock):
    from disputeflow.workflow.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        make_engine(db_url, clock, key="short", init=False)
    assert "至少 32 个字符" in exc.value.message()


# --------------------------------------------------------------------------- legacy events and resign


def make_legacy(engine) -> None:
    """Turn every event into the form written before signing existed (as the migration leaves them)."""
    for (cid, number) in sql(engine, "SELECT id, number FROM cases"):
        rehash(engine, number, 1, Signer(), legacy=True)


def test_legacy_events_are_reported_until_resigned_and_then_protected(keyed):
    n = worked_case(keyed)
    make_legacy(keyed)
    sql(keyed, "UPDATE case_counters SET key_id = NULL, sig = NULL")
    res = keyed.verify_audit()
    assert res["status"] == "incomplete" and res["problems"] == [] and res["legacy"] == res["events"]
    keyed.act(n, "assign", "sup", mediator="med2")  # after the upgrade, before anyone re-signed
    res = keyed.verify_audit()
    assert res["status"] == "incomplete" and res["problems"] == [] and res["signed"] == 1
    assert res["unsigned_chains"] == [n]
    done = keyed.resign_audit()
    assert done["refused"] == [] and done["chains"] == 1 and done["counters"] == 1
    res = keyed.verify_audit()
    assert res["status"] == "ok" and res["signed"] == res["events"]
    sql(keyed, "UPDATE cases SET state = 'closed' WHERE number = :n", n=n)
    assert named(keyed.verify_audit(), n) == {"state"}


def test_resign_refuses_a_chain_that_does_not_verify(keyed):
    n = worked_case(keyed)
    make_legacy(keyed)
    sql(keyed, "UPDATE audit_events SET actor = 'nobody' WHERE seq = 2")
    done = keyed.resign_audit()
    assert done["chains"] == 0 and {p.number for p in done["refused"]} == {n}
    assert keyed.verify_audit()["status"] == "tampered"


# --------------------------------------------------------------------------- key persons


@pytest.fixture
def person(keyed):
    from tests.integration.test_persons import register

    pid, _ = register(keyed)
    keyed.person(pid, "go")
    return pid


@pytest.mark.parametrize("column, value", [("phone", "13000000000"), ("status", "released"), ("risk", "low"),
                                           ("grid_officer", "med1")])
def test_a_key_persons_column_changed_in_the_database_is_named(keyed, person, column, value):
    assert keyed.verify_person_audit()["status"] == "ok"
    sql(keyed, f"UPDATE key_persons SET {column} = :v WHERE id = :p", v=value, p=person)
    res = keyed.verify_person_audit()
    assert res["status"] == "tampered" and named(res, f"KP-{person}") == {column}


def test_a_key_persons_event_rewritten_and_rehashed_is_detected(keyed, person):
    rows = sql(keyed, "SELECT seq, at, actor, action, data, fields, prev_hash FROM key_person_events "
                      "WHERE person_id = :p ORDER BY seq", p=person)
    from disputeflow.cases.types import from_db

    prev = "0" * 64
    for seq, at, actor, action, data, fields, _prev in rows:
        if action == "read":
            actor = "nobody"  # hide who read the record
        h, kid = seal(Signer(KEY_B), prev, f"KP-{person}", seq, from_db(at), actor, action, None, "", data, fields)
        sql(keyed, "UPDATE key_person_events SET actor = :a, prev_hash = :p, hash = :h, key_id = :k "
                   "WHERE person_id = :id AND seq = :s", a=actor, p=prev, h=h, k=kid, id=person, s=seq)
        prev = h
    sql(keyed, "UPDATE key_persons SET audit_hash = :h WHERE id = :p", h=prev, p=person)
    res = keyed.verify_person_audit()
    assert res["status"] == "tampered" and {p.number for p in res["problems"]} == {f"KP-{person}"}

