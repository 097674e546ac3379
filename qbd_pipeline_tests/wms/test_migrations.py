"""The migrations build exactly the schema `wms/schema.py` declares, triggers included, and stand alone."""

import ast
import shutil
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from qbd_pipeline.wms import triggers
from qbd_pipeline.wms.migrate import MIGRATIONS, downgrade, new_revision, upgrade
from qbd_pipeline.wms.schema import metadata


def test_the_migrated_schema_is_the_declared_schema(wms):
    """Tables, columns, types, indexes and constraints (Alembic's comparison), and every synced table's
    capture triggers as `wms/triggers.py` wants them (on SQLite, their text: the columns they watch)."""
    with wms.engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert triggers.drift(connection) == []
        assert set(triggers.present(connection)) == set(triggers.expected(connection.dialect.name))


def test_a_column_added_to_a_synced_table_is_captured_only_through_a_new_migration(wms):
    """0003 added `qbd_deleted_at`; the SQLite triggers of 0002 do not watch it until 0004 recreates
    them. Down and up again ends where it started."""
    engine = wms.engine()
    downgrade(engine, "0003")
    with engine.connect() as connection:
        drifted = set(triggers.drift(connection))
        missing = set(triggers.expected(connection.dialect.name)) - set(sa.inspect(connection).get_table_names())
    assert missing and missing <= drifted  # tables later migrations add
    if engine.dialect.name == "sqlite":  # (the lines' triggers drifted later: 0013 records a change's company)
        assert "customers" in drifted
    else:
        assert drifted == missing  # PostgreSQL's triggers compare whole rows: nothing to watch by name
    upgrade(engine)
    with engine.connect() as connection:
        assert triggers.drift(connection) == []


def _statements(path) -> list:
    """The literal statement tables a generated migration runs, upgrade and downgrade."""
    tree = ast.parse(path.read_text())
    return [ast.literal_eval(node) for node in ast.walk(tree)
            if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys)
            and {k.value for k in node.keys} == {"postgresql", "sqlite"}]


def _operations(path) -> list[str]:
    """What a migration does: its upgrade and downgrade, as syntax trees (comments and layout aside)."""
    tree = ast.parse(path.read_text())
    return [ast.dump(node) for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name in ("upgrade", "downgrade")]


def test_db_revision_writes_the_newest_migration_again_and_nothing_when_the_schema_agrees(tmp_path):
    """Regenerated from a copy without it (and what follows it), the newest generated migration does
    the same; at head there is nothing to write. Migrations written by hand (views) say so on their
    first line."""
    versions = sorted((MIGRATIONS / "versions").glob("[0-9]*.py"))
    shipped = [p for p in versions if "written by hand" not in p.read_text().split("\n", 1)[0]][-1]
    copy = tmp_path / "migrations"
    later = [p.name for p in versions if p.name[:4] >= shipped.name[:4]]
    shutil.copytree(MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__", *later))
    generated = new_revision("again", migrations=copy)
    assert generated.name[:4] == shipped.name[:4]
    assert _operations(generated) == _operations(shipped)
    shutil.copytree(MIGRATIONS / "versions", copy / "versions", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    generated.unlink()
    empty = new_revision("nothing", migrations=copy)
    assert _statements(empty) == []
    assert "pass" in empty.read_text().split("def upgrade")[1]


def test_the_newest_trigger_migration_carries_the_sql_wms_triggers_writes_today():
    """For every synced table, the newest migration that recreates its capture triggers (0013 did all:
    a change records its company; 0016 customers, items, vendors: defaults) runs exactly the statements
    `wms/triggers.py` writes for today's schema."""
    from qbd_pipeline.wms.trigger_migrations import upgrade_statements

    generated = [p for p in sorted((MIGRATIONS / "versions").glob("[0-9]*.py"))
                 if "written by hand" not in p.read_text().split("\n", 1)[0]]
    carrying = [p for p in generated if len(_statements(p)) >= 2]
    newest_for: dict[str, Path] = {}
    for path in carrying:
        block = _statements(path)[0]
        for table in triggers.expected("sqlite"):
            if any(f" ON {table} " in sql for sql in block["sqlite"]):
                newest_for[table] = path
    assert set(newest_for) == set(triggers.expected("sqlite"))
    for path in set(newest_for.values()):
        tables = sorted(t for t, p in newest_for.items() if p == path)
        assert _statements(path)[0] == upgrade_statements(tables) or path != carrying[-1], path.name
    for dialect in ("postgresql", "sqlite"):
        for table, wanted in triggers.expected(dialect).items():
            statements = _statements(newest_for[table])[0][dialect]
            assert all(sql in statements for sql in wanted.values()), (newest_for[table].name, table)


def test_rebuilt_sqlite_tables_still_never_reuse_row_ids(tmp_path):
    """wms_changes refers to rows by id: a SQLite table rebuilt by a migration must keep AUTOINCREMENT."""
    from qbd_pipeline.wms.resources import dispose_engine, make_engine

    url = f"sqlite:///{tmp_path / 'wms.sqlite'}"
    upgrade(make_engine(url))
    with make_engine(url).connect() as connection:
        ddl = dict(connection.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
    dispose_engine(url)
    for table in ("items", "sales_order_lines", "purchase_order_lines", "invoice_lines", "customers"):
        assert "AUTOINCREMENT" in ddl[table], table


def test_a_single_company_wms_moves_to_company_keys_without_losing_a_row(wms_url, monkeypatch):
    """0012/0013 on a WMS that synced one company file: refused without CONDUCTOR_END_USER_ID (no guess),
    then every row, mark, snapshot and change is kept under that company, which becomes its first
    `companies` row; a second company's record of the same QuickBooks id is then a row of its own."""
    import pytest

    from qbd_pipeline.wms.resources import make_engine

    engine = make_engine(wms_url)
    upgrade(engine, "0011")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO customers (qbd_id, name, full_name, is_active) "
                                   "VALUES ('80000001-1', 'Acme', 'Acme', true)"))
        connection.execute(sa.text("INSERT INTO sync_state (entity, fetched_through) VALUES "
                                   "('customers', '2026-11-02 05:00:00')"))
        connection.execute(sa.text("INSERT INTO sync_snapshots (entity, qbd_id, data, updated_at) VALUES "
                                   "('customers', '80000001-1', '{}', '2026-11-02 05:00:00')"))
    monkeypatch.delenv("CONDUCTOR_END_USER_ID", raising=False)
    with pytest.raises(RuntimeError, match="set CONDUCTOR_END_USER_ID"):
        upgrade(engine)
    monkeypatch.setenv("CONDUCTOR_END_USER_ID", "end_usr_first")
    upgrade(engine)
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT company, qbd_id, name FROM customers")).all() == [
            ("end_usr_first", "80000001-1", "Acme")]
        assert connection.execute(sa.text("SELECT company, entity FROM sync_state")).all() == [
            ("end_usr_first", "customers")]
        assert connection.execute(sa.text("SELECT company FROM sync_snapshots")).scalars().all() == ["end_usr_first"]
        assert connection.execute(sa.text("SELECT id, status FROM companies")).all() == [("end_usr_first", "active")]
        assert [r[0] for r in connection.execute(sa.text("SELECT company FROM wms_changes"))] == ["end_usr_first"]
        connection.execute(sa.text("INSERT INTO customers (company, qbd_id, name, full_name, is_active) "
                                   "VALUES ('end_usr_second', '80000001-1', 'Other', 'Other', true)"))
        connection.execute(sa.text("INSERT INTO sync_state (company, entity) VALUES ('end_usr_second', 'customers')"))
        assert connection.execute(sa.text("SELECT count(*) FROM customers")).scalar() == 2
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_0015_closes_failures_that_are_over_and_lists_one_per_record(wms_url):
    """A WMS with a record failed twice (insert and line update) and another failed, then pushed: after
    0015 the first lists once (its newest change), the second not at all; downgrading lists them again."""
    from qbd_pipeline.wms.resources import dispose_engine, make_engine

    engine = make_engine(wms_url)
    upgrade(engine, "0014")
    rows = [(1, 5, "insert", "failed"), (2, 5, "update", "failed"), (3, 7, "update", "failed"),
            (4, 7, "update", "pushed"), (5, 9, "update", "failed")]
    with engine.begin() as connection:
        for change, row_id, operation, status in rows:
            connection.execute(sa.text(
                "INSERT INTO wms_changes (id, entity, row_id, operation, status, last_error, company, changed_at) "
                "VALUES (:i, 'sales_orders', :r, :o, :s, :e, 'end_usr_a', :t)"),
                {"i": change, "r": row_id, "o": operation, "s": status, "e": f"error {change}",
                 "t": f"2026-11-02 05:00:0{change}"})
    upgrade(engine)
    with engine.connect() as connection:
        statuses = dict(connection.execute(sa.text("SELECT id, status FROM wms_changes")).all())
        listed = connection.execute(sa.text(
            "SELECT wms_row_id, source_id, message, first_seen_at FROM sync_error_list ORDER BY source_id")).all()
        notes = dict(connection.execute(sa.text("SELECT id, last_error FROM wms_changes WHERE id IN (1, 3)")).all())
    assert statuses == {1: "superseded", 2: "failed", 3: "resolved", 4: "pushed", 5: "failed"}
    assert [(r.wms_row_id, r.source_id, r.message) for r in listed] == [(5, 2, "error 2"), (9, 5, "error 5")]
    assert str(listed[0].first_seen_at).startswith("2026-11-02 05:00:01")  # the record's first failure
    assert notes[1].endswith("it had failed with: error 1") and notes[3].startswith("resolved: ")
    downgrade(engine, "0014")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM sync_error_list")).scalar() == 4
    dispose_engine(wms_url)


def test_a_row_the_wms_app_creates_gets_quickbooks_defaults_and_one_change(wms):
    """A customer or item written with its name alone has its full name and is active (QuickBooks'
    defaults); a vendor is active. Filling the full name records no change of its own."""
    with wms.engine().begin() as connection:
        connection.execute(sa.text("INSERT INTO customers (company, name) VALUES ('end_usr_a', 'Walk-in')"))
        connection.execute(sa.text("INSERT INTO items (company, item_type, name) VALUES ('end_usr_a', 'service', "
                                   "'Setup')"))
        connection.execute(sa.text("INSERT INTO vendors (company, name) VALUES ('end_usr_a', 'Dock Supply')"))
        connection.execute(sa.text("INSERT INTO customers (company, name, full_name) VALUES ('end_usr_a', 'Job', "
                                   "'Walk-in:Job')"))  # a full name given is kept
    with wms.engine().connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT name, full_name, is_active FROM customers UNION ALL SELECT name, full_name, is_active FROM items "
            "UNION ALL SELECT name, name, is_active FROM vendors ORDER BY 1")).all()
        captured = connection.execute(sa.text("SELECT entity, operation FROM wms_changes ORDER BY id")).all()
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [
        ("Dock Supply", "Dock Supply", True), ("Job", "Walk-in:Job", True), ("Setup", "Setup", True),
        ("Walk-in", "Walk-in", True)]
    assert captured == [("customers", "insert"), ("items", "insert"), ("vendors", "insert"), ("customers", "insert")]
