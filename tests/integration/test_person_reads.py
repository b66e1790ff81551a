"""The audited register reads cost a fixed number of statements, whatever the number of persons.

``persons`` and ``contacts_due`` write one read event per person shown to that
person's own hash chain; they do it in one insert and one update for all of
them, and ``contacts_due`` reads every person's duties in one query.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import pytest

from disputeflow.cases.store import Tx
from disputeflow.workflow.runtime import runtime_of
from tests.conftest import report
from disputeflow.workflow.timeutil import LOCAL_TZ


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@pytest.fixture
def statements(monkeypatch):
    """Counts the statements sent through the store's transactions."""
    seen = Counter()
    for name in ("query", "execute", "run", "one", "all", "many", "insert_rows", "update_rows"):
        real = getattr(Tx, name)

        def counted(self, *a, _real=real, _name=name, **kw):
            seen[_name] += 1
            return _real(self, *a, **kw)

        monkeypatch.setattr(Tx, name, counted)
    return seen


def add(engine, n: int, risk: str = "critical") -> list[int]:
    number = report(engine)
    return [engine.add_person("go", name=f"王{i}号", cases=[number], risk=risk, grid_officer="go",
                              lead_official="lead")["id"] for i in range(n)]


def reads(engine, pid: int) -> list[tuple[str, dict]]:
    with runtime_of(engine).store.read() as tx:
        return [(a, json.loads(d)) for a, d in tx.query(
            "SELECT actor, data FROM key_person_events WHERE person_id = :p AND action = 'read' ORDER BY seq",
            {"p": pid})]


def cost(statements, call) -> int:
    statements.clear()
    call()
    return sum(statements.values())


def test_contacts_due_and_the_list_cost_the_same_for_one_person_or_many(engine, clock, statements):
    clock.set(local(2026, 3, 3, 10))
    first = add(engine, 1)
    one_due = cost(statements, lambda: engine.contacts_due("go"))
    one_list = cost(statements, lambda: engine.persons("sup"))
    more = add(engine, 7, risk="high")
    engine.record_contact(more[0], "go", method="visit")
    due = []
    many_due = cost(statements, lambda: due.extend(engine.contacts_due("go")))
    many_list = cost(statements, lambda: engine.persons("sup"))
    assert many_due == one_due and many_list == one_list
    assert {r["person_id"] for r in due} == set(first + more)
    statuses = {(r["person_id"], r["duty"]): r["status"] for r in due}
    assert statuses[(more[0], "contact")] == "met" and statuses[(more[1], "contact")] == "due"
    assert statuses[(first[0], "contact")] == "due" and statuses[(first[0], "report")] == "due"
    # each person shown got its own read event, hashed onto its own chain
    for pid in first + more:
        views = [d["view"] for a, d in reads(engine, pid)]
        assert views[-2:] == ["contacts_due", "list"]
    assert reads(engine, more[0])[-1] == ("sup", {"view": "list", "masked": False})
    assert engine.verify_person_audit()["problems"] == []
    # and a later single read still chains on from the batched ones
    engine.person(more[3], "go")
    assert engine.verify_person_audit()["problems"] == []


def test_contacts_due_projects_days_the_sweep_has_not_reached(engine, clock):
    from datetime import date

    clock.set(local(2026, 3, 3, 10))
    pids = add(engine, 3)
    sat = engine.contacts_due("go", date(2026, 3, 7))
    assert sorted((r["person_id"], r["duty"], r["due_at"]) for r in sat) == sorted(
        (pid, duty, "2026-03-08T00:00:00+08:00") for pid in pids for duty in ("contact", "report"))


def test_duties_are_labelled_from_the_engines_policy(db_url, clock):
    """An operator who renames a duty sees their own name in work lists and on the person's page."""
    from pathlib import Path

    from tests.conftest import build_town
    from disputeflow import Engine
    from disputeflow.workflow.policy import Policy

    shipped = (Path(__file__).resolve().parents[2] / "workflow" / "policy.toml").read_text(encoding="utf-8")
    assert 'label_zh = "见面稳控"' in shipped
    policy = Policy.from_text(shipped.replace('label_zh = "见面稳控"', 'label_zh = "入户见面"'))
    eng = Engine(db_url, clock=clock, policy=policy)
    try:
        eng.init()
        build_town(eng)
        pid = add(eng, 1)[0]
        labels = {r["duty_label"] for r in eng.contacts_due("go")}
        assert "入户见面" in labels and "见面稳控" not in labels
        doc = eng.person(pid, "sup")
        assert [p["label"] for p in doc["plan"] if p["duty"] == "contact"] == ["入户见面"]
    finally:
        eng.close()


def test_a_register_page_logs_only_the_persons_it_shows(engine):
    pids = add(engine, 3)  # listed newest first
    found = engine.persons_page("sup", limit=2)
    assert [p["id"] for p in found["items"]] == pids[:0:-1] and found["more"] is True
    assert [a for a, _ in reads(engine, pids[0])] == []  # looked at to know a page follows, never shown
    assert [a for a, _ in reads(engine, pids[2])] == ["sup"]
    last = engine.persons_page("sup", limit=2, offset=2)
    assert [p["id"] for p in last["items"]] == [pids[0]] and last["more"] is False
    assert [a for a, _ in reads(engine, pids[0])] == ["sup"]
