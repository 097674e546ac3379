"""The calls the sync makes on one company file by id, each failure raised as the taxonomy in
`errors.py`, and every request counted (QuickBooks answers one at a time: the count is the cost).

Request bodies are built from the SDK's own request rules (`spec/request_rules.py`) with Conductor's
wire names, so they are posted as JSON; the SDK's typed methods would only map the same names back
and forth. Writes are never retried here: a write replayed after a lost answer can duplicate a
record, so the caller decides (it looks the record up). Reads are tried again after a failure that
can pass. Listing
windows and the deleted feeds are in `fetch.py`, for the same reason of not replaying cursor pages.
"""

import time
from collections.abc import Callable

import conductor

from ..spec.entities import QbdResource
from .errors import Rejected, Transient, classify
from .resource import ConductorResource

_ROOT = "/quickbooks-desktop"


class QuickBooks:
    """One company file (Conductor end user): retrieve, create, update, delete, find."""

    def __init__(self, resource: ConductorResource) -> None:
        self.end_user_id = resource.end_user_id
        self._client = resource.client(retries=False)
        self.requests = 0  # every request made, reads tried again included
        self._ahead: dict[tuple[str, str], dict | None] = {}  # (path, id) -> a version read ahead, used once

    def read_ahead(self, qbd: QbdResource, qbd_ids: list[str]) -> None:
        """Read the records about to be worked on in one `ids` listing per 150, so that each one's
        `retrieve` needs no request of its own (once: the next `retrieve` of it reads again). A version
        read ahead is as current as any read: an update made with a stale one gets 3200."""
        if len(qbd_ids) < 2:  # one record is read by its own request, as cheaply
            return
        found = {r["id"]: r for r in self.retrieve_many(qbd, qbd_ids)}
        self._ahead.update({(qbd.path, qbd_id): found.get(qbd_id) for qbd_id in qbd_ids})

    def call(self, method: str, path: str, body: dict | None = None, params: dict | None = None) -> dict:
        """One request, the JSON answer back, or the taxonomy's `Offline`, `Rejected` or `Transient`."""
        options: dict = {"headers": {"Conductor-End-User-Id": self.end_user_id}}
        if params:
            options["params"] = params
        self.requests += 1
        try:
            if method == "get":
                return self._client.get(path, cast_to=object, options=options)
            if method == "post":
                return self._client.post(path, cast_to=object, body=body, options=options)
            return self._client.delete(path, cast_to=object, options=options)
        except (conductor.APIStatusError, conductor.APIConnectionError) as exc:
            raise classify(exc) from exc

    def _read(self, path: str, params: dict | None = None, attempts: int = 3) -> dict:
        """A GET, tried again after a failure that can pass (`Transient`: a rate limit, a dropped
        connection), never after a rejection: a missing record is an answer, not a fault."""
        for attempt in range(attempts):
            try:
                return self.call("get", path, params=params)
            except Transient as exc:
                if attempt == attempts - 1:
                    raise
                time.sleep(exc.retry_after if exc.retry_after is not None else 0.5 * 2 ** attempt)
        raise AssertionError("unreachable")

    def retrieve_many(self, qbd: QbdResource, ids: list[str], chunk: int = 150) -> list[dict]:
        """The current versions of the records `ids` of one object type, those QuickBooks has, in one
        `ids` listing per `chunk` of them. Such a listing fails whole when one id is missing (a deleted
        record, or one of another item type), so that chunk is read again one record at a time."""
        found: list[dict] = []
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            try:
                params = {"ids": part, **({"limit": len(part)} if qbd.paginated else {})}
                found += self._read(f"{_ROOT}/{qbd.path}", params).get("data") or []
            except Rejected:
                for qbd_id in part:
                    record = self.retrieve(qbd, qbd_id)
                    if record is not None:
                        found.append(record)
        return found

    def retrieve(self, qbd: QbdResource, qbd_id: str) -> dict | None:
        """The current version of a record, or None when QuickBooks has no such record."""
        if (qbd.path, qbd_id) in self._ahead:
            return self._ahead.pop((qbd.path, qbd_id))
        try:
            return self._read(f"{_ROOT}/{qbd.path}/{qbd_id}")
        except Rejected as exc:
            if exc.not_found:
                return None
            raise

    def create(self, qbd: QbdResource, body: dict) -> dict:
        return self.call("post", f"{_ROOT}/{qbd.path}", body)

    def update(self, qbd: QbdResource, qbd_id: str, body: dict) -> dict:
        """`body` carries the `revisionNumber` it was merged against (a stale one is `Rejected.stale`)."""
        return self.call("post", f"{_ROOT}/{qbd.path}/{qbd_id}", body)

    def delete(self, qbd: QbdResource, qbd_id: str) -> dict:
        return self.call("delete", f"{_ROOT}/{qbd.path}/{qbd_id}")

    def find(self, qbd: QbdResource, query: dict, match: Callable[[dict], bool]) -> dict | None:
        """The first record of a listing that `match`es (pages read until found)."""
        if qbd.paginated:
            query = {**query, "limit": 150}
        cursor = None
        while True:
            params = {**query, "cursor": cursor} if cursor else query
            page = self.call("get", f"{_ROOT}/{qbd.path}", params=params)
            found = next((r for r in page.get("data", []) if match(r)), None)
            if found is not None:
                return found
            cursor = page.get("nextCursor")
            if not cursor:
                return None
