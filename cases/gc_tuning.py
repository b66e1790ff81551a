"""Garbage-collector tuning for a process that does nothing but sweep: the one place it is done.

A sweep batch allocates tens of thousands of short-lived, acyclic containers
(rows, tuples, dicts); at CPython's default young-generation threshold (700
allocations) they trigger hundreds of collections, and the older generations'
ones walk every object the process holds: measured at a tenth to a fifth of a
sweep's CPU. A higher young-generation threshold saves as much (measured on a
100k-case sweep with 800k objects held) while the collector stays on, only
collecting in larger steps. Spanning the whole sweep matters: putting the
default back between batches made the next allocation collect at once, twenty
collections and a twelfth of the time of a 40k-escalation sweep (measured; one,
lasting 1 ms, when it spans the sweep).

The setting is process-wide, so only a process that exists to sweep may change
it: ``disputeflow scheduler run`` and the one-off ``disputeflow sweep``. Never
the engine itself: ``disputeflow serve`` runs the scheduler beside the web
threads, and an embedding host owns its own collector (``Engine.sweep`` and
``Engine.import_ledger`` leave it as they found it).
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

BATCH_GEN0_THRESHOLD = 100_000  # allocations between young collections while sweeping (CPython's default: 700)

_lock = threading.Lock()
_state = {"depth": 0, "saved": None}


@contextmanager
def relaxed_collector() -> Iterator[None]:
    """Collect young objects less often for the duration; the collector stays on.

    Nested uses (threads of one sweeper process) share it: the first raises
    the threshold, the last puts back what it found, unless something else
    changed it meanwhile. A threshold already higher (or a disabled collector)
    is left alone.
    """
    with _lock:
        if _state["depth"] == 0:
            old = gc.get_threshold()
            _state["saved"] = old if old[0] and old[0] < BATCH_GEN0_THRESHOLD else None
            if _state["saved"]:
                gc.set_threshold(BATCH_GEN0_THRESHOLD, *old[1:])
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            saved = _state["saved"]
            if _state["depth"] == 0 and saved and gc.get_threshold() == (BATCH_GEN0_THRESHOLD, *saved[1:]):
                gc.set_threshold(*saved)
