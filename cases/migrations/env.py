"""Alembic environment: run against the engine handed in by :mod:`disputeflow.cases.schema`.

With a table prefix (:class:`disputeflow.cases.table_names.TableNames`) the
migrations, written with the plain names, run on a connection whose statements
get the prefix (``CREATE TABLE cases`` becomes ``CREATE TABLE df_cases``, index
names too); their inspections go through :func:`disputeflow.cases.table_names.inspect_tables`, and
SQLite's reflection for a table rebuild finds the prefixed table.
With a schema (PostgreSQL) the schema is created if missing and put first on the
search path for the migration's transaction only (``SET LOCAL``), so the
migrations' plain names create and find the tables there. Alembic's version table
is ``{prefix}alembic_version`` in that schema. The connection is the engine's own
for this run: nothing here changes what a host's connections do.
"""

from alembic import context
from sqlalchemy import event

from disputeflow.cases.schema import include_name
from disputeflow.cases.table_names import TableNames
from disputeflow.cases.tables import metadata

config = context.config
engine = config.attributes.get("engine")
names: TableNames = config.attributes.get("table_names") or TableNames()
if engine is None:  # run from the alembic command line
    from disputeflow.cases.db import make_engine, url_from_env

    engine = make_engine(url_from_env(config.get_main_option("sqlalchemy.url")))

with engine.connect() as connection:
    if names.prefix:
        def _prefixed(_conn, _cursor, statement, parameters, _context, _executemany):
            return names.rewrite_ddl(statement), names.catalogue_parameters(statement, parameters)

        event.listen(connection, "before_cursor_execute", _prefixed, retval=True)
    if names.schema:
        connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{names.schema}"')
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
        version_table=names.version_table,
        version_table_schema=names.schema,
    )
    with context.begin_transaction():
        if names.schema:
            connection.exec_driver_sql(f'SET LOCAL search_path TO "{names.schema}"')
        context.run_migrations()
    connection.commit()
