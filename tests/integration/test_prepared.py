"""Core statements run on a store transaction (``cases/prepared.py``) answer as the text statements did.

Each is compiled once per dialect and binds the driver's values: an id past
32 bits finds no row on PostgreSQL too (a cast to INTEGER would refuse it),
``FOR UPDATE`` and ``ON CONFLICT`` come out right on both databases, and an
``IN`` list takes any number of values.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from disputeflow.cases import batch_reads, key_person_store, person_records
from disputeflow.cases.prepared import Prepared
from disputeflow.cases.tables import users
from disputeflow.workflow.runtime import runtime_of
from tests.conftest import report


def test_an_id_beyond_32_bits_finds_nothing_rather_than_failing(engine):
    with runtime_of(engine).store.write() as tx:
        assert person_records.person(tx, 2**40) is None
        assert person_records.person(tx, 2**63 - 1, lock=True) is None
        assert batch_reads.audit_hashes(tx, [2**40, 2**62]) == {}


def test_a_statement_is_compiled_once_and_binds_each_call_afresh(engine):
    by_id = Prepared(select(users.c.id, users.c.role).where(users.c.id.in_(bindparam("ids", expanding=True))))
    with runtime_of(engine).store.read() as tx:
        assert sorted(by_id.all(tx, {"ids": ["sup", "go"]})) == [("go", "grid_officer"), ("sup", "supervisor")]
        compiled = by_id.compiled(tx.store.engine.dialect)
        assert sorted(by_id.all(tx, {"ids": ["sup"]})) == [("sup", "supervisor")]
        assert by_id.compiled(tx.store.engine.dialect) is compiled
        assert key_person_store.user_role(tx, "nobody") is None


def test_a_row_already_there_is_skipped_not_refused(engine):
    n = report(engine)
    pid = engine.add_person("sup", name="王五", cases=[n], risk="high", grid_officer="go", lead_official="lead")["id"]
    store = runtime_of(engine).store
    with store.write() as tx:
        case_id = key_person_store.case_scope(tx, n)[0]
        assert key_person_store.add_case_link(tx, pid, case_id, tx.t(engine.clock.now()), "sup") is False
        assert key_person_store.linked_cases(tx, pid)[0][0] == n
