"""The rewrite of SQL text to the configured table names: tables only, never a column or a parameter."""

from __future__ import annotations

from disputeflow.cases.statements import STATEMENTS
from disputeflow.cases.table_names import TableNames

DF = TableNames("df_")
MED = TableNames("df_", "mediation")


def test_no_options_is_the_identity():
    plain = TableNames()
    sql = STATEMENTS["case_for_actor"]
    assert not plain and plain.rewrite(sql) is sql and plain.table("cases") == "cases"
    assert plain.version_table == "alembic_version"


def test_tables_in_every_position():
    sql = ("SELECT c.id, cases.number FROM cases c LEFT JOIN users u ON u.id = c.reporter "
           "WHERE EXISTS (SELECT 1 FROM clocks k WHERE k.case_id = cases.id)")
    assert DF.rewrite(sql) == (
        "SELECT c.id, df_cases.number FROM df_cases c LEFT JOIN df_users u ON u.id = c.reporter "
        "WHERE EXISTS (SELECT 1 FROM df_clocks k WHERE k.case_id = df_cases.id)")
    # with a schema, a table is qualified where it is named; a column's qualifier keeps the table's own name
    assert MED.rewrite("UPDATE case_counters SET last = case_counters.last + 1") == (
        "UPDATE mediation.df_case_counters SET last = df_case_counters.last + 1")
    assert MED.rewrite("SELECT nextval(pg_get_serial_sequence('cases', 'id'))") == (
        "SELECT nextval(pg_get_serial_sequence('mediation.df_cases', 'id'))")


def test_parameters_columns_and_longer_names_are_left_alone():
    assert DF.rewrite("SELECT 1 FROM outbox WHERE event = :units AND x = %(cases)s AND t.users = 1") == (
        "SELECT 1 FROM df_outbox WHERE event = :units AND x = %(cases)s AND t.users = 1")
    assert DF.rewrite("INSERT INTO case_counters (prefix) VALUES (1)") == (
        "INSERT INTO df_case_counters (prefix) VALUES (1)")
    assert DF.rewrite("SELECT * FROM key_person_duties") == "SELECT * FROM df_key_person_duties"
    assert DF.rewrite(DF.rewrite("SELECT * FROM cases")) == "SELECT * FROM df_cases"  # no second prefix


def test_a_column_named_like_a_table():
    # unit_talks.cases and sensitive_periods.units are columns as well as table names
    sql = ("INSERT INTO unit_talks (unit_id, month, level3_count, cases, listed_at) "
           "VALUES (:unit, :month, :count, :cases, :now) ON CONFLICT (unit_id, month) DO NOTHING")
    assert DF.rewrite(sql) == sql.replace("INTO unit_talks", "INTO df_unit_talks")
    assert DF.rewrite("UPDATE sensitive_periods SET units = ? WHERE id = ?") == (
        "UPDATE df_sensitive_periods SET units = ? WHERE id = ?")
    joined = ("SELECT unit_talks.cases, units.name FROM unit_talks JOIN units ON units.id = unit_talks.unit_id")
    assert DF.rewrite(joined) == (
        "SELECT df_unit_talks.cases, df_units.name FROM df_unit_talks JOIN df_units ON df_units.id = "
        "df_unit_talks.unit_id")


def test_index_and_constraint_names_follow_the_convention():
    ddl = "CREATE INDEX ix_cases_state ON cases (state)"
    assert DF.rewrite_ddl(ddl) == "CREATE INDEX ix_df_cases_state ON df_cases (state)"
    assert DF.rewrite_ddl("CONSTRAINT fk_cases_unit_id_units FOREIGN KEY(unit_id) REFERENCES units (id)") == (
        "CONSTRAINT fk_df_cases_unit_id_units FOREIGN KEY(unit_id) REFERENCES df_units (id)")
    # a name already prefixed (reflected by a table rebuild) is kept
    assert DF.rewrite_ddl("CREATE INDEX ix_df_key_persons_unit_path ON df_key_persons (unit_path)") == (
        "CREATE INDEX ix_df_key_persons_unit_path ON df_key_persons (unit_path)")
    assert MED.rewrite_ddl(ddl) == "CREATE INDEX ix_df_cases_state ON df_cases (state)"  # the schema: search_path


def test_each_statement_is_rewritten_once():
    names = TableNames("df_")
    sql = "SELECT id FROM cases WHERE number = :number"
    first = names.rewrite(sql)
    assert names.rewrite(sql) is first


def test_the_store_makes_its_statements_with_the_names_when_it_starts(tmp_path):
    from disputeflow.cases.db import make_engine
    from disputeflow.cases.store import Store

    db = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        store = Store(db, names=TableNames("df_"))
        assert all(" cases " not in sql and " users " not in sql for sql, _values in store.sql.values())
        assert store.sql["insert_case"][0].startswith("INSERT INTO df_cases (")
        assert store.case_update_sql(("state",)).startswith("UPDATE df_cases SET")
        assert store.engine is not db  # a copy carries the rewrite of Core statements; the given engine has none
        assert not db.dispatch.before_cursor_execute
        plain = Store(db)
        assert plain.engine is db and plain.sql["insert_case"][0].startswith("INSERT INTO cases (")
    finally:
        db.dispose()


def test_the_tables_of_a_row_lock_are_never_qualified():
    sql = "SELECT outbox.id FROM outbox JOIN cases ON cases.id = outbox.case_id FOR UPDATE OF outbox, cases SKIP LOCKED"
    assert MED.rewrite(sql) == (
        "SELECT df_outbox.id FROM mediation.df_outbox JOIN mediation.df_cases ON df_cases.id = df_outbox.case_id "
        "FOR UPDATE OF df_outbox, df_cases SKIP LOCKED")
