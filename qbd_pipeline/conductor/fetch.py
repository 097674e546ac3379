"""Fetching one `updatedAfter`/`updatedBefore` window of one QBD object type, safely and while the
loader writes.

Conductor's cursor is not idempotent (a replayed page request returns the *next* page) and dies 10 s
after the previous response. So: no automatic retry of any page request; the fetch runs in a thread
of its own and hands its pages to the loader through a `Spool`, which never makes it wait (pages
beyond what memory should hold wait on local disk), so a slow database cannot make a cursor
expire; and on any failure the whole window is fetched again from the start. Upserts keyed by
`qbd_id` make a re-fetched record harmless. Each record keeps the time its page was requested (by
the sync's clock), which orders versions in the loader.
"""

import json
import logging
import os
import re
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import backoff
import conductor

from ..spec.entities import QbdResource
from .errors import Offline, QuickBooksError, Transient, classify
from .resource import ConductorResource

log = logging.getLogger(__name__)


class FetchFailed(Exception):
    """The window could not be fetched within the allowed restarts."""


class FetchAbandoned(Exception):
    """The loader stopped (it failed, or the run was terminated): the fetch ends too."""


@dataclass
class FetchStats:
    requests: int = 0
    restarts: int = 0
    fetched: int = 0
    failures: list[str] = field(default_factory=list)


class Spool:
    """The pages of one listing, in order, from the fetch (one thread) to the loader (another).

    A page is kept as the bytes QuickBooks sent, in a file on local disk (the operating system's
    cache keeps recent pages in memory), and parsed once, by the loader, when its turn comes. So the
    fetch never waits for the loader, parses next to nothing, and memory stays flat however large
    the window.

    A restart of the window (`reset`) keeps the pages already fetched: they are real versions of
    real records, and loading one twice changes nothing. `count` is what the last attempt brought,
    as the loader counted it.
    """

    def __init__(self, on_wait: Callable[[], None] | None = None) -> None:
        self._on_wait = on_wait
        self._file = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115 (closed by close())
        self._end = 0
        self._pages: deque = deque()  # (offset, length, read_at, attempt) or (records, read_at, attempt)
        self._ready = threading.Condition()
        self._done = False
        self._error: BaseException | None = None
        self._attempt = 0
        self._counts: dict[int, int] = {}
        self.abandoned = False

    @property
    def count(self) -> int:
        return self._counts.get(self._attempt, 0)

    # the fetch's side -------------------------------------------------------------------------------
    def reset(self) -> None:
        with self._ready:
            self._attempt += 1

    def put(self, body: bytes, read_at: datetime, records: list[dict] | None = None) -> None:
        """A page as received; `records` when the fetch had to parse it anyway (they are kept as
        parsed, instead of the bytes)."""
        if self.abandoned:
            raise FetchAbandoned("the loader stopped")
        with self._ready:
            if records is not None:
                self._pages.append((records, read_at, self._attempt))
            else:
                os.pwrite(self._file.fileno(), body, self._end)
                self._pages.append((self._end, len(body), read_at, self._attempt))
                self._end += len(body)
            self._ready.notify()

    def finish(self, error: BaseException | None = None) -> None:
        with self._ready:
            self._done, self._error = True, error
            self._ready.notify()

    # the loader's side ------------------------------------------------------------------------------
    def _waiting(self) -> bool:
        """Whether another page (or the end) is already there to be read."""
        with self._ready:
            return bool(self._pages) or self._done

    def _next(self) -> tuple[list[dict], datetime] | None:
        while True:
            with self._ready:
                if not self._pages and not self._done:
                    self._ready.wait(0.25)  # woken by each page; the timeout keeps signals (terminate) deliverable
                if self._pages or self._done:
                    break
            if self._on_wait is not None:
                self._on_wait()  # outside the lock: the fetch must never wait for it
        with self._ready:
            if not self._pages:
                if self._error is not None:
                    raise self._error
                return None
            page = self._pages.popleft()
        if len(page) == 3:
            records, read_at, attempt = page
        else:
            offset, length, read_at, attempt = page
            records = json.loads(os.pread(self._file.fileno(), length, offset)).get("data") or []
        self._counts[attempt] = self._counts.get(attempt, 0) + len(records)
        return records, read_at

    def batches(self, size: int) -> Iterator[tuple[list[dict], list[datetime]]]:
        """Records in batches of at most about `size`, each with the times their pages were requested,
        as the pages arrive; ends when the fetch has, raising what made it fail. A batch is written as
        soon as no further page is waiting: while QuickBooks is slow, the writes keep up with it
        instead of piling up behind its last page."""
        batch: list[dict] = []
        times: list[datetime] = []
        while (page := self._next()) is not None:
            records, read_at = page
            batch.extend(records)
            times.extend([read_at] * len(records))
            if len(batch) >= size or (batch and not self._waiting()):
                yield batch, times
                batch, times = [], []
        if batch:
            yield batch, times

    def close(self) -> None:
        self.abandoned = True
        self._file.close()

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Conductor ends a listing page with these three, in this order (its schema's order); reading them from
# the last bytes spares parsing the page in the fetch's thread. Anything else is parsed whole.
_TAIL = re.compile(rb'"nextCursor":(?:null|"([^"\\]*)"),"remainingCount":(null|\d+),"hasMore":(true|false)\}\s*$')


def page_tail(content: bytes) -> tuple[str | None, int | None, bool] | None:
    """(nextCursor, remainingCount, hasMore) read from the end of a compact page, or None."""
    match = _TAIL.search(content, max(0, len(content) - 512))
    if match is None:
        return None
    cursor, remaining, more = match.groups()
    return (cursor.decode() if cursor is not None else None,
            None if remaining == b"null" else int(remaining), more == b"true")


class Background:
    """A fetch running in a thread of its own; its outcome (or failure) reaches the spool's reader."""

    def __init__(self, spool: Spool, fetch: Callable[[], FetchStats]) -> None:
        self._spool, self._fetch = spool, fetch
        self._stats: FetchStats | None = None
        self._thread = threading.Thread(target=self._run, name="qbd-fetch", daemon=True)

    def _run(self) -> None:
        try:
            self._stats = self._fetch()
        except BaseException as exc:  # handed to the loader, which raises it in its own thread
            self._spool.finish(exc)
        else:
            self._spool.finish()

    def stats(self) -> FetchStats:
        """What the fetch did, once the loader has read every page (it counts the records)."""
        self._thread.join()
        assert self._stats is not None
        self._stats.fetched = self._spool.count
        return self._stats


@contextmanager
def in_background(spool: Spool, fetch: Callable[[], FetchStats]) -> Iterator[Background]:
    """Run `fetch` (which fills `spool`) while the block reads the spool; if the block fails, the
    fetch is abandoned at its next page."""
    running = Background(spool, fetch)
    running._thread.start()
    try:
        yield running
    except BaseException:
        spool.abandoned = True
        running._thread.join(timeout=5)
        raise


def list_params(qbd: QbdResource, after: datetime | None, before: datetime | None, page_size: int) -> dict:
    params: dict = {}
    if before is not None:
        params["updated_before"] = before.isoformat(timespec="seconds")
    if after is not None:
        params["updated_after"] = after.isoformat(timespec="seconds")
    if qbd.kind == "list":
        params["status"] = "all"  # deactivations must arrive too
    params.update(qbd.list_query)
    if qbd.paginated:
        params["limit"] = page_size
    return params


def _restart_delays(base: float):
    """`backoff` wait generator: the server's Retry-After when it gave one, else doubling from `base`
    up to 30 s. `backoff` sends each failure in, so the wait can read it."""
    attempt = 0
    problem = yield
    while True:
        attempt += 1
        wait = getattr(problem, "retry_after", None)
        problem = yield wait if wait is not None else min(base * 2 ** (attempt - 1), 30.0)


def fetch_window(conductor_resource: ConductorResource, qbd: QbdResource, after: datetime | None,
                 before: datetime | None, spool: Spool, *, page_size: int = 150, max_restarts: int = 6,
                 backoff_seconds: float = 1.0,
                 on_page: Callable[[int, int | None], None] | None = None) -> FetchStats:
    """Fill `spool` with every record of `qbd` updated in [after, before] (inclusive).

    A failed page fetches the whole window again (`backoff`), up to `max_restarts` times, while the
    failure is one that can pass (`Transient`, `Offline`); a rejection fails at once. `on_page` hears
    (records fetched so far, records QuickBooks says remain or None) after every page; it runs in
    the fetch's thread and must not wait (it must not touch the database).
    """
    stats = FetchStats()
    client = conductor_resource.client(retries=False)
    endpoint = getattr(client.qbd, qbd.sdk_attr).with_raw_response
    params = list_params(qbd, after, before, page_size)

    def restarting(details: dict) -> None:
        stats.restarts += 1
        log.warning("%s: page failed (%s); fetching the window again in %.1fs", qbd.path, details["exception"],
                    details["wait"])

    @backoff.on_exception(_restart_delays, QuickBooksError, max_tries=max_restarts + 1, jitter=None,
                          giveup=lambda problem: not isinstance(problem, Transient | Offline),
                          on_backoff=restarting, logger=None, base=backoff_seconds)
    def fetch_once() -> None:
        spool.reset()
        cursor: str | None = None
        total: int | None = None  # of the window: the first page's records and what it says remain
        while True:
            page_params = {**params, "cursor": cursor} if cursor else params
            stats.requests += 1
            sent = datetime.now(timezone.utc)
            try:
                content = endpoint.list(conductor_end_user_id=conductor_resource.end_user_id,
                                        **page_params).http_response.content
            except conductor.APIError as exc:
                problem = classify(exc)  # the taxonomy's one line, not the SDK's whole error body
                stats.failures.append(f"{type(exc).__name__} ({type(problem).__name__}): {problem}")
                raise problem from exc
            tail = page_tail(content) if total is not None and qbd.paginated else None
            if tail is None:  # the first page (its size gives the total), or an unusual one: parsed here
                body = json.loads(content)
                data = body.get("data") or []
                cursor, remaining, more = body.get("nextCursor"), body.get("remainingCount"), bool(body.get("hasMore"))
                spool.put(content, sent, data)
                if total is None:
                    total = len(data) + (remaining or 0)
                fetched, empty = total - (remaining or 0), not data
            else:
                cursor, remaining, more = tail
                spool.put(content, sent)
                fetched, empty = total - (remaining or 0), False
            if on_page is not None:
                on_page(fetched, remaining)
            if not qbd.paginated or not cursor or not more or empty or remaining == 0:
                return

    try:
        fetch_once()
    except QuickBooksError as problem:
        raise FetchFailed(f"{qbd.path}: could not fetch the window after {stats.restarts + 1} attempt(s): "
                          f"{stats.failures[-1]}") from problem
    return stats


_FEED_DAYS = 89  # the deleted-object feeds reach back 90 days; ask a little less, whatever the clocks say


def fetch_deleted(conductor_resource: ConductorResource, resources: tuple[QbdResource, ...],
                  after: datetime | None, before: datetime) -> tuple[dict[str, datetime], int]:
    """Records of these object types QuickBooks deleted in [after, before]: `qbd_id` -> deleted at.

    One request for all the types of an entity (the feeds are not paginated). Returns the deletions
    and the number of requests made.
    """
    floor = datetime.now(timezone.utc) - timedelta(days=_FEED_DAYS)
    params: dict = {"deleted_before": before.isoformat(timespec="seconds")}
    if after is not None and after > floor:
        params["deleted_after"] = after.isoformat(timespec="seconds")
    types = sorted({r.deleted_type for r in resources})
    feeds = conductor_resource.client().qbd
    try:
        if resources[0].kind == "list":
            response = feeds.deleted_list_objects.with_raw_response.list(
                object_types=types, conductor_end_user_id=conductor_resource.end_user_id, **params)
        else:
            response = feeds.deleted_transactions.with_raw_response.list(
                transaction_types=types, conductor_end_user_id=conductor_resource.end_user_id, **params)
    except conductor.APIError as exc:
        raise FetchFailed(f"deleted {resources[0].entity}: {type(exc).__name__}: {exc}") from classify(exc)
    deleted = {}
    for entry in response.json().get("data") or []:
        deleted[entry["id"]] = datetime.fromisoformat(entry["deletedAt"].replace("Z", "+00:00"))
    return deleted, 1


def count_records(conductor_resource: ConductorResource, qbd: QbdResource) -> int:
    """How many records of `qbd` QuickBooks holds (inactive list objects included), in one request:
    the first page of one record says how many remain. An object type without pagination is listed."""
    client = conductor_resource.client()
    endpoint = getattr(client.qbd, qbd.sdk_attr).with_raw_response
    params = {**list_params(qbd, None, None, 1)}
    try:
        body = endpoint.list(conductor_end_user_id=conductor_resource.end_user_id, **params).json()
    except conductor.APIError as exc:
        raise classify(exc) from exc
    data = body.get("data") or []
    return len(data) + (body.get("remainingCount") or 0) if qbd.paginated else len(data)
