"""The calls the push makes on one company file, each failure raised as the taxonomy in `errors.py`.

Request bodies are built from the SDK's own request rules (`spec/request_rules.py`) with Conductor's
wire names, so they are posted as JSON; the SDK's typed methods would only map the same names back
and forth. Nothing is retried here: a write replayed after a lost answer can duplicate a record, so
the caller decides (it looks the record up first). Listing windows and the deleted feeds are in
`fetch.py`, for the same reason of not replaying cursor pages.
"""

from collections.abc import Callable

import conductor

from ..spec.entities import QbdResource
from .errors import Rejected, classify
from .resource import ConductorResource

_ROOT = "/quickbooks-desktop"


class QuickBooks:
    """One company file (Conductor end user): retrieve, create, update, delete, find."""

    def __init__(self, resource: ConductorResource) -> None:
        self.end_user_id = resource.end_user_id
        self._client = resource.client(retries=False)

    def call(self, method: str, path: str, body: dict | None = None, params: dict | None = None) -> dict:
        """One request, the JSON answer back, or the taxonomy's `Offline`, `Rejected` or `Transient`."""
        options: dict = {"headers": {"Conductor-End-User-Id": self.end_user_id}}
        if params:
            options["params"] = params
        try:
            if method == "get":
                return self._client.get(path, cast_to=object, options=options)
            if method == "post":
                return self._client.post(path, cast_to=object, body=body, options=options)
            return self._client.delete(path, cast_to=object, options=options)
        except (conductor.APIStatusError, conductor.APIConnectionError) as exc:
            raise classify(exc) from exc

    def retrieve(self, qbd: QbdResource, qbd_id: str) -> dict | None:
        """The current version of a record, or None when QuickBooks has no such record."""
        try:
            return self.call("get", f"{_ROOT}/{qbd.path}/{qbd_id}")
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
