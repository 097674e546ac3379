"""A migrated WMS for a test, without running the migrations for every test.

Running the Alembic history takes about a second a test (SQLite rebuilds tables in batch
migrations; PostgreSQL executes some 300 DDL statements). Each worker migrates once per dialect
and gives every test a copy of that result: on SQLite the database file, on PostgreSQL the
template schema's `pg_dump`, replayed into the test's own schema in one round trip. A copy is the
migrated database byte for byte (file) or statement for statement (dump), so tests see exactly what
`qbd-pipeline db upgrade` makes; the migrations themselves are tested from an empty database in
qbd_pipeline_tests/wms/. Without `pg_dump` the test's schema is migrated as before.
"""

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from qbd_pipeline.wms.migrate import upgrade
from qbd_pipeline.wms.resources import dispose_engine, make_engine

_sqlite_template: Path | None = None
_postgres_dump: tuple[str, str] | None = None  # (template schema name, its dump)
_NO_DUMP = ("", "")


def _schema_of(url: str) -> str:
    return re.search(r"search_path%3D(\w+)", url).group(1)


def _sqlite(url: str) -> None:
    global _sqlite_template
    if _sqlite_template is None:
        folder = tempfile.mkdtemp(prefix="qbd-wms-template-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # one per worker, gone with it
        template = Path(folder) / "wms.sqlite"
        template_url = f"sqlite:///{template}"
        upgrade(make_engine(template_url))
        dispose_engine(template_url)  # the last connection checkpoints the WAL into the file
        assert not Path(f"{template}-wal").exists() or Path(f"{template}-wal").stat().st_size == 0
        _sqlite_template = template
    shutil.copyfile(_sqlite_template, sa.make_url(url).database)


def _dump(admin_url: str, schema: str) -> str | None:
    url = sa.make_url(admin_url)
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run([pg_dump, "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                           "-U", url.username or "postgres", "-d", url.database or "postgres", "--schema", schema,
                           "--no-owner", "--no-privileges", "--inserts"], capture_output=True, text=True, env=env)
    return done.stdout if done.returncode == 0 else None


def _postgres(url: str, admin_url: str, new_schema) -> bool:
    """Replay the template's dump into the schema of `url`; False when there is no dump to replay."""
    global _postgres_dump
    if _postgres_dump is None:
        with new_schema() as template_url:
            upgrade(make_engine(template_url))
            dispose_engine(template_url)
            name = _schema_of(template_url)
            dump = _dump(admin_url, name)
        _postgres_dump = (name, dump) if dump else _NO_DUMP
    name, dump = _postgres_dump
    if not dump:
        return False
    target = _schema_of(url)
    script = "\n".join(line for line in dump.replace(name, target).splitlines()
                       if not line.startswith(("CREATE SCHEMA", "\\")))  # the schema exists; psql's meta-commands
    engine = sa.create_engine(admin_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(script)
    finally:
        engine.dispose()
    return True


def migrated(url: str, admin_url: str, new_schema) -> None:
    """Make the empty database of `url` the migrated WMS."""
    if url.startswith("sqlite"):
        _sqlite(url)
    elif not _postgres(url, admin_url, new_schema):
        upgrade(make_engine(url))
