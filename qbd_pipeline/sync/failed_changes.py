"""The way back for changes the push gave up on: an operator retries or dismisses them, and the
ledger says who did it, why, and what the failure was."""

from typing import Literal

import sqlalchemy as sa

from ..conductor.resource import ConductorResource
from ..spec.entities import ENTITIES_BY_NAME, resources_of
from ..wms.schema import utcnow, wms_changes
from .push.context import PushContext, PushSettings
from .push.writeback import write_back

Action = Literal["retry", "dismiss"]


def resolve_failed(engine: sa.Engine, *, action: Action, entity: str | None, change_ids: list[int] | None,
                   by: str, reason: str, run_id: str) -> list[int]:
    """Retry (pending again, attempts reset, due now) or dismiss (`dismissed`, never pushed) the
    `failed` changes named by `change_ids`, or all of `entity`'s (or all) when none are named.

    Only `failed` changes are touched, so a retried change that is pending or pushed again is left as
    it is. Returns the ids changed.
    """
    if not by.strip() or not reason.strip():
        raise ValueError("say who you are and why: both `by` and `reason` are required")
    where = [wms_changes.c.status == "failed"]
    if entity:
        where.append(wms_changes.c.entity == entity)
    if change_ids:
        where.append(wms_changes.c.id.in_(change_ids))
    now = utcnow()
    note = f"{'retried' if action == 'retry' else 'dismissed'} by {by} at {now.isoformat(timespec='seconds')}: " \
           f"{reason}; it had failed with: "
    with engine.begin() as connection:
        ids = connection.execute(sa.select(wms_changes.c.id).where(*where).order_by(wms_changes.c.id)
                                 .with_for_update()).scalars().all()
        if not ids:
            return []
        said = sa.func.substr(sa.literal(note) + sa.func.coalesce(wms_changes.c.last_error, "-"), 1, 4000)
        values = {"last_error": said, "operator_note": said, "run_id": run_id, "claimed_by": None,
                  "claimed_at": None}
        if action == "retry":
            values.update(status="pending", attempts=0, next_attempt_at=now, handled_at=None)
        else:
            values.update(status="dismissed", handled_at=now)
        connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(**values))
    return list(ids)


def restore_dismissed(conductor: ConductorResource, engine: sa.Engine, change_ids: list[int], run_id: str) -> int:
    """The records of dismissed edits get QuickBooks' version back, so the two sides agree again (a
    row the WMS made, which QuickBooks never had, stays as it is). Rows are read in one query per
    entity and records fetched by id in batches. Returns the records restored."""
    with engine.connect() as connection:
        edited = connection.execute(sa.select(wms_changes.c.entity, wms_changes.c.row_id).distinct().where(
            wms_changes.c.id.in_(change_ids), wms_changes.c.operation != "delete")).all()
    by_entity: dict[str, list[int]] = {}
    for entity, row_id in edited:
        by_entity.setdefault(entity, []).append(row_id)
    restored = 0
    for entity, row_ids in by_entity.items():
        context = PushContext(conductor, engine, ENTITIES_BY_NAME[entity], PushSettings(run_id=run_id))
        header = context.header
        with engine.connect() as connection:
            rows = [r._asdict() for r in connection.execute(sa.select(header).where(
                header.c.id.in_(row_ids), header.c.qbd_id.is_not(None), header.c.company == context.company))]
        for qbd in resources_of(entity):
            mine = {r["qbd_id"]: r["id"] for r in rows if r.get("item_type") in (None, qbd.item_type)}
            read_at = utcnow()
            for record in context.quickbooks.retrieve_many(qbd, list(mine)) if mine else []:
                write_back(context, qbd, record, mine[record["id"]], newest_change=None, read_at=read_at,
                           sent_lines=None)
                restored += 1
    return restored
