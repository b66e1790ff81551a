"""The sweep pauses the cycle collector for a batch and always gives it back."""

from __future__ import annotations

import gc

import pytest

from workflow.sweep import _collector_paused


def test_collector_resumes_after_a_batch_even_when_it_fails():
    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with _collector_paused():
            raise RuntimeError("batch failed")
    assert gc.isenabled()


def test_a_host_that_turned_the_collector_off_keeps_it_off():
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
