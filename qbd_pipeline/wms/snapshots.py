"""The last version of each record that the WMS and QuickBooks agreed on (after a pull or a push)."""

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..sync.merge import comparable
from .mapping import EntityMapping
from .schema import sync_snapshots


def upsert_snapshots(connection: sa.Connection, entity: str, mapping: EntityMapping,
                     records: list[tuple[dict, list[dict]]], now: datetime) -> None:
    rows = [{"entity": entity, "qbd_id": row["qbd_id"], "qbd_revision_number": row.get("qbd_revision_number"),
             "data": json.dumps(comparable(mapping, row, lines), sort_keys=True), "updated_at": now}
            for row, lines in records]
    if not rows:
        return
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(sync_snapshots)
    connection.execute(insert.on_conflict_do_update(
        index_elements=["entity", "qbd_id"],
        set_={"data": insert.excluded.data, "qbd_revision_number": insert.excluded.qbd_revision_number,
              "updated_at": insert.excluded.updated_at}), rows)


def write_snapshot(connection: sa.Connection, entity: str, mapping: EntityMapping, row: dict, lines: list[dict],
                   now: datetime) -> None:
    upsert_snapshots(connection, entity, mapping, [(row, lines)], now)


def read_snapshots(connection: sa.Connection, entity: str, qbd_ids: list[str]) -> dict[str, dict]:
    rows = connection.execute(sa.select(sync_snapshots.c.qbd_id, sync_snapshots.c.data).where(
        sync_snapshots.c.entity == entity, sync_snapshots.c.qbd_id.in_(qbd_ids))).all()
    return {qbd_id: json.loads(data) for qbd_id, data in rows}
