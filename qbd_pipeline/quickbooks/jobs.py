"""The incremental pull job and its schedule.

The schedule requests the latest closed hour at minute 5 of every hour (or on `QBD_PULL_CRON`), only
while QuickBooks answers and outside quiet hours (see `sync.gates`). A skipped or failed tick leaves
no gap: the next run reaches back to the entity's high-water mark.
"""

import os
from datetime import datetime, timedelta, timezone

import dagster as dg

from ..concurrency import ensure_company_pool
from ..conductor.resource import ConductorResource
from ..settings import COMPANY_TAG, company_key
from ..sync.gates import gate
from .assets import GROUP
from .partitions import hourly_partitions

PULL_CRON_VAR = "QBD_PULL_CRON"
DEFAULT_PULL_CRON = "5 * * * *"

qbd_incremental_pull = dg.define_asset_job(
    "qbd_incremental_pull",
    selection=dg.AssetSelection.groups(GROUP),
    executor_def=dg.in_process_executor,  # one company file answers one request at a time
    tags={COMPANY_TAG: company_key()},
)


def latest_closed_hour(when: datetime) -> str | None:
    """The key of the last hourly partition that has ended at `when` (None before the first one)."""
    start = when.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    if start < hourly_partitions.start.astimezone(timezone.utc):
        return None
    return start.strftime(hourly_partitions.fmt)


@dg.schedule(job=qbd_incremental_pull, cron_schedule=os.environ.get(PULL_CRON_VAR) or DEFAULT_PULL_CRON,
             execution_timezone="UTC", name="qbd_incremental_pull_schedule",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="The latest closed hour of every pull asset, while QuickBooks answers.")
def qbd_incremental_pull_schedule(context: dg.ScheduleEvaluationContext, conductor: ConductorResource):
    ensure_company_pool(context.instance)
    when = context.scheduled_execution_time
    partition = latest_closed_hour(when)
    if partition is None:
        return dg.SkipReason(f"no closed hour since the first partition {hourly_partitions.get_first_partition_key()}")
    allowed = gate(conductor, when)
    if not allowed.open:
        return dg.SkipReason(f"pull of {partition} skipped (the next run catches up): {allowed.reason}")
    return dg.RunRequest(run_key=f"{partition}@{when.isoformat(timespec='minutes')}", partition_key=partition,
                         tags={COMPANY_TAG: company_key()})
