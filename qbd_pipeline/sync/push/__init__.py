"""Pushing WMS changes to QuickBooks, one entity at a time, losing nothing.

Per record: claim its pending changes (`claims`: atomically, so two runs never push the same change;
a claim is a lease the live run renews), read the WMS row, the QuickBooks record and the last agreed
snapshot, merge field by field (lines line by line), then create (`create`), update with the current
revisionNumber (`update`: a stale one means re-fetch, re-merge, retry), deactivate or delete
(`remove`). What QuickBooks answers is written back to the WMS as the sync writer (`writeback`: no
echo) together with the new snapshot, unless the WMS changed the record meanwhile: then only
QuickBooks' identity, revision and own columns are stored, and the newer edit is pushed next.
Creates carry a deterministic identity (`identity`) and are looked up before being made again.
"""

from ...conductor.errors import Offline, Rejected, Transient
from .context import Outcome, PushSettings, PushStats
from .pusher import Pusher

__all__ = ["Offline", "Outcome", "PushSettings", "PushStats", "Pusher", "Rejected", "Transient"]
