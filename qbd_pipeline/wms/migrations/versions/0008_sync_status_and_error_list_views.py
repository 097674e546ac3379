"""sync_status and sync_error_list views (written by hand: Alembic does not generate views)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 08:02:00.000000

`sync_status`: per entity and direction, the last successful sync, the last attempt and how it
ended, and what waits: pending and failed WMS changes, records no pull could take yet.
`sync_error_list`: one list of what did not sync, both directions: pull errors still open (one row
per record and code, with first and last seen and how many times) and push changes that failed.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_LATEST = ("FROM sync_runs s WHERE s.entity = r.entity AND s.direction = r.direction "
           "ORDER BY s.started_at DESC, s.id DESC LIMIT 1")

SYNC_STATUS = f"""
CREATE VIEW sync_status AS
SELECT r.entity, r.direction,
       MAX(CASE WHEN r.status = 'success' THEN r.finished_at END) AS last_success_at,
       MAX(r.started_at) AS last_attempt_at,
       (SELECT s.status {_LATEST}) AS last_status,
       (SELECT s.error {_LATEST}) AS last_error,
       (SELECT count(*) FROM wms_changes c WHERE c.entity = r.entity AND c.status = 'pending') AS pending_changes,
       (SELECT count(*) FROM wms_changes c WHERE c.entity = r.entity AND c.status = 'failed') AS failed_changes,
       (SELECT count(DISTINCT e.qbd_id) FROM sync_errors e
         WHERE e.entity = r.entity AND e.resolved_at IS NULL) AS open_pull_errors
  FROM sync_runs r
 GROUP BY r.entity, r.direction
"""

SYNC_ERROR_LIST = """
CREATE VIEW sync_error_list AS
SELECT 'pull' AS direction, e.entity, e.qbd_id, CAST(NULL AS INTEGER) AS wms_row_id, e.error_code AS code,
       e.message, e.run_id AS last_run_id, g.first_seen_at, g.last_seen_at, g.occurrences AS attempts,
       e.id AS source_id
  FROM sync_errors e
  JOIN (SELECT MAX(id) AS id, MIN(created_at) AS first_seen_at, MAX(created_at) AS last_seen_at,
               COUNT(*) AS occurrences
          FROM sync_errors WHERE resolved_at IS NULL GROUP BY entity, qbd_id, error_code) g ON g.id = e.id
UNION ALL
SELECT 'push', c.entity, c.qbd_id, c.row_id, 'push_failed', c.last_error, c.run_id, c.changed_at, c.handled_at,
       c.attempts, c.id
  FROM wms_changes c
 WHERE c.status = 'failed'
"""


def upgrade() -> None:
    op.execute(SYNC_STATUS)
    op.execute(SYNC_ERROR_LIST)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS sync_error_list")
    op.execute("DROP VIEW IF EXISTS sync_status")
