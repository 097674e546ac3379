"""The last version of each record that the WMS and QuickBooks agreed on (after a pull or a push)."""

import json
from datetime import datetime

import sqlalchemy as sa

from ..spec.mapping import EntityMapping
from ..wms.schema import sync_snapshots
from .bulk import any_of, upsert
from .merge import apply_intent, comparable

# Views are built with their keys in a fixed order (see `merge.comparable`), so no sorting is needed.
_encode = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode


def upsert_snapshots(connection: sa.Connection, entity: str, mapping: EntityMapping,
                     records: list[tuple[dict, list[dict]]], now: datetime, *, company: str) -> None:
    rows = [{"company": company, "entity": entity, "qbd_id": row["qbd_id"],
             "qbd_revision_number": row.get("qbd_revision_number"),
             "data": _encode(comparable(mapping, row, lines)), "updated_at": now, "sent": None}
            for row, lines in records]
    upsert(connection, sync_snapshots, rows, keys=("company", "entity", "qbd_id"))


def write_snapshot(connection: sa.Connection, entity: str, mapping: EntityMapping, row: dict, lines: list[dict],
                   now: datetime, *, company: str) -> None:
    upsert_snapshots(connection, entity, mapping, [(row, lines)], now, company=company)


def _of(entity: str, company: str) -> sa.ColumnElement:
    return sa.and_(sync_snapshots.c.company == company, sync_snapshots.c.entity == entity)


def read_snapshots(connection: sa.Connection, entity: str, qbd_ids: list[str], *, company: str) -> dict[str, dict]:
    rows = connection.execute(sa.select(sync_snapshots.c.qbd_id, sync_snapshots.c.data).where(
        _of(entity, company), any_of(connection, sync_snapshots.c.qbd_id, qbd_ids))).all()
    return {qbd_id: json.loads(data) for qbd_id, data in rows}


def read_agreed(connection: sa.Connection, entity: str, qbd_views: dict[str, dict], *,
                company: str) -> dict[str, dict]:
    """The agreed versions of records, each counting a push whose answer was never stored (see
    `merge.apply_intent`); `qbd_views` are QuickBooks' current views of the records."""
    rows = connection.execute(sa.select(sync_snapshots.c.qbd_id, sync_snapshots.c.data, sync_snapshots.c.sent).where(
        _of(entity, company), any_of(connection, sync_snapshots.c.qbd_id, qbd_views))).all()
    return {qbd_id: apply_intent(json.loads(data), json.loads(sent) if sent else None, qbd_views[qbd_id])
            for qbd_id, data, sent in rows}


def record_intent(connection: sa.Connection, entity: str, qbd_id: str, intent: dict | None, *, company: str) -> None:
    """Write (or, with None, clear) the intent of the push about to be sent for a record."""
    connection.execute(sync_snapshots.update().where(
        _of(entity, company), sync_snapshots.c.qbd_id == qbd_id).values(
        sent=json.dumps(intent, sort_keys=True, default=str) if intent else None))


def sent_lines_pending(connection: sa.Connection, entity: str, qbd_ids: list[str], *, company: str) -> set[str]:
    """Records whose last push sent lines and stored no answer: their unlinked WMS lines may exist in
    QuickBooks already."""
    rows = connection.execute(sa.select(sync_snapshots.c.qbd_id, sync_snapshots.c.sent).where(
        _of(entity, company), any_of(connection, sync_snapshots.c.qbd_id, qbd_ids),
        sync_snapshots.c.sent.is_not(None)))
    return {qbd_id for qbd_id, sent in rows if json.loads(sent).get("lines") is not None}
