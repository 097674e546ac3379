"""Records QuickBooks deleted: marked in the WMS, never silently dropped or brought back.

The WMS row and its lines stay, with `qbd_deleted_at` set; the agreed snapshot is closed; a WMS
edit of the record still waiting to be pushed is recorded as a conflict QuickBooks won (rule
`deleted_in_quickbooks`) and marked `skipped` with the reason, so it never re-creates the record.
"""

import json
from datetime import datetime

import sqlalchemy as sa

from ..wms.schema import TABLES, sync_conflicts, sync_snapshots, wms_changes
from ..wms.triggers import sync_writer

RULE = "deleted_in_quickbooks"
FIELD = "(record)"


def mark_deleted(connection: sa.Connection, entity: str, deleted: dict[str, datetime], *, run_id: str,
                 now: datetime, source: str, company: str) -> list[str]:
    """Mark the WMS rows of records QuickBooks deleted (`qbd_id` -> deleted at); returns those newly marked."""
    if not deleted:
        return []
    header = TABLES[entity][0]
    rows = connection.execute(sa.select(header.c.id, header.c.qbd_id).where(
        header.c.company == company, header.c.qbd_id.in_(list(deleted)), header.c.qbd_deleted_at.is_(None))).all()
    if not rows:
        return []
    marked = [r.qbd_id for r in rows]
    with sync_writer(connection):
        connection.execute(header.update().where(
            header.c.company == company, header.c.qbd_id == sa.bindparam("b_qbd_id")).values(
            qbd_deleted_at=sa.bindparam("b_deleted_at")),
            [{"b_qbd_id": q, "b_deleted_at": deleted[q]} for q in marked])
    connection.execute(sync_snapshots.delete().where(sync_snapshots.c.company == company,
                                                     sync_snapshots.c.entity == entity,
                                                     sync_snapshots.c.qbd_id.in_(marked)))
    row_ids = {r.qbd_id: r.id for r in rows}
    pending = connection.execute(sa.select(wms_changes).where(
        wms_changes.c.entity == entity, wms_changes.c.company == company, wms_changes.c.status == "pending",
        wms_changes.c.qbd_id.in_(marked))).all()
    if pending:
        by_record: dict[str, list] = {}
        for change in pending:
            by_record.setdefault(change.qbd_id, []).append(change)
        record_edit_lost(connection, entity, {q: (row_ids[q], changes) for q, changes in by_record.items()},
                         run_id=run_id, now=now, company=company)
        connection.execute(wms_changes.update().where(wms_changes.c.id.in_([c.id for c in pending])).values(
            status="skipped", claimed_by=None, claimed_at=None, run_id=run_id, handled_at=now,
            last_error=reason(source)))
    return marked


def reason(source: str) -> str:
    return f"deleted in QuickBooks ({source}); this WMS edit was not applied there and the record is not re-created"


def record_edit_lost(connection: sa.Connection, entity: str, records: dict[str, tuple[int, list]], *, run_id: str,
                     now: datetime, company: str) -> None:
    """One conflict per record whose WMS edit met a QuickBooks delete: QuickBooks' delete stands."""
    rows = []
    for qbd_id, (row_id, changes) in records.items():
        fields = sorted({f for c in changes for f in (c.changed_fields or c.operation).split(",") if f})
        rows.append({"run_id": run_id, "company": company, "entity": entity, "row_id": row_id, "qbd_id": qbd_id,
                     "field": FIELD,
                     "wms_value": json.dumps(fields), "qbd_value": json.dumps("deleted"), "winner": "qbd",
                     "rule": RULE, "decided_at": now})
    if rows:
        connection.execute(sync_conflicts.insert(), rows)
