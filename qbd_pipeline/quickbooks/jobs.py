"""The incremental pull job and its schedule."""

import os

import dagster as dg

from .assets import GROUP

qbd_incremental_pull = dg.define_asset_job(
    "qbd_incremental_pull",
    selection=dg.AssetSelection.groups(GROUP),
    executor_def=dg.in_process_executor,  # one company file answers one request at a time
    tags={"qbd/end_user": os.environ.get("CONDUCTOR_END_USER_ID", "default")},
)

# The latest complete hour, a few minutes after it closes.
qbd_incremental_pull_schedule = dg.build_schedule_from_partitioned_job(
    qbd_incremental_pull, minute_of_hour=5, name="qbd_incremental_pull_schedule")
