"""Helpers every benchmark shares: interleaved rounds, medians, result rows, a throw-away PostgreSQL schema.

Figures on a shared machine drift by tens of percent from one minute to the
next, so a benchmark never compares two figures taken at different times: it
runs its variants in interleaved rounds (A, B, C, A, B, C, ...), reports the
median of each, and reports each comparison as the median of the ratios taken
within the same round.
"""

from __future__ import annotations

import os
import statistics
import uuid
from contextlib import contextmanager
from typing import Callable, Iterator

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_url(pg: str | None) -> str | None:
    """The PostgreSQL URL to use: the argument, ``DISPUTEFLOW_BENCH_PG``, or None (skip)."""
    return pg or os.environ.get("DISPUTEFLOW_BENCH_PG") or None


def interleave(variants: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run each variant once per round, in turn; returns every figure per variant."""
    out: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            out[name].append(fn())
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(figures: dict[str, list[float]], num: str, den: str) -> float:
    """Median of the per-round ratios num/den (both measured in the same round)."""
    return statistics.median(a / b for a, b in zip(figures[num], figures[den]))


def row(name: str, value: float | None, unit: str, *, ratio: float | None = None, baseline: str | None = None,
        target: str | None = None, ok: bool | None = None, **extra) -> dict:
    """One line of the results table."""
    out = {"name": name, "value": value, "unit": unit}
    if ratio is not None:
        out["ratio"] = round(ratio, 3)
        out["baseline"] = baseline
    if target is not None:
        out["target"] = target
        out["ok"] = ok
    out.update(extra)
    return out


@contextmanager
def pg_schema(url: str, prefix: str = "bench") -> Iterator[str]:
    """A fresh schema on the server, dropped afterwards; yields a URL whose search_path points at it."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    raw = raw_pg(url)
    with psycopg.connect(raw, autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(raw, autocommit=True) as c:
            c.execute(f'DROP SCHEMA "{schema}" CASCADE')


def raw_pg(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq wants it (options kept)."""
    return url.replace("postgresql+psycopg://", "postgresql://")
