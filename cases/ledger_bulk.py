"""The ledger import's hot path: a batch of new cases in a few multi-row inserts.

Tuned by hand, like the command path (see bench/README.md): case ids are
reserved with one query (SQLite holds the write lock from ``BEGIN IMMEDIATE``,
so nobody else inserts meanwhile; PostgreSQL draws them from the sequence), the
numbers of a batch with one counter update per prefix and year, and every
table's rows go in with :meth:`disputeflow.cases.store.Tx.insert_rows`
(``executemany`` on SQLite, typed ``unnest`` arrays on PostgreSQL).
"""

from __future__ import annotations

from disputeflow.cases import chain_writer
from disputeflow.cases.audit_verify import sign_counter

CASE_INSERT = ("id", "number", "definition", "definition_version", "state", "version", "title", "category", "source",
               "description", "unit_id", "unit_path", "risk", "risk_floor", "flags", "party_count", "reporter",
               "mediator", "lead_official", "responsible_unit", "supervision_level", "data", "reported_at",
               "updated_at", "closed_at", "audit_seq", "audit_hash")
PARTY_INSERT = ("case_id", "seq", "name", "role", "phone", "id_number", "address")
CLOCK_INSERT = ("case_id", "name", "started_at", "due_at", "warn_at", "calendar_rev", "status", "stopped_at",
                "extended", "level", "next_step", "next_at")
KEY_INSERT = ("namespace", "key", "case_id", "row_hash", "record", "imported_at", "updated_at")

_RESERVE_NUMBERS = ("INSERT INTO case_counters (prefix, year, last) VALUES (:prefix, :year, :n) "
                    "ON CONFLICT (prefix, year) DO UPDATE SET last = case_counters.last + excluded.last RETURNING last")


def allocate_case_ids(tx, n: int) -> list[int]:
    """``n`` unused case ids, ascending."""
    if tx.store.is_sqlite:
        top = tx.query("SELECT COALESCE(MAX(id), 0) FROM cases")[0][0]
        return list(range(top + 1, top + n + 1))
    rows = tx.query("SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)", {"n": n})
    return sorted(r[0] for r in rows)


def reserve_numbers(tx, need: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    """For each (prefix, year), reserve ``need`` consecutive case numbers; returns the first of each run.

    The counter is signed with the audit key after the update, as a command's number is.
    """
    signer = tx.store.signer
    first: dict[tuple[str, int], int] = {}
    for (prefix, year), n in need.items():
        last = tx.query(_RESERVE_NUMBERS, {"prefix": prefix, "year": year, "n": n})[0][0]
        first[(prefix, year)] = last - n + 1
        if signer.signing:
            sig, kid = sign_counter(signer, prefix, year, last)
            tx.run("sign_counter", {"key_id": kid, "sig": sig, "prefix": prefix, "year": year})
    return first


def insert_new_cases(tx, case_rows: list[tuple], party_rows: list[tuple], audit_rows: list[tuple],
                     clock_rows: list[tuple], key_rows: list[tuple]) -> None:
    """Rows in the column orders above, for cases whose ids came from :func:`allocate_case_ids`."""
    tx.insert_rows("cases", CASE_INSERT, case_rows)
    tx.insert_rows("parties", PARTY_INSERT, party_rows)
    # the cases went in with their heads (each chain's last event): their events are all that is left
    chain_writer.append(tx, chain_writer.CASES, audit_rows, {}, held=True)
    tx.insert_rows("clocks", CLOCK_INSERT, clock_rows)
    tx.insert_rows("import_keys", KEY_INSERT, key_rows)
