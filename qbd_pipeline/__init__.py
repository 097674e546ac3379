"""qbd-pipeline: two-way sync between a warehouse database and QuickBooks Desktop, on Dagster."""

import warnings

# Dagster marks these parameters beta; the project uses them on purpose (single-run backfills), so
# the warnings would only repeat on every load of the code location.
warnings.filterwarnings("ignore", message=r"Parameter `(backfill_policy|owners)`", category=Warning)
