"""The pull: one partitioned asset per sync entity, built from the entity table.

Partitions are company file x day. Each materialization fetches one company's `updatedAfter`/
`updatedBefore` window (a backfill of any range of days is one run and one window per company)
reaching back to the company's high-water mark for the entity, marks what QuickBooks deleted,
and records a `sync_runs` row and any per-record `sync_errors` (the work is `sync.pull`'s).
"""

from datetime import timedelta

import dagster as dg
import sqlalchemy as sa
from pydantic import Field

from ..conductor.fetch import FetchFailed
from ..conductor.resource import ConductorResource
from ..reports import conflicts_decided, report_table
from ..settings import freshness_hours, pull_lookback_minutes
from ..spec.entities import ENTITIES, Entity
from ..spec.mapping import MAPPINGS
from ..sync import companies
from ..sync.pull import PullResult, PullSettings, pull_entity
from ..sync.wms_faults import WmsFault, retrying
from ..watchdog import close_stopped_runs
from ..wms.resources import WmsDatabase
from ..wms.schema import TABLES
from .checks import after_failed_fetch
from .freshness import evaluation as freshness_evaluation
from .keys import GROUP, asset_key
from .partitions import is_first_day, pull_partitions, split


class PullConfig(dg.Config):
    lookback_minutes: int = Field(default=pull_lookback_minutes(), ge=0,
                                  description="How far each window reaches back, for QBD clocks that lag "
                                              "(default: $QBD_PULL_LOOKBACK_MINUTES, else 15).")
    page_size: int = Field(default=150, ge=1, le=150, description="Records per API page (Conductor allows 1..150).")
    batch_size: int = Field(default=2000, ge=1, description="Records per database transaction.")
    max_restarts: int = Field(default=6, ge=0, description="Times a window is fetched again after a failed page.")
    refetch: bool = Field(default=False, description="Fetch the partitions' whole range again, also what the "
                                                     "high-water mark says was fetched (a repair).")


def pull_metadata(result: PullResult, row_count: int) -> dict:
    window = result.window
    return {
        "dagster/row_count": dg.MetadataValue.int(row_count),
        "fetched": dg.MetadataValue.int(result.fetched),
        "inserted": dg.MetadataValue.int(result.totals.inserted),
        "updated": dg.MetadataValue.int(result.totals.updated),
        "unchanged": dg.MetadataValue.int(result.totals.unchanged),
        "failed": dg.MetadataValue.int(result.totals.failed),
        "deleted": dg.MetadataValue.int(result.deleted),
        "conflicts": dg.MetadataValue.int(result.totals.conflicts),
        "window_start": dg.MetadataValue.text(window.after.isoformat() if window.after else "beginning"),
        "window_end": dg.MetadataValue.text(window.before.isoformat()),
        "fetched_through": dg.MetadataValue.text(result.mark.isoformat() if result.mark else "-"),
        "api_requests": dg.MetadataValue.int(result.requests),
        "window_restarts": dg.MetadataValue.int(result.restarts),
        "stock_items_refreshed": dg.MetadataValue.int(result.stock_refreshed),
        "retried_failed": dg.MetadataValue.int(result.retried),
        "seconds": dg.MetadataValue.float(round(result.seconds, 3)),
        "report": report_table([{
            "entity": result.entity, "fetched": result.fetched, "inserted": result.totals.inserted,
            "updated": result.totals.updated, "unchanged": result.totals.unchanged, "deleted": result.deleted,
            "failed": result.totals.failed, "conflicts": result.totals.conflicts, "retried": result.retried,
            "seconds": round(result.seconds, 2)}]),
    }


def run_pull(context: dg.AssetExecutionContext, entity: Entity, conductor: ConductorResource,
             wms: WmsDatabase, config: PullConfig) -> dg.MaterializeResult:
    keys = context.partition_key_range
    (company, first), (last_company, last) = split(keys.start), split(keys.end)
    if company != last_company:
        raise dg.Failure(description=f"a run pulls one company file: this range spans {company} to {last_company}; "
                                     "backfill each company's days (one run each)", allow_retries=False)
    conductor = conductor.for_company(company)
    conductor.require_for_step()
    engine = wms.engine()
    try:
        return _pull_partition(context, entity, conductor, engine, config, company, first, last)
    except WmsFault as fault:  # the catalogue's one line, not the driver's traceback
        raise dg.Failure(description=str(fault), allow_retries=False) from fault


def _register(engine: sa.Engine, company: str) -> companies.Company:
    with engine.begin() as connection:
        companies.register(connection, company)
        return companies.get(connection, company)


def _pull_partition(context: dg.AssetExecutionContext, entity: Entity, conductor: ConductorResource,
                    engine: sa.Engine, config: PullConfig, company: str, first: str, last: str) -> dg.MaterializeResult:
    window = context.partition_time_window
    retrying(engine, lambda: close_stopped_runs(context.instance, engine), what="closing stopped runs")
    settings = retrying(engine, lambda: _register(engine, company), what=f"{entity.name}: registering {company}")
    try:
        result = pull_entity(
            conductor, engine, entity, run_id=context.run.run_id,
            partition_start=None if is_first_day(first, settings.pull_start) else window.start,
            partition_end=window.end, partition_range=f"{company}: {first}...{last}",
            settings=PullSettings(lookback_minutes=config.lookback_minutes, page_size=config.page_size,
                                  batch_size=config.batch_size, max_restarts=config.max_restarts,
                                  refetch=config.refetch),
            on_progress=context.log.info)
    except FetchFailed as exc:  # QuickBooks did not serve the window: the step fails, saying so
        for evaluation in after_failed_fetch(entity, engine, str(exc), company):
            context.log_event(evaluation)  # the checks still say what the WMS holds, not "execution failed"
        context.log_event(freshness_evaluation(engine, entity.name))
        raise dg.Failure(description=f"{entity.name}: QuickBooks did not serve the window: {exc}. The high-water "
                                     "mark did not move, so the next run fetches the window again.") from exc
    for failure in result.failures:
        context.log.warning(f"{entity.name}: window fetched again after: {failure}")
    for error in result.totals.errors[:20]:
        context.log.error(f"{entity.name} {error.qbd_id}: {error.code}: {error.message}")
    if len(result.totals.errors) > 20:
        context.log.error(f"{entity.name}: {len(result.totals.errors) - 20} more; all are in sync_error_list")
    decided = conflicts_decided(context.log.warning, engine, context.run.run_id, entity.name, company)
    context.log_event(freshness_evaluation(engine, entity.name))  # with this pull counted, every company named
    header = TABLES[entity.name][0]
    with engine.connect() as connection:
        row_count = connection.execute(sa.select(sa.func.count()).select_from(header).where(
            header.c.company == company)).scalar_one()
    return dg.MaterializeResult(metadata={**pull_metadata(result, row_count), **decided})


def build_pull_asset(entity: Entity) -> dg.AssetsDefinition:
    key = asset_key(entity.name)

    @dg.asset(
        key=key,
        group_name=GROUP,
        partitions_def=pull_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[asset_key(d) for d in entity.depends_on],
        kinds={"quickbooks", "sql"},
        freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=freshness_hours()),
                                                        warn_window=timedelta(hours=freshness_hours() * 2 / 3)),
        description=f"QuickBooks Desktop {entity.name.replace('_', ' ')}, pulled into the WMS table "
                    f"`{MAPPINGS[entity.name].table}` by `updatedAt` window.",
    )
    def _pull(context: dg.AssetExecutionContext, conductor: ConductorResource, wms: WmsDatabase,
              config: PullConfig) -> dg.MaterializeResult:
        return run_pull(context, entity, conductor, wms, config)

    return _pull


pull_assets: list[dg.AssetsDefinition] = [build_pull_asset(entity) for entity in ENTITIES]
