"""Clocks: the one place the engine learns the time.

The engine and the scheduler take a clock object instead of calling
``datetime.now()``, so deadlines and escalations can be tested to the minute
and a drill or a late paper record can run at a fixed time (``--now``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` returning an aware datetime: what the engine asks for the time.

    The engine never calls ``datetime.now()`` itself, so a host can run it on its own clock.
    """

    def now(self) -> datetime:
        """The current time, aware, in UTC."""


class SystemClock:
    """The real time, from the operating system: the clock of a running service."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that stays where it is put; tests move it by hand."""

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at.astimezone(timezone.utc)

    def now(self) -> datetime:
        """The time the clock was set to, aware, in UTC."""
        return self.at

    def advance(self, **kwargs: float) -> datetime:
        """Move the clock forward by ``timedelta(**kwargs)`` (``days=2``, ``hours=3`` …); returns the new time."""
        self.at = self.at + timedelta(**kwargs)
        return self.at

    def set(self, at: datetime) -> None:
        """Put the clock at ``at``.

        Raises:
            ValueError: ``at`` is naive (without a time zone).
        """
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at.astimezone(timezone.utc)
