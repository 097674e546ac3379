"""`sync_watchdog`: runs that stopped without a word (kill -9, a lost host) end in a true state.

Every minute: `sync_runs` rows still `running` whose heartbeat is older than the lease become
`cancelled` (Dagster knows the run was terminated) or `failed` with the time of the last sign of
life; a Dagster run still marked started whose steps all stopped beating is marked failed too, so
the company file's one-run-at-a-time slot is free again. Their push claims have expired by then.
The sensor is on by default: it only reads and writes the WMS ledger and the instance, never
QuickBooks.
"""

import dagster as dg
import sqlalchemy as sa

from .sync import ledger
from .wms.resources import NOT_READY, WmsDatabase, not_ready
from .wms.schema import sync_runs

_UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def failure_of(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """What a failed run's steps said when they failed (the catalogue's line, for a WMS that went away)."""
    for record in instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.STEP_FAILURE).records:
        data = record.event_log_entry.dagster_event.step_failure_data
        said = data.user_failure_data.description if data.user_failure_data else None
        return (said or data.error.message.splitlines()[0] if data.error else said or "")[:1000]
    return None


def close_stopped_runs(instance: dg.DagsterInstance, engine: sa.Engine, lease_seconds: float = ledger.LEASE_SECONDS
                       ) -> list[dict]:
    """One watchdog pass; returns the ledger rows it closed."""
    with engine.connect() as connection:  # few rows: the steps running now, and any a stopped run left open
        suspects = set(connection.execute(sa.select(sync_runs.c.run_id).distinct().where(
            sync_runs.c.status == "running")).scalars())
    if not suspects:
        return []
    known = {r.run_id: r for r in instance.get_runs(filters=dg.RunsFilter(run_ids=list(suspects)))}
    cancelled = frozenset(rid for rid, run in known.items() if run.status == dg.DagsterRunStatus.CANCELED)
    failures = {rid: reason for rid, run in known.items()
                if run.status == dg.DagsterRunStatus.FAILURE and (reason := failure_of(instance, rid))}
    ended = frozenset(rid for rid, run in known.items() if run.is_finished)
    closed = ledger.reap_stopped_runs(engine, lease_seconds=lease_seconds, cancelled_runs=cancelled,
                                      failures=failures, ended_runs=ended)
    with engine.connect() as connection:
        still_beating = set(connection.execute(sa.select(sync_runs.c.run_id).distinct().where(
            sync_runs.c.status == "running", sync_runs.c.run_id.in_(list(suspects)))).scalars())
    for run_id in sorted({row["run_id"] for row in closed} - still_beating):
        run = known.get(run_id)
        if run is not None and run.status in _UNFINISHED:
            instance.report_run_failed(run, "The run's process stopped without finishing (no heartbeat from its "
                                            "steps for over the lease); marked failed by sync_watchdog.")
    return closed


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Close runs whose process stopped without finishing (kill -9, a lost host).")
def sync_watchdog(context: dg.SensorEvaluationContext, wms: WmsDatabase):
    try:
        closed = close_stopped_runs(context.instance, wms.engine())
    except NOT_READY as exc:
        return dg.SkipReason(not_ready(exc))
    if not closed:
        return dg.SkipReason("no stopped runs")
    return dg.SkipReason("closed: " + "; ".join(
        f"{r['direction']} {r['entity']} of run {r['run_id'][:8]} -> {r['status']}" for r in closed))
