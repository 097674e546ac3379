"""Change-capture triggers: every WMS-side write of a synced record lands in `wms_changes`.

Triggers (not application code) capture the WMS application, scripts and people with psql alike.
They also keep each table's WMS-side `updated_at` current. Writes made inside `sync_writer(...)`
(the pull, and the push-back storing what QuickBooks returned) are not captured: no echo.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from .mapping import MAPPINGS

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


def _tables() -> Iterator[tuple[str, str, str | None]]:
    for entity, mapping in MAPPINGS.items():
        yield entity, mapping.table, mapping.lines.table if mapping.lines else None


def _sqlite_now() -> str:
    return "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def sqlite_ddl(columns_of: dict[str, list[str]]) -> list[str]:
    """CREATE TRIGGER statements for SQLite; `columns_of` maps a table to its columns."""
    now, quiet = _sqlite_now(), "(SELECT sync_writer FROM sync_context WHERE id = 1) = 0"
    insert_change = ("INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields, changed_at, "
                     "status, attempts, next_attempt_at) VALUES ")
    statements = ["INSERT INTO sync_context (id, sync_writer) SELECT 1, 0 "
                  "WHERE NOT EXISTS (SELECT 1 FROM sync_context WHERE id = 1)"]
    for entity, table, lines in _tables():
        watched = [c for c in columns_of[table] if c not in ("id", "updated_at")]
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
        fields = " || ".join(f"CASE WHEN OLD.{c} IS NOT NEW.{c} THEN '{c},' ELSE '' END" for c in watched)
        statements += [
            f"CREATE TRIGGER {table}_capture_insert AFTER INSERT ON {table} WHEN {quiet} BEGIN "
            f"{insert_change}('{entity}', NEW.id, NEW.qbd_id, 'insert', NULL, {now}, 'pending', 0, {now}); END",
            f"CREATE TRIGGER {table}_capture_update AFTER UPDATE ON {table} WHEN {quiet} AND ({changed}) BEGIN "
            f"{insert_change}('{entity}', NEW.id, NEW.qbd_id, 'update', rtrim({fields}, ','), {now}, 'pending', "
            f"0, {now}); UPDATE {table} SET updated_at = {now} WHERE id = NEW.id; END",
            f"CREATE TRIGGER {table}_capture_delete AFTER DELETE ON {table} WHEN {quiet} BEGIN "
            f"{insert_change}('{entity}', OLD.id, OLD.qbd_id, 'delete', NULL, {now}, 'pending', 0, {now}); END",
        ]
        if lines is None:
            continue
        line_cols = [c for c in columns_of[lines] if c not in ("id", "updated_at")]
        line_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in line_cols)
        for event, ref, extra in (("INSERT", "NEW", ""), ("UPDATE", "NEW", f" AND ({line_changed})"),
                                  ("DELETE", "OLD", "")):
            touch = (f" UPDATE {lines} SET updated_at = {now} WHERE id = NEW.id;" if event == "UPDATE" else "")
            statements.append(
                f"CREATE TRIGGER {lines}_capture_{event.lower()} AFTER {event} ON {lines} WHEN {quiet}{extra} "
                f"AND EXISTS (SELECT 1 FROM {table} WHERE id = {ref}.header_id) BEGIN "
                f"{insert_change}('{entity}', {ref}.header_id, (SELECT qbd_id FROM {table} WHERE id = "
                f"{ref}.header_id), 'update', 'lines', {now}, 'pending', 0, {now});{touch} END")
    return statements


def postgresql_ddl() -> list[str]:
    """Capture in AFTER triggers (a BEFORE INSERT also fires for an upsert that ends as an update);
    a BEFORE UPDATE trigger only keeps `updated_at` current."""
    quiet = f"coalesce(current_setting('{PG_FLAG}', true), '') = 'on'"
    statements = [
        f"""CREATE OR REPLACE FUNCTION qbd_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ({quiet}) AND to_jsonb(NEW) - 'updated_at' <> to_jsonb(OLD) - 'updated_at' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE OR REPLACE FUNCTION qbd_capture_header() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE fields text;
BEGIN
  IF {quiet} THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO wms_changes (entity, row_id, qbd_id, operation) VALUES (TG_ARGV[0], NEW.id, NEW.qbd_id, 'insert');
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT string_agg(n.key, ',' ORDER BY n.key) INTO fields
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
     WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
    IF fields IS NOT NULL THEN
      INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields)
        VALUES (TG_ARGV[0], NEW.id, NEW.qbd_id, 'update', fields);
    END IF;
  ELSE
    INSERT INTO wms_changes (entity, row_id, qbd_id, operation) VALUES (TG_ARGV[0], OLD.id, OLD.qbd_id, 'delete');
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE OR REPLACE FUNCTION qbd_capture_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE header integer; qbd text; found_rows integer;
BEGIN
  IF {quiet} THEN RETURN NULL; END IF;
  IF TG_OP = 'DELETE' THEN header := OLD.header_id; ELSE header := NEW.header_id; END IF;
  IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - 'updated_at' THEN RETURN NULL; END IF;
  EXECUTE 'SELECT qbd_id FROM ' || quote_ident(TG_ARGV[1]) || ' WHERE id = $1' INTO qbd USING header;
  GET DIAGNOSTICS found_rows = ROW_COUNT;  -- EXECUTE leaves FOUND alone
  IF found_rows > 0 THEN
    INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields)
      VALUES (TG_ARGV[0], header, qbd, 'update', 'lines');
  END IF;
  RETURN NULL;
END $$""",
    ]
    for entity, table, lines in _tables():
        statements += [
            f"CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION qbd_touch()",
            f"CREATE TRIGGER {table}_capture AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION qbd_capture_header('{entity}')",
        ]
        if lines:
            statements += [
                f"CREATE TRIGGER {lines}_touch BEFORE UPDATE ON {lines} FOR EACH ROW EXECUTE FUNCTION qbd_touch()",
                f"CREATE TRIGGER {lines}_capture AFTER INSERT OR UPDATE OR DELETE ON {lines} "
                f"FOR EACH ROW EXECUTE FUNCTION qbd_capture_line('{entity}', '{table}')",
            ]
    return statements


def drop_ddl(dialect: str) -> list[str]:
    statements = []
    for _entity, table, lines in _tables():
        if dialect == "postgresql":
            for name in (table, lines):
                if name:
                    statements += [f"DROP TRIGGER IF EXISTS {name}_capture ON {name}",
                                   f"DROP TRIGGER IF EXISTS {name}_touch ON {name}"]
        else:
            for name in (table, lines):
                if name:
                    statements += [f"DROP TRIGGER IF EXISTS {name}_capture_{e}" for e in ("insert", "update", "delete")]
    if dialect == "postgresql":
        statements += ["DROP FUNCTION IF EXISTS qbd_capture_header()", "DROP FUNCTION IF EXISTS qbd_capture_line()",
                       "DROP FUNCTION IF EXISTS qbd_touch()"]
    return statements
