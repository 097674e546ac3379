"""company on synced rows, changes, snapshots, errors, runs, marks (written by hand: data, keys, views, functions)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:00:00.000000

One WMS now holds any number of QuickBooks company files, and two company files can hold the same
QuickBooks id, so every record is keyed by company as well. This revision adds the `company`
columns (nullable; 0013, generated, makes the keys unique per company), fills them for a WMS that
synced one company file before (its Conductor end user, from CONDUCTOR_END_USER_ID, which then
also becomes the first row of `companies`), makes the high-water marks per company, teaches the
PostgreSQL capture functions to record a change's company, and gives the status and error views a
company column. A WMS with synced rows and no CONDUCTOR_END_USER_ID is refused, not guessed at.
"""

import os
import warnings
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import qbd_pipeline.wms.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

HEADERS = ("customers", "vendors", "items", "sales_orders", "purchase_orders", "invoices", "inventory_adjustments",
           "credit_memos")
KEPT = ("sync_runs", "sync_errors", "wms_changes", "sync_conflicts", "sync_snapshots")

_QUIET = "IF coalesce(current_setting('qbd.sync_writer', true), '') = 'on' THEN RETURN NULL; END IF;"

CAPTURE_HEADER = f"""CREATE OR REPLACE FUNCTION qbd_capture_header() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE fields text;
BEGIN
  {_QUIET}
  IF TG_OP = 'INSERT' THEN
    INSERT INTO wms_changes (entity, company, row_id, qbd_id, operation)
      VALUES (TG_ARGV[0], NEW.company, NEW.id, NEW.qbd_id, 'insert');
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT string_agg(n.key, ',' ORDER BY n.key) INTO fields
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
     WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
    IF fields IS NOT NULL THEN
      INSERT INTO wms_changes (entity, company, row_id, qbd_id, operation, changed_fields)
        VALUES (TG_ARGV[0], NEW.company, NEW.id, NEW.qbd_id, 'update', fields);
    END IF;
  ELSE
    INSERT INTO wms_changes (entity, company, row_id, qbd_id, operation)
      VALUES (TG_ARGV[0], OLD.company, OLD.id, OLD.qbd_id, 'delete');
  END IF;
  RETURN NULL;
END $$"""

CAPTURE_LINE = f"""CREATE OR REPLACE FUNCTION qbd_capture_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE header integer; qbd text; owner text; found_rows integer;
BEGIN
  {_QUIET}
  IF TG_OP = 'DELETE' THEN header := OLD.header_id; ELSE header := NEW.header_id; END IF;
  IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - 'updated_at' THEN RETURN NULL; END IF;
  EXECUTE 'SELECT qbd_id, company FROM ' || quote_ident(TG_ARGV[1]) || ' WHERE id = $1' INTO qbd, owner USING header;
  GET DIAGNOSTICS found_rows = ROW_COUNT;  -- EXECUTE leaves FOUND alone
  IF found_rows > 0 THEN
    INSERT INTO wms_changes (entity, company, row_id, qbd_id, operation, changed_fields)
      VALUES (TG_ARGV[0], owner, header, qbd, 'update', 'lines');
  END IF;
  RETURN NULL;
END $$"""

# 0002's functions, for the downgrade.
OLD_CAPTURE_HEADER = (
    "CREATE OR REPLACE FUNCTION qbd_capture_header() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE fields text;\n"
    f"BEGIN\n  {_QUIET}\n  IF TG_OP = 'INSERT' THEN\n    INSERT INTO wms_changes (entity, row_id, qbd_id, operation) "
    "VALUES (TG_ARGV[0], NEW.id, NEW.qbd_id, 'insert');\n  ELSIF TG_OP = 'UPDATE' THEN\n    SELECT string_agg(n.key, "
    "',' ORDER BY n.key) INTO fields\n      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING "
    "(key)\n     WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';\n    IF fields IS NOT NULL THEN\n"
    "      INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields)\n        VALUES (TG_ARGV[0], "
    "NEW.id, NEW.qbd_id, 'update', fields);\n    END IF;\n  ELSE\n    INSERT INTO wms_changes (entity, row_id, qbd_id, "
    "operation) VALUES (TG_ARGV[0], OLD.id, OLD.qbd_id, 'delete');\n  END IF;\n  RETURN NULL;\nEND $$")
OLD_CAPTURE_LINE = (
    "CREATE OR REPLACE FUNCTION qbd_capture_line() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE header integer; "
    f"qbd text; found_rows integer;\nBEGIN\n  {_QUIET}\n  IF TG_OP = 'DELETE' THEN header := OLD.header_id; ELSE "
    "header := NEW.header_id; END IF;\n  IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - "
    "'updated_at' THEN RETURN NULL; END IF;\n  EXECUTE 'SELECT qbd_id FROM ' || quote_ident(TG_ARGV[1]) || ' WHERE "
    "id = $1' INTO qbd USING header;\n  GET DIAGNOSTICS found_rows = ROW_COUNT;  -- EXECUTE leaves FOUND alone\n  IF "
    "found_rows > 0 THEN\n    INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields)\n      "
    "VALUES (TG_ARGV[0], header, qbd, 'update', 'lines');\n  END IF;\n  RETURN NULL;\nEND $$")


def _views(company: bool) -> list[str]:
    """sync_status and sync_error_list as 0008 made them, with a company column when `company`."""
    same = "AND coalesce(c.company, '') = coalesce(r.company, '') " if company else ""
    same_e = "AND coalesce(e.company, '') = coalesce(r.company, '') " if company else ""
    latest = ("FROM sync_runs s WHERE s.entity = r.entity AND s.direction = r.direction "
              + ("AND coalesce(s.company, '') = coalesce(r.company, '') " if company else "")
              + "ORDER BY s.started_at DESC, s.id DESC LIMIT 1")
    key = "r.company, " if company else ""
    status = f"""
CREATE VIEW sync_status AS
SELECT {key}r.entity, r.direction,
       MAX(CASE WHEN r.status = 'success' THEN r.finished_at END) AS last_success_at,
       MAX(r.started_at) AS last_attempt_at,
       (SELECT s.status {latest}) AS last_status,
       (SELECT s.error {latest}) AS last_error,
       (SELECT count(*) FROM wms_changes c WHERE c.entity = r.entity {same}AND c.status = 'pending') AS pending_changes,
       (SELECT count(*) FROM wms_changes c WHERE c.entity = r.entity {same}AND c.status = 'failed') AS failed_changes,
       (SELECT count(DISTINCT e.qbd_id) FROM sync_errors e
         WHERE e.entity = r.entity {same_e}AND e.resolved_at IS NULL) AS open_pull_errors
  FROM sync_runs r
 GROUP BY {key}r.entity, r.direction
"""
    e_key, c_key = ("e.company, ", "c.company, ") if company else ("", "")
    group = "company, " if company else ""
    errors = f"""
CREATE VIEW sync_error_list AS
SELECT 'pull' AS direction, {e_key}e.entity, e.qbd_id, CAST(NULL AS INTEGER) AS wms_row_id, e.error_code AS code,
       e.message, e.run_id AS last_run_id, g.first_seen_at, g.last_seen_at, g.occurrences AS attempts,
       e.id AS source_id
  FROM sync_errors e
  JOIN (SELECT MAX(id) AS id, MIN(created_at) AS first_seen_at, MAX(created_at) AS last_seen_at,
               COUNT(*) AS occurrences
          FROM sync_errors WHERE resolved_at IS NULL GROUP BY {group}entity, qbd_id, error_code) g ON g.id = e.id
UNION ALL
SELECT 'push', {c_key}c.entity, c.qbd_id, c.row_id, 'push_failed', c.last_error, c.run_id, c.changed_at, c.handled_at,
       c.attempts, c.id
  FROM wms_changes c
 WHERE c.status = 'failed'
"""
    return [status, errors]


def _drop_views() -> None:
    op.execute("DROP VIEW IF EXISTS sync_error_list")
    op.execute("DROP VIEW IF EXISTS sync_status")


def _existing_company(bind: sa.Connection) -> str | None:
    """The company file an existing WMS synced: CONDUCTOR_END_USER_ID. Refused when rows need it and it is unset."""
    company = (os.environ.get("CONDUCTOR_END_USER_ID") or "").strip() or None
    if company is None:
        used = [t for t in (*HEADERS, *KEPT, "sync_state")
                if bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first() is not None]
        if used:
            raise RuntimeError(
                f"this WMS holds synced data ({', '.join(used)}) of one QuickBooks company file; set "
                "CONDUCTOR_END_USER_ID to that company file's Conductor end user id and migrate again, so every "
                "row is kept under its company")
    return company


def upgrade() -> None:
    bind = op.get_bind()
    company = _existing_company(bind)
    _drop_views()
    op.create_table(
        "companies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("pull_start", sa.Date(), nullable=True),
        sa.Column("quiet_hours", sa.String(length=16), nullable=True),
        sa.Column("quiet_timezone", sa.String(length=64), nullable=True),
        sa.Column("created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
    )
    for table in (*HEADERS, *KEPT):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("company", sa.String(length=64), nullable=True))
    # The high-water marks: per company file and entity.
    with op.batch_alter_table("sync_state", schema=None, recreate="always") as batch_op:
        batch_op.add_column(sa.Column("company", sa.String(length=64), nullable=True))
    if company is not None:
        if bind.dialect.name == "postgresql":  # naming the company is the sync's own write, not a WMS edit
            bind.exec_driver_sql("SELECT set_config('qbd.sync_writer', 'on', true)")
        for table in (*HEADERS, *KEPT, "sync_state"):
            bind.execute(sa.text(f"UPDATE {table} SET company = :company"), {"company": company})
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql("SELECT set_config('qbd.sync_writer', '', true)")
        bind.execute(sa.text("INSERT INTO companies (id, status, created_at) VALUES (:company, 'active', :now)"),
                     {"company": company, "now": datetime.now(timezone.utc).replace(tzinfo=None)})
    with warnings.catch_warnings(), op.batch_alter_table("sync_state", schema=None, recreate="always") as batch_op:
        # SQLAlchemy notes that the rebuilt table's key differs from the reflected one: that is the point.
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        batch_op.alter_column("company", existing_type=sa.String(length=64), nullable=False)
        if bind.dialect.name == "postgresql":
            batch_op.drop_constraint("pk_sync_state", type_="primary")
        batch_op.create_primary_key("pk_sync_state", ["company", "entity"])
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(CAPTURE_HEADER)
        bind.exec_driver_sql(CAPTURE_LINE)
    for view in _views(company=True):
        op.execute(view)


def downgrade() -> None:
    bind = op.get_bind()
    _drop_views()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(OLD_CAPTURE_HEADER)
        bind.exec_driver_sql(OLD_CAPTURE_LINE)
    with warnings.catch_warnings(), op.batch_alter_table("sync_state", schema=None, recreate="always") as batch_op:
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        if bind.dialect.name == "postgresql":
            batch_op.drop_constraint("pk_sync_state", type_="primary")
        batch_op.drop_column("company")
        batch_op.create_primary_key("pk_sync_state", ["entity"])
    for table in (*HEADERS, *KEPT):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("company")
    op.drop_table("companies")
    for view in _views(company=False):
        op.execute(view)
