"""`sync_status_monitor`: reports `operator/sync_status` whenever what it shows has changed.

A tick is one query of indexed counts and maxima (`sync.console.fingerprint`); only when that moved
(a run started or ended, a change was captured, failed or closed, an error opened or resolved, a
conflict was decided, a company file was added or paused), or an hour has passed, does it read the
console and report a materialization with its two checks. No run is launched.
"""

import json
from datetime import datetime, timedelta, timezone

import dagster as dg

from ..quickbooks.checks import as_evaluation
from ..sync.console import fingerprint, read_console
from ..wms.resources import NOT_READY, WmsDatabase, not_ready
from .assets import KEY, console_checks, console_metadata, summary

RESTATE_AFTER = timedelta(hours=1)


def due(cursor: str | None, mark: str, now: datetime) -> bool:
    """Whether the console must be reported: its fingerprint moved, or the last report is an hour old."""
    if not cursor:
        return True
    last = json.loads(cursor)
    return last.get("mark") != mark or now - datetime.fromisoformat(last["at"]) >= RESTATE_AFTER


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Reports operator/sync_status (errors, conflicts, last syncs, what waits) whenever the WMS's "
                       "sync state changed, and hourly. Reads the WMS only.")
def sync_status_monitor(context: dg.SensorEvaluationContext, wms: WmsDatabase):
    now = datetime.now(timezone.utc)
    try:
        with wms.engine().connect() as connection:
            mark = fingerprint(connection)
            if not due(context.cursor, mark, now):
                return dg.SkipReason("nothing changed since the last report")
            console = read_console(connection, now)
    except NOT_READY as exc:
        return dg.SkipReason(not_ready(exc))
    events = [dg.AssetMaterialization(asset_key=KEY, description=summary(console), metadata=console_metadata(console)),
              *(as_evaluation(result) for result in console_checks(console))]
    return dg.SensorResult(asset_events=events, cursor=json.dumps({"mark": mark, "at": now.isoformat()}))
