"""The instance's run queue: Dagster's QueuedRunCoordinator, with every run tagged by its company file.

One QuickBooks company file answers one request at a time, so the instance configs limit runs per
value of `qbd/end_user`. The schedules, the sensor and the demo set that tag; a run launched from the
UI does not: a materialization from an asset page carries only its partition's
`dagster/partition/company`, an op job from the launchpad nothing. Left so, such a run and a
push-back run of the same company file would pass two different limits and run side by side.
`CompanyRunCoordinator` adds the tag as a run is queued (from the partition, else the deployment's
`CONDUCTOR_END_USER_ID`, the company the run itself will take), so one limit holds for every run.
"""

import dagster as dg
from dagster._core.run_coordinator import QueuedRunCoordinator, SubmitRunContext

from .console.assets import KEY as CONSOLE_KEY
from .quickbooks.partitions import company_in_tags
from .settings import COMPANY_TAG, default_company

WMS_ONLY = frozenset({CONSOLE_KEY})  # assets whose runs talk to no QuickBooks company file


def company_tag_for(tags: dict[str, str], assets: frozenset[dg.AssetKey] | None = None) -> dict[str, str]:
    """The `qbd/end_user` tag a run with these tags lacks, or nothing (it has one, names no company, or
    only refreshes the operator's console, which reads the WMS alone and waits for no company's run)."""
    if tags.get(COMPANY_TAG) or (assets and assets <= WMS_ONLY):
        return {}
    company = company_in_tags(tags) or default_company()
    return {COMPANY_TAG: company} if company else {}


class CompanyRunCoordinator(QueuedRunCoordinator):
    """Queues runs like QueuedRunCoordinator (same config, same limits, the daemon dequeues them), each
    tagged with its company file first."""

    def submit_run(self, context: SubmitRunContext) -> dg.DagsterRun:
        run = context.dagster_run
        missing = company_tag_for(dict(run.tags), run.asset_selection)
        if missing:
            self._instance.add_run_tags(run.run_id, missing)
            run = run.with_tags({**run.tags, **missing})
            context = SubmitRunContext(run, context.workspace)
        return super().submit_run(context)
