"""The migrations build exactly the schema `wms/schema.py` declares, triggers included, and stand alone."""

import ast
import shutil

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
    if engine.dialect.name == "sqlite":
        assert "customers" in drifted and "sales_order_lines" not in drifted
    else:
        assert drifted == missing  # PostgreSQL's triggers compare whole rows: nothing to watch by name
    upgrade(engine)
    with engine.connect() as connection:
        assert triggers.drift(connection) == []


def _statements(path) -> list:
    """The literal statement tables a generated migration runs, upgrade and downgrade."""
    tree = ast.parse(path.read_text())
    return [ast.literal_eval(node) for node in ast.walk(tree)
            if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys)]


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


def test_the_generated_trigger_migration_carries_the_sql_wms_triggers_writes(tmp_path):
    """0004 regenerated from the migrations before it holds the same trigger statements (and, since
    today's schema has more, the triggers of the tables added after it)."""
    copy = tmp_path / "migrations"
    later = [p.name for p in (MIGRATIONS / "versions").glob("[0-9]*.py") if p.name[:4] >= "0004"]
    shutil.copytree(MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__", *later))
    generated = new_revision("again", migrations=copy)
    shipped = next((MIGRATIONS / "versions").glob("0004_*.py"))
    assert len(_statements(shipped)) == 3  # upgrade; downgrade: drops first, the old triggers last
    for new, old in zip(_statements(generated), _statements(shipped), strict=True):
        for dialect, statements in old.items():
            assert all(statement in new[dialect] for statement in statements)


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
