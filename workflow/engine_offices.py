"""The work-order operations of :class:`disputeflow.Engine` that read across cases: an office's desk and the
board's overdue work orders by receiving office.

A part of the facade of its own so that the office's side of the loop
(交办 → 签收 → 反馈) can be read without going through the town's board.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import OfficeDesk, OfficeOverdue

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class OfficeWork:
    """Work orders as the receiving office and the supervisor look at them."""

    _rt: "Runtime"

    def office_desk(self, actor: str | Actor, state: str | None = None, *, limit: int = 50, offset: int = 0,
                    lang: str | None = None) -> OfficeDesk:
        """Work orders sent to the actor's office (office staff only): ``{"office", "counts", "items", "more"}``.

        Raises:
            NotPermitted: the actor is not office staff.
        """
        from disputeflow.workflow import office_work

        return cast(OfficeDesk, office_work.desk(self._rt, actor, state, limit=limit, offset=offset, lang=lang))

    def overdue_work_orders(self, as_of: datetime | None = None, actor: str | Actor | None = None, *,
                            lang: str | None = None) -> list[OfficeOverdue]:
        """Overdue work orders on the reader's board, grouped under the office each was sent to."""
        from disputeflow.workflow import office_work

        return cast(list[OfficeOverdue],
                    office_work.overdue_by_office(self._rt, as_of or self._rt.clock.now(), actor, lang=lang))
