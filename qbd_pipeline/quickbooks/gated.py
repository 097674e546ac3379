"""Schedules of whole jobs that talk to QuickBooks (the audit, the reconciliation): each tick makes
sure the company file's pool exists, then asks the gates (quiet hours, QuickBooks answering)."""

import dagster as dg

from ..concurrency import ensure_company_pool
from ..conductor.resource import ConductorResource
from ..settings import COMPANY_TAG, company_key
from ..sync.gates import gate


def gated_schedule(job: dg.JobDefinition, *, name: str, cron_schedule: str, what: str,
                   description: str) -> dg.ScheduleDefinition:
    """A schedule (off by default) requesting `job` on `cron_schedule` (UTC) while the gates are open;
    a skipped tick says why ("<what> skipped: ...")."""

    @dg.schedule(job=job, cron_schedule=cron_schedule, execution_timezone="UTC", name=name,
                 default_status=dg.DefaultScheduleStatus.STOPPED, description=description)
    def _schedule(context: dg.ScheduleEvaluationContext, conductor: ConductorResource):
        ensure_company_pool(context.instance)
        allowed = gate(conductor, context.scheduled_execution_time)
        if not allowed.open:
            return dg.SkipReason(f"{what} skipped: {allowed.reason}")
        key = name.removeprefix("qbd_").removesuffix("_schedule")
        return dg.RunRequest(run_key=f"{key}@{context.scheduled_execution_time.isoformat(timespec='minutes')}",
                             tags={COMPANY_TAG: company_key()})

    return _schedule
