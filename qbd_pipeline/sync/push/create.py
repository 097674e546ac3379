"""Creating a QuickBooks record, or adopting the one an earlier attempt (or a person) already made."""

import sqlalchemy as sa

from ...conductor.errors import Rejected, Transient
from ...spec.entities import QbdResource
from ...wms.schema import utcnow
from ...wms.triggers import sync_writer
from ..bulk import set_line_ids
from ..changes import link_changes
from ..convert import map_record, parse_instant
from ..merge import LINE_ID, adopted_base, comparable
from ..wire import Unsent, header_body, lines_body
from . import writeback
from .checks import check_body
from .context import PLANNED, PUSHED, Outcome, PushContext
from .identity import find_existing, identity
from .update import update


def create(ctx: PushContext, row: dict, lines: list[dict], qbd: QbdResource, changes: list,
           newest_change: int) -> Outcome:
    mapping = ctx.mapping
    fields = [c.name for c in mapping.columns if not c.readonly]
    unsent: list[Unsent] = []
    body = header_body(mapping, qbd, row, fields, create=True, qbd_record=None, unsent=unsent)
    if mapping.lines is not None:
        body["lines"] = lines_body(mapping, qbd, lines, create=True)
    external_id = identity(ctx.quickbooks.end_user_id, ctx.entity.name, row, qbd)
    if external_id:
        body["externalId"] = external_id
    check_body(mapping, qbd, body, create=True)  # what QuickBooks would refuse costs no request
    if ctx.settings.dry_run:
        ctx.plan(row["id"], None, "create", body=body)
        return PLANNED
    since = min(c.changed_at for c in changes)
    # A transaction carries its identity from its first attempt on (written ahead, it survives crashes);
    # one that no attempt has sent cannot exist yet, so only one that may have been sent is looked up.
    earlier_attempt = external_id is not None and row.get("external_id") == external_id
    if external_id and not earlier_attempt:
        with ctx.engine.begin() as connection, sync_writer(connection):
            connection.execute(ctx.header.update().where(ctx.header.c.id == row["id"]).values(
                external_id=external_id))
    record = find_existing(ctx.quickbooks, qbd, row, body, since) if earlier_attempt else None
    if record is not None:
        return adopt(ctx, row, lines, qbd, record, changes, newest_change)
    sent_at = utcnow()
    try:
        record = ctx.quickbooks.create(qbd, body)
    except Rejected as exc:
        # A list object's name is unique: QuickBooks refusing it as taken is how an earlier attempt (whose
        # answer was lost, or whose run crashed) or a person's record of that name shows itself.
        record = find_existing(ctx.quickbooks, qbd, row, body, since) if exc.name_in_use else None
        if record is None:
            raise
        return adopt(ctx, row, lines, qbd, record, changes, newest_change)
    except Transient:
        record = find_existing(ctx.quickbooks, qbd, row, body, since)  # did it commit before the answer was lost?
        if record is None:
            raise
        return adopt(ctx, row, lines, qbd, record, changes, newest_change)
    writeback.store(ctx, qbd, record, row["id"], newest_change, sent_at, sent_lines=lines, read_lines=lines)
    ctx.stats.created += 1
    if unsent:
        ctx.record_conflicts(row["id"], record["id"], [u.decision(comparable(mapping, row, lines), {}) for u in unsent])
    return PUSHED


def adopt(ctx: PushContext, row: dict, lines: list[dict], qbd: QbdResource, record: dict, changes: list,
          newest_change: int) -> Outcome:
    """QuickBooks already has this record (an earlier attempt made it, or it was there already).

    Link it unless another WMS row owns it, then merge against what the create sent: fields and
    lines the WMS left empty take QuickBooks' values, WMS edits made since go to QuickBooks.
    """
    header, lines_table = ctx.header, ctx.lines_table
    with ctx.engine.connect() as connection:
        owner = connection.execute(sa.select(header.c.id).where(
            header.c.company == ctx.company, header.c.qbd_id == record["id"], header.c.id != row["id"])).scalar()
    if owner is not None:
        label = record.get("fullName") or record.get("name") or record["id"]
        raise Rejected(f"QuickBooks already has {qbd.type_name} {label} ({record['id']}), linked to WMS row {owner}")
    qbd_row, qbd_lines = map_record(ctx.mapping, qbd, record, utcnow())
    paired = lines_table is not None and len(lines) == len(qbd_lines)
    with ctx.engine.begin() as connection, sync_writer(connection):
        connection.execute(header.update().where(header.c.id == row["id"]).values(
            company=ctx.company, qbd_id=record["id"], qbd_revision_number=record["revisionNumber"],
            qbd_updated_at=parse_instant(record["updatedAt"])))
        link_changes(connection, ctx.entity.name, row["id"], record["id"], company=ctx.company)
        if paired:
            set_line_ids(connection, lines_table, {line["id"]: made[LINE_ID]
                                                   for line, made in zip(lines, qbd_lines, strict=True)})
    row = {**row, "company": ctx.company, "qbd_id": record["id"], "qbd_revision_number": record["revisionNumber"]}
    if paired:
        lines = [{**line, LINE_ID: made[LINE_ID]} for line, made in zip(lines, qbd_lines, strict=True)]
    ctx.stats.created += 1
    base = adopted_base(comparable(ctx.mapping, row, lines), comparable(ctx.mapping, qbd_row, qbd_lines))
    return update(ctx, row, lines, qbd, changes, newest_change, base=base)
