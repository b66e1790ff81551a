"""A host application writes its own rows and case actions in one transaction: both commit, or neither.

The host uses only ``from disputeflow import ...`` and SQLAlchemy. Each test runs
on SQLite and PostgreSQL, with the engine made from a URL (its own connection
settings) and the host's connections from a plain ``sqlalchemy.create_engine``,
and with the engine made from the host's own SQLAlchemy engine.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from disputeflow import ConfigError, Engine, FixedClock, InvalidAction, UnitOfWork
from tests.conftest import PARTIES, T0, build_town

FIELDS = dict(title="宅基地边界纠纷", category="neighbour", unit="v1-g1", parties=PARTIES, source="grid")

meta = sa.MetaData()
orders = sa.Table("host_orders", meta, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("ref", sa.String(40), nullable=False))


class Boom(Exception):
    pass


@pytest.fixture(params=["engine_from_url", "engine_from_host_engine"])
def app(request, db_url):
    """(engine, host SQLAlchemy engine): the host's tables next to the engine's."""
    host = sa.create_engine(db_url)
    eng = Engine(db_url if request.param == "engine_from_url" else host, clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    meta.create_all(host)
    yield eng, host
    eng.close()
    host.dispose()


def counts(host) -> dict:
    with host.connect() as c:
        return {t: c.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("host_orders", "cases", "audit_events", "outbox")}


def refs(host) -> list[str]:
    with host.connect() as c:
        return [r[0] for r in c.execute(sa.select(orders.c.ref).order_by(orders.c.id))]


def test_host_commit_writes_its_row_and_the_case(app):
    eng, host = app
    with host.begin() as conn:
        conn.execute(orders.insert().values(ref="order-1"))
        out = eng.report("go", connection=conn, **FIELDS)
        eng.act(out.number, "assign", "sup", mediator="med1", connection=conn)
    assert refs(host) == ["order-1"]
    assert [h["action"] for h in eng.history(out.number)] == ["report", "assign"]
    assert eng.case(out.number)["mediator"] == "med1"


def test_host_rollback_leaves_the_case_its_audit_and_outbox_untouched(app):
    eng, host = app
    number = eng.report("go", **FIELDS).number
    before = counts(host)
    version = eng.case(number)["version"]
    started = time.monotonic()
    with pytest.raises(Boom):
        with host.begin() as conn:
            conn.execute(orders.insert().values(ref="order-2"))
            eng.act(number, "assign", "sup", mediator="med1", connection=conn)
            eng.report("go", connection=conn, **FIELDS)
            raise Boom()
    assert time.monotonic() - started < 4  # no wait for a lock the engine's own connection could not get
    assert counts(host) == before
    assert eng.case(number)["version"] == version
    assert [h["action"] for h in eng.history(number)] == ["report"]
    eng.act(number, "assign", "sup", mediator="med1")  # the engine's own path works after it
    assert eng.case(number)["mediator"] == "med1"


def test_unit_of_work_commits_with_the_host_and_a_refused_action_leaves_the_rest(app):
    eng, host = app
    with host.begin() as conn:
        with eng.unit_of_work(conn) as uow:
            assert isinstance(uow, UnitOfWork)
            out = uow.report("go", **FIELDS)
            with pytest.raises(InvalidAction):
                uow.act(out.number, "close", "sup")  # refused: its savepoint alone is undone
            uow.act(out.number, "assign", "sup", mediator="med1")
            uow.act_many([(out.number, "assess", "med1", {"risk": "low"})])
        conn.execute(orders.insert().values(ref="order-3"))  # the host's transaction is still usable
    assert [o.event for o in uow.outcomes] == ["report", "assign", "assess"]
    assert refs(host) == ["order-3"]
    assert [h["action"] for h in eng.history(out.number)] == ["report", "assign", "assess"]


def test_unit_of_work_rolled_back_by_the_host_writes_nothing(app):
    eng, host = app
    before = counts(host)
    with pytest.raises(Boom):
        with host.begin() as conn, eng.unit_of_work(conn) as uow:
            out = uow.report("go", **FIELDS)
            uow.act(out.number, "assign", "sup", mediator="med1")
            conn.execute(orders.insert().values(ref="order-4"))
            raise Boom()
    assert counts(host) == before


def test_listeners_hear_of_a_host_change_only_when_the_host_commits(app):
    eng, host = app
    heard: list[str] = []
    eng.on("*", lambda o: heard.append(o.event))
    with pytest.raises(Boom):
        with host.begin() as conn:
            eng.report("go", connection=conn, **FIELDS)
            raise Boom()
    assert heard == []
    with host.begin() as conn:
        out = eng.report("go", connection=conn, **FIELDS)
        eng.act(out.number, "assign", "sup", mediator="med1", connection=conn)
        assert heard == []  # not yet committed
    assert heard == ["report", "assign"]


def test_a_connection_to_another_database_is_refused(app, tmp_path):
    eng, _host = app
    other = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with other.begin() as conn:
        with pytest.raises(ConfigError) as err:
            eng.report("go", connection=conn, **FIELDS)
        assert "host connection" in err.value.en
    with pytest.raises(ConfigError):
        eng.unit_of_work(object())  # type: ignore[arg-type]
    other.dispose()
