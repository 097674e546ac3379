"""The incremental pull job and its schedule.

The schedule ticks at minute 5 of every hour (or on `QBD_PULL_CRON`) and requests the day of the
hour that just closed (at 00:05, yesterday, so each day's last materialization covers it whole),
only while QuickBooks answers and outside quiet hours (see `sync.gates`). Each run fetches from the
entity's high-water mark, so a skipped or failed tick leaves no gap.
"""

import os
from datetime import datetime, timedelta, timezone

import dagster as dg

from ..concurrency import ensure_company_pool
from ..conductor.resource import ConductorResource
from ..settings import COMPANY_TAG, company_key
from ..sync.gates import gate
from .checks import audit_checks, wms_checks
from .gated import gated_schedule
from .keys import GROUP
from .partitions import first_partition_key, partition_of

PULL_CRON_VAR = "QBD_PULL_CRON"
DEFAULT_PULL_CRON = "5 * * * *"

qbd_incremental_pull = dg.define_asset_job(
    "qbd_incremental_pull",
    # Every pull asset and its WMS checks; the checks that read QuickBooks are the audit's.
    selection=dg.AssetSelection.groups(GROUP) - dg.AssetSelection.checks(*audit_checks),
    executor_def=dg.in_process_executor,  # one company file answers one request at a time
    tags={COMPANY_TAG: company_key()},
)

qbd_audit = dg.define_asset_job(
    "qbd_audit",
    selection=dg.AssetSelection.checks(*wms_checks, *audit_checks),
    executor_def=dg.in_process_executor,
    tags={COMPANY_TAG: company_key()},
    description="Every asset check, those that read QuickBooks included (row counts, stock on hand); "
                "materializes nothing.",
)


def partition_for_tick(when: datetime) -> str | None:
    """The day of the last hour that has ended at `when` (None before the first partition)."""
    return partition_of(when.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1))


@dg.schedule(job=qbd_incremental_pull, cron_schedule=os.environ.get(PULL_CRON_VAR) or DEFAULT_PULL_CRON,
             execution_timezone="UTC", name="qbd_incremental_pull_schedule",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="Every pull asset, hourly: what changed since the last pull, while QuickBooks answers.")
def qbd_incremental_pull_schedule(context: dg.ScheduleEvaluationContext, conductor: ConductorResource):
    ensure_company_pool(context.instance)
    when = context.scheduled_execution_time
    partition = partition_for_tick(when)
    if partition is None:
        return dg.SkipReason(f"no closed hour since the first partition {first_partition_key()} began")
    allowed = gate(conductor, when)
    if not allowed.open:
        return dg.SkipReason(f"pull of {partition} skipped (the next run catches up): {allowed.reason}")
    return dg.RunRequest(run_key=f"{partition}@{when.isoformat(timespec='minutes')}", partition_key=partition,
                         tags={COMPANY_TAG: company_key()})


qbd_audit_schedule = gated_schedule(
    qbd_audit, name="qbd_audit_schedule", cron_schedule="30 4 * * *", what="audit",
    description="Daily audit (04:30 UTC): every asset check against QuickBooks, while QuickBooks answers.")
