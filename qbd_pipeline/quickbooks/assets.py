"""The pull: one partitioned asset per sync entity, built from the entity table.

Each materialization fetches one `updatedAfter`/`updatedBefore` window (a backfill of any range is
one run and one window) for every QBD object type of the entity, spools it, then upserts it into
the WMS, and records a `sync_runs` row and any per-record `sync_errors`.
"""

import time
from datetime import timedelta

import dagster as dg
import sqlalchemy as sa
from pydantic import Field

from ..entities import ENTITIES, Entity, resources_of
from ..resources.conductor import ConductorResource, MissingSetting
from ..wms.load import LoadStats, load_batch, record_errors
from ..wms.mapping import MAPPINGS
from ..wms.resources import WmsDatabase
from ..wms.schema import TABLES, sync_runs, utcnow
from .fetch import Spool, fetch_window
from .partitions import hourly_partitions
from .stock import item_ids_in, refresh_stock

GROUP = "quickbooks"
CHECK_NAME = "no_sync_errors"


class PullConfig(dg.Config):
    lookback_minutes: int = Field(default=15, description="How far each window reaches back, for QBD clocks that lag.")
    page_size: int = Field(default=150, ge=1, le=150, description="Records per API page (Conductor allows 1..150).")
    batch_size: int = Field(default=500, ge=1, description="Records per database transaction.")
    max_restarts: int = Field(default=6, ge=0, description="Times a window is fetched again after a failed page.")


def asset_key(entity: str) -> dg.AssetKey:
    return dg.AssetKey(["qbd", entity])


def _window(context: dg.AssetExecutionContext, lookback: timedelta):
    window = context.partition_time_window
    first = hourly_partitions.get_first_partition_key()
    starts_at_first = context.partition_key_range.start == first
    after = None if starts_at_first else window.start - lookback
    before = window.end - timedelta(seconds=1)  # the filter is inclusive, to the second
    return window, after, before


def pull_entity(context: dg.AssetExecutionContext, entity: Entity, conductor: ConductorResource,
                wms: WmsDatabase, config: PullConfig) -> dg.MaterializeResult:
    try:
        conductor.require()
    except MissingSetting as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    mapping = MAPPINGS[entity.name]
    header, _lines = TABLES[entity.name]
    engine = wms.engine()
    window, after, before = _window(context, timedelta(minutes=config.lookback_minutes))
    run_id = context.run.run_id
    with engine.begin() as connection:
        sync_run_id = connection.execute(sync_runs.insert().values(
            run_id=run_id, entity=entity.name, direction="pull", status="running",
            partition_range=f"{context.partition_key_range.start}...{context.partition_key_range.end}",
            window_start=after, window_end=before, started_at=utcnow(),
        ).returning(sync_runs.c.id)).scalar_one()
    totals, requests, restarts, fetched = LoadStats(), 0, 0, 0
    touched_items: set[str] = set()
    began = time.monotonic()
    try:
        for qbd in resources_of(entity.name):
            with Spool() as spool:
                stats = fetch_window(conductor, qbd, after, before, spool, page_size=config.page_size,
                                     max_restarts=config.max_restarts)
                requests += stats.requests
                restarts += stats.restarts
                fetched += stats.fetched
                for failure in stats.failures:
                    context.log.warning(f"{qbd.path}: window fetched again after: {failure}")
                for batch in spool.batches(config.batch_size):
                    with engine.begin() as connection:
                        batch_stats = load_batch(connection, mapping, qbd, batch, run_id=run_id)
                        record_errors(connection, run_id, entity.name, batch_stats.errors)
                    totals.add(batch_stats)
                    if qbd.kind == "transaction":
                        touched_items |= item_ids_in(batch)
            context.log.info(f"{qbd.path}: {stats.fetched} fetched in {stats.requests} request(s)")
        stock_refreshed = refresh_stock(conductor, engine, touched_items)
    except Exception as exc:  # record why in sync_runs, then fail the step
        with engine.begin() as connection:
            connection.execute(sync_runs.update().where(sync_runs.c.id == sync_run_id).values(
                status="failed", finished_at=utcnow(), error=str(exc)[:4000], fetched=fetched,
                inserted=totals.inserted, updated=totals.updated, unchanged=totals.unchanged,
                failed=totals.failed, api_requests=requests))
        raise
    with engine.begin() as connection:
        connection.execute(sync_runs.update().where(sync_runs.c.id == sync_run_id).values(
            status="success" if totals.failed == 0 else "partial", finished_at=utcnow(), fetched=fetched,
            inserted=totals.inserted, updated=totals.updated, unchanged=totals.unchanged, failed=totals.failed,
            api_requests=requests))
        row_count = connection.execute(sa.select(sa.func.count()).select_from(header)).scalar_one()
    for error in totals.errors[:20]:
        context.log.error(f"{entity.name} {error.qbd_id}: {error.code}: {error.message}")
    metadata = {
        "dagster/row_count": dg.MetadataValue.int(row_count),
        "fetched": dg.MetadataValue.int(fetched),
        "inserted": dg.MetadataValue.int(totals.inserted),
        "updated": dg.MetadataValue.int(totals.updated),
        "unchanged": dg.MetadataValue.int(totals.unchanged),
        "failed": dg.MetadataValue.int(totals.failed),
        "window_start": dg.MetadataValue.text(after.isoformat() if after else "beginning"),
        "window_end": dg.MetadataValue.text(before.isoformat()),
        "partition_window": dg.MetadataValue.text(f"{window.start.isoformat()} .. {window.end.isoformat()}"),
        "api_requests": dg.MetadataValue.int(requests),
        "window_restarts": dg.MetadataValue.int(restarts),
        "stock_items_refreshed": dg.MetadataValue.int(stock_refreshed),
        "seconds": dg.MetadataValue.float(round(time.monotonic() - began, 3)),
    }
    check = dg.AssetCheckResult(
        check_name=CHECK_NAME, passed=totals.failed == 0, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"failed": totals.failed, "sample": dg.MetadataValue.json(
            [{"qbd_id": e.qbd_id, "code": e.code, "message": e.message} for e in totals.errors[:5]])},
        description=None if totals.failed == 0 else f"{totals.failed} record(s) could not be synced; see sync_errors",
    )
    return dg.MaterializeResult(metadata=metadata, check_results=[check])


def build_pull_asset(entity: Entity) -> dg.AssetsDefinition:
    key = asset_key(entity.name)

    @dg.asset(
        key=key,
        group_name=GROUP,
        partitions_def=hourly_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[asset_key(d) for d in entity.depends_on],
        check_specs=[dg.AssetCheckSpec(CHECK_NAME, asset=key, blocking=True,
                                       description="The last pull of this entity left no per-record errors.")],
        kinds={"quickbooks", "sql"},
        description=f"QuickBooks Desktop {entity.name.replace('_', ' ')}, pulled into the WMS table "
                    f"`{MAPPINGS[entity.name].table}` by `updatedAt` window.",
    )
    def _pull(context: dg.AssetExecutionContext, conductor: ConductorResource, wms: WmsDatabase,
              config: PullConfig) -> dg.MaterializeResult:
        return pull_entity(context, entity, conductor, wms, config)

    return _pull


pull_assets: list[dg.AssetsDefinition] = [build_pull_asset(entity) for entity in ENTITIES]
