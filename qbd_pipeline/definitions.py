"""The code location: one explicit Definitions object."""

import dagster as dg

from .quickbooks.assets import pull_assets
from .quickbooks.jobs import qbd_incremental_pull, qbd_incremental_pull_schedule
from .resources.conductor import conductor_from_env
from .wms.resources import wms_from_env

defs = dg.Definitions(
    assets=pull_assets,
    jobs=[qbd_incremental_pull],
    schedules=[qbd_incremental_pull_schedule],
    resources={"conductor": conductor_from_env(), "wms": wms_from_env()},
)
