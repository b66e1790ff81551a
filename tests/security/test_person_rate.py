"""``disputeflow person rate`` answers only inside the reader's jurisdiction (real processes, exit codes)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.conftest import build_town, cli_runner, make_db_url

RATE = ("person", "rate", "--start", "2026-03-01", "--end", "2026-04-01")


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    """The test town with one key person in 甲村 (v1); the CLI as real processes over its database."""
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    url, drop = make_db_url(request.param, tmp_path)
    eng = Engine(url, clock=FixedClock(datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)))
    eng.init()
    build_town(eng)
    number = eng.report("go", title="宅基地纠纷", category="neighbour", unit="v1-g1",
                        parties=[{"name": "张三", "role": "applicant"}]).number
    eng.add_person("go", name="王大锤", cases=[number], risk="high", grid_officer="go", lead_official="lead")
    eng.close()
    yield cli_runner(url, tmp_path)
    drop()


def test_rate_outside_the_readers_jurisdiction_is_refused(cli):
    for who, unit in (("med2", "v1"), ("med2", "t1"), ("med-j", "v1")):
        p = cli("--as", who, "--json", *RATE, "--unit", unit, ok=False)
        assert p.returncode == 3, (who, unit, p.stdout, p.stderr)
        assert p.stdout == "" and "不在您的管辖范围内" in p.stderr and "Traceback" not in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1
    en = cli("--lang", "en", "--as", "med2", *RATE, "--unit", "v1", ok=False)
    assert en.returncode == 3 and "outside your jurisdiction" in en.stderr
    assert cli(*RATE, "--unit", "v1", ok=False).returncode == 2  # nobody named: usage


def test_rate_inside_the_jurisdiction_answers(cli):
    for who, unit in (("sup", "t1"), ("med1", "v1"), ("admin", "v2")):
        doc = json.loads(cli("--as", who, "--json", *RATE, "--unit", unit).stdout)
        assert doc["unit"] == unit
    assert json.loads(cli("--as", "med1", "--json", *RATE, "--unit", "v1").stdout)["under_control"] == 1
