"""Schedules of whole jobs that talk to QuickBooks (the audit, the reconciliation): each tick requests
one run per active company file whose gates (quiet hours, QuickBooks answering) are open."""

import dagster as dg

from ..conductor.resource import ConductorResource
from ..settings import COMPANY_TAG
from ..wms.resources import WmsDatabase
from .company_runs import active, gate_company


def gated_schedule(job: dg.JobDefinition, *, name: str, cron_schedule: str, what: str,
                   description: str) -> dg.ScheduleDefinition:
    """A schedule (off by default) requesting `job` on `cron_schedule` (UTC) for every active company
    file whose gates are open; a skipped company says why ("<what> skipped: ...")."""

    @dg.schedule(job=job, cron_schedule=cron_schedule, execution_timezone="UTC", name=name,
                 default_status=dg.DefaultScheduleStatus.STOPPED, description=description)
    def _schedule(context: dg.ScheduleEvaluationContext, conductor: ConductorResource, wms: WmsDatabase):
        when = context.scheduled_execution_time
        key = name.removeprefix("qbd_").removesuffix("_schedule")
        requests, skipped = [], []
        for company in active(wms.engine(), context.instance):
            allowed = gate_company(conductor, company, when)
            if not allowed.open:
                skipped.append(f"{company.id}: {allowed.reason}")
                continue
            requests.append(dg.RunRequest(run_key=f"{key}|{company.id}@{when.isoformat(timespec='minutes')}",
                                          tags={COMPANY_TAG: company.id}))
        if not requests:
            return dg.SkipReason(f"{what} skipped: " + ("; ".join(skipped) or "no active company file"))
        for reason in skipped:
            context.log.info(f"{what} skipped for {reason}")
        return requests

    return _schedule
