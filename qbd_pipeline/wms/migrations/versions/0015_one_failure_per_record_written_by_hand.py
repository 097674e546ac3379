"""One failure per record, closed once it is over (written by hand: data and views)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 22:00:00.000000

A record whose changes failed together (an order's insert and the update its lines' trigger added)
was listed once per change, and a failure stayed listed after the record reached QuickBooks. From
now on the push closes a record's older failures when the record ends (`resolved` when it reached
QuickBooks, `superseded` when a newer change failed too); this closes the ones already there the
same way. `sync_error_list` lists one row per record in both directions: a pull error by its newest
code and message, a push failure with `first_seen_at` when the record's run of failures began; a push
failure's `code` is its catalogue code (`wms_changes.error_code`, 0014; `push_failed` for failures
recorded before it), and both carry Conductor's `request_id` where QuickBooks answered.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_SAME_RECORD = "n.entity = wms_changes.entity AND n.row_id = wms_changes.row_id AND n.id > wms_changes.id"
CLOSE_RESOLVED = f"""
UPDATE wms_changes SET status = 'resolved', handled_at = CURRENT_TIMESTAMP,
       last_error = substr('resolved: a later change of the same record reached QuickBooks (closed by migration '
                           || '0015); it had failed with: ' || coalesce(last_error, '-'), 1, 4000)
 WHERE status = 'failed'
   AND EXISTS (SELECT 1 FROM wms_changes n WHERE {_SAME_RECORD} AND n.status IN ('pushed', 'skipped'))
"""
CLOSE_SUPERSEDED = f"""
UPDATE wms_changes SET status = 'superseded', handled_at = CURRENT_TIMESTAMP,
       last_error = substr('superseded by a later change of the same record, which failed too (closed by '
                           || 'migration 0015); it had failed with: ' || coalesce(last_error, '-'), 1, 4000)
 WHERE status = 'failed'
   AND EXISTS (SELECT 1 FROM wms_changes n WHERE {_SAME_RECORD} AND n.status = 'failed')
"""

# The record's failures since it last ended otherwise: the first of them says when its trouble began.
_STREAK_START = """(SELECT min(s.changed_at) FROM wms_changes s
          WHERE s.entity = c.entity AND s.row_id = c.row_id AND s.id <= c.id AND s.status IN ('failed', 'superseded')
            AND s.id > coalesce((SELECT max(d.id) FROM wms_changes d WHERE d.entity = c.entity
                                    AND d.row_id = c.row_id AND d.id < c.id
                                    AND d.status NOT IN ('failed', 'superseded')), 0))"""
SYNC_ERROR_LIST = f"""
CREATE VIEW sync_error_list AS
SELECT 'pull' AS direction, e.company, e.entity, e.qbd_id, CAST(NULL AS INTEGER) AS wms_row_id,
       e.error_code AS code, e.message, e.run_id AS last_run_id, g.first_seen_at, g.last_seen_at,
       g.occurrences AS attempts, e.id AS source_id, e.request_id
  FROM sync_errors e
  JOIN (SELECT MAX(id) AS id, MIN(created_at) AS first_seen_at, MAX(created_at) AS last_seen_at,
               COUNT(*) AS occurrences
          FROM sync_errors WHERE resolved_at IS NULL GROUP BY company, entity, qbd_id) g ON g.id = e.id
UNION ALL
SELECT 'push', c.company, c.entity, c.qbd_id, c.row_id, coalesce(c.error_code, 'push_failed'), c.last_error,
       c.run_id, coalesce({_STREAK_START}, c.changed_at), c.handled_at, c.attempts, c.id, c.request_id
  FROM wms_changes c
 WHERE c.status = 'failed'
"""
# 0012's, to go back to.
OLD_SYNC_ERROR_LIST = """
CREATE VIEW sync_error_list AS
SELECT 'pull' AS direction, e.company, e.entity, e.qbd_id, CAST(NULL AS INTEGER) AS wms_row_id, e.error_code AS code,
       e.message, e.run_id AS last_run_id, g.first_seen_at, g.last_seen_at, g.occurrences AS attempts,
       e.id AS source_id
  FROM sync_errors e
  JOIN (SELECT MAX(id) AS id, MIN(created_at) AS first_seen_at, MAX(created_at) AS last_seen_at,
               COUNT(*) AS occurrences
          FROM sync_errors WHERE resolved_at IS NULL GROUP BY company, entity, qbd_id, error_code) g ON g.id = e.id
UNION ALL
SELECT 'push', c.company, c.entity, c.qbd_id, c.row_id, 'push_failed', c.last_error, c.run_id, c.changed_at,
       c.handled_at, c.attempts, c.id
  FROM wms_changes c
 WHERE c.status = 'failed'
"""


def upgrade() -> None:
    op.execute(CLOSE_RESOLVED)
    op.execute(CLOSE_SUPERSEDED)
    op.execute("DROP VIEW IF EXISTS sync_error_list")
    op.execute(SYNC_ERROR_LIST)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS sync_error_list")
    op.execute(OLD_SYNC_ERROR_LIST)
    op.execute("UPDATE wms_changes SET status = 'failed' WHERE status IN ('resolved', 'superseded')")
