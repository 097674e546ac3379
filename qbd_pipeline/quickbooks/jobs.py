"""The incremental pull job and its schedule, fanned out over the company files.

The schedule ticks at minute 5 of every hour (or on `QBD_PULL_CRON`) and requests, for every active
company file (the WMS `companies` table), the day of the hour that just closed (at 00:05,
yesterday, so each day's last materialization covers it whole): one run per company, each only
while that company's QuickBooks answers and outside its quiet hours (see `sync.gates`). Each run
fetches from the company's high-water marks, so a skipped or failed tick leaves no gap.
"""

import os
from datetime import datetime, timedelta, timezone

import dagster as dg

from ..conductor.resource import ConductorResource
from ..settings import COMPANY_TAG
from ..wms.resources import WmsDatabase
from .checks import audit_checks, wms_checks
from .company_runs import active, gate_company
from .freshness import freshness_by_company
from .gated import gated_schedule
from .keys import GROUP
from .partitions import day_of, first_day, key

PULL_CRON_VAR = "QBD_PULL_CRON"
DEFAULT_PULL_CRON = "5 * * * *"

qbd_incremental_pull = dg.define_asset_job(
    "qbd_incremental_pull",
    # Every pull asset and its WMS checks; the checks that read QuickBooks are the audit's, and
    # fresh_in_every_company has no step here: each pull step logs its own entity's as it ends.
    selection=dg.AssetSelection.groups(GROUP) - dg.AssetSelection.checks(*audit_checks, freshness_by_company),
    executor_def=dg.in_process_executor,  # one company file answers one request at a time
)

qbd_audit = dg.define_asset_job(
    "qbd_audit",
    selection=dg.AssetSelection.checks(*wms_checks, *audit_checks, freshness_by_company),
    executor_def=dg.in_process_executor,
    description="Every asset check of one company file (tag qbd/end_user), those that read QuickBooks included "
                "(row counts, stock on hand); materializes nothing.",
)


def partition_for_tick(when: datetime) -> str | None:
    """The day of the last hour that has ended at `when` (None before the first day)."""
    return day_of(when.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1))


@dg.schedule(job=qbd_incremental_pull, cron_schedule=os.environ.get(PULL_CRON_VAR) or DEFAULT_PULL_CRON,
             execution_timezone="UTC", name="qbd_incremental_pull_schedule",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="Every pull asset, hourly, one run per active company file: what changed since its last "
                         "pull, while its QuickBooks answers.")
def qbd_incremental_pull_schedule(context: dg.ScheduleEvaluationContext, conductor: ConductorResource,
                                  wms: WmsDatabase):
    when = context.scheduled_execution_time
    day = partition_for_tick(when)
    if day is None:
        return dg.SkipReason(f"no closed hour since the first day {first_day()} began")
    companies = active(wms.engine(), context.instance)
    if not companies:
        return dg.SkipReason("no active company file: add one with `qbd-pipeline companies add <end user id>` "
                             "(or set CONDUCTOR_END_USER_ID)")
    requests, waiting = [], []
    for company in companies:
        if company.pull_start and day < company.pull_start.isoformat():
            waiting.append(f"{company.id}: its pull starts on {company.pull_start.isoformat()}")
            continue
        allowed = gate_company(conductor, company, when)
        if not allowed.open:
            waiting.append(f"{company.id}: pull of {day} skipped (the next run catches up): {allowed.reason}")
            continue
        requests.append(dg.RunRequest(run_key=f"{company.id}|{day}@{when.isoformat(timespec='minutes')}",
                                      partition_key=key(company.id, day), tags={COMPANY_TAG: company.id}))
    for reason in waiting:
        context.log.info(reason)
    if not requests:
        return dg.SkipReason("; ".join(waiting))
    return requests


qbd_audit_schedule = gated_schedule(
    qbd_audit, name="qbd_audit_schedule", cron_schedule="30 4 * * *", what="audit",
    description="Daily audit (04:30 UTC) of every active company file: every asset check against QuickBooks, "
                "while its QuickBooks answers.")
