"""The run ledger: one `sync_runs` row per entity per run, kept true however the run ends.

A step opens its row as `running` and closes it as `success`, `partial`, `failed` or `cancelled`
(a terminated run). While it works, a heartbeat thread renews the row's `heartbeat_at` and the
leases on the run's push claims, so a run that stops without a word (kill -9, a lost machine) is
found by `reap_stopped_runs` (every step runs it before it starts, and so does `sync_watchdog`):
its rows become `failed` with the reason, and its claims expire `LEASE_SECONDS` after the last
renewal so another run can take them over.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..settings import WMS_LOCK_TIMEOUT_VAR, wms_lock_timeout_seconds
from ..spec import catalogue
from ..wms.resources import waiting_for_locks
from ..wms.schema import sync_runs, utcnow, wms_changes

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0  # a run that has not renewed for this long is taken for stopped
HEARTBEAT_SECONDS = 5.0  # from a thread of its own, so a long QuickBooks request does not stop it
FINAL = ("success", "partial", "failed", "cancelled")


def is_interrupt(exc: BaseException) -> bool:
    """A run terminated from the UI (or Ctrl-C), as opposed to a failure."""
    from dagster._core.errors import DagsterExecutionInterruptedError

    return isinstance(exc, DagsterExecutionInterruptedError | KeyboardInterrupt)


def open_run(engine: sa.Engine, *, run_id: str, entity: str, direction: str, **fields) -> int:
    """Open a `running` row; rows of runs that stopped without a word are closed first (see `reap_stopped_runs`)."""
    reap_stopped_runs(engine)
    now = utcnow()
    with engine.begin() as connection:
        return connection.execute(sync_runs.insert().values(
            run_id=run_id, entity=entity, direction=direction, status="running", started_at=now,
            heartbeat_at=now, **fields).returning(sync_runs.c.id)).scalar_one()


def close_run(engine: sa.Engine, row_id: int, status: str, error: str | None = None, **counts) -> None:
    """End a row with its status, reason, counts and duration."""
    assert status in FINAL, status
    now = utcnow()
    with engine.begin() as connection:
        started = connection.execute(sa.select(sync_runs.c.started_at).where(sync_runs.c.id == row_id)).scalar_one()
        connection.execute(sync_runs.update().where(sync_runs.c.id == row_id).values(
            status=status, finished_at=now, seconds=round((now - started).total_seconds(), 3),
            error=(error or None) and error[:4000], **counts))


def update_run(engine: sa.Engine, row_id: int, **values) -> None:
    with engine.begin() as connection:
        connection.execute(sync_runs.update().where(sync_runs.c.id == row_id).values(**values))


def ending_of(exc: BaseException) -> tuple[str, str]:
    """The final status and reason for a step that raised."""
    if is_interrupt(exc):
        return "cancelled", "the run was terminated before this step finished"
    if getattr(exc, "code", None) in ("WMS_UNREACHABLE", "WMS_LOCKED"):  # already the catalogue's one line
        return "failed", str(exc)
    said = f"{type(exc).__name__}: {exc}"
    cause: BaseException | None = exc
    while cause is not None:  # a fetch that failed because QuickBooks was offline says so first
        entry = getattr(cause, "catalogue", None)
        if isinstance(entry, catalogue.Entry):
            return "failed", catalogue.message(entry.code, said)
        cause = cause.__cause__
    return "failed", said


def renew(engine: sa.Engine, run_id: str, row_ids: list[int], now: datetime | None = None) -> None:
    """One heartbeat: the run's open ledger rows and its claims are still held by a live process."""
    now = now or utcnow()
    with engine.begin() as connection:
        if row_ids:
            connection.execute(sync_runs.update().where(
                sync_runs.c.id.in_(row_ids), sync_runs.c.status == "running").values(heartbeat_at=now))
        claimed = sa.select(wms_changes.c.id).where(
            wms_changes.c.claimed_by == run_id, wms_changes.c.status == "pending")
        if connection.dialect.name == "postgresql":  # rows the step is finishing right now keep their lock
            claimed = claimed.with_for_update(skip_locked=True)
        connection.execute(wms_changes.update().where(wms_changes.c.id.in_(claimed)).values(claimed_at=now))


@contextmanager
def heartbeat(engine: sa.Engine, run_id: str, row_ids: list[int], every: float = HEARTBEAT_SECONDS,
              say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Renew in a background thread for as long as the block runs (even inside one long request).

    On PostgreSQL it also watches the step's own statements: one waiting for a lock the warehouse app
    holds is said (`say`, the run log) and written into the row's `error` while it waits, so a stalled
    step is never silent (it ends after QBD_WMS_LOCK_TIMEOUT_SECONDS: WMS_LOCKED)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                renew(engine, run_id, row_ids)
                for wait in waiting_for_locks(engine):
                    holder = wait["held_by"] or "another transaction"
                    said = (f"waiting {wait['seconds']:.0f} s for a WMS lock held by {holder} (at most "
                            f"{wms_lock_timeout_seconds():g} s: {WMS_LOCK_TIMEOUT_VAR})")
                    (say or log.warning)(said)
                    update_run(engine, row_ids[-1], error=said[:4000])
            except Exception as exc:  # a missed beat is harmless; a lease is minutes long
                log.warning("heartbeat for run %s failed: %s", run_id, exc)

    thread = threading.Thread(target=beat, name=f"qbd-heartbeat-{run_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def lease_cutoff(now: datetime | None = None, lease_seconds: float = LEASE_SECONDS) -> datetime:
    return (now or utcnow()) - timedelta(seconds=lease_seconds)


def reap_stopped_runs(engine: sa.Engine, *, now: datetime | None = None, lease_seconds: float = LEASE_SECONDS,
                      cancelled_runs: frozenset[str] = frozenset(),
                      failures: dict[str, str] | None = None, ended_runs: frozenset[str] = frozenset()) -> list[dict]:
    """Close `running` rows whose run stopped renewing; returns what was closed.

    `cancelled_runs` are runs Dagster knows were terminated: their rows end `cancelled`. `failures`
    are the reasons Dagster recorded for runs that failed (a WMS that stopped answering left their
    rows open): their rows end `failed` with it. The rest end `failed` with the time of the last sign
    of life: their process went away. Rows of `ended_runs` (Dagster knows the run is over) are closed
    at once, without waiting for their lease to run out.
    """
    cutoff = lease_cutoff(now, lease_seconds)
    quiet = sa.func.coalesce(sync_runs.c.heartbeat_at, sync_runs.c.started_at) < cutoff
    with engine.begin() as connection:
        stale = [r._asdict() for r in connection.execute(sa.select(
            sync_runs.c.id, sync_runs.c.run_id, sync_runs.c.entity, sync_runs.c.direction,
            sync_runs.c.heartbeat_at, sync_runs.c.started_at).where(
            sync_runs.c.status == "running", sa.or_(quiet, sync_runs.c.run_id.in_(list(ended_runs) or ["-"]))))]
        for row in stale:
            seen = row["heartbeat_at"] or row["started_at"]
            if row["run_id"] in cancelled_runs:
                status, error = "cancelled", "the run was terminated before this step finished"
            elif (failures or {}).get(row["run_id"]):
                status, error = "failed", (f"{failures[row['run_id']]} (the run could not record this here; last "
                                           f"sign of life {seen.isoformat(timespec='seconds')})")
            else:
                status, error = "failed", (f"the run stopped without finishing: no sign of life since "
                                           f"{seen.isoformat(timespec='seconds')} (process killed or host lost)")
            connection.execute(sync_runs.update().where(
                sync_runs.c.id == row["id"], sync_runs.c.status == "running").values(
                status=status, error=error, finished_at=utcnow()))
            row.update(status=status, error=error)
    return stale
