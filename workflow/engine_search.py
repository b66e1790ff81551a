"""The finding operations of :class:`disputeflow.Engine`: case search and the parties in repeated disputes.

A part of the facade of its own because both read across cases by the people
on them, where the case operations read one case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import RepeatParties, SearchPage

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class Finding:
    """Search by number, title, party, phone, ID number, unit, category, state, reporter and date; repeat parties."""

    _rt: "Runtime"

    def search_cases(self, actor: str | Actor | None = None, *, limit: int = 50, offset: int = 0,
                     lang: str | None = None, **filters: Any) -> SearchPage:
        """Cases ``actor`` may read matching ``filters`` (see :data:`disputeflow.workflow.search.FILTERS`).

        ``mine=True`` gives the cases the actor reported (我上报的); ``q`` is the search box's free text.

        Raises:
            ValidationError: a malformed phone, ID number or date, or an over-long text.
            NotFound: ``unit`` names no unit.
        """
        from disputeflow.workflow import search

        unknown = set(filters) - set(search.FILTERS)
        if unknown:
            raise TypeError(f"unknown search filters: {', '.join(sorted(unknown))}")
        return cast(SearchPage, search.search(self._rt, actor, filters, limit, offset, lang))

    def repeat_parties(self, actor: str | Actor | None = None, *, unit: str | None = None, limit: int = 100,
                       lang: str | None = None) -> RepeatParties:
        """People on repeated disputes (policy ``[repeat_disputes]``) in ``actor``'s jurisdiction, with their cases."""
        from disputeflow.workflow import repeat_list

        return cast(RepeatParties, repeat_list.repeat_parties(self._rt, actor, unit, limit, lang))
