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
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import conductor

from ..spec.entities import QbdResource
from .errors import Offline, Transient, classify
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


def fetch_window(conductor_resource: ConductorResource, qbd: QbdResource, after: datetime | None,
                 before: datetime | None, spool: Spool, *, page_size: int = 150, max_restarts: int = 6,
                 backoff_seconds: float = 1.0) -> FetchStats:
    """Fill `spool` with every record of `qbd` updated in [after, before] (inclusive)."""
    stats = FetchStats()
    client = conductor_resource.client(retries=False)
    endpoint = getattr(client.qbd, qbd.sdk_attr).with_raw_response
    params = list_params(qbd, after, before, page_size)
    attempt = 0
    while True:
        spool.reset()
        cursor: str | None = None
        try:
            while True:
                page_params = {**params, "cursor": cursor} if cursor else params
                stats.requests += 1
                sent = datetime.now(timezone.utc)
                body = endpoint.list(conductor_end_user_id=conductor_resource.end_user_id, **page_params).json()
                data = body.get("data") or []
                spool.extend(data, sent)
                cursor = body.get("nextCursor") if qbd.paginated else None
                if not cursor or not data:
                    break
            stats.fetched = spool.count
            return stats
        except conductor.APIError as exc:
            problem = classify(exc)
            restart = isinstance(problem, Transient | Offline)
            wait = getattr(problem, "retry_after", None)
            stats.failures.append(f"{type(exc).__name__}: {exc}")
            if not restart or attempt >= max_restarts:
                raise FetchFailed(
                    f"{qbd.path}: could not fetch the window after {attempt + 1} attempt(s): "
                    f"{type(exc).__name__}: {exc}") from exc
            attempt += 1
            stats.restarts += 1
            delay = wait if wait is not None else min(backoff_seconds * 2 ** (attempt - 1), 30.0)
            log.warning("%s: page failed (%s); fetching the window again in %.1fs", qbd.path, exc, delay)
            time.sleep(delay)


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
