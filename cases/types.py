"""Column types that keep time honest across SQLite and PostgreSQL.

SQLite has no time zone type: ``DateTime(timezone=True)`` stores naive strings
and comparisons with aware values go wrong. :class:`UTCDateTime` refuses naive
values, stores UTC as a fixed-width text on SQLite (so text order is time order
and the partial index on ``next_at`` works) and ``timestamptz`` on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator

SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

# Both databases' integer columns hold 64 bits; a larger Python int is refused by the driver
# (OverflowError on SQLite, NumericValueOutOfRange on PostgreSQL) rather than matching nothing.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def fits_int64(value: int) -> bool:
    """``value`` can be bound to an integer column (an id that does not fit names no row)."""
    return INT64_MIN <= value <= INT64_MAX


def to_sqlite(value: datetime) -> str:
    tz = value.tzinfo
    if tz is None:
        raise ValueError("naive datetime refused: store aware UTC values only")
    if tz is not timezone.utc:
        value = value.astimezone(timezone.utc)
    # isoformat is the C fast path and gives exactly SQLITE_FORMAT (strftime costs 4 µs a call)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def from_sqlite(value: str) -> datetime:
    # parsing the offset gives the timezone.utc singleton, faster than replace(tzinfo=...)
    return datetime.fromisoformat(value + "+00:00")


def _from_sqlite_column(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value + "+00:00")


def from_db(value) -> datetime | None:
    """Read a time column as fetched by either driver into an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return from_sqlite(value)
    if value.tzinfo is timezone.utc:  # already converted on the way out of the database
        return value
    if value.tzinfo is None:
        raise ValueError("naive datetime read from the database")
    return value.astimezone(timezone.utc)


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(26))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        if dialect.name == "sqlite":
            return to_sqlite(value)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        return from_db(value)

    def result_processor(self, dialect, coltype):
        if dialect.name == "sqlite":  # the stored text straight to an aware time, without the decorator's layers
            return _from_sqlite_column
        return super().result_processor(dialect, coltype)
