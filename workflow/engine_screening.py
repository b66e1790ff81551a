"""The screening operations of :class:`disputeflow.Engine` (排查 rounds, filed reports, sensitive periods)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import (FiledReport, ScreeningDue, ScreeningEscalation, ScreeningFiling,
                                          ScreeningOverdue, ScreeningRound)

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class Screening:
    """Record rounds, file reports, set sensitive periods; read what is owed and the on-time figures."""

    _rt: "Runtime"

    def record_round(self, actor: str | Actor, **fields: Any) -> dict:
        """Record a screening round (see :func:`disputeflow.workflow.screening.record_round` for the fields)."""
        from disputeflow.workflow import screening

        return screening.record_round(self._rt, actor, self.report, **fields)

    def file_screening_report(self, actor: str | Actor, **fields: Any) -> dict:
        """File a unit's periodic report (found N / 零报告) for one period."""
        from disputeflow.workflow import screening

        return screening.file_report(self._rt, actor, **fields)

    def set_sensitive_period(self, actor: str | Actor, **fields: Any) -> dict:
        """Set a sensitive period (敏感期): the named units screen and report daily."""
        from disputeflow.workflow import screening

        return screening.set_sensitive(self._rt, actor, **fields)

    def screening_rounds(self, actor: str | Actor, unit: str | None = None, since: date | None = None,
                         until: date | None = None) -> list[ScreeningRound]:
        """Screening rounds (排查) on record in the reader's jurisdiction, newest first.

        Args:
            actor: the reader; only rounds of units in their jurisdiction are returned.
            unit: only this unit and the units under it.
            since: the first day (default: 31 days before ``until``).
            until: the last day (default: today, local time).

        Returns:
            One dict per round: ``id``, ``unit``, ``unit_name``, ``held_on``, ``participants``,
            ``coverage``, ``households``, ``none_found``, ``note``, ``recorded_at``, ``recorded_by``
            and ``cases`` (``{"number", "title", "state", "opened"}`` for each case it found).

        Raises:
            ValidationError: ``since`` after ``until``, or a range too long.
            NotPermitted: ``unit`` is outside the reader's jurisdiction.
        """
        from disputeflow.workflow import screening_reads

        return cast(list[ScreeningRound], screening_reads.rounds(self._rt, actor, unit, since, until))

    def screening_due(self, actor: str | Actor, unit: str | None = None, as_of: datetime | None = None,
                      lang: str | None = None) -> list[ScreeningDue]:
        """What each unit in the reader's jurisdiction owes for the periods running now or just ended."""
        from disputeflow.workflow import screening_reads

        return cast(list[ScreeningDue], screening_reads.due(self._rt, actor, unit, as_of, lang or self._rt.lang))

    def screening_filing(self, first: date, last: date, unit: str | None = None,
                         actor: str | Actor | None = None) -> ScreeningFiling:
        """Per unit: rounds due, held, on time; reports due, filed, on time, for periods ending ``first``..``last``
        (definitions in :mod:`disputeflow.workflow.screening_reads`). The figures 22c's statistics read."""
        from disputeflow.workflow import screening_reads

        return cast(ScreeningFiling, screening_reads.filing(self._rt, first, last, unit, actor))

    def screening_overdue(self, as_of: datetime | None = None, unit: str | None = None,
                          actor: str | Actor | None = None) -> list[ScreeningOverdue]:
        """Units whose round or report is past due and not on record: the board's section."""
        from disputeflow.workflow import screening_reads

        return cast(list[ScreeningOverdue], screening_reads.overdue(self._rt, as_of, unit, actor))

    def screening_reports(self, first: date, last: date, unit: str | None = None,
                          actor: str | Actor | None = None) -> list[FiledReport]:
        """The reports filed (found N / 零报告) for periods ending ``first``..``last``: what the nil-report paper prints."""
        from disputeflow.workflow import screening_reads

        return cast(list[FiledReport], screening_reads.filed_reports(self._rt, first, last, unit, actor))

    def screening_escalations(self, unit: str | None = None) -> list[ScreeningEscalation]:
        """The ladder steps raised for missed screening duties, oldest first."""
        from disputeflow.cases import screening_store
        from disputeflow.workflow.timeutil import iso

        with self._rt.store.read() as tx:
            return [{"unit": r[0], "duty": r[1], "cadence": r[2], "period_start": r[3], "step": r[4],
                     "step_at": iso(tx.time(r[5]))} for r in screening_store.escalations_of(tx, unit)]
