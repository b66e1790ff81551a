"""Shared fixtures: a real database per test (SQLite file, and PostgreSQL when configured).

``DISPUTEFLOW_TEST_PG`` holds a PostgreSQL URL; each test then gets its own
schema, dropped afterwards. Without it, the PostgreSQL variants are reported
as skipped with the reason, never silently passed.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest

from disputeflow.workflow.timesource import FixedClock

PG_URL = os.environ.get("DISPUTEFLOW_TEST_PG")
BACKENDS = ["sqlite", "postgresql"]

# A Tuesday morning in Shanghai: 2026-03-03 09:00 +08:00.
T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)


def setup_cfg():
    """The project's setup.cfg, keys in their own case (package names such as ``disputeflow.templates.notifications.zh_CN``)."""
    import configparser
    from pathlib import Path

    cfg = configparser.ConfigParser()
    cfg.optionxform = str
    cfg.read(Path(__file__).parents[1] / "setup.cfg", encoding="utf-8")
    return cfg


def _pg_admin():
    import psycopg

    url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


def make_db_url(backend: str, tmp_path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.db'}", (lambda: None)
    if not PG_URL:
        pytest.skip("DISPUTEFLOW_TEST_PG is not set: PostgreSQL variant not run")
    schema = "t_" + uuid.uuid4().hex[:12]
    with _pg_admin() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"

    def drop():
        with _pg_admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return url, drop


def cli_runner(url: str, cwd, now: str = "2026-03-03T09:00+08:00", **env_extra: str):
    """Run ``disputeflow`` as a real process against ``url``: ``run(*args, ok=True, now=None)``.

    ``ok`` asserts a zero exit (showing stderr); ``now`` fixes the clock for one call.
    """
    import subprocess
    import sys

    env = {**os.environ, "DISPUTEFLOW_DB": url, "DISPUTEFLOW_NOW": now, **env_extra}
    env.pop("DISPUTEFLOW_USER", None)

    def run(*args, ok=True, now=None):
        e = dict(env, DISPUTEFLOW_NOW=now) if now else env
        p = subprocess.run([sys.executable, "-m", "disputeflow.cli", *args], capture_output=True, text=True,
                           env=e, cwd=cwd, timeout=120)
        if ok:
            assert p.returncode == 0, p.stderr
        return p

    return run


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture
def clock():
    return FixedClock(T0)


def build_town(engine) -> None:
    """A small jurisdiction: one town, two villages, a grid, the justice office, and one user per role."""
    engine.add_unit("t1", "试点镇", "town")
    engine.add_unit("v1", "甲村", "village", "t1")
    engine.add_unit("v2", "乙村", "village", "t1")
    engine.add_unit("v1-g1", "甲村第1网格", "grid", "v1")
    engine.add_unit("justice", "试点司法所", "office", "t1")
    engine.add_user("go", "网格员小王", "grid_officer", "v1-g1", phone="13800000001")
    engine.add_user("med1", "调解员甲", "mediator", "v1", phone="13800000002")
    engine.add_user("med2", "调解员乙", "mediator", "v2")
    engine.add_user("med-j", "司法所调解员", "mediator", "justice")
    engine.add_user("lead", "包案领导", "lead_official", "t1")
    engine.add_user("sup", "督办员", "supervisor", "t1", email="sup@example.org")
    engine.add_user("admin", "管理员", "admin", "t1")


@pytest.fixture
def engine(db_url, clock):
    from disputeflow import Engine

    eng = Engine(db_url, clock=clock)
    eng.init()
    build_town(eng)
    yield eng
    eng.close()


PARTIES = [{"name": "张三", "role": "applicant", "phone": "13812348000", "id_number": "11010519491231002X"},
           {"name": "李四", "role": "respondent", "phone": "13912345678"}]


def report(engine, **over):
    fields = dict(title="宅基地边界纠纷", category="neighbour", unit="v1-g1", parties=PARTIES, source="grid")
    fields.update(over)
    return engine.report("go", **fields).number
