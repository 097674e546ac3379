"""Writing QuickBooks' answer back to the WMS, as the sync writer, without losing a WMS edit made
while the request was in flight."""

from datetime import datetime

import sqlalchemy as sa

from ...spec.entities import QbdResource
from ...wms.schema import utcnow
from ...wms.triggers import sync_writer
from ..bulk import set_line_ids
from ..changes import ALL_FIELDS, link_changes, lock_record, newer_fields
from ..convert import map_record
from ..load import link_sent_lines
from ..merge import LINE_ID, LINES, keep_newer_lines
from ..snapshots import write_snapshot
from .context import PushContext


def store(ctx: PushContext, qbd: QbdResource, record: dict, row_id: int, newest_change: int | None,
          read_at: datetime, sent_lines: list[dict] | None = None, read_lines: list[dict] | None = None,
          lines_before: list[dict] | None = None) -> None:
    """Write QuickBooks' answer back, then re-read the stock figures it moved."""
    write_back(ctx, qbd, record, row_id, newest_change, read_at, sent_lines, read_lines)
    ctx.after_transaction(record, [*(read_lines or []), *(lines_before or [])])


def write_back(ctx: PushContext, qbd: QbdResource, record: dict, row_id: int, newest_change: int | None,
               read_at: datetime, sent_lines: list[dict] | None, read_lines: list[dict] | None = None) -> None:
    """QuickBooks' version becomes the WMS row and the agreed snapshot (as the sync writer).

    Fields (and lines) the WMS changed after it was read for this push keep the WMS's newer
    values; its own pending change pushes them next. Every other column gets QuickBooks' value (for
    lines, those the WMS did not touch since `read_lines`), lines this push added get their
    QuickBooks line ids, and the record's change rows learn its QuickBooks id (so a delete or edit
    made while a create was in flight reaches QuickBooks). `newest_change=None` writes QuickBooks'
    version whatever the WMS did (restoring a one-way entity).
    """
    now = utcnow()
    header, lines_table, mapping = ctx.header, ctx.lines_table, ctx.mapping
    mapped, lines = map_record(mapping, qbd, record, now, read_at)
    mapped["company"] = ctx.company
    with ctx.engine.begin() as connection:
        lock_record(connection, header, lines_table, [row_id])
        newer = set() if newest_change is None else newer_fields(connection, ctx.entity.name, row_id, newest_change)
        with sync_writer(connection):
            if newer is ALL_FIELDS:
                owned = {c.name for c in mapping.columns if c.readonly}
                keep = {k: v for k, v in mapped.items()
                        if k in owned or k.startswith("qbd_") or k in ("synced_at", "company")}
                connection.execute(header.update().where(header.c.id == row_id).values(**keep))
                _name_new_lines(ctx, connection, sent_lines, lines)
            else:
                values = {k: v for k, v in mapped.items() if k not in newer}
                if newer:
                    values.pop("updated_at", None)  # the newer WMS edit dates the row
                connection.execute(header.update().where(header.c.id == row_id).values(**values))
                if lines_table is not None and LINES not in newer:
                    connection.execute(lines_table.delete().where(lines_table.c.header_id == row_id))
                    if lines:
                        connection.execute(lines_table.insert(), [{**line, "header_id": row_id} for line in lines])
                elif lines_table is not None:
                    _merge_newer_lines(ctx, connection, row_id, sent_lines, read_lines or [], lines)
            write_snapshot(connection, ctx.entity.name, mapping, mapped, lines, now, company=ctx.company)
        link_changes(connection, ctx.entity.name, row_id, record["id"], company=ctx.company)


def _name_new_lines(ctx: PushContext, connection: sa.Connection, sent: list[dict] | None,
                    answered: list[dict]) -> dict[int, str]:
    """Lines sent as new get the ids QuickBooks gave them (it answers the lines in the order sent);
    returns WMS line row id -> QuickBooks line id."""
    named: dict[int, str] = {}
    table = ctx.lines_table
    if table is None or not sent or len(sent) != len(answered):
        return named
    for line, made in zip(sent, answered, strict=True):
        if line.get(LINE_ID) is None and line.get("id") is not None:
            named[line["id"]] = made[LINE_ID]
    set_line_ids(connection, table, named, only_unset=True)
    return named


def _merge_newer_lines(ctx: PushContext, connection: sa.Connection, row_id: int, sent: list[dict] | None,
                       read: list[dict], answered: list[dict]) -> None:
    """The WMS changed lines while the push was in flight: keep those changes, take the rest from QuickBooks."""
    table = ctx.lines_table
    named = _name_new_lines(ctx, connection, sent, answered)
    read = [{**line, LINE_ID: named.get(line.get("id"), line.get(LINE_ID))} for line in read]
    current = [r._asdict() for r in connection.execute(sa.select(table).where(
        table.c.header_id == row_id).order_by(table.c.line_number))]
    merged = keep_newer_lines(ctx.entity, ctx.mapping, read, current, answered)
    connection.execute(table.delete().where(table.c.header_id == row_id))
    if merged:
        connection.execute(table.insert(), [
            {**{k: v for k, v in line.items() if k not in ("id", "header_id")}, "header_id": row_id,
             "line_number": number} for number, line in enumerate(merged, start=1)])


def link_lines(ctx: PushContext, lines: list[dict], qbd_lines: list[dict], agreed: dict | None) -> list[dict]:
    """Lines the WMS added that an earlier push sent without its answer coming back: link them to the
    QuickBooks lines it made, so they are not added a second time."""
    if ctx.lines_table is None or all(line.get(LINE_ID) for line in lines):
        return lines
    with ctx.engine.begin() as connection:
        return link_sent_lines(connection, ctx.mapping, ctx.lines_table, lines, qbd_lines, agreed)
