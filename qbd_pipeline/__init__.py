"""qbd-pipeline: two-way sync between a WMS database and QuickBooks Desktop, orchestrated by Dagster."""
