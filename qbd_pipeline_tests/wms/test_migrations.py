"""The migrations build exactly the schema `wms/schema.py` declares, and keep the capture triggers."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from qbd_pipeline.wms.schema import metadata


def test_the_migrated_schema_is_the_declared_schema(wms):
    with wms.engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_migration_0003_keeps_the_change_capture_triggers(wms):
    """0003 alters synced tables; SQLite rebuilds a table in some alterations, which would drop triggers."""
    with wms.engine().connect() as connection:
        if connection.dialect.name == "sqlite":
            names = set(connection.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        else:
            names = set(connection.execute(sa.text(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema()")).scalars())
    for table in ("customers", "vendors", "items", "sales_orders", "sales_order_lines", "purchase_orders",
                  "purchase_order_lines", "invoices", "invoice_lines", "inventory_adjustments",
                  "inventory_adjustment_lines"):
        assert any(name.startswith(f"{table}_capture") for name in names), table


def test_rebuilt_sqlite_tables_still_never_reuse_row_ids(tmp_path):
    """wms_changes refers to rows by id: a SQLite table rebuilt by a migration must keep AUTOINCREMENT."""
    from qbd_pipeline.wms.migrate import upgrade
    from qbd_pipeline.wms.resources import dispose_engine, make_engine

    url = f"sqlite:///{tmp_path / 'wms.sqlite'}"
    upgrade(make_engine(url))
    with make_engine(url).connect() as connection:
        ddl = dict(connection.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
    dispose_engine(url)
    for table in ("items", "sales_order_lines", "purchase_order_lines", "invoice_lines", "customers"):
        assert "AUTOINCREMENT" in ddl[table], table
