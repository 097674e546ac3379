"""Pulling one entity from QuickBooks into the WMS: window, fetch, load, deletes, mark, ledger.

Incremental pulls fetch `[mark - lookback, partition end]` (see `watermarks`), load it in batches,
then read QuickBooks' deleted-object feed for the same window and mark those rows. A reconciliation
fetches everything and marks as deleted the rows QuickBooks no longer lists, which catches deletes
older than the feeds' 90 days. Every run leaves a true `sync_runs` row, however it ends.
"""

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..conductor.client import QuickBooks
from ..conductor.fetch import FetchStats, Spool, fetch_deleted, fetch_window, in_background
from ..conductor.resource import ConductorResource
from ..spec.entities import Entity, QbdResource, resources_of
from ..spec.mapping import MAPPINGS
from ..wms.schema import TABLES, utcnow
from ..wms.triggers import sync_writer
from . import companies, ledger
from .deletes import mark_deleted
from .load import LoadStats, load_batch, open_error_ids, record_errors, resolve_errors
from .progress import Progress
from .stock import item_ids_in, refresh_stock
from .watermarks import Window, mark_reconciled, plan_window, read_mark, save_mark
from .wms_faults import WmsFault, kind_of, retrying

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PullSettings:
    lookback_minutes: int = 15
    page_size: int = 150
    batch_size: int = 2000
    max_restarts: int = 6
    refetch: bool = False  # fetch the whole range again, even what the high-water mark says was fetched
    progress_every_seconds: float = 2.0  # how often live progress is written and said


@dataclass
class PullResult:
    window: Window
    entity: str = ""
    totals: LoadStats = field(default_factory=LoadStats)
    requests: int = 0
    restarts: int = 0
    fetched: int = 0
    deleted: int = 0
    deleted_ids: list[str] = field(default_factory=list)
    stock_refreshed: int = 0
    retried: int = 0  # records that failed in an earlier pull, read again by id
    mark: datetime | None = None
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "success" if self.totals.failed == 0 else "partial"


def _counts(result: PullResult) -> dict:
    return {"fetched": result.fetched, "inserted": result.totals.inserted, "updated": result.totals.updated,
            "unchanged": result.totals.unchanged, "failed": result.totals.failed, "deleted": result.deleted,
            "conflicts": result.totals.conflicts, "api_requests": result.requests}


def pull_entity(conductor: ConductorResource, engine: sa.Engine, entity: Entity, *, run_id: str,
                partition_start: datetime | None, partition_end: datetime | None, partition_range: str,
                settings: PullSettings = PullSettings(), reconcile: bool = False,
                on_progress: Callable[[str], None] = log.info) -> PullResult:
    """Pull one entity for a partition range (or, with `reconcile`, everything); returns what happened.

    `partition_start` None is the first partition, which also takes everything older. The company
    file is the resource's Conductor end user: its rows, marks, errors and runs are its own.
    """
    conductor.require()
    company = conductor.end_user_id
    with engine.begin() as connection:
        companies.register(connection, company)
        mark = read_mark(connection, entity.name, company=company)
    if reconcile or partition_end is None:
        window = Window(None, None, mark)  # everything, whatever QuickBooks' clock says
    else:
        window = plan_window(partition_start, partition_end, mark=mark, now=utcnow(), refetch=settings.refetch,
                             lookback=timedelta(minutes=settings.lookback_minutes))
    row_id = retrying(engine, lambda: ledger.open_run(
        engine, run_id=run_id, entity=entity.name, company=company, direction="reconcile" if reconcile else "pull",
        partition_range=partition_range, window_start=window.after, window_end=window.before),
        what=f"{entity.name}: opening its sync_runs row", say=on_progress)
    began = time.monotonic()
    progress = Progress(engine, row_id, entity.name, on_progress, every_seconds=settings.progress_every_seconds)
    result = PullResult(window, entity.name)

    def attempt() -> PullResult:
        # A WMS that stopped answering is waited for, then the window is pulled again from its start
        # (every write is an upsert by QuickBooks id); the counts are the last attempt's.
        attempted = PullResult(window, entity.name)
        nonlocal result
        result = attempted
        _pull(conductor, engine, entity, run_id, attempted, settings, reconcile, progress, company)
        return attempted

    try:
        with ledger.heartbeat(engine, run_id, [row_id], say=on_progress):
            result = retrying(engine, attempt, what=f"{entity.name}: pulling the window", say=on_progress)
    except BaseException as exc:
        status, error = ledger.ending_of(exc)  # the live counts stand: what was fetched and loaded before it stopped
        counts = {**_counts(result), "fetched": max(result.fetched, progress.fetched),
                  "processed": progress.processed, "total": progress.total}
        # A WMS still away cannot take the row: the next run closes it, saying why this run failed.
        with contextlib.suppress(WmsFault):
            retrying(engine, lambda: ledger.close_run(engine, row_id, status, error, **counts),
                     what=f"{entity.name}: closing its sync_runs row", say=on_progress,
                     window=0 if kind_of(exc) else None)
        raise
    result.seconds = time.monotonic() - began
    retrying(engine, lambda: ledger.close_run(engine, row_id, result.status, processed=progress.processed,
                                               total=progress.total, **_counts(result)),
             what=f"{entity.name}: closing its sync_runs row", say=on_progress)
    return result


def _pull(conductor: ConductorResource, engine: sa.Engine, entity: Entity, run_id: str, result: PullResult,
          settings: PullSettings, reconcile: bool, progress: Progress, company: str) -> None:
    mapping = MAPPINGS[entity.name]
    header = TABLES[entity.name][0]
    window = result.window
    listing_started = utcnow()
    touched_items: set[str] = set()
    fetched_before = 0
    with engine.connect() as connection:  # records earlier pulls could not take: read again unless listed now
        waiting = open_error_ids(connection, entity.name, company=company)
    seen: set[str] = set()  # of those, the ones this window brought (memory stays flat: not every id)
    for qbd in resources_of(entity.name):
        # The fetch runs in its own thread while this one writes what it has brought so far.
        with Spool(on_wait=progress.tick) as spool:
            def on_page(count: int, remaining: int | None, part: str = qbd.path, base: int = fetched_before) -> None:
                progress.fetched_page(part, count, remaining, base + count)

            def fetch(part: QbdResource = qbd, into: Spool = spool, tell=on_page) -> FetchStats:
                return fetch_window(conductor, part, window.after, window.before, into,
                                    page_size=settings.page_size, max_restarts=settings.max_restarts, on_page=tell)

            with in_background(spool, fetch) as fetching:
                for batch, read_times in spool.batches(settings.batch_size):
                    ids = {r["id"] for r in batch if isinstance(r, dict) and isinstance(r.get("id"), str)}
                    seen.update(i for i in ids if i in waiting)
                    with engine.begin() as connection:
                        batch_stats = load_batch(connection, mapping, qbd, batch, run_id=run_id, read_at=read_times,
                                                 company=company)
                        record_errors(connection, run_id, entity.name, batch_stats.errors,
                                      accepted=ids - {e.qbd_id for e in batch_stats.errors}, company=company)
                        if reconcile:
                            _confirm_seen(connection, header, batch, listing_started, company)
                    result.totals.add(batch_stats)
                    progress.processed_some(len(batch), batch_stats.failed)
                    if qbd.kind == "transaction":
                        touched_items |= item_ids_in(batch) | batch_stats.replaced_items
                stats = fetching.stats()
            fetched_before += stats.fetched
            progress.expect(qbd.path, stats.fetched)  # what it brought, whatever it first announced
            result.requests += stats.requests
            result.restarts += stats.restarts
            result.fetched += stats.fetched
            result.failures += stats.failures
        progress.say(f"{qbd.path}: {stats.fetched} fetched in {stats.requests} request(s)")
    by_id = QuickBooks(conductor)  # reads by id (failed records, stock figures), counted
    touched_items |= _retry_failed(by_id, engine, entity, run_id, result,
                                   {i: t for i, t in waiting.items() if i not in seen}, progress, company)
    if reconcile:
        _mark_unlisted(engine, entity, run_id, listing_started, result, company)
    else:
        deleted, requests = fetch_deleted(conductor, resources_of(entity.name), window.after, window.before)
        result.requests += requests
        now = utcnow()
        with engine.begin() as connection:
            result.deleted_ids = mark_deleted(connection, entity.name, deleted, run_id=run_id, now=now,
                                              source="QuickBooks' deleted-objects feed", company=company)
        result.deleted = len(result.deleted_ids)
    if result.deleted_ids:
        progress.say(f"{entity.name}: {result.deleted} record(s) deleted in QuickBooks marked in the WMS")
        touched_items |= _items_on_lines(engine, entity, result.deleted_ids, company)  # their stock figures moved
    result.stock_refreshed = refresh_stock(by_id, engine, touched_items, company=company)
    result.requests += by_id.requests
    with engine.begin() as connection:
        if reconcile:
            mark_reconciled(connection, entity.name, listing_started, company=company)
        else:
            result.mark = save_mark(connection, entity.name, window, run_id, company=company)


def _retry_failed(quickbooks: QuickBooks, engine: sa.Engine, entity: Entity, run_id: str,
                  result: PullResult, waiting: dict[str, str | None], progress: Progress, company: str) -> set[str]:
    """Records an earlier pull could not take are read again by id (their window has moved on) and
    loaded; those QuickBooks no longer has are closed (its deleted feed tells the WMS). Returns the
    items on the lines of the transactions loaded."""
    if not waiting:
        return set()
    mapping, touched, found = MAPPINGS[entity.name], set(), set()
    for qbd in resources_of(entity.name):
        # Read each record where it failed; one whose type is unknown is looked for in every type.
        ids = [i for i, kind in waiting.items() if i not in found and kind in (qbd.object_type, None)]
        if not ids:
            continue
        records = quickbooks.retrieve_many(qbd, ids)
        if not records:
            continue
        ids = {r["id"] for r in records}
        found |= ids
        with engine.begin() as connection:
            stats = load_batch(connection, mapping, qbd, records, run_id=run_id, read_at=[utcnow()] * len(records),
                               company=company)
            record_errors(connection, run_id, entity.name, stats.errors,
                          accepted=ids - {e.qbd_id for e in stats.errors}, company=company)
        result.totals.add(stats)
        if qbd.kind == "transaction":
            touched |= item_ids_in(records) | stats.replaced_items
    with engine.begin() as connection:
        resolve_errors(connection, entity.name, [i for i in waiting if i not in found], utcnow(), company=company)
    result.retried = len(found)
    progress.say(f"{entity.name}: {len(found)} record(s) that failed before read again by id, "
                 f"{len(waiting) - len(found)} no longer in QuickBooks")
    return touched


def _items_on_lines(engine: sa.Engine, entity: Entity, qbd_ids: list[str], company: str) -> set[str]:
    header, lines = TABLES[entity.name]
    if lines is None or "item_qbd_id" not in lines.c:
        return set()
    with engine.connect() as connection:
        return set(connection.execute(sa.select(lines.c.item_qbd_id).distinct().join(
            header, header.c.id == lines.c.header_id).where(
            header.c.company == company, header.c.qbd_id.in_(qbd_ids), lines.c.item_qbd_id.is_not(None))).scalars())


def _confirm_seen(connection: sa.Connection, header: sa.Table, batch: list[dict], listed_at: datetime,
                  company: str) -> None:
    """Rows QuickBooks still lists (loadable or not) are dated as seen by this listing."""
    ids = [r.get("id") for r in batch if isinstance(r, dict) and r.get("id")]
    with sync_writer(connection):
        connection.execute(header.update().where(
            header.c.company == company, header.c.qbd_id.in_(ids),
            sa.or_(header.c.qbd_read_at.is_(None), header.c.qbd_read_at < listed_at))
            .values(qbd_read_at=listed_at))


def _mark_unlisted(engine: sa.Engine, entity: Entity, run_id: str, listed_at: datetime, result: PullResult,
                   company: str) -> None:
    """Rows with a QuickBooks id that the full listing did not return were deleted in QuickBooks."""
    header = TABLES[entity.name][0]
    now = utcnow()
    with engine.begin() as connection:
        gone = connection.execute(sa.select(header.c.qbd_id).where(
            header.c.company == company, header.c.qbd_id.is_not(None), header.c.qbd_deleted_at.is_(None),
            sa.or_(header.c.qbd_read_at.is_(None), header.c.qbd_read_at < listed_at))).scalars().all()
        result.deleted_ids = mark_deleted(connection, entity.name, dict.fromkeys(gone, now), run_id=run_id, now=now,
                                          source="not listed by QuickBooks at reconciliation", company=company)
    result.deleted = len(result.deleted_ids)
