"""Claims on pending WMS changes: leases a live run renews, so two runs never push the same change
and a stopped run's changes are retried within minutes."""

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa

from ...wms.schema import utcnow, wms_changes
from .. import ledger
from ..changes import close_earlier_failures
from .context import PushContext


def claim(ctx: PushContext, finished_runs: frozenset[str] = frozenset()) -> dict[int, list]:
    """Take this entity's due changes, whole records at a time, unless another run holds that record.

    A claim is taken over when its run is known to be finished (failed, crashed, cancelled) or its
    lease ran out (the run stopped renewing it), so a stopped run's changes are retried within
    minutes and a live run is never raced.
    """
    now, entity, run_id = utcnow(), ctx.entity.name, ctx.settings.run_id
    mine = (sa.or_(wms_changes.c.company == ctx.company, wms_changes.c.company.is_(None)) if ctx.settings.takes_unnamed
            else wms_changes.c.company == ctx.company)  # this company file's changes only
    finished = list(finished_runs) or ["-"]
    held = sa.and_(wms_changes.c.claimed_by.is_not(None), wms_changes.c.claimed_by != run_id,
                   wms_changes.c.claimed_by.not_in(finished),
                   wms_changes.c.claimed_at >= ledger.lease_cutoff(now, ctx.settings.lease_seconds))
    busy = (sa.select(wms_changes.c.row_id).where(
        wms_changes.c.entity == entity, wms_changes.c.status == "pending", held))  # any company: row ids are the WMS's
    # A change claimed for this company file is its from now on (a dry run leaves the ledger as it was).
    named = {} if ctx.settings.dry_run else {"company": sa.func.coalesce(wms_changes.c.company, ctx.company)}
    with ctx.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE wms_changes IN SHARE ROW EXCLUSIVE MODE")
        connection.execute(wms_changes.update().where(
            wms_changes.c.entity == entity, mine, wms_changes.c.status == "pending",
            wms_changes.c.next_attempt_at <= now,
            sa.not_(held),
            wms_changes.c.row_id.not_in(busy),
        ).values(claimed_by=run_id, claimed_at=now, **named))
        rows = connection.execute(sa.select(wms_changes).where(
            wms_changes.c.claimed_by == run_id, wms_changes.c.entity == entity,
            wms_changes.c.status == "pending").order_by(wms_changes.c.id)).all()
        # Due changes another live run holds now: not this run's to push, but said (`PushStats.held`).
        ctx.stats.held = dict(connection.execute(sa.select(wms_changes.c.claimed_by, sa.func.count()).where(
            wms_changes.c.entity == entity, mine, wms_changes.c.status == "pending", held)
            .group_by(wms_changes.c.claimed_by)).all())
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.row_id].append(row)
    return grouped


def finish(ctx: PushContext, changes: list, status: str, error: str | None = None, *, code: str | None = None,
           request_id: str | None = None) -> None:
    """End a record's claimed changes: `pushed`, `skipped` or `failed` for good, `retry` (pending again
    after a backoff, `failed` once the attempts are used up), `later` (pending again after the backoff,
    the attempt not counted: someone has the record open in QuickBooks) or `release` (pending, unchanged).

    A failure keeps its catalogue `code` and Conductor's `request_id`. A record that ends for good
    closes its older failures (`close_earlier_failures`): `resolved` when it reached QuickBooks,
    `superseded` by its newest change when it failed again, so the error list holds one failure per
    record and none for a record that is fine now.
    """
    ids = [c.id for c in changes]
    now, settings = utcnow(), ctx.settings
    final = status in ("pushed", "skipped", "failed")
    why = {"error_code": code, "request_id": request_id}
    with ctx.engine.begin() as connection:
        if status == "retry":
            attempts = max(c.attempts for c in changes) + 1
            give_up = attempts >= settings.max_attempts
            ctx.stats.gave_up += 1 if give_up else 0
            final = give_up
            delay = settings.backoff_seconds * 2 ** (attempts - 1)
            connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(
                status="failed" if give_up else "pending", attempts=attempts, last_error=error,
                next_attempt_at=now + timedelta(seconds=delay), claimed_by=None, claimed_at=None,
                run_id=settings.run_id, handled_at=now if give_up else None, **why))
        elif status == "later":
            connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(
                last_error=error, next_attempt_at=now + timedelta(seconds=settings.backoff_seconds),
                claimed_by=None, claimed_at=None, run_id=settings.run_id, **why))
        elif status == "release":
            connection.execute(wms_changes.update().where(
                wms_changes.c.id.in_(ids), wms_changes.c.status == "pending").values(
                claimed_by=None, claimed_at=None, last_error=error))
        else:
            connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(
                status=status, last_error=error, claimed_by=None, claimed_at=None,
                run_id=settings.run_id, handled_at=now,
                attempts=wms_changes.c.attempts + (1 if status == "failed" else 0),
                **(why if status == "failed" else {"error_code": None, "request_id": None})))
        if final and not settings.dry_run:
            close_earlier_failures(connection, ctx.entity.name, changes[0].row_id, max(ids),
                                   reached=status != "failed" and status != "retry", run_id=settings.run_id, now=now)
