"""Search by a party's name or a title through the indexes of migration 0022, on both databases.

A full name and a fragment of 3 characters or more match anywhere in a name
(FTS5 trigram table on SQLite, pg_trgm GIN index on PostgreSQL); a 1-2
character query matches the start of a name (a B-tree range on SQLite, the
trigram index's padded start on PostgreSQL). Jurisdiction holds on every path,
and the plans say the index is used. Down to the revision before 0022 and up again rebuilds the
index from the parties already stored.
"""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from disputeflow import Engine
from disputeflow.cases import plans, schema, search_reads, transactions
from disputeflow.cases.jurisdiction import case_scope_of
from disputeflow.workflow.runtime import runtime_of
from tests.conftest import build_town, report


def numbers(found) -> list[str]:
    return [i["number"] for i in found["items"]]


def test_name_search_full_fragment_short_and_jurisdiction(engine):
    a = report(engine, parties=[{"name": "欧阳小明", "role": "applicant"}, {"name": "李四", "role": "respondent"}])
    b = engine.report("sup", title="欠薪纠纷", category="labour", unit="v2",
                      parties=[{"name": "王芳", "role": "applicant"}, {"name": "欧阳小红"}]).number
    report(engine, parties=[{"name": "张小明", "role": "applicant"}])  # shares "小明" but not "阳小明"
    for field in ("party", "q"):
        assert numbers(engine.search_cases("sup", **{field: "欧阳小明"})) == [a]
        assert numbers(engine.search_cases("sup", **{field: "阳小明"})) == [a]  # a fragment, not the start
        assert numbers(engine.search_cases("sup", **{field: "王芳"})) == [b]  # a whole two-character name
        assert sorted(numbers(engine.search_cases("sup", **{field: "欧阳"}))) == sorted([a, b])  # a surname
        assert numbers(engine.search_cases("sup", **{field: "王"})) == [b]
    assert numbers(engine.search_cases("sup", party="小明")) == []  # 1-2 characters: the start of a name only
    assert numbers(engine.search_cases("med2", party="欧阳")) == [b]  # med2 works in v2 only
    assert numbers(engine.search_cases("med2", q="阳小明")) == []
    assert numbers(engine.search_cases("med2", q="阳小红")) == [b]
    assert numbers(engine.search_cases("sup", party='"阳小')) == []  # FTS5 syntax is taken literally
    assert numbers(engine.search_cases("sup", q="欠薪")) == [b]  # a title matches as a substring, short or long
    assert numbers(engine.search_cases("sup", q="薪纠纷")) == [b]
    assert numbers(engine.search_cases("med2", q="地边界")) == []  # 宅基地边界纠纷 lies in v1
    assert sorted(numbers(engine.search_cases("sup", q="地边界"))) == sorted(numbers(engine.search_cases("sup",
                                                                                                   unit="v1")))


def _plan(engine, **filters) -> str:
    with transactions.read(runtime_of(engine).store) as conn:
        plans.set_planner(conn, "enable_seqscan", False)  # a deterministic plan on a tiny table
        stmt, params = search_reads.statement(conn, case_scope_of(None), search_reads.Filters(**filters), 50, 0)
        return "\n".join(plans.explain(conn, stmt, params))


def test_name_search_uses_the_index(engine):
    report(engine, parties=[{"name": "欧阳小明", "role": "applicant"}])
    fragment, short = _plan(engine, party="阳小明"), _plan(engine, party="欧阳")
    with transactions.read(runtime_of(engine).store) as conn:
        sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        assert "parties_fts VIRTUAL TABLE" in fragment, fragment
        assert "USING INDEX ix_parties_name (name>? AND name<?)" in short, short
    else:
        assert "Bitmap Index Scan on ix_parties_name_trgm" in fragment, fragment
        assert "Bitmap Index Scan on ix_parties_name_trgm" in short, short
    text = _plan(engine, text="阳小明")  # the search box: a title or a party's name
    if sqlite:
        assert "cases_fts VIRTUAL TABLE" in text and "parties_fts VIRTUAL TABLE" in text, text
    else:
        assert "Bitmap Index Scan on ix_cases_title_trgm" in text, text
        assert "Bitmap Index Scan on ix_parties_name_trgm" in text, text


def test_0022_round_trip_rebuilds_the_index_from_stored_parties(db_url, clock):
    eng = Engine(db_url, clock=clock)
    eng.init()
    build_town(eng)
    number = report(eng, parties=[{"name": "司马相如", "role": "applicant"}])
    eng.close()
    db = create_engine(db_url)
    try:
        cfg = schema.alembic_config(db)
        command.downgrade(cfg, ScriptDirectory.from_config(cfg).get_revision("0022").down_revision)
        tables = set(inspect(db).get_table_names())
        indexes = {i["name"] for i in inspect(db).get_indexes("parties")}
        assert "parties_fts" not in tables and "cases_fts" not in tables and "ix_parties_name_trgm" not in indexes
        assert "ix_cases_open_reported_at" not in {i["name"] for i in inspect(db).get_indexes("cases")}
        schema.upgrade(db)
        schema.upgrade(db)  # idempotent
        assert {"ix_cases_open_reported_at", "ix_cases_unit_path_like"} <= {i["name"] for i in
                                                                        inspect(db).get_indexes("cases")}
        if db.dialect.name == "sqlite":
            assert {"parties_fts", "cases_fts"} <= set(inspect(db).get_table_names())
        else:
            assert "ix_parties_name_trgm" in {i["name"] for i in inspect(db).get_indexes("parties")}
    finally:
        db.dispose()
    eng = Engine(db_url, clock=clock)
    try:
        assert numbers(eng.search_cases("sup", party="马相如")) == [number]  # filled from the stored parties
        assert numbers(eng.search_cases("sup", q="基地边")) == [number]  # and the stored titles
        later = report(eng, parties=[{"name": "司马光", "role": "applicant"}])  # kept in step after the upgrade
        assert numbers(eng.search_cases("sup", party="司马光")) == [later]
    finally:
        eng.close()
