"""The company file's pool: one QuickBooks run at a time, from the very first run.

Dagster creates a pool at the instance's default limit only when a run first queues for it, and
runs queued in that same moment are not held back by it. So every tick that may lead to runs (the
schedules, the push-back sensor, `sync_watchdog` at daemon start) makes sure the pool exists first.
"""

import dagster as dg

from .settings import quickbooks_pool


def ensure_company_pool(instance: dg.DagsterInstance) -> bool:
    """Create the company file's pool with a limit of 1 unless it exists (an operator's limit stands)."""
    pool = quickbooks_pool()
    if pool in instance.event_log_storage.get_concurrency_keys():
        return False
    instance.event_log_storage.set_concurrency_slots(pool, 1)
    return True
