"""The supervision operations of :class:`disputeflow.Engine`: the board, work lists, talks and the sweep.

A part of the facade of its own because these read across many cases by
jurisdiction and deadline, where the case operations read one case.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import (LapseGroup, OverdueItem, OverduePage, SweepEvent, TownBoard, UnitTalk,
                                          WorkPage)

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class Supervision:
    """Overdue clocks, the reader's work lists, the formal-talk list, and the escalation pass that feeds them."""

    _rt: "Runtime"

    def overdue(self, as_of: datetime | None = None, unit: str | None = None, actor: str | Actor | None = None,
                *, lang: str | None = None) -> list[OverdueItem]:
        """The supervisor's board: every running clock past its due time, worst first."""
        from disputeflow.workflow import board

        return board.overdue(self._rt, as_of or self._rt.clock.now(), unit, actor, lang=lang)

    def overdue_page(self, as_of: datetime | None = None, unit: str | None = None,
                     actor: str | Actor | None = None, *, clock: str | None = None, level: str | None = None,
                     risk: str | None = None, limit: int = 50, offset: int = 0, count: bool = True,
                     lang: str | None = None) -> OverduePage:
        """One page of the board, filtered, ordered and paged in the database: ``{"items", "total"}``.

        ``count=False`` skips the count query (``total`` is then None), for a caller that knows it.
        """
        from disputeflow.workflow import board

        return board.page(self._rt, as_of or self._rt.clock.now(), unit, actor, clock=clock, level=level, risk=risk,
                          limit=limit, offset=offset, count=count, lang=lang)

    def overdue_lapses(self, as_of: datetime | None = None, unit: str | None = None,
                       actor: str | Actor | None = None, *, clock: str | None = None, level: str | None = None,
                       risk: str | None = None, lang: str | None = None) -> LapseGroup:
        """The board's group of key persons' open missed-duty items (重点人员漏报/漏访): ``{"label", "total", "items"}``.

        The board's filters apply as they do to the cases: ``level`` is the item's card (``warning``: not yet
        carded), ``risk`` the person's risk level, and any ``clock`` leaves no item (a missed duty is no case clock).
        """
        from disputeflow.workflow import board, lapse_board

        group = board.lapses(self._rt, as_of or self._rt.clock.now(), unit, actor, lang=lang)
        return cast(LapseGroup, lapse_board.filtered(group, clock, level, risk))

    def overdue_counts(self, as_of: datetime | None = None, unit: str | None = None,
                       actor: str | Actor | None = None) -> dict[str, int]:
        """How many overdue clocks each unit has on the reader's board, by unit id."""
        from disputeflow.workflow import board

        return board.counts_by_unit(self._rt, as_of or self._rt.clock.now(), unit, actor)

    def town_board(self, as_of: datetime | None = None, actor: str | Actor | None = None, *,
                   lang: str | None = None) -> TownBoard:
        """The board by town: per town overdue, open and listed counts, and the cases listed at county level.

        A county reader gets every town under the county; a town reader their own town only.
        """
        from disputeflow.workflow import town_board

        return cast(TownBoard, town_board.town_board(self._rt, as_of or self._rt.clock.now(), actor, lang=lang))

    def unit_talks(self, month: str | None = None, actor: str | Actor | None = None) -> list[UnitTalk]:
        """Units the sweep put on the supervisor's list for a formal talk (约谈), optionally for one month (YYYY-MM)."""
        from disputeflow.workflow import queries

        return cast(list[UnitTalk], queries.unit_talks(self._rt, actor, month))

    def my_work(self, actor: str | Actor, *, limit: int = 50, offset: int = 0, lang: str | None = None,
                led_by: str | None = None) -> WorkPage:
        """Open cases in the actor's jurisdiction, nearest deadline first: ``{"items", "more", "offset", "limit"}``;
        ``led_by``: only those that user leads (包案)."""
        from disputeflow.workflow import worklist

        return worklist.my_work(self._rt, actor, limit=limit, offset=offset, lang=lang, led_by=led_by)

    def supervised_cases(self, actor: str | Actor, *, limit: int = 50, offset: int = 0,
                         lang: str | None = None) -> WorkPage:
        """Cases listed for supervision (挂牌督办) in the actor's jurisdiction, nearest deadline first."""
        from disputeflow.workflow import worklist

        return worklist.supervised(self._rt, actor, limit=limit, offset=offset, lang=lang)

    def sweep(self, now: datetime | None = None, batch: int = 500) -> list[SweepEvent]:
        """One escalation pass: raise every ladder step that has come due, exactly once."""
        from disputeflow.workflow import sweep

        return sweep.run(self._rt, now or self._rt.clock.now(), batch)
