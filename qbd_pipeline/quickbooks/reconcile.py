"""`qbd_reconcile`: a full comparison of QuickBooks with the WMS, entity by entity.

The deleted-object feeds reach back only 90 days and an incremental window trusts QuickBooks'
clock, so once a week (schedule off by default) every record is listed again: a different revision
is loaded, a record the WMS lacks is inserted, and a WMS row whose record QuickBooks no longer lists
is marked deleted. Each op reports what it changed, in its output, an observation of the entity's
asset, and a `sync_runs` row (direction `reconcile`).
"""

import dagster as dg

from ..conductor.resource import ConductorResource
from ..spec.entities import ENTITIES, Entity
from ..sync.pull import PullSettings, pull_entity
from ..wms.resources import WmsDatabase
from .company_runs import company_of_run
from .gated import gated_schedule
from .keys import asset_key

JOB_NAME = "qbd_reconcile"


def build_reconcile_op(entity: Entity) -> dg.OpDefinition:
    @dg.op(name=f"reconcile_{entity.name}", ins={f"after_{d}": dg.In(dg.Nothing) for d in entity.depends_on},
           out=dg.Out(dict), tags={"kind": "quickbooks"},
           description=f"List every QuickBooks {entity.name.replace('_', ' ')} record and reconcile the WMS.")
    def _reconcile(context: dg.OpExecutionContext, conductor: ConductorResource, wms: WmsDatabase) -> dict:
        conductor = conductor.for_company(company_of_run(context, conductor))
        conductor.require_for_step()
        result = pull_entity(conductor, wms.engine(), entity, run_id=context.run_id, partition_start=None,
                             partition_end=None, partition_range="reconcile",
                             settings=PullSettings(), reconcile=True, on_progress=context.log.info)
        report = {"listed": result.fetched, "inserted": result.totals.inserted, "updated": result.totals.updated,
                  "unchanged": result.totals.unchanged, "failed": result.totals.failed,
                  "marked_deleted": result.deleted, "api_requests": result.requests}
        for qbd_id in result.deleted_ids[:50]:
            context.log.warning(f"{entity.name} {qbd_id}: no longer in QuickBooks; marked deleted in the WMS")
        context.log_event(dg.AssetObservation(asset_key=asset_key(entity.name), metadata={
            **report, "deleted_ids": dg.MetadataValue.json(result.deleted_ids[:200]),
            "reconciled": dg.MetadataValue.text("every record listed and compared")}))
        return report

    return _reconcile


RECONCILE_OPS = {entity.name: build_reconcile_op(entity) for entity in ENTITIES}


@dg.job(name=JOB_NAME, executor_def=dg.in_process_executor,
        description="List every record of one company file (tag qbd/end_user) in QuickBooks and reconcile the WMS "
                    "(older deletes, anything missed).")
def qbd_reconcile() -> None:
    done: dict[str, object] = {}
    for entity in ENTITIES:
        done[entity.name] = RECONCILE_OPS[entity.name](**{f"after_{d}": done[d] for d in entity.depends_on})


qbd_reconcile_schedule = gated_schedule(
    qbd_reconcile, name="qbd_reconcile_schedule", cron_schedule="0 3 * * 0", what="reconciliation",
    description="Weekly full reconciliation (Sunday 03:00 UTC), while QuickBooks answers.")
