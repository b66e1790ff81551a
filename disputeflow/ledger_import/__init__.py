"""Bring existing ledgers (台账) in: Excel and CSV rows become cases in the state the ledger records.

``readers`` (with ``ledger_file`` and ``workbooks``) stream the file,
``mapping`` and ``columns`` say which column is which field, ``validate`` turns
a row into a record or names what is wrong, ``line`` reads from the workflow
definition the main line a row walks, ``plan`` makes the record's history and
clocks, ``writer`` writes batches of new cases and ``corrections`` applies
changed rows, and ``service`` runs the two passes. What they read and write is
in ``disputeflow.cases.ledger_store`` and ``ledger_bulk``. The facade is
``Engine.import_ledger``; the CLI is ``disputeflow import``.
"""

from disputeflow.ledger_import.service import ImportRejected, import_ledger

__all__ = ["ImportRejected", "import_ledger"]
