"""Change-capture triggers: every WMS-side write of a synced record lands in `wms_changes`.

Triggers (not application code) capture the WMS application, scripts and people with psql alike.
They also keep each table's WMS-side `updated_at` current. Writes made inside `sync_writer(...)`
(the pull, and the push-back storing what QuickBooks returned) are not captured: no echo.

This module says what the triggers should be for today's mapping and schema. Migrations never call
it: each carries its trigger DDL as text (`0002` for the first tables), and `qbd-pipeline db
revision` writes that text into a new migration for every table whose triggers differ from what the
database has (`drift`), so an old migration does the same thing forever.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from ..spec.mapping import MAPPINGS
from .schema import metadata

PG_FLAG = "qbd.sync_writer"


@contextmanager
def sync_writer(connection: sa.Connection) -> Iterator[None]:
    """Mark the current transaction as the sync's own: the triggers leave it alone."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"SELECT set_config('{PG_FLAG}', 'on', true)"))
        yield
        return
    connection.exec_driver_sql("UPDATE sync_context SET sync_writer = 1 WHERE id = 1")
    try:
        yield
    finally:
        connection.exec_driver_sql("UPDATE sync_context SET sync_writer = 0 WHERE id = 1")


Triggers = dict[str, str]  # trigger name -> its CREATE statement


def _tables() -> Iterator[tuple[str, str, str | None]]:
    for entity, mapping in MAPPINGS.items():
        yield entity, mapping.table, mapping.lines.table if mapping.lines else None


def _watched(table: str) -> list[str]:
    """Every declared column but the row id and the trigger-kept `updated_at` (as on PostgreSQL,
    whose triggers compare whole rows)."""
    return [c.name for c in metadata.tables[table].columns if c.name not in ("id", "updated_at")]


_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_SQLITE_QUIET = "(SELECT sync_writer FROM sync_context WHERE id = 1) = 0"
_INSERT_CHANGE = ("INSERT INTO wms_changes (entity, company, row_id, qbd_id, operation, changed_fields, "
                  "changed_at, status, attempts, next_attempt_at) VALUES ")
SQLITE_CONTEXT = ("INSERT INTO sync_context (id, sync_writer) SELECT 1, 0 "
                  "WHERE NOT EXISTS (SELECT 1 FROM sync_context WHERE id = 1)")


def sqlite_header(entity: str, table: str, watched: list[str]) -> Triggers:
    now, quiet = _SQLITE_NOW, _SQLITE_QUIET
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
    fields = " || ".join(f"CASE WHEN OLD.{c} IS NOT NEW.{c} THEN '{c},' ELSE '' END" for c in watched)
    return {
        f"{table}_capture_insert":
            f"CREATE TRIGGER {table}_capture_insert AFTER INSERT ON {table} WHEN {quiet} BEGIN "
            f"{_INSERT_CHANGE}('{entity}', NEW.company, NEW.id, NEW.qbd_id, 'insert', NULL, {now}, 'pending', 0, "
            f"{now}); END",
        f"{table}_capture_update":
            f"CREATE TRIGGER {table}_capture_update AFTER UPDATE ON {table} WHEN {quiet} AND ({changed}) BEGIN "
            f"{_INSERT_CHANGE}('{entity}', NEW.company, NEW.id, NEW.qbd_id, 'update', rtrim({fields}, ','), {now}, "
            f"'pending', 0, {now}); UPDATE {table} SET updated_at = {now} WHERE id = NEW.id; END",
        f"{table}_capture_delete":
            f"CREATE TRIGGER {table}_capture_delete AFTER DELETE ON {table} WHEN {quiet} BEGIN "
            f"{_INSERT_CHANGE}('{entity}', OLD.company, OLD.id, OLD.qbd_id, 'delete', NULL, {now}, 'pending', 0, "
            f"{now}); END",
    }


def sqlite_lines(entity: str, table: str, lines: str, watched: list[str]) -> Triggers:
    now, quiet = _SQLITE_NOW, _SQLITE_QUIET
    line_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
    found = {}
    for event, ref, extra in (("INSERT", "NEW", ""), ("UPDATE", "NEW", f" AND ({line_changed})"),
                              ("DELETE", "OLD", "")):
        touch = f" UPDATE {lines} SET updated_at = {now} WHERE id = NEW.id;" if event == "UPDATE" else ""
        found[f"{lines}_capture_{event.lower()}"] = (
            f"CREATE TRIGGER {lines}_capture_{event.lower()} AFTER {event} ON {lines} WHEN {quiet}{extra} "
            f"AND EXISTS (SELECT 1 FROM {table} WHERE id = {ref}.header_id) BEGIN "
            f"{_INSERT_CHANGE}('{entity}', (SELECT company FROM {table} WHERE id = {ref}.header_id), "
            f"{ref}.header_id, (SELECT qbd_id FROM {table} WHERE id = {ref}.header_id), 'update', 'lines', {now}, "
            f"'pending', 0, {now});{touch} END")
    return found


def postgresql_header(entity: str, table: str) -> Triggers:
    return {
        f"{table}_touch": f"CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION "
                          "qbd_touch()",
        f"{table}_capture": f"CREATE TRIGGER {table}_capture AFTER INSERT OR UPDATE OR DELETE ON {table} "
                            f"FOR EACH ROW EXECUTE FUNCTION qbd_capture_header('{entity}')",
    }


def postgresql_lines(entity: str, table: str, lines: str) -> Triggers:
    return {
        f"{lines}_touch": f"CREATE TRIGGER {lines}_touch BEFORE UPDATE ON {lines} FOR EACH ROW EXECUTE FUNCTION "
                          "qbd_touch()",
        f"{lines}_capture": f"CREATE TRIGGER {lines}_capture AFTER INSERT OR UPDATE OR DELETE ON {lines} "
                            f"FOR EACH ROW EXECUTE FUNCTION qbd_capture_line('{entity}', '{table}')",
    }


# A row the WMS app creates without a full name gets its name, as QuickBooks gives a top-level record.
PG_FULL_NAME_FUNCTION = (
    "CREATE OR REPLACE FUNCTION qbd_full_name_default() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF "
    "NEW.full_name IS NULL OR NEW.full_name = '' THEN NEW.full_name := NEW.name; END IF; RETURN NEW; END $$")


def _fills_full_name(table: str) -> bool:
    return any(c.name == "full_name" and c.default == "name" for m in MAPPINGS.values() if m.table == table
               for c in m.columns)


def defaults(dialect: str, table: str) -> Triggers:
    """The trigger that fills a full name left empty: before the insert on PostgreSQL (the row is then
    whole), right after it on SQLite (which cannot change a row before it is written), as the sync's
    own write, so it records no change of its own."""
    if not _fills_full_name(table):
        return {}
    name = f"{table}_defaults"
    if dialect == "postgresql":
        return {name: f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION "
                      "qbd_full_name_default()"}
    return {name: f"CREATE TRIGGER {name} AFTER INSERT ON {table} WHEN NEW.full_name IS NULL OR NEW.full_name = '' "
                  "BEGIN UPDATE sync_context SET sync_writer = sync_writer + 1 WHERE id = 1; "
                  f"UPDATE {table} SET full_name = NEW.name WHERE id = NEW.id; "
                  "UPDATE sync_context SET sync_writer = sync_writer - 1 WHERE id = 1; END"}


def expected(dialect: str) -> dict[str, Triggers]:
    """Each synced table's triggers as today's mapping and schema want them."""
    found: dict[str, Triggers] = {}
    for entity, table, lines in _tables():
        if dialect == "postgresql":
            found[table] = {**postgresql_header(entity, table), **defaults(dialect, table)}
            if lines:
                found[lines] = postgresql_lines(entity, table, lines)
        else:
            found[table] = {**sqlite_header(entity, table, _watched(table)), **defaults(dialect, table)}
            if lines:
                found[lines] = sqlite_lines(entity, table, lines, _watched(lines))
    return found


def present(connection: sa.Connection) -> dict[str, Triggers]:
    """The capture triggers the database has, by table (PostgreSQL: names only, their text is generic)."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(sa.text(
            "SELECT c.relname, t.tgname, '' FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema() "
            "AND (t.tgname LIKE '%\\_capture%' OR t.tgname LIKE '%\\_touch' OR t.tgname LIKE '%\\_defaults')"))
    else:
        rows = connection.execute(sa.text(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' AND (name LIKE '%\\_capture\\_%' "
            "ESCAPE '\\' OR name LIKE '%\\_defaults' ESCAPE '\\')"))
    found: dict[str, Triggers] = {}
    for table, name, sql in rows:
        found.setdefault(table, {})[name] = sql
    return found


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def drift(connection: sa.Connection) -> list[str]:
    """Tables whose triggers differ from `expected` (missing, extra, or, on SQLite, other text)."""
    want, have = expected(connection.dialect.name), present(connection)
    postgres = connection.dialect.name == "postgresql"
    return sorted(
        table for table in set(want) | set(have)
        if set(want.get(table, {})) != set(have.get(table, {}))
        or (not postgres and not all(_same(sql, have[table][n]) for n, sql in want.get(table, {}).items())))


def drop_statements(dialect: str, table: str, names: list[str]) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name in names]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]
