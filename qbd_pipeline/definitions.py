"""The code location: one explicit Definitions object."""

import dagster as dg

from .conductor.resource import conductor_from_env
from .console.assets import sync_status
from .console.sensors import sync_status_monitor
from .pushback.jobs import wms_push_back
from .pushback.operator import wms_failed_changes
from .pushback.sensors import wms_change_sensor
from .quickbooks.assets import pull_assets
from .quickbooks.checks import audit_checks, wms_checks
from .quickbooks.freshness import company_freshness, freshness_by_company
from .quickbooks.jobs import qbd_audit, qbd_audit_schedule, qbd_incremental_pull, qbd_incremental_pull_schedule
from .quickbooks.reconcile import qbd_reconcile, qbd_reconcile_schedule
from .watchdog import sync_watchdog
from .wms.resources import wms_from_env

defs = dg.Definitions(
    assets=[*pull_assets, sync_status],
    asset_checks=[*wms_checks, *audit_checks, freshness_by_company],
    jobs=[qbd_incremental_pull, qbd_audit, wms_push_back, qbd_reconcile, wms_failed_changes],
    schedules=[qbd_incremental_pull_schedule, qbd_audit_schedule, qbd_reconcile_schedule],
    sensors=[wms_change_sensor, sync_watchdog, company_freshness, sync_status_monitor],
    resources={"conductor": conductor_from_env(), "wms": wms_from_env()},
    # Every job, the asset page's and backfills' included, runs its steps one after another: one
    # company file answers one request at a time.
    executor=dg.in_process_executor,
)
