"""Trigger DDL from the mapping, drift detection, and the text a generated migration carries."""

import ast

import sqlalchemy as sa

from qbd_pipeline.spec.mapping import MAPPINGS
from qbd_pipeline.wms import triggers
from qbd_pipeline.wms.schema import metadata
from qbd_pipeline.wms.trigger_migrations import render

SYNCED = {t for m in MAPPINGS.values() for t in (m.table, m.lines.table if m.lines else None) if t}


def test_every_synced_table_has_capture_triggers_on_both_dialects():
    for dialect in ("sqlite", "postgresql"):
        assert set(triggers.expected(dialect)) == SYNCED


def test_a_sqlite_update_trigger_watches_every_declared_column_but_the_row_id_and_updated_at():
    update = triggers.expected("sqlite")["customers"]["customers_capture_update"]
    for column in metadata.tables["customers"].columns:
        watched = f"OLD.{column.name} IS NOT NEW.{column.name}" in update
        assert watched == (column.name not in ("id", "updated_at")), column.name


def _sqlite_with_triggers() -> sa.Connection:
    engine = sa.create_engine("sqlite://")
    connection = engine.connect()
    metadata.create_all(connection)
    connection.exec_driver_sql(triggers.SQLITE_CONTEXT)
    for table in triggers.expected("sqlite").values():
        for statement in table.values():
            connection.exec_driver_sql(statement)
    return connection


def test_drift_names_the_tables_whose_triggers_are_missing_or_different():
    connection = _sqlite_with_triggers()
    assert triggers.drift(connection) == []
    connection.exec_driver_sql("DROP TRIGGER sales_order_lines_capture_delete")
    connection.exec_driver_sql("DROP TRIGGER vendors_capture_update")
    connection.exec_driver_sql("CREATE TRIGGER vendors_capture_update AFTER UPDATE ON vendors BEGIN SELECT 1; END")
    assert triggers.drift(connection) == ["sales_order_lines", "vendors"]


def test_a_changed_row_is_captured_with_its_fields_and_the_sync_writer_is_not():
    connection = _sqlite_with_triggers()
    connection.exec_driver_sql("INSERT INTO vendors (name, is_active) VALUES ('V', 1)")
    connection.exec_driver_sql("UPDATE vendors SET email = 'v@example.com', fax = '1' WHERE name = 'V'")
    with triggers.sync_writer(connection):
        connection.exec_driver_sql("UPDATE vendors SET phone = '2' WHERE name = 'V'")
    captured = connection.exec_driver_sql("SELECT operation, changed_fields FROM wms_changes ORDER BY id").all()
    assert captured == [("insert", None), ("update", "email,fax")]


def test_rendered_statements_are_the_same_text_when_read_back():
    statements = {"postgresql": ["DROP TRIGGER IF EXISTS x ON y"],
                  "sqlite": [triggers.expected("sqlite")["customers"]["customers_capture_update"]]}
    source = "\n".join(render(statements))
    assert max(len(line) for line in source.splitlines()) <= 110
    tree = ast.parse(source)
    [table] = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
    assert ast.literal_eval(table) == statements
