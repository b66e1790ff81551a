"""Migration 0018 on a database holding key persons: down to 0015 and up again keeps them, makes the anchor
case optional and is idempotent; a person without a case can then be registered."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from disputeflow import Engine
from disputeflow.cases import schema
from tests.conftest import build_town, report


def test_0018_round_trip_with_key_persons(db_url, clock):
    eng = Engine(db_url, clock=clock)
    eng.init()
    build_town(eng)
    number = report(eng)
    pid = eng.add_person("go", name="王某", cases=[number], risk="critical", grid_officer="go",
                         lead_official="lead")["id"]
    eng.close()
    db = create_engine(db_url)
    try:
        command.downgrade(schema.alembic_config(db), "0015")
        assert "person_type" not in {c["name"] for c in inspect(db).get_columns("key_persons")}
        schema.upgrade(db)
        schema.upgrade(db)  # idempotent
        cols = {c["name"]: c for c in inspect(db).get_columns("key_persons")}
        assert cols["anchor_case_id"]["nullable"] and "keeper_village" in cols
        with db.connect() as c:
            assert c.execute(text("SELECT id, person_type FROM key_persons")).all() == [(pid, "dispute_party")]
            assert c.execute(text("SELECT count(*) FROM key_person_cases")).scalar() == 1
    finally:
        db.dispose()
    eng = Engine(db_url, clock=clock)
    try:
        assert eng.add_person("go", name="赵某", risk="high", grid_officer="go", lead_official="lead",
                              unit="v1-g1")["cases"] == []
        assert eng.verify_person_audit()["problems"] == []
    finally:
        eng.close()
