"""The collector belongs to the process: the engine leaves it alone, only a standalone sweeper tunes it.

``Engine.sweep``, the scheduler's sweep job (which ``disputeflow serve`` runs
beside its web threads) and ``Engine.import_ledger`` must neither disable the
collector nor change its thresholds; ``disputeflow sweep`` and
``disputeflow scheduler run`` do, for their run only.
"""

from __future__ import annotations

import gc

import pytest
from click.testing import CliRunner

from tests.conftest import T0, build_town, report
from tests.ledgers import write_csv
from disputeflow import Engine
from disputeflow.cases.gc_tuning import BATCH_GEN0_THRESHOLD
from disputeflow.workflow import scheduler
from disputeflow.workflow.timesource import FixedClock


@pytest.fixture
def gc_watch(monkeypatch):
    """Every call that would change the collector's settings, recorded instead of made."""
    calls: list[str] = []
    for name in ("disable", "enable", "set_threshold", "freeze", "unfreeze"):
        monkeypatch.setattr(gc, name, lambda *a, _n=name: calls.append(_n))
    return calls


def test_sweep_in_process_leaves_the_collector_alone(engine, clock, gc_watch):
    before = (gc.isenabled(), gc.get_threshold())
    for _ in range(3):
        report(engine)
    clock.advance(days=20)
    assert engine.sweep()  # every step of three cases, red cards and listings included
    scheduler.sweep_job(engine)
    assert gc_watch == [] and (gc.isenabled(), gc.get_threshold()) == before


def test_a_ledger_import_in_process_leaves_the_collector_alone(engine, tmp_path, gc_watch):
    header = ["编号", "登记日期", "村(社区)", "纠纷类型", "姓名", "联系电话", "风险等级", "包案领导", "化解情况"]
    rows = [[f"TZ-{i:03}", "2026-03-01", "甲村", "邻里纠纷", "张三", "13812345678", "低", None, "调处中"]
            for i in range(1, 6)]
    got = engine.import_ledger(write_csv(tmp_path / "台账.csv", header, rows), actor="sup")
    assert got["created"] == 5
    assert gc_watch == []


@pytest.fixture
def cli_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    eng = Engine(url, clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    eng.close()
    return url


def test_the_sweep_command_tunes_the_collector_for_its_run_only(cli_db, monkeypatch):
    from disputeflow.cli import cli
    from disputeflow.workflow.engine import Engine as EngineClass

    seen = []
    monkeypatch.setattr(EngineClass, "sweep", lambda self, *a, **k: seen.append(gc.get_threshold()[0]) or [])
    before = gc.get_threshold()
    res = CliRunner().invoke(cli, ["--db", cli_db, "--now", "2026-03-20T09:00+08:00", "sweep"])
    assert res.exit_code == 0, res.output
    assert seen == [max(BATCH_GEN0_THRESHOLD, before[0])] and gc.get_threshold() == before


def test_the_scheduler_command_tunes_the_collector_while_it_runs(cli_db, monkeypatch):
    from disputeflow.cli import cli

    seen = []
    monkeypatch.setattr(scheduler, "run_forever", lambda *a, **k: seen.append(gc.get_threshold()[0]))
    before = gc.get_threshold()
    res = CliRunner().invoke(cli, ["--db", cli_db, "scheduler", "run", "--every", "5"])
    assert res.exit_code == 0, res.output
    assert seen == [max(BATCH_GEN0_THRESHOLD, before[0])] and gc.get_threshold() == before
