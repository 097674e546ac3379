"""`wms_push_back`: one op per entity, in dependency order, built from the entity table.

Customers, vendors and items go before the orders and adjustments that reference them, so a customer
created in the WMS together with an order for it reaches QuickBooks in one run. Each op keeps a
`sync_runs` row (direction `push`, or `plan` for a dry run) that ends true however the run ends.
"""

import contextlib
from typing import Literal

import dagster as dg
import sqlalchemy as sa
from pydantic import Field

from ..conductor.resource import ConductorResource
from ..quickbooks.checks import failed_pushes_check
from ..quickbooks.company_runs import company_of_run
from ..reports import conflicts_decided, report_table
from ..settings import COMPANY_TAG
from ..spec.entities import ENTITIES, Entity
from ..sync import companies, ledger
from ..sync.progress import Progress
from ..sync.push import Pusher, PushSettings, PushStats
from ..sync.wms_faults import WmsFault, kind_of, retrying
from ..watchdog import close_stopped_runs
from ..wms.resources import WmsDatabase
from ..wms.schema import wms_changes

IN_PROGRESS = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
               dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]
JOB_NAME = "wms_push_back"


class PushBackConfig(dg.Config):
    dry_run: bool = Field(default=False, description="Plan every create and update (with field diffs and the "
                                                     "rule that decided them) without writing to QuickBooks.")
    max_attempts: int = Field(default=5, ge=1, description="Attempts before a change is left `failed` for a person.")
    backoff_seconds: float = Field(default=30.0, ge=0, description="First retry delay; doubles per attempt.")


def live_push_runs(instance: dg.DagsterInstance, company: str | None = None,
                   default: str | None = None) -> frozenset[str]:
    """Push-back runs queued or in progress (of one company file, when given: a run without the tag is
    the `default` company's, as the run itself takes it)."""
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=JOB_NAME, statuses=IN_PROGRESS))
    return frozenset(r.run_id for r in runs if company is None or r.tags.get(COMPANY_TAG, default) == company)


def finished_claimants(instance: dg.DagsterInstance, engine: sa.Engine) -> frozenset[str]:
    """Runs holding claims that this instance knows have ended: their claims may be taken over."""
    with engine.connect() as connection:
        holders = [r[0] for r in connection.execute(sa.select(wms_changes.c.claimed_by).distinct().where(
            wms_changes.c.status == "pending", wms_changes.c.claimed_by.is_not(None)))]
    if not holders:
        return frozenset()
    runs = instance.get_runs(filters=dg.RunsFilter(run_ids=holders, statuses=FINISHED))
    return frozenset(r.run_id for r in runs)


def _counts(stats: PushStats) -> dict:
    return {"fetched": stats.claimed, "inserted": stats.created, "updated": stats.updated,
            "deleted": stats.deleted, "skipped": stats.skipped, "failed": stats.failed + stats.retry_later,
            "conflicts": stats.conflicts, "total": stats.claimed, "api_requests": stats.requests,
            "processed": stats.pushed + stats.skipped + stats.failed + stats.retry_later + stats.later}


def build_push_op(entity: Entity) -> dg.OpDefinition:
    @dg.op(
        name=f"push_{entity.name}",
        ins={f"after_{d}": dg.In(dg.Nothing) for d in entity.depends_on},
        out=dg.Out(dict, description="What was pushed, or in a dry run the plan."),
        tags={"kind": "quickbooks"},
        description=f"Push pending WMS changes of {entity.name} to QuickBooks ({entity.conflict_rule}).",
    )
    def _push(context: dg.OpExecutionContext, config: PushBackConfig, conductor: ConductorResource,
              wms: WmsDatabase) -> dg.Output:
        conductor = conductor.for_company(company_of_run(context, conductor))
        conductor.require_for_step()
        engine = wms.engine()
        try:
            return _push_entity(context, entity, config, conductor, engine)
        except WmsFault as fault:  # the catalogue's one line, not the driver's traceback
            raise dg.Failure(description=str(fault), allow_retries=False) from fault

    return _push


def _push_entity(context: dg.OpExecutionContext, entity: Entity, config: PushBackConfig,
                 conductor: ConductorResource, engine: sa.Engine) -> dg.Output:
    retrying(engine, lambda: close_stopped_runs(context.instance, engine), what="closing stopped runs")
    owner = retrying(engine, lambda: _companies_first(context, entity, config, conductor.end_user_id, engine),
                     what=f"push {entity.name}: reading the company files")
    settings = PushSettings(run_id=context.run_id, dry_run=config.dry_run, max_attempts=config.max_attempts,
                            backoff_seconds=config.backoff_seconds,
                            takes_unnamed=owner == conductor.end_user_id)
    pusher = Pusher(conductor, engine, entity, settings)
    row_id = retrying(engine, lambda: ledger.open_run(
        engine, run_id=context.run_id, entity=entity.name, company=conductor.end_user_id,
        direction="plan" if config.dry_run else "push"), what=f"push {entity.name}: opening its sync_runs row")
    try:
        with ledger.heartbeat(engine, context.run_id, [row_id], say=context.log.warning):
            progress = Progress(engine, row_id, f"push {entity.name}", context.log.info)
            stats = pusher.run(finished_claimants(context.instance, engine), progress=progress)
    except BaseException as exc:
        status, error = ledger.ending_of(exc)
        with contextlib.suppress(WmsFault):  # a WMS still away: the next run closes the row, saying why
            retrying(engine, lambda: ledger.close_run(engine, row_id, status, error, **_counts(pusher.stats)),
                     what=f"push {entity.name}: closing its sync_runs row", window=0 if kind_of(exc) else None)
        raise
    stopped = f"{stats.stopped}; the remaining changes stay pending for a later run" if stats.stopped else None
    status = "failed" if stopped else ("partial" if stats.failed or stats.gave_up else "success")
    ledger.close_run(engine, row_id, status, stopped, **_counts(stats))
    for holder, count in sorted(stats.held.items()):
        context.log.warning(f"{entity.name}: {count} change(s) held by run {holder}, which is still pushing them "
                            "(its claims are a 30 s lease it renews): left to it, or to the next run if it stops")
    for entry in stats.plan:
        context.log.info(f"planned {entry['action']} {entity.name} row {entry['row_id']}: {entry}")
    for error in stats.errors:
        traced = f" (Conductor request {error['request_id']})" if error.get("request_id") else ""
        context.log.error(f"{entity.name} row {error['row_id']}: {error['code']}: {error['error']}{traced}")
    decided = {} if config.dry_run else conflicts_decided(context.log.warning, engine, context.run_id,
                                                           entity.name, conductor.end_user_id)
    if entity.direction == "both" and not config.dry_run:  # a refused change shows on its entity's asset
        context.log_event(failed_pushes_check(entity, engine, conductor.end_user_id))
    summary = {k: getattr(stats, k) for k in ("pushed", "created", "updated", "deleted", "skipped", "failed",
                                              "retry_later", "gave_up", "later", "conflicts")}
    summary["held_by_other_runs"] = sum(stats.held.values())
    summary["api_requests"] = stats.requests  # what QuickBooks was asked, reads ahead included
    summary["requests_per_change"] = round(stats.requests / stats.claimed, 3) if stats.claimed else 0.0
    if stopped:
        raise dg.Failure(description=stopped, allow_retries=False, metadata=summary)
    return dg.Output({**summary, "plan": stats.plan, "errors": stats.errors}, metadata={
        **summary, "dry_run": config.dry_run, "plan": dg.MetadataValue.json(stats.plan[:200]),
        "report": report_table([{"entity": entity.name, **summary}]), **decided})


def _companies_first(context: dg.OpExecutionContext, entity: Entity, config: PushBackConfig, company: str,
                     engine: sa.Engine) -> str | None:
    """Register the run's company file, and refuse changes no push can send: rows naming a company file
    nobody registered, and rows naming none while several are synced. Returns who takes unnamed rows."""
    with engine.begin() as connection:
        companies.register(connection, company)
        companies.name_unnamed_changes(connection, entity.name)
        owner = companies.unnamed_owner(connection)
        if not config.dry_run:
            unknown = companies.refuse_unregistered(connection, context.run_id)
            if unknown:
                context.log.error(f"{unknown} change(s) of rows naming a company file that is not registered "
                                  "refused (COMPANY_UNKNOWN); `qbd-pipeline companies add` makes them pending")
        if owner is None and not config.dry_run:
            refused = companies.refuse_unnamed_changes(connection, entity.name, context.run_id)
            if refused:
                context.log.error(f"{entity.name}: {refused} change(s) of rows naming no company file refused "
                                  "(COMPANY_UNNAMED: several company files are synced); see operator/sync_status")
    return owner


PUSH_OPS: dict[str, dg.OpDefinition] = {entity.name: build_push_op(entity) for entity in ENTITIES}


class PushBackRunConfig(PushBackConfig):
    console_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="What the run's console shows (INFO: what the ops say; DEBUG: Dagster's step "
                                    "events too). The event log keeps everything either way.")


@dg.config_mapping
def _one_flag_for_every_op(config: PushBackRunConfig) -> dg.RunConfig:
    ops = PushBackConfig(**config.model_dump(exclude={"console_log_level"}))
    return dg.RunConfig(ops={op.name: ops for op in PUSH_OPS.values()},
                        loggers={"console": {"config": {"log_level": config.console_log_level}}})


@dg.job(name=JOB_NAME, config=_one_flag_for_every_op, executor_def=dg.in_process_executor,
        description="Push one company file's pending WMS changes (tag qbd/end_user; the sensor sets it).")
def wms_push_back() -> None:
    done: dict[str, object] = {}
    for entity in ENTITIES:  # the table lists dependencies before their dependents
        done[entity.name] = PUSH_OPS[entity.name](**{f"after_{d}": done[d] for d in entity.depends_on})
