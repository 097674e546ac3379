"""Creates carry an identity, so a create whose answer was lost is found, never made twice.

A list object is identified by its unique name (which also finds one QuickBooks already had); a
transaction by the `externalId` the sync gives it, derived from the company file, the entity and
the WMS row id (or the WMS's own external id), so every retry sends the same one.
"""

import uuid
from datetime import datetime, timedelta

from ...conductor.client import QuickBooks
from ...spec.entities import QbdResource

IDENTITY_NAMESPACE = uuid.UUID("6f1c9a52-3c1e-4f0e-9d0b-6a1f3c2b7e10")


def identity(end_user_id: str, entity: str, row: dict, qbd: QbdResource) -> str | None:
    """The `externalId` a transaction is created with; None for list objects (their name is unique)."""
    if qbd.kind != "transaction":
        return None
    return row.get("external_id") or str(uuid.uuid5(IDENTITY_NAMESPACE, f"{end_user_id}:{entity}:{row['id']}"))


def find_existing(quickbooks: QuickBooks, qbd: QbdResource, row: dict, body: dict,
                  since: datetime | None = None) -> dict | None:
    """The record a previous attempt may already have created (unknown outcome).

    A transaction is found by its `externalId` among those of its date, then, should the WMS have
    changed the date since, among those QuickBooks changed after `since` (a day of clock skew spared).
    """
    if qbd.kind != "list":
        same = lambda r: r.get("externalId") == body["externalId"]  # noqa: E731
        found = quickbooks.find(qbd, {"transactionDateFrom": body["transactionDate"],
                                      "transactionDateTo": body["transactionDate"]}, same)
        if found is None and since is not None:
            after = (since - timedelta(days=1)).isoformat(timespec="seconds")
            found = quickbooks.find(qbd, {"updatedAfter": after}, same)
        return found
    name = body.get("name")
    if row.get("parent_qbd_id") and row.get("parent_name"):
        name = f"{row['parent_name']}:{name}"
    key = "fullName" if qbd.full_names else "name"
    return quickbooks.find(qbd, {"nameFrom": name, "nameTo": name, "status": "all"},
                           lambda r: (r.get(key) or "").lower() == name.lower())
