"""Fetching one `updatedAfter`/`updatedBefore` window of one QBD object type, safely.

Conductor's cursor is not idempotent (a replayed page request returns the *next* page) and dies 10 s
after the previous response. So: no automatic retry of any page request; pages go straight to a
spool file on local disk (the database write happens afterwards, from the spool, and can be as slow
as it likes); and on any failure the whole window is fetched again from the start. Upserts keyed
by `qbd_id` make a re-fetched record harmless. Each record keeps the time its page was requested
(by the sync's clock), which orders versions in the loader.
"""

import json
import logging
import tempfile
from collections.abc import Callable, Iterator
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


@dataclass
class FetchStats:
    requests: int = 0
    restarts: int = 0
    fetched: int = 0
    failures: list[str] = field(default_factory=list)


class Spool:
    """Raw records of one window, one JSON document per line, on local disk."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self.count = 0

    def reset(self) -> None:
        self._file.seek(0)
        self._file.truncate()
        self.count = 0

    def extend(self, records: list[dict], read_at: datetime) -> None:
        stamp = read_at.timestamp()
        for record in records:
            self._file.write(f"{stamp}\t")
            self._file.write(json.dumps(record, separators=(",", ":")))
            self._file.write("\n")
        self.count += len(records)

    def batches(self, size: int) -> Iterator[tuple[list[dict], list[datetime]]]:
        """Records in batches, each with the times their pages were requested."""
        self._file.flush()
        self._file.seek(0)
        batch: list[dict] = []
        times: list[datetime] = []
        for line in self._file:
            stamp, _, document = line.partition("\t")
            batch.append(json.loads(document))
            times.append(datetime.fromtimestamp(float(stamp), timezone.utc))
            if len(batch) >= size:
                yield batch, times
                batch, times = [], []
        if batch:
            yield batch, times

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
    (records fetched so far, records QuickBooks says remain or None) after every page.
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
        while True:
            page_params = {**params, "cursor": cursor} if cursor else params
            stats.requests += 1
            sent = datetime.now(timezone.utc)
            try:
                body = endpoint.list(conductor_end_user_id=conductor_resource.end_user_id, **page_params).json()
            except conductor.APIError as exc:
                stats.failures.append(f"{type(exc).__name__}: {exc}")
                raise classify(exc) from exc
            data = body.get("data") or []
            spool.extend(data, sent)
            if on_page is not None:
                on_page(spool.count, body.get("remainingCount"))
            cursor = body.get("nextCursor") if qbd.paginated else None
            if not cursor or not data:
                return

    try:
        fetch_once()
    except QuickBooksError as problem:
        raise FetchFailed(f"{qbd.path}: could not fetch the window after {stats.restarts + 1} attempt(s): "
                          f"{stats.failures[-1]}") from problem
    stats.fetched = spool.count
    return stats


def retrieve_many(conductor_resource: ConductorResource, qbd: QbdResource, ids: list[str],
                  chunk: int = 50) -> list[dict]:
    """The current version of the records `ids` of one object type, those QuickBooks has.

    An `ids` query fails whole when one id is missing (a deleted record, or one of another item
    type), so such a chunk is read again one record at a time.
    """
    client = conductor_resource.client()
    endpoint = getattr(client.qbd, qbd.sdk_attr).with_raw_response
    end_user = conductor_resource.end_user_id
    found: list[dict] = []
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        try:
            found += endpoint.list(conductor_end_user_id=end_user, ids=part, limit=len(part)).json().get("data", [])
        except conductor.InternalServerError:
            for qbd_id in part:
                try:
                    found.append(endpoint.retrieve(qbd_id, conductor_end_user_id=end_user).json())
                except (conductor.InternalServerError, conductor.NotFoundError):
                    continue
    return found


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
