"""Bulk row writes (``Tx.insert_rows`` / ``Tx.update_rows``) store exactly the rows given, on both databases.

On PostgreSQL a column whose value is the same in every row is sent once
instead of as an array; the rows must come back the same whether a column is
constant, varying, NULL throughout, or constant except for one row.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from disputeflow.cases.store import _pg_columns
from disputeflow.workflow.runtime import runtime_of

T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
COLUMNS = ("created_at", "event", "case_id", "case_number", "actor", "audience", "payload", "status", "attempts",
           "next_attempt_at")


def _rows(tx, n: int, odd_one_out: bool) -> list[tuple]:
    rows = []
    for i in range(n):
        actor = "someone-else" if odd_one_out and i == n - 1 else "system"
        rows.append((tx.t(T0), f"bulk.{i % 3}", None, f"N-{i}", actor, "[]", f'{{"i":{i}}}', "pending", 0,
                     tx.t(T0 + timedelta(seconds=i % 2))))
    return rows


@pytest.mark.parametrize("odd_one_out", [False, True], ids=["constant", "one-row-differs"])
def test_insert_and_update_rows_store_what_was_given(engine, odd_one_out):
    store = runtime_of(engine).store
    with store.write() as tx:
        rows = _rows(tx, 7, odd_one_out)
        assert tx.insert_rows("outbox", COLUMNS, rows) == 7
    with store.read() as tx:
        got = tx.query("SELECT id, created_at, event, case_id, case_number, actor, status, attempts, next_attempt_at "
                       "FROM outbox WHERE event LIKE 'bulk.%' ORDER BY case_number")
    assert sorted((r[2], r[3], r[4], r[5], r[6], r[7]) for r in got) == sorted(
        (r[1], r[2], r[3], r[4], r[7], r[8]) for r in rows)
    assert {tx.time(r[1]) for r in got} == {T0}
    assert sorted(tx.time(r[8]) for r in got) == [T0] * 4 + [T0 + timedelta(seconds=1)] * 3
    ids = [r[0] for r in got]
    with store.write() as tx:
        # key varies, one column constant, one NULL in every row, one varying
        tx.update_rows("outbox", "id", ("status", "last_error", "attempts"),
                       [(k, "sent", None, i) for i, k in enumerate(ids)])
    with store.read() as tx:
        after = tx.query("SELECT id, status, last_error, attempts FROM outbox WHERE event LIKE 'bulk.%' ORDER BY id")
    assert after == sorted((k, "sent", None, i) for i, k in enumerate(ids))


def test_pg_columns_sends_a_constant_column_once_and_keeps_the_first_as_an_array():
    rows = [(1, "a", None, 5), (2, "a", None, 6), (3, "a", None, 6)]
    exprs, params, unnest = _pg_columns(("id", "s", "n", "x"), ("INTEGER", "TEXT", "TEXT", "INTEGER"), rows)
    assert exprs == "v.id, %b::TEXT, %b::TEXT, v.x"
    assert params == ["a", None, [1, 2, 3], [5, 6, 6]]
    assert unnest == "unnest(%b::INTEGER[], %b::INTEGER[]) AS v(id, x)"
    # one row: nothing to share, every column stays an array (the statement stays one shape)
    exprs, params, _ = _pg_columns(("id", "s"), ("INTEGER", "TEXT"), [(1, "a")])
    assert exprs == "v.id, v.s" and params == [[1], ["a"]]
    # the key column is never folded, even when every row has the same key
    exprs, params, _ = _pg_columns(("id", "s"), ("INTEGER", "TEXT"), [(1, "a"), (1, "b")], split=True)
    assert exprs == ["v.id", "v.s"] and params == [[1, 1], ["a", "b"]]
