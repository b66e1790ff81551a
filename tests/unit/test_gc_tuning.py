"""A sweeper process collects young objects less often, keeps the collector on, and gives the setting back."""

from __future__ import annotations

import gc
import threading

import pytest

from disputeflow.cases.gc_tuning import BATCH_GEN0_THRESHOLD, relaxed_collector


def test_threshold_is_raised_for_a_batch_and_restored_even_when_it_fails():
    before = gc.get_threshold()
    with relaxed_collector():
        assert gc.isenabled()
        assert gc.get_threshold() == (BATCH_GEN0_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError):
        with relaxed_collector():
            raise RuntimeError("batch failed")
    assert gc.get_threshold() == before and gc.isenabled()


def test_nested_batches_in_threads_restore_the_setting_once_all_are_done():
    before = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other():
        with relaxed_collector():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=other)
    t.start()
    inside.wait(5)
    with relaxed_collector():
        assert gc.get_threshold()[0] == BATCH_GEN0_THRESHOLD
    assert gc.get_threshold()[0] == BATCH_GEN0_THRESHOLD  # the other thread's batch still runs
    leave.set()
    t.join(5)
    assert gc.get_threshold() == before


def test_a_host_setting_is_left_alone():
    before = gc.get_threshold()
    try:
        gc.set_threshold(200_000, *before[1:])  # the host already collects rarely: not lowered
        with relaxed_collector():
            assert gc.get_threshold()[0] == 200_000
        assert gc.get_threshold()[0] == 200_000
        gc.set_threshold(*before)
        with relaxed_collector():
            gc.set_threshold(5000, *before[1:])  # changed by the host during the batch: kept
        assert gc.get_threshold()[0] == 5000
    finally:
        gc.set_threshold(*before)


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with relaxed_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
