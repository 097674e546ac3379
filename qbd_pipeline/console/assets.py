"""`operator/sync_status`: the operator's console, as an asset whose every materialization lists what
is wrong now, per company file and entity, so nobody needs SQL (what it reads: `sync.console`).

Its metadata: counts (plotted over time in the UI), then tables: `companies` (one row each: status,
open errors both ways, pending changes, last successful pull and push), `errors` (open pull and push
errors, one per record, with what to do), `conflicts` (every conflict decided in the last days: field,
both values, winner, rule, record), `waiting` (pending changes and why), `last_sync` (per company,
entity and direction: last success, last attempt, how it ended). Two checks ride along:
`no_open_errors` and `no_stuck_changes`.

The sensor `sync_status_monitor` reports it whenever the WMS's sync state moved (see `sensors.py`);
**Materialize** on the asset's page refreshes it at once. It reads the WMS only.
"""

import dagster as dg

from ..reports import report_table
from ..sync.console import CONFLICT_DAYS, LISTED, Console, read_console
from ..wms.resources import WmsDatabase

KEY = dg.AssetKey(["operator", "sync_status"])
GROUP = "operator"
NO_OPEN_ERRORS, NO_STUCK_CHANGES = "no_open_errors", "no_stuck_changes"
CHECK_SPECS = [
    dg.AssetCheckSpec(NO_OPEN_ERRORS, asset=KEY, description="No record failed to sync in either direction "
                                                              "(open pull errors and failed push changes)."),
    dg.AssetCheckSpec(NO_STUCK_CHANGES, asset=KEY, description="No WMS change waits on a company file that is paused "
                                                                "or not registered, or on a row naming none."),
]


def _table(rows: list[dict], empty: str) -> dg.MetadataValue:
    return report_table(rows) if rows else dg.MetadataValue.md(empty)


def summary(console: Console) -> str:
    companies = len({e["company"] for e in console.errors})
    errors = (f"{console.open_errors} open error(s) ({console.failed_pushes} push, {console.open_pull_errors} pull) "
              f"in {companies} company file(s)" if console.open_errors else "no open errors")
    return (f"{errors}; {console.pending_changes} WMS change(s) waiting ({console.stuck_changes} stuck); "
            f"{console.conflicts_last_day} conflict(s) decided in the last 24 h")


def console_metadata(console: Console) -> dict[str, dg.MetadataValue]:
    more = f" (the newest {LISTED} of {console.open_errors})" if console.open_errors > LISTED else ""
    return {
        "open_errors": dg.MetadataValue.int(console.open_errors),
        "failed_pushes": dg.MetadataValue.int(console.failed_pushes),
        "open_pull_errors": dg.MetadataValue.int(console.open_pull_errors),
        "pending_changes": dg.MetadataValue.int(console.pending_changes),
        "stuck_changes": dg.MetadataValue.int(console.stuck_changes),
        "conflicts_last_24h": dg.MetadataValue.int(console.conflicts_last_day),
        "summary": dg.MetadataValue.text(summary(console) + more),
        "companies": _table(console.companies, "no company file registered yet"),
        "errors": _table(console.errors, "no open errors"),
        "conflicts": _table(console.conflicts, f"no conflict decided in the last {CONFLICT_DAYS} days"),
        "waiting": _table([{k: v for k, v in w.items() if k != "stuck"} for w in console.waiting],
                          "no WMS change waiting"),
        "last_sync": _table(console.last_sync, "nothing synced yet"),
        "as_of": dg.MetadataValue.timestamp(console.as_of),
    }


def console_checks(console: Console) -> list[dg.AssetCheckResult]:
    stuck = [w for w in console.waiting if w["stuck"]]
    return [
        dg.AssetCheckResult(
            asset_key=KEY, check_name=NO_OPEN_ERRORS, passed=console.open_errors == 0,
            severity=dg.AssetCheckSeverity.ERROR,
            description=summary(console).split(";")[0] + ("; the table errors of operator/sync_status lists them "
                                                          "with what to do" if console.open_errors else ""),
            metadata={"open_errors": console.open_errors, "failed_pushes": console.failed_pushes,
                      "open_pull_errors": console.open_pull_errors}),
        dg.AssetCheckResult(
            asset_key=KEY, check_name=NO_STUCK_CHANGES, passed=not stuck, severity=dg.AssetCheckSeverity.WARN,
            description="; ".join(f"{w['changes']} {w['entity']} change(s) of {w['company']}: {w['why']}"
                                  for w in stuck[:5]) or "every waiting WMS change has a push-back to take it",
            metadata={"stuck_changes": console.stuck_changes}),
    ]


@dg.asset(key=KEY, group_name=GROUP, check_specs=CHECK_SPECS, kinds={"sql"},
          description="What an operator needs without SQL, every company file: open errors of both directions (one "
                      "per record, with what to do), conflicts decided, the last sync per entity and direction, and "
                      "what is waiting and why. Reported by the sensor sync_status_monitor whenever it changes; "
                      "Materialize refreshes it now. Reads the WMS only.")
def sync_status(wms: WmsDatabase) -> dg.MaterializeResult:
    with wms.engine().connect() as connection:
        console = read_console(connection)
    return dg.MaterializeResult(metadata=console_metadata(console), check_results=console_checks(console))
