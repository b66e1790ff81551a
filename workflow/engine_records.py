"""The record operations of :class:`disputeflow.Engine`: the audit chain, reports and the ledger import.

A part of the facade of its own because these treat cases as records (signed,
reported, imported in bulk) rather than as work moving through the workflow.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import AuditReport

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class Records:
    """Verify and re-sign the audit chain, render reports, import ledgers."""

    _rt: "Runtime"

    def verify_audit(self) -> AuditReport:
        """Walk every case's signed chain and compare its replay with the stored case, its parties and the
        number counters; ``problems`` is tampering, ``status`` also says what could not be checked
        (see :class:`disputeflow.cases.audit_verify.Tally`)."""
        from disputeflow.cases.audit_verify import verify_cases

        with self._rt.store.read() as tx:
            return cast(AuditReport, verify_cases(tx, self._rt.store.signer))

    def resign_audit(self) -> dict:
        """Sign every unsigned or legacy event (and counter) with the current key, after checking it is intact."""
        from disputeflow.workflow.audit_resign import resign

        return resign(self._rt)

    def report_file(self, kind: str, *, fmt: str | None = None, actor: str | Actor | None = None,
                    lang: str | None = None, **params: Any) -> tuple[str, bytes, str]:
        """One report as ``(filename, bytes, mimetype)``: ledger, stats, nil, agenda or case paperwork.

        See :mod:`disputeflow.reports.files` for the kinds, formats and parameters.

        Raises:
            ValidationError: an unknown kind or format, or a bad parameter (each one is named).
            NotPermitted: the actor's role or jurisdiction may not have this report.
            NotFound: the unit or case named does not exist.
        """
        from disputeflow.reports.files import report_file

        return report_file(self._rt, kind, fmt=fmt, actor=actor, lang=lang, **params)

    def report_data(self, kind: str, *, actor: str | Actor | None = None, **params: Any) -> dict:
        """The JSON dataset a jurisdiction report is rendered from (ledger, stats, nil, agenda)."""
        from disputeflow.reports.files import report_data

        return report_data(self._rt, kind, actor=actor, **params)

    def import_ledger(self, path: str | os.PathLike, *, actor: str | Actor, sheet: str | None = None,
                      mapping: str | os.PathLike | None = None, dry_run: bool = False, skip_bad: bool = False,
                      errors_path: str | os.PathLike | None = None, namespace: str | None = None, batch: int = 500,
                      progress: Callable[[str, int, int], None] | None = None, lang: str | None = None,
                      live: bool = False) -> dict:
        """Import cases from an Excel (.xlsx) or CSV ledger (台账), each in the state its row records.

        Every row is validated before anything is written. Rows are keyed by
        their ledger number (or a hash of report day, unit and parties), so a
        second import of the same file creates nothing and a corrected file
        updates only the rows that changed, through audited events. A row whose
        state went backwards since the last import reopens its case through the
        workflow's reopen action (or is reported where the workflow has no way back).

        Args:
            actor: a supervisor or administrator; every event is recorded as theirs.
            sheet: the worksheet's name or 1-based position (default: the first).
            mapping: an operator's mapping file (TOML) laid over the default column names.
            dry_run: validate and forecast only; nothing is written.
            skip_bad: import the good rows of a file with errors, and write the bad
                ones, with reasons, to ``errors_path`` (default ``<file>.errors.csv``).
            namespace: the key space of ledger numbers (one per ledger whose numbers may repeat).
            batch: rows per transaction.
            progress: ``callback(phase, done, total)`` with phase ``read`` (once, before the file is
                loaded; ``total`` None) / ``validate`` / ``check`` / ``write``.
            lang: the language of the report's messages (the engine's default when not given).
            live: track the open rows "as of today": their running clocks start at the import. By
                default they keep the ledger's dates, and a step of a clock's ladder that fell before
                the import is passed over silently: history neither escalates nor notifies nor lists
                a case for supervision because it was imported (``tracking`` in the report).

        Returns:
            The report: counts (rows, blank, valid, bad_rows, created, updated,
            unchanged, reopened), ``problems``, ``warnings`` and ``notices`` (the reopenings)
            as (row, column, message), ``error_file``.

        Raises:
            ImportRejected: bad rows and no ``skip_bad`` (nothing written; ``.report`` has them all).
            ValidationError: the file has no recognisable heading or misses a required column.
            NotFound: no such file or sheet. NotPermitted: the actor may not import.
        """
        from disputeflow.ledger_import import import_ledger

        return import_ledger(self._rt, path, actor=actor, sheet=sheet, mapping=mapping, dry_run=dry_run,
                             skip_bad=skip_bad, errors_path=errors_path, namespace=namespace, batch=batch,
                             progress=progress, lang=lang, live=live)
