"""Alembic environment for the WMS schema (run through `qbd-pipeline db upgrade`)."""

import sqlalchemy as sa
from alembic import context

from qbd_pipeline.wms.schema import metadata
from qbd_pipeline.wms.trigger_migrations import add_trigger_ops

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        # A batch migration rebuilds a table (copy, drop, rename); SQLite's modern rename re-parses every
        # view, and fails on one naming the table dropped a moment before. The legacy rename does not.
        connection.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,  # a default the WMS app relies on is part of the schema
        process_revision_directives=add_trigger_ops if config.attributes.get("autogenerate_triggers") else None,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA legacy_alter_table = OFF")


run_migrations()
