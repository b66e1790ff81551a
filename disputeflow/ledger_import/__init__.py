"""Bring existing ledgers (台账) in: Excel and CSV rows become cases in the state the ledger records.

``readers`` stream the file, ``mapping`` says which column is which field,
``validate`` turns a row into a record or names what is wrong, ``plan`` makes
the record's history and clocks, ``writer`` writes batches, and ``service``
runs the two passes. The facade is ``Engine.import_ledger``; the CLI is
``disputeflow import``.
"""

from disputeflow.ledger_import.service import ImportRejected, import_ledger

__all__ = ["ImportRejected", "import_ledger"]
