"""`wms_change_sensor`: start a push-back run when WMS changes are due, none is in progress, and
QuickBooks answers (see `sync.gates`).

The `wms_changes.status` column is the ledger of what is done, not the sensor cursor: a failed run
leaves its changes pending (or failed, with a reason) and a later tick starts a run that retries
them once their backoff has passed. A tick is one indexed COUNT query, a look at running runs and,
only when there is work, a briefly cached health check.
"""

import dagster as dg
import sqlalchemy as sa

from ..concurrency import ensure_company_pool
from ..conductor.resource import ConductorResource
from ..settings import COMPANY_TAG, company_key
from ..sync.gates import gate
from ..wms.resources import WmsDatabase
from ..wms.schema import utcnow, wms_changes
from .jobs import live_push_runs, wms_push_back


@dg.sensor(job=wms_push_back, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Pending rows in wms_changes -> one wms_push_back run at a time, while QuickBooks answers.")
def wms_change_sensor(context: dg.SensorEvaluationContext, wms: WmsDatabase, conductor: ConductorResource):
    ensure_company_pool(context.instance)
    with wms.engine().connect() as connection:
        due, newest = connection.execute(sa.select(sa.func.count(), sa.func.max(wms_changes.c.id)).where(
            wms_changes.c.status == "pending", wms_changes.c.next_attempt_at <= utcnow())).one()
    if not due:
        return dg.SkipReason("no pending WMS changes")
    live = live_push_runs(context.instance)
    if live:
        return dg.SkipReason(f"{due} pending WMS change(s); push-back run {sorted(live)[0]} is still in progress")
    allowed = gate(conductor)
    if not allowed.open:
        return dg.SkipReason(f"{due} pending WMS change(s) wait: {allowed.reason}")
    return dg.RunRequest(tags={COMPANY_TAG: company_key(), "qbd/pending_changes": str(due),
                               "qbd/newest_change": str(newest)})
