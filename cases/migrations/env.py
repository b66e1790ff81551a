"""Alembic environment: run against the engine handed in by :mod:`disputeflow.cases.schema`."""

from alembic import context

from disputeflow.cases.tables import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # run from the alembic command line
    from disputeflow.cases.db import make_engine, url_from_env

    engine = make_engine(url_from_env(config.get_main_option("sqlalchemy.url")))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
