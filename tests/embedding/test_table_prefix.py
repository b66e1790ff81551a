"""An application with its own ``users``, ``cases`` and ``alembic_version`` tables embeds the engine beside them.

Only the public API (``from disputeflow import ...``) drives the engine; the host's
tables are the host's own SQL. ``init()`` twice, a whole walk (units, users, a
report, an action, a list, a sweep, the history), and the host's rows and tables
are as they were; every table and index the engine made carries the prefix (or,
on PostgreSQL with ``schema``, lives in that schema).
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from disputeflow import Config, ConfigError, Engine, FixedClock
from tests.conftest import BACKENDS, make_db_url

T0 = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
PARTIES = [{"name": "张三", "role": "applicant", "phone": "13812348000"},
           {"name": "李四", "role": "respondent", "phone": "13912345678"}]
HOST_TABLES = ("users", "cases", "units", "alembic_version")
HOST_SQL = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, login VARCHAR(40) NOT NULL)",
    "INSERT INTO users VALUES (1, 'host-admin'), (2, 'host-clerk')",
    "CREATE TABLE cases (id INTEGER PRIMARY KEY, title VARCHAR(80), owner INTEGER REFERENCES users (id))",
    "INSERT INTO cases VALUES (7, 'the host''s own case', 1)",
    "CREATE TABLE units (code VARCHAR(10) PRIMARY KEY)",
    "INSERT INTO units VALUES ('H1')",
    "CREATE INDEX ix_cases_state ON cases (title)",  # the engine's index name, taken by the host
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
    "INSERT INTO alembic_version VALUES ('host-7f3a')",
)


@pytest.fixture(params=BACKENDS)
def host_url(request, tmp_path):
    """A database that already holds the host application's tables and rows."""
    url, drop = make_db_url(request.param, tmp_path)
    host = sa.create_engine(url)
    with host.begin() as conn:
        for stmt in HOST_SQL:
            conn.exec_driver_sql(stmt)
    host.dispose()
    yield url
    drop()


def host_rows(url: str) -> dict[str, list]:
    """What the host sees of its own tables (read with its own engine)."""
    host = sa.create_engine(url)
    try:
        with host.connect() as conn:
            return {t: [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {t} ORDER BY 1")] for t in HOST_TABLES}
    finally:
        host.dispose()


def town(engine: Engine) -> None:
    engine.add_unit("t1", "试点镇", "town")
    engine.add_unit("v1", "甲村", "village", "t1")
    engine.add_unit("v1-g1", "甲村第1网格", "grid", "v1")
    engine.add_user("go", "网格员小王", "grid_officer", "v1-g1", phone="13800000001")
    engine.add_user("med1", "调解员甲", "mediator", "v1", phone="13800000002")
    engine.add_user("sup", "督办员", "supervisor", "t1")
    engine.add_user("admin", "管理员", "admin", "t1")


def walk(engine: Engine) -> str:
    """The embedder's whole day through the public API; returns the case number."""
    town(engine)
    number = engine.report("go", title="宅基地边界纠纷", category="neighbour", unit="v1-g1", parties=PARTIES,
                           source="grid").number
    assert [c["number"] for c in engine.list_cases("admin")] == [number]
    steps = engine.sweep(now=T0 + timedelta(days=3))  # the assessment is overdue: the ladder climbs
    assert steps and {s["number"] for s in steps} == {number}
    engine.act(number, "assess", "med1", risk="low")
    actions = [e["action"] for e in engine.history(number, "admin")]
    assert actions[0] == "report" and actions[-1] == "assess" and len(actions) > 2  # escalations in between
    assert engine.case(number, "admin")["state"] == "assessed"
    return number


def engine_objects(url: str, schema: str | None) -> list[tuple[str, str]]:
    """Every table and index outside the host's own: ``(kind, name)``."""
    host = sa.create_engine(url)
    try:
        with host.connect() as conn:
            if host.dialect.name == "sqlite":
                rows = conn.exec_driver_sql("SELECT type, name FROM sqlite_master "
                                            "WHERE name NOT LIKE 'sqlite_autoindex%'").all()
            else:
                where = f"= '{schema}'" if schema else "= current_schema()"
                rows = conn.exec_driver_sql(
                    "SELECT 'table', tablename FROM pg_tables WHERE schemaname " + where +
                    " UNION ALL SELECT 'index', indexname FROM pg_indexes WHERE schemaname " + where).all()
    finally:
        host.dispose()
    return [tuple(r) for r in rows]


def test_init_and_walk_beside_the_hosts_tables(host_url):
    before = host_rows(host_url)
    engine = Engine(Config(url=host_url, table_prefix="df_"), clock=FixedClock(T0))
    try:
        head = engine.init()
        assert engine.init() == head  # idempotent
        walk(engine)
    finally:
        engine.close()
    assert host_rows(host_url) == before
    objects = engine_objects(host_url, None)
    host_own = {("table", t) for t in HOST_TABLES} | {("index", "ix_cases_state")}
    ours = [o for o in objects if o not in host_own]
    assert ("table", "df_cases") in ours and ("table", "df_alembic_version") in ours
    assert ("index", "ix_df_cases_state") in ours
    strays = [name for _kind, name in ours
              if not re.match(r"^(df_|(ix|uq|pk|fk|ck)_df_)", name) and not name.endswith(("_pkey", "_key"))]
    assert strays == []
    # Alembic's mark is in the engine's own version table; the host's is untouched
    assert before["alembic_version"] == [("host-7f3a",)]


def test_a_postgresql_schema_created_by_init(host_url):
    if not host_url.startswith("postgresql"):
        with pytest.raises(ConfigError, match="PostgreSQL"):
            Engine(Config(url=host_url, schema="mediation"))
        return
    schema = "mediation_" + uuid.uuid4().hex[:8]  # one per run: the test database is shared
    before = host_rows(host_url)
    engine = Engine(Config(url=host_url, table_prefix="df_", schema=schema), clock=FixedClock(T0))
    try:
        engine.init()
        engine.init()
        walk(engine)
    finally:
        engine.close()
        objects = engine_objects(host_url, schema)
        admin = sa.create_engine(host_url)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()
    assert host_rows(host_url) == before
    assert ("table", "df_cases") in objects and ("table", "df_alembic_version") in objects
    assert len([o for o in objects if o[0] == "table"]) == 35  # every table of the engine, in its schema
    # nothing of the engine's in the host's schema
    assert [o for o in engine_objects(host_url, None) if o[1].startswith(("df_", "ix_df_"))] == []


def test_prefixed_and_plain_engines_on_one_file_do_not_see_each_other(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    plain = Engine(Config(url=url), clock=FixedClock(T0))
    prefixed = Engine(Config(url=url, table_prefix="app2_"), clock=FixedClock(T0))
    try:
        for engine in (plain, prefixed):
            engine.init()
            town(engine)
        mine = prefixed.report("go", title="甲", category="neighbour", unit="v1-g1", parties=PARTIES).number
        assert plain.list_cases("admin") == []
        theirs = plain.report("go", title="乙", category="neighbour", unit="v1-g1", parties=PARTIES).number
        assert [c["title"] for c in plain.list_cases("admin")] == ["乙"]
        assert [c["title"] for c in prefixed.list_cases("admin")] == ["甲"]
        assert mine == theirs  # each has its own counters as well
    finally:
        plain.close()
        prefixed.close()


def _schema_sql(path, prefix: str) -> set[tuple[str, str, frozenset[str]]]:
    """Each table's and index's definition, with the prefix taken out and its lines as a set (order of
    foreign keys reflected by a table rebuild is not kept)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    finally:
        conn.close()
    out = set()
    for kind, name, sql in rows:
        sql = (sql or "").replace('"', "")
        if prefix:
            sql, name = sql.replace(prefix, ""), name.replace(prefix, "")
        out.add((kind, name, frozenset(line.strip().rstrip(",") for line in sql.splitlines())))
    return out


def test_the_prefixed_schema_is_the_plain_schema_renamed(tmp_path):
    """Every migration (table rebuilds included) made the same tables, columns, constraints and indexes."""
    made = {}
    for prefix in ("", "df_"):
        path = tmp_path / f"schema{prefix or 'plain'}.db"
        engine = Engine(Config(url=f"sqlite:///{path}", table_prefix=prefix))
        engine.init()
        engine.close()
        made[prefix] = _schema_sql(path, prefix)
    assert made["df_"] == made[""]
    assert len(made[""]) > 60


@pytest.mark.parametrize("prefix", ["DF_", "1df_", "df-", "df_;drop", "_df", "d" * 21, 3])
def test_a_bad_prefix_is_refused(prefix):
    with pytest.raises(ConfigError) as err:
        Config(url="sqlite:///x.db", table_prefix=prefix)
    assert "table_prefix" in str(err.value)


@pytest.mark.parametrize("schema", ["Mediation", "pg_temp", "a b", "x;drop", ""])
def test_a_bad_schema_is_refused(schema):
    with pytest.raises(ConfigError):
        Config(url="postgresql://u@h/db", schema=schema)


def test_the_options_come_from_the_config_file(tmp_path):
    path = tmp_path / "disputeflow.toml"
    path.write_text('url = "sqlite:///x.db"\ntable_prefix = "df_"\n', encoding="utf-8")
    assert Config.load(path).table_prefix == "df_"
    path.write_text('table_prefix = "DF"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        Config.load(path)


def test_a_migration_round_trip_keeps_the_prefixed_tables(tmp_path):
    """Down to 0015 and up again on a prefixed database holding a key person (0018 rebuilds its table on
    SQLite): the data and the schema come back as the plain database has them."""
    from alembic import command

    from disputeflow.cases import schema
    from disputeflow.cases.table_names import TableNames

    path = tmp_path / "round.db"
    url = f"sqlite:///{path}"
    engine = Engine(Config(url=url, table_prefix="df_"), clock=FixedClock(T0))
    engine.init()
    town(engine)
    engine.add_user("lead", "包案领导", "lead_official", "t1")
    number = engine.report("go", title="甲", category="neighbour", unit="v1-g1", parties=PARTIES).number
    pid = engine.add_person("go", name="王某", cases=[number], risk="critical", grid_officer="go",
                            lead_official="lead")["id"]
    engine.close()
    db = sa.create_engine(url)
    try:
        names = TableNames("df_")
        command.downgrade(schema.alembic_config(db, names), "0015")
        assert schema.current_revision(db, names) == "0015"
        schema.upgrade(db, names=names)
    finally:
        db.dispose()
    engine = Engine(Config(url=url, table_prefix="df_"), clock=FixedClock(T0))
    try:
        assert [p["id"] for p in engine.persons("admin")] == [pid]
        assert engine.verify_person_audit()["problems"] == []
    finally:
        engine.close()
    plain = tmp_path / "plain.db"
    Engine(Config(url=f"sqlite:///{plain}")).init()
    assert _schema_sql(path, "df_") == _schema_sql(plain, "")


def test_a_config_with_the_hosts_own_engine_and_close_leaves_its_pool(host_url):
    """The host passes its SQLAlchemy engine and a Config: the prefix applies, and close() never disposes the
    host's pool (the host keeps using it afterwards)."""
    before = host_rows(host_url)
    host = sa.create_engine(host_url)
    disposed = []
    sa.event.listen(host, "engine_disposed", lambda e: disposed.append(e))
    try:
        engine = Engine(Config(table_prefix="df_"), db=host, clock=FixedClock(T0))
        engine.init()
        number = walk(engine)
        engine.close()
        assert disposed == []
        with host.connect() as conn:  # the host's own engine, still the host's: its tables untouched
            assert conn.exec_driver_sql("SELECT count(*) FROM df_cases").scalar() == 1
            assert conn.exec_driver_sql("SELECT title FROM cases").scalar() == "the host's own case"
        assert number.endswith("000001")
        with pytest.raises(ConfigError, match="give the database once"):
            Engine(host, db=host)
    finally:
        host.dispose()
    assert host_rows(host_url) == before
