"""Events an embedder relies on: every committed change (sweep escalations included), removable listeners,
refused unknown names, and a before-commit hook whose failure undoes the change."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from disputeflow import ConfigError, Outcome
from tests.conftest import PARTIES

FIELDS = dict(title="宅基地边界纠纷", category="neighbour", unit="v1-g1", parties=PARTIES, source="grid")
SHANGHAI = ZoneInfo("Asia/Shanghai")

meta = sa.MetaData()
journal = sa.Table("host_journal", meta, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("event", sa.String(40), nullable=False), sa.Column("number", sa.String(40)))


class Boom(Exception):
    pass


@pytest.fixture
def host(engine, db_url):
    eng = sa.create_engine(db_url)
    meta.create_all(eng)
    yield eng
    eng.dispose()


def rows(host, table: str) -> int:
    with host.connect() as c:
        return c.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def journaled(host) -> list[tuple[str, str]]:
    with host.connect() as c:
        return [tuple(r) for r in c.execute(sa.select(journal.c.event, journal.c.number).order_by(journal.c.id))]


def test_a_listener_on_escalate_level1_gets_the_sweeps_escalation(engine, clock):
    number = engine.report("go", **FIELDS).number
    level1: list[Outcome] = []
    everything: list[str] = []
    engine.on("escalate.level1", level1.append)
    engine.on("*", lambda o: everything.append(o.event))
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI))  # the assessment is due: warning, then level 1
    raised = engine.sweep()
    assert any(r["step"] == "level1" and r["number"] == number for r in raised)
    mine = [o for o in level1 if o.number == number]
    assert [(o.event, o.data["clock"], o.data["step"]) for o in mine] == [("escalate.level1", "assess", "level1")]
    assert mine[0].seq == engine.history(number)[-1]["seq"] and mine[0].actor == "system"
    assert "escalate.warning" in everything and "escalate.level1" in everything
    level1.clear()
    engine.sweep()  # nothing new is due: nothing is told twice
    assert level1 == []


def test_off_and_the_returned_unsubscribe_remove_a_listener(engine):
    heard: list[str] = []

    def listener(o):
        heard.append(o.event)

    unsubscribe = engine.on("report", listener)
    engine.report("go", **FIELDS)
    unsubscribe()
    engine.report("go", **FIELDS)
    engine.on("report", listener)
    engine.off("report", listener)
    engine.report("go", **FIELDS)
    assert heard == ["report"]


def test_unknown_event_names_and_phases_are_refused_with_the_nearest_name(engine):
    with pytest.raises(ConfigError) as err:
        engine.on("escalate.levl1", print)
    assert "escalate.level1" in err.value.en and "escalate.level1" in err.value.zh
    with pytest.raises(ConfigError) as err:
        engine.on("asign", print)
    assert "'assign'" in err.value.en
    with pytest.raises(ConfigError):
        engine.on("assign", print, phase="after_rollback")
    for name in ("assign", "report", "*", "escalate.level3", "case.tier_upgraded", "ledger.import",
                 "person.duty_level1"):
        unsubscribe = engine.on(name, print)
        unsubscribe()


def test_before_commit_writes_the_hosts_rows_in_the_same_transaction(engine, host):
    def record(outcome, conn):
        conn.execute(journal.insert().values(event=outcome.event, number=outcome.number))

    after: list[tuple[str, int]] = []
    engine.on("*", record, phase="before_commit")
    engine.on("*", lambda o: after.append((o.event, len(journaled(host)))))  # told once committed
    number = engine.report("go", **FIELDS).number
    engine.act(number, "assign", "sup", mediator="med1")
    engine.act_many([(number, "assess", "med1", {"risk": "low"})])
    assert journaled(host) == [("report", number), ("assign", number), ("assess", number)]
    assert after == [("report", 1), ("assign", 2), ("assess", 3)]


def test_an_exception_in_a_before_commit_listener_rolls_the_change_back_and_propagates(engine, host, clock):
    number = engine.report("go", **FIELDS).number
    after: list[str] = []
    engine.on("*", lambda o: after.append(o.event))

    def refuse(outcome, conn):
        conn.execute(journal.insert().values(event=outcome.event, number=outcome.number))
        raise Boom(outcome.event)

    engine.on("assign", refuse, phase="before_commit")
    audits, outbox = rows(host, "audit_events"), rows(host, "outbox")
    with pytest.raises(Boom):
        engine.act(number, "assign", "sup", mediator="med1")
    assert engine.case(number)["mediator"] is None
    assert (rows(host, "audit_events"), rows(host, "outbox"), journaled(host)) == (audits, outbox, [])
    assert after == []
    engine.off("assign", refuse)

    engine.on("escalate.level1", refuse, phase="before_commit")  # a sweep batch is undone whole, and raised again
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(Boom):
        engine.sweep()
    assert [h["action"] for h in engine.history(number)] == ["report"]
    engine.off("escalate.level1", refuse)
    assert [r["step"] for r in engine.sweep() if r["number"] == number] == ["warning", "level1"]
    assert "escalate.level1" in after


def test_before_commit_in_a_host_transaction_gets_the_hosts_connection(engine, host):
    seen = []
    engine.on("report", lambda outcome, conn: seen.append(conn), phase="before_commit")
    with host.begin() as conn:
        engine.report("go", connection=conn, **FIELDS)
    assert seen == [conn]


def test_a_ledger_import_is_told_per_batch_and_a_before_commit_failure_writes_none_of_it(engine, tmp_path):
    from tests.ledgers import write_xlsx

    rows = [["TZ-001", "2026-03-01", "甲村", "邻里纠纷", "张三", "13812345678", "低", None, "调处中", None, None, None],
            ["TZ-002", "2026-03-02", "乙村", "婚姻家庭", "王五", None, "中", None, "已登记", None, None, None]]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)

    def refuse(outcome, conn):
        raise Boom(outcome.data)

    engine.on("ledger.import", refuse, phase="before_commit")
    with pytest.raises(Boom):
        engine.import_ledger(path, actor="sup")
    assert engine.list_cases("sup") == []
    engine.off("ledger.import", refuse)
    heard: list[Outcome] = []
    engine.on("ledger.import", heard.append)
    assert engine.import_ledger(path, actor="sup")["created"] == 2
    assert [(o.event, o.actor, o.data["created"]) for o in heard] == [("ledger.import", "sup", 2)]


def test_a_key_persons_missed_duties_reach_listeners_as_duty_events(engine, clock):
    number = engine.report("go", **FIELDS).number
    pid = engine.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go",
                            lead_official="lead", reasons={"threat": "扬言报复"})["id"]
    heard: list[Outcome] = []
    engine.on("*", lambda o: heard.append(o) if o.event.startswith("person.duty_") else None)
    clock.set(datetime(2026, 3, 7, 21, 30, tzinfo=SHANGHAI))  # nothing recorded since the 3rd
    raised = [r for r in engine.sweep() if r.get("person_id") == pid]
    assert raised and [o.data["step"] for o in heard] == [r["step"] for r in raised]
    assert {o.event for o in heard} == {f"person.duty_{r['step']}" for r in raised}
    assert all(o.number == number and o.data["person_id"] == pid for o in heard)
