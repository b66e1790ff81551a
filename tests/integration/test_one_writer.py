"""One writer per record kind: every path appends to a chain through ``cases.chain_writer.append`` (events made
by ``cases.chain.link``), queues notifications through ``cases.outbox``, and both chains verify after each path.

The source scan fails when a module writes audit events, key-person events or outbox rows, or seals an event,
on its own; the counting tests fail when a path stops calling the writers.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import report
from disputeflow.workflow.runtime import runtime_of
from disputeflow.cases import chain, chain_writer, outbox
from disputeflow.workflow.errors import Conflict

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workflow", "cases", "notifications", "web", "disputeflow/cli", "disputeflow/reports",
            "disputeflow/ledger_import", "disputeflow/demo", "disputeflow/signin")
# The writers themselves, the store's statements (their text, the fused form of one command's change and the
# transaction that runs it), and where an event's hash is defined.
WRITERS = {"cases/chain_writer.py", "cases/outbox.py", "cases/chain.py", "cases/audit.py", "cases/store.py",
           "cases/statements.py", "cases/compiled.py", "cases/tx.py"}
PENDING = {
    # re-signing rewrites the hashes of events already in a chain in place: it appends nothing
    "workflow/audit_resign.py",
}
CHAIN_TABLES = {"audit_events", "outbox", "key_person_events", "cases", "key_persons"}
# A new record goes in with its head already set (its first event's), so inserting one moves no head;
# inserting events or notifications, or updating a record's row, is the writers' business.
EVENT_TABLES = {"audit_events", "outbox", "key_person_events"}
OWN_WRITE = re.compile(r"\bINSERT\s+INTO\s+(audit_events|outbox|key_person_events)\b"
                       r"|^(insert_audit|insert_outbox)$"
                       r"|\bUPDATE\s+(cases|key_persons)\s+SET\b[^;]*\baudit_(seq|hash)\s*=", re.I | re.S)


def _modules():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in rel:
                yield rel, ast.parse(path.read_text(encoding="utf-8"))


def test_no_module_writes_a_chain_or_the_outbox_on_its_own():
    found = []
    for rel, tree in _modules():
        if rel in WRITERS or rel in PENDING:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and OWN_WRITE.search(node.value):
                found.append(f"{rel}:{node.lineno}: {node.value[:60]!r}")
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "seal":
                    found.append(f"{rel}:{node.lineno}: seal() outside cases.chain.link")
                elif name in ("insert_rows", "update_rows") and node.args and isinstance(node.args[0], ast.Constant) \
                        and node.args[0].value in (EVENT_TABLES if name == "insert_rows" else CHAIN_TABLES):
                    found.append(f"{rel}:{node.lineno}: {name}({node.args[0].value!r}) outside the writers")
    assert found == []


def test_the_scan_finds_an_own_write():
    for sql in ("INSERT INTO outbox (event) VALUES (:e)", "insert_audit",
                "UPDATE cases SET audit_seq = :s, audit_hash = :h WHERE id = :id"):
        assert OWN_WRITE.search(sql), sql
    assert not OWN_WRITE.search("SELECT id FROM outbox WHERE status = 'pending'")


@pytest.fixture
def calls(monkeypatch):
    """Counts of writer calls: ``appends`` per chain (cases / persons), ``queued`` outbox rows by event."""
    out = {"cases": 0, "persons": 0, "links": 0, "queued": []}
    append, enqueue, link = chain_writer.append, outbox.enqueue, chain.link

    def counting_append(tx, which, events, heads, conflict=None, *, held=False, outbox=()):
        out["cases" if which is chain_writer.CASES else "persons"] += len(events)
        out["queued"].extend(r[1] for r in outbox)
        return append(tx, which, events, heads, conflict, held=held, outbox=outbox)

    def counting_enqueue(tx, rows):
        out["queued"].extend(r[1] for r in rows)
        return enqueue(tx, rows)

    def counting_link(*args, **kwargs):
        out["links"] += 1
        return link(*args, **kwargs)

    monkeypatch.setattr(chain_writer, "append", counting_append)
    monkeypatch.setattr(outbox, "enqueue", counting_enqueue)
    for mod, name in _importers(link):
        monkeypatch.setattr(mod, name, counting_link)
    return out


def _importers(fn):
    """Every (module, name) of the package bound to ``fn`` (every writing path imported first)."""
    import importlib
    import sys

    for name in ("commands", "decision", "bulk", "sweep", "duty_sweep", "recalc", "persons", "person_access",
                 "person_queries", "digest"):
        importlib.import_module(f"disputeflow.workflow.{name}")

    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("disputeflow."):
            for name, value in list(vars(mod).items()):
                if value is fn:
                    yield mod, name


def _verified(engine):
    cases, persons = engine.verify_audit(), engine.verify_person_audit()
    assert cases["problems"] == [] and persons["problems"] == []
    return cases["events"], persons["events"]


def _count(engine, sql, **params):
    with runtime_of(engine).db.connect() as c:
        return c.execute(text(sql), params).scalar()


def test_report_act_and_bulk_write_through_the_writers(engine, calls):
    n = report(engine)
    assert calls["cases"] == calls["links"] == 1 and calls["queued"] == ["report"]
    engine.act(n, "assign", "sup", mediator="med1")
    assert calls["cases"] == calls["links"] == 2 and calls["queued"][-1] == "assign"
    others = [report(engine) for _ in range(3)]
    before = dict(calls, queued=list(calls["queued"]))
    engine.act_many([(m, "assign", "sup", {"mediator": "med1"}) for m in others]
                    + [(others[0], "note", "sup", {"text": "已电话联系"})])
    assert calls["cases"] - before["cases"] == 4 and calls["links"] - before["links"] == 4
    assert calls["queued"][len(before["queued"]):] == ["assign"] * 3
    assert _verified(engine)[0] == _count(engine, "SELECT count(*) FROM audit_events") == 9


def test_the_sweep_and_the_duties_write_through_the_writers(engine, clock, calls):
    n = report(engine)
    pid = engine.add_person("go", name="王大锤", cases=[n], risk="critical", grid_officer="go",
                            lead_official="lead")["id"]
    base_cases, base_persons = calls["cases"], calls["persons"]
    clock.advance(days=4)
    raised = engine.sweep()
    escalations = [r for r in raised if r["clock"] and not r["clock"].startswith("kp.")]
    duty = [r for r in raised if r["clock"].startswith("kp.")]
    assert escalations and duty
    assert calls["cases"] - base_cases == len(escalations) == _count(
        engine, "SELECT count(*) FROM audit_events WHERE actor = 'system'")
    assert calls["persons"] > base_persons  # the missed-duty item's steps, each on the person's chain
    assert any(e.startswith("escalate.") for e in calls["queued"])
    assert any(e.startswith("person.duty_") for e in calls["queued"])
    assert calls["links"] == calls["cases"] + calls["persons"]
    _verified(engine)
    assert engine.person(pid, "go")["id"] == pid


def test_the_key_person_register_writes_through_the_writers(engine, clock, calls):
    n, m = report(engine), report(engine)
    pid = engine.add_person("go", name="王大锤", cases=[n], risk="high", grid_officer="go", lead_official="lead")["id"]
    assert calls["persons"] == 1 and calls["cases"] == 3  # two reports, the link event on the case
    engine.link_person(pid, m, "go")
    assert calls["persons"] == 2 and calls["cases"] == 4
    engine.record_contact(pid, "go", method="visit", alarming=True)
    engine.persons("sup")  # a read is an event on the person's chain too
    assert calls["persons"] == 4
    assert calls["queued"] == ["report", "report", "person.registered", "person.alarm"]
    assert calls["links"] == calls["cases"] + calls["persons"]
    _verified(engine)


def test_the_digest_queues_through_the_outbox_writer(engine, clock, calls):
    report(engine)
    clock.advance(days=5)
    assert engine.queue_digest() == 1
    assert calls["queued"][-1] == "digest"


# --------------------------------------------------------------------------- recalculation


def _recalc_setup(engine, clock, db_url, tmp_path):
    from disputeflow import Engine
    from disputeflow.workflow.calendar import BusinessCalendar

    n = report(engine)  # Tuesday 2026-03-03 09:00, assess due Wednesday 09:00
    override = tmp_path / "calendar.toml"
    override.write_text('[[day]]\ndate = 2026-03-04\nkind = "off"\nname = "地方假日"\n', encoding="utf-8")
    return n, Engine(db_url, clock=clock, calendar=BusinessCalendar.load(override))


def test_a_recalculation_appends_through_the_writer_and_stamps_the_case(engine, clock, db_url, tmp_path, calls):
    from disputeflow.workflow import recalc

    n, other = _recalc_setup(engine, clock, db_url, tmp_path)
    try:
        clock.advance(minutes=5)
        assert recalc.refresh(runtime_of(other))["changed"] == 1
        assert calls["cases"] == 2 and calls["links"] == 2
        with runtime_of(engine).db.connect() as c:
            updated = c.execute(text("SELECT updated_at FROM cases WHERE number = :n"), {"n": n}).scalar()
        from disputeflow.cases.types import from_db

        assert from_db(updated) == clock.now()
        assert other.case(n)["version"] == 2
        _verified(engine)
    finally:
        other.close()


def test_a_recalculation_that_read_a_stale_case_runs_again_on_what_the_command_left(
        engine, clock, db_url, tmp_path, monkeypatch):
    """A command moved the case between the recalculation's read and its write: the recalculation's head
    write finds another version, nothing of it is kept, and it runs again on the command's head."""
    from disputeflow import Engine
    from disputeflow.workflow import recalc

    n, other = _recalc_setup(engine, clock, db_url, tmp_path)
    real, real_run, runs, raced = recalc._recomputed, recalc._run, [], []
    concurrent = Engine(db_url, clock=clock)

    def counted_run(eng):
        runs.append(1)
        return real_run(eng)

    def racing(eng, tx, *args):
        if not raced:
            raced.append(1)
            if tx.store.is_sqlite:
                # SQLite serialises writers, so the command cannot run in between: stand in for it
                tx.execute("UPDATE cases SET version = version + 1 WHERE number = :n", {"n": n})
            else:
                concurrent.act(n, "note", "med1", text="并发的备注")  # its own connection, committed at once
        return real(eng, tx, *args)

    monkeypatch.setattr(recalc, "_recomputed", racing)
    monkeypatch.setattr(recalc, "_run", counted_run)
    try:
        assert recalc.refresh(runtime_of(other))["changed"] == 1
        assert len(runs) == 2
        history = [e["action"] for e in other.history(n)]
        if runtime_of(engine).store.is_sqlite:
            assert history == ["report", "recalc"]  # the stand-in was rolled back with the first run
        else:
            assert history == ["report", "note", "recalc"]  # the command's event kept, the recalculation after it
        assert other.case(n)["version"] == len(history)
        _verified(engine)
    finally:
        concurrent.close()
        other.close()


def test_a_recalculation_that_keeps_losing_raises_conflict(engine, clock, db_url, tmp_path, monkeypatch):
    from disputeflow.workflow import recalc

    n, other = _recalc_setup(engine, clock, db_url, tmp_path)
    real = recalc._recomputed

    def always_stale(eng, tx, *args):
        tx.execute("UPDATE cases SET version = version + 1 WHERE number = :n", {"n": n})
        return real(eng, tx, *args)

    monkeypatch.setattr(recalc, "_recomputed", always_stale)
    try:
        with pytest.raises(Conflict):
            recalc.refresh(runtime_of(other))
        assert [e["action"] for e in other.history(n)] == ["report"]
        _verified(engine)
    finally:
        other.close()


def test_one_verifier_serves_both_chains(engine):
    from disputeflow.cases.audit_verify import verify

    n = report(engine)
    engine.add_person("go", name="王大锤", cases=[n], risk="high", grid_officer="go", lead_official="lead")
    with runtime_of(engine).store.read() as tx:
        both = verify(tx, runtime_of(engine).store.signer)
    assert both["cases"]["problems"] == [] and both["persons"]["problems"] == []
    assert both["cases"]["events"] == 2 and both["persons"]["events"] == 1
