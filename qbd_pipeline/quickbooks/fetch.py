"""Fetching one `updatedAfter`/`updatedBefore` window of one QBD object type, safely.

Conductor's cursor is not idempotent (a replayed page request returns the *next* page) and dies 10 s
after the previous response. So: no automatic retry of any page request; pages go straight to a
spool file on local disk (the database write happens afterwards, from the spool, and can be as slow
as it likes); and on any failure the whole window is fetched again from the start. Upserts keyed
by `qbd_id` make a re-fetched record harmless.
"""

import json
import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import conductor

from ..entities import QbdResource
from ..resources.conductor import ConductorResource

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

    def extend(self, records: list[dict]) -> None:
        for record in records:
            self._file.write(json.dumps(record, separators=(",", ":")))
            self._file.write("\n")
        self.count += len(records)

    def batches(self, size: int) -> Iterator[list[dict]]:
        self._file.flush()
        self._file.seek(0)
        batch: list[dict] = []
        for line in self._file:
            batch.append(json.loads(line))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _restartable(exc: Exception) -> tuple[bool, float | None]:
    """Whether a failed page means 'fetch the window again', and any server-requested wait."""
    if isinstance(exc, conductor.RateLimitError):
        retry_after = exc.response.headers.get("retry-after")
        try:
            return True, float(retry_after) if retry_after else None
        except ValueError:
            return True, None
    if isinstance(exc, conductor.APIConnectionError | conductor.InternalServerError | conductor.ConflictError):
        return True, None
    if isinstance(exc, conductor.BadRequestError):
        error = (exc.body or {}).get("error", {}) if isinstance(exc.body, dict) else {}
        return error.get("code") == "INVALID_CURSOR", None
    return False, None


def list_params(qbd: QbdResource, after: datetime | None, before: datetime, page_size: int) -> dict:
    params: dict = {"updated_before": before.isoformat(timespec="seconds")}
    if after is not None:
        params["updated_after"] = after.isoformat(timespec="seconds")
    if qbd.kind == "list":
        params["status"] = "all"  # deactivations must arrive too
    if qbd.path == "customers":
        params["exclude_alternate_shipping_addresses"] = True
    if qbd.paginated:
        params["limit"] = page_size
    return params


def fetch_window(conductor_resource: ConductorResource, qbd: QbdResource, after: datetime | None,
                 before: datetime, spool: Spool, *, page_size: int = 150, max_restarts: int = 6,
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
                body = endpoint.list(conductor_end_user_id=conductor_resource.end_user_id, **page_params).json()
                data = body.get("data") or []
                spool.extend(data)
                cursor = body.get("nextCursor") if qbd.paginated else None
                if not cursor or not data:
                    break
            stats.fetched = spool.count
            return stats
        except conductor.APIError as exc:
            restart, wait = _restartable(exc)
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
