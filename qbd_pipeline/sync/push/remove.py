"""Deletes both ways, and WMS edits that are not pushed: one-way entities, records QuickBooks deleted."""

import json

import sqlalchemy as sa

from ...conductor.errors import Rejected, Transient
from ...spec.entities import resources_of
from ...wms.schema import sync_snapshots, utcnow
from .. import deletes
from ..load import load_batch
from ..merge import LINES, Decision
from . import writeback
from .context import PLANNED, PUSHED, Outcome, PushContext, skipped


def restore(ctx: PushContext, row_id: int, changes: list) -> Outcome:
    """A WMS edit of a QuickBooks-only entity is not pushed: QuickBooks' version is put back."""
    what = f"{ctx.entity.name} flow from QuickBooks to the WMS only; WMS edits are not pushed"
    read = ctx.read(row_id)
    qbd_id = (read.row or {}).get("qbd_id") or next((c.qbd_id for c in reversed(changes) if c.qbd_id), None)
    if qbd_id is None:
        reason = f"{what}; this row was made in the WMS, has no QuickBooks record and is not synced"
        ctx.plan(row_id, None, "skip", reason=reason)
        return skipped(reason)
    qbd = resources_of(ctx.entity.name)[0]
    if ctx.settings.dry_run:
        ctx.plan(row_id, qbd_id, "restore", reason=what)
        return PLANNED
    read_at = utcnow()
    record = ctx.quickbooks.retrieve(qbd, qbd_id)
    if record is None:
        with ctx.engine.begin() as connection:
            deletes.mark_deleted(connection, ctx.entity.name, {qbd_id: read_at}, run_id=ctx.settings.run_id,
                                 now=read_at, source="found missing when restoring it", company=ctx.company)
        return skipped(f"{what}; the record was deleted in QuickBooks and is marked so in the WMS")
    if read.row is None:  # deleted in the WMS: QuickBooks still has it, so it comes back
        with ctx.engine.begin() as connection:
            load_batch(connection, ctx.mapping, qbd, [record], run_id=ctx.settings.run_id, read_at=read_at,
                       company=ctx.company)
        return skipped(f"{what}; the deleted row was restored from QuickBooks")
    writeback.write_back(ctx, qbd, record, row_id, newest_change=None, read_at=read_at, sent_lines=None)
    return skipped(f"{what}; QuickBooks' values were restored")


def edit_of_deleted(ctx: PushContext, row: dict, changes: list) -> Outcome:
    """The WMS edited a record QuickBooks has deleted: the delete stands, recorded as a conflict."""
    when = row["qbd_deleted_at"].isoformat(timespec="seconds")
    if not ctx.settings.dry_run:
        with ctx.engine.begin() as connection:
            deletes.record_edit_lost(connection, ctx.entity.name, {row["qbd_id"]: (row["id"], changes)},
                                     run_id=ctx.settings.run_id, now=utcnow(), company=ctx.company)
        ctx.stats.conflicts += 1
    reason = deletes.reason(f"at {when}")
    ctx.plan(row["id"], row["qbd_id"], "skip", reason=reason)
    return skipped(reason)


def gone(ctx: PushContext, row: dict) -> Outcome:
    """QuickBooks no longer has a record the WMS is editing: mark it deleted, skip the edit."""
    now = utcnow()
    with ctx.engine.begin() as connection:
        deletes.mark_deleted(connection, ctx.entity.name, {row["qbd_id"]: now}, run_id=ctx.settings.run_id,
                             now=now, source="found missing when pushing a WMS edit", company=ctx.company)
    ctx.stats.conflicts += 1
    ctx.after_transaction({}, ctx.read(row["id"]).lines)  # the delete moved its items' stock figures
    return skipped(deletes.reason("found missing when pushing a WMS edit"))


def delete(ctx: PushContext, row_id: int, qbd_id: str) -> Outcome:
    """Deactivate a list object, delete a transaction. If QuickBooks changed the record since the
    two sides last agreed, the WMS's delete still stands and the lost edit is recorded as a conflict."""
    options = resources_of(ctx.entity.name)
    qbd, record = options[0], None
    for candidate in options:
        record = ctx.quickbooks.retrieve(candidate, qbd_id)
        if record is not None or not ctx.mapping.has_item_type:
            qbd = candidate
            break
    if ctx.settings.dry_run:
        ctx.plan(row_id, qbd_id, "deactivate" if qbd.kind == "list" else "delete")
        return PLANNED
    with ctx.engine.connect() as connection:
        agreed, data = connection.execute(sa.select(
            sync_snapshots.c.qbd_revision_number, sync_snapshots.c.data).where(
            sync_snapshots.c.company == ctx.company, sync_snapshots.c.entity == ctx.entity.name,
            sync_snapshots.c.qbd_id == qbd_id)).one_or_none() \
            or (None, None)
    # The WMS row and its lines are gone; the agreed version still names the items it held.
    agreed_lines = json.loads(data).get(LINES, []) if data else []
    if record is not None and agreed is not None and record["revisionNumber"] != agreed:
        ctx.record_conflicts(row_id, qbd_id, [Decision(
            deletes.FIELD, "deleted", "edited since the last sync", None, "wms", "deleted_in_wms")])
    if qbd.kind == "list":  # list objects cannot be deleted through the API: make them inactive
        for _attempt in range(ctx.settings.max_revision_retries + 1):
            if record is None or record.get("isActive") is False:
                break
            try:
                ctx.quickbooks.update(qbd, qbd_id, {"revisionNumber": record["revisionNumber"], "isActive": False})
                break
            except Rejected as exc:
                if not exc.stale:
                    raise
            record = ctx.quickbooks.retrieve(qbd, qbd_id)
        else:
            raise Transient(f"{qbd_id} kept changing in QuickBooks")
    else:
        if record is not None:
            ctx.quickbooks.delete(qbd, qbd_id)
        ctx.after_transaction(record or {}, agreed_lines)
    with ctx.engine.begin() as connection:
        connection.execute(sync_snapshots.delete().where(sync_snapshots.c.company == ctx.company,
                                                         sync_snapshots.c.entity == ctx.entity.name,
                                                         sync_snapshots.c.qbd_id == qbd_id))
    ctx.stats.deleted += 1
    return PUSHED
