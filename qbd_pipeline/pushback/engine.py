"""Pushing WMS changes to QuickBooks, one entity at a time, losing nothing.

Per record: claim its pending changes (atomically, so two runs never push the same change), read the
WMS row, the QuickBooks record and the last agreed snapshot, merge field by field, then create,
update (with the current revisionNumber; a stale one means re-fetch, re-merge, retry), deactivate or
delete. What QuickBooks answers is written back to the WMS as the sync writer (no echo) together
with the new snapshot. Creates carry a deterministic identity (unique name, or `externalId` on
transactions) and are looked up before being made again, so an unknown outcome never duplicates.
"""

import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import conductor
import sqlalchemy as sa

from ..entities import Entity, QbdResource, resources_of
from ..quickbooks.stock import item_ids_in, refresh_stock
from ..resources.conductor import ConductorResource
from ..wms.load import map_record, parse_instant
from ..wms.mapping import MAPPINGS, EntityMapping
from ..wms.schema import TABLES, sync_conflicts, sync_snapshots, utcnow, wms_changes
from ..wms.snapshots import write_snapshot
from ..wms.triggers import sync_writer
from .merge import LINES, comparable, decide, syncable_fields
from .wire import header_body, lines_body

log = logging.getLogger(__name__)
IDENTITY_NAMESPACE = uuid.UUID("6f1c9a52-3c1e-4f0e-9d0b-6a1f3c2b7e10")
_REF_TABLES = {"customer": ("customers", "full_name"), "vendor": ("vendors", "name"),
               "item": ("items", "full_name"), "preferred_vendor": ("vendors", "name")}


class Offline(Exception):
    """QuickBooks Desktop cannot be reached (INTEGRATION_CONNECTION_ERROR): stop, leave changes pending."""


class Rejected(Exception):
    """QuickBooks or Conductor refused the change (validation): mark it failed with their message."""


class Transient(Exception):
    """The outcome is unknown or the failure temporary: retry later with backoff."""


@dataclass
class PushSettings:
    run_id: str
    dry_run: bool = False
    max_attempts: int = 5
    backoff_seconds: float = 30.0
    claim_ttl_seconds: float = 3600.0
    max_revision_retries: int = 3


@dataclass
class PushStats:
    pushed: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    failed: int = 0
    retry_later: int = 0
    conflicts: int = 0
    offline: bool = False
    plan: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def _error_body(exc: conductor.APIStatusError) -> dict:
    body = exc.body if isinstance(exc.body, dict) else {}
    return body.get("error", {}) if isinstance(body.get("error"), dict) else {}


def classify(exc: Exception) -> Exception:
    """Sort an SDK failure into what the push does about it."""
    if isinstance(exc, conductor.APIStatusError):
        error = _error_body(exc)
        if error.get("type") == "INTEGRATION_CONNECTION_ERROR":
            return Offline(error.get("message") or str(exc))
        if error.get("type") in ("INTEGRATION_ERROR", "INVALID_REQUEST_ERROR") and exc.status_code in (400, 404, 422,
                                                                                                       502):
            return Rejected(error.get("message") or str(exc))
        return Transient(f"{exc.status_code}: {error.get('message') or exc}")
    if isinstance(exc, conductor.APIConnectionError):
        return Transient(f"no answer from Conductor ({type(exc).__name__})")
    return exc


class Pusher:
    """Push one entity's claimed changes."""

    def __init__(self, conductor_resource: ConductorResource, engine: sa.Engine, entity: Entity,
                 settings: PushSettings) -> None:
        self.conductor = conductor_resource
        self.client = conductor_resource.client(retries=False)  # writes are never replayed blindly
        self.engine = engine
        self.entity = entity
        self.mapping: EntityMapping = MAPPINGS[entity.name]
        self.header, self.lines_table = TABLES[entity.name]
        self.settings = settings
        self.stats = PushStats()

    # claims ---------------------------------------------------------------------------------
    def claim(self, finished_runs: frozenset[str] = frozenset()) -> dict[int, list]:
        """Take this entity's due changes, whole records at a time, unless another run holds that record.

        A claim is taken over only when its run is known to be finished (failed, crashed, cancelled) or
        the claim is older than the TTL, so a failed run's changes are retried and a live one is never
        raced.
        """
        now = utcnow()
        stale = now - timedelta(seconds=self.settings.claim_ttl_seconds)
        finished = list(finished_runs) or ["-"]
        held = sa.and_(wms_changes.c.claimed_by.is_not(None), wms_changes.c.claimed_by != self.settings.run_id,
                       wms_changes.c.claimed_by.not_in(finished), wms_changes.c.claimed_at >= stale)
        busy = (sa.select(wms_changes.c.row_id).where(
            wms_changes.c.entity == self.entity.name, wms_changes.c.status == "pending", held))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("LOCK TABLE wms_changes IN SHARE ROW EXCLUSIVE MODE")
            connection.execute(wms_changes.update().where(
                wms_changes.c.entity == self.entity.name, wms_changes.c.status == "pending",
                wms_changes.c.next_attempt_at <= now,
                sa.not_(held),
                wms_changes.c.row_id.not_in(busy),
            ).values(claimed_by=self.settings.run_id, claimed_at=now))
            rows = connection.execute(sa.select(wms_changes).where(
                wms_changes.c.claimed_by == self.settings.run_id, wms_changes.c.entity == self.entity.name,
                wms_changes.c.status == "pending").order_by(wms_changes.c.id)).all()
        grouped: dict[int, list] = defaultdict(list)
        for row in rows:
            grouped[row.row_id].append(row)
        return grouped

    def _finish(self, changes: list, status: str, error: str | None = None) -> None:
        ids = [c.id for c in changes]
        now = utcnow()
        with self.engine.begin() as connection:
            if status == "retry":
                attempts = max(c.attempts for c in changes) + 1
                give_up = attempts >= self.settings.max_attempts
                delay = timedelta(seconds=self.settings.backoff_seconds * 2 ** (attempts - 1))
                connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(
                    status="failed" if give_up else "pending", attempts=attempts, last_error=error,
                    next_attempt_at=now + delay, claimed_by=None, claimed_at=None, run_id=self.settings.run_id,
                    handled_at=now if give_up else None))
            elif status == "release":
                connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(
                    claimed_by=None, claimed_at=None, last_error=error))
            else:
                connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(
                    status=status, last_error=error, claimed_by=None, claimed_at=None,
                    run_id=self.settings.run_id, handled_at=now,
                    attempts=wms_changes.c.attempts + (1 if status == "failed" else 0)))

    # the run --------------------------------------------------------------------------------
    def run(self, finished_runs: frozenset[str] = frozenset()) -> PushStats:
        grouped = self.claim(finished_runs)
        pending = list(grouped.items())
        for index, (row_id, changes) in enumerate(pending):
            try:
                outcome = self.push_row(row_id, changes)
            except Offline as exc:
                self.stats.offline = True
                for _row, rest in pending[index:]:
                    self._finish(rest, "release", f"QuickBooks Desktop offline: {exc}")
                break
            except Rejected as exc:
                self.stats.failed += 1
                self.stats.errors.append({"row_id": row_id, "error": str(exc)})
                self._finish(changes, "release" if self.settings.dry_run else "failed", str(exc))
                continue
            except Exception as exc:
                if not isinstance(exc, Transient):
                    log.exception("%s row %s: unexpected failure", self.entity.name, row_id)
                self.stats.retry_later += 1
                self.stats.errors.append({"row_id": row_id, "error": f"{type(exc).__name__}: {exc}"})
                self._finish(changes, "release" if self.settings.dry_run else "retry",
                             f"{type(exc).__name__}: {exc}"[:2000])
                continue
            if self.settings.dry_run:
                self._finish(changes, "release")
            elif outcome == "skipped":
                self.stats.skipped += 1
                self._finish(changes, "skipped", self._skip_reason)
            else:
                self.stats.pushed += 1
                self._finish(changes, "pushed")
        return self.stats

    _skip_reason: str | None = None

    def push_row(self, row_id: int, changes: list) -> str:
        if self.entity.direction == "qbd_to_wms":
            self._skip_reason = (f"{self.entity.name} flow from QuickBooks to the WMS only; "
                                 "WMS edits are not pushed")
            self._plan(row_id, None, "skip", reason=self._skip_reason)
            return "skipped"
        operations = {c.operation for c in changes}
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(self.header).where(self.header.c.id == row_id)).one_or_none()
        if "delete" in operations:  # ids are never reused, so a deleted row stays deleted
            qbd_id = next((c.qbd_id for c in reversed(changes) if c.qbd_id), None)
            if qbd_id is None:
                self._skip_reason = "deleted in the WMS before it ever reached QuickBooks"
                self._plan(row_id, None, "skip", reason=self._skip_reason)
                return "skipped"
            return self._delete(row_id, qbd_id, changes)
        if row is None:
            self._skip_reason = "the row no longer exists and no delete was recorded for it"
            return "skipped"
        row = row._asdict()
        lines = self._wms_lines(row_id)
        self._resolve_references(row, lines)
        qbd = self._resource_for(row)
        changed_fields = {f for c in changes for f in (c.changed_fields or "").split(",") if f}
        if row.get("qbd_id") is None:
            return self._create(row, lines, qbd)
        outcome = self._update(row, lines, qbd, changed_fields)
        owned = changed_fields - set(syncable_fields(self.mapping))
        if operations == {"update"} and changed_fields and owned == changed_fields:
            self._skip_reason = (f"only QuickBooks-owned fields changed ({', '.join(sorted(owned))}); they flow "
                                 "from QuickBooks to the WMS only and were restored from QuickBooks")
            return "skipped"
        return outcome

    # reading --------------------------------------------------------------------------------
    def _wms_lines(self, row_id: int) -> list[dict]:
        if self.lines_table is None:
            return []
        with self.engine.connect() as connection:
            return [r._asdict() for r in connection.execute(sa.select(self.lines_table).where(
                self.lines_table.c.header_id == row_id).order_by(self.lines_table.c.line_number))]

    def _resolve_references(self, row: dict, lines: list[dict]) -> None:
        """A WMS row may name a record the WMS created in this same run: find its new QuickBooks id."""
        with self.engine.connect() as connection:
            for record in [row, *lines]:
                for prefix, (table_name, column) in _REF_TABLES.items():
                    if record.get(f"{prefix}_qbd_id") is None and record.get(f"{prefix}_name"):
                        table = TABLES[table_name][0]
                        found = connection.execute(sa.select(table.c.qbd_id).where(
                            table.c[column] == record[f"{prefix}_name"])).scalar()
                        if found is None:
                            if self.settings.dry_run:  # planned: created earlier in a real run
                                record[f"{prefix}_qbd_id"] = f"<new {prefix} {record[f'{prefix}_name']}>"
                                continue
                            raise Transient(f"{prefix} {record[f'{prefix}_name']!r} is not in QuickBooks yet")
                        record[f"{prefix}_qbd_id"] = found

    def _resource_for(self, row: dict) -> QbdResource:
        options = resources_of(self.entity.name)
        if self.mapping.has_item_type:
            return next(r for r in options if r.item_type == row["item_type"])
        return options[0]

    def _snapshot(self, qbd_id: str) -> dict | None:
        with self.engine.connect() as connection:
            data = connection.execute(sa.select(sync_snapshots.c.data).where(
                sync_snapshots.c.entity == self.entity.name, sync_snapshots.c.qbd_id == qbd_id)).scalar()
        return json.loads(data) if data else None

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None) -> dict:
        """One request, raw JSON back (records are mapped and validated by the loader's rules)."""
        options: dict = {"headers": {"Conductor-End-User-Id": self.conductor.end_user_id}}
        if params:
            options["params"] = params
        try:
            if method == "get":
                return self.client.get(path, cast_to=object, options=options)
            if method == "post":
                return self.client.post(path, cast_to=object, body=body, options=options)
            return self.client.delete(path, cast_to=object, options=options)
        except (conductor.APIStatusError, conductor.APIConnectionError) as exc:
            raise classify(exc) from exc

    def _retrieve(self, qbd: QbdResource, qbd_id: str) -> dict | None:
        try:
            return self._call("get", f"/quickbooks-desktop/{qbd.path}/{qbd_id}")
        except Rejected as exc:
            if "could not be found" in str(exc) or "(3120)" in str(exc):
                return None
            raise

    # writing back ---------------------------------------------------------------------------
    def _store(self, qbd: QbdResource, record: dict, row_id: int, read_at: datetime | None) -> None:
        self._write_back(qbd, record, row_id, read_at)
        self._after_transaction(record)

    def _write_back(self, qbd: QbdResource, record: dict, row_id: int, read_at: datetime | None) -> None:
        """QuickBooks' version becomes the WMS row and the agreed snapshot (as the sync writer).

        If the WMS row changed while the push was in flight (its `updated_at` moved), only the
        QuickBooks-owned columns and identity are written; the newer WMS edit stays, and its own
        pending change pushes it next.
        """
        now = utcnow()
        mapped, lines = map_record(self.mapping, qbd, record, now)
        with self.engine.begin() as connection:
            lock = sa.select(self.header.c.updated_at).where(self.header.c.id == row_id)
            if connection.dialect.name == "postgresql":
                lock = lock.with_for_update()
            else:  # take SQLite's write lock before reading, so no edit can slip in between
                connection.exec_driver_sql("UPDATE sync_context SET sync_writer = sync_writer WHERE id = 1")
            current = connection.execute(lock).scalar()
            with sync_writer(connection):
                if read_at is not None and current is not None and current != read_at:
                    owned = {c.name for c in self.mapping.columns if c.readonly}
                    keep = {k: v for k, v in mapped.items() if k in owned or k.startswith("qbd_") or k == "synced_at"}
                    connection.execute(self.header.update().where(self.header.c.id == row_id).values(**keep))
                else:
                    connection.execute(self.header.update().where(self.header.c.id == row_id).values(**mapped))
                    if self.lines_table is not None:
                        connection.execute(self.lines_table.delete().where(self.lines_table.c.header_id == row_id))
                        if lines:
                            connection.execute(self.lines_table.insert(),
                                               [{**line, "header_id": row_id} for line in lines])
                write_snapshot(connection, self.entity.name, self.mapping, mapped, lines, now)

    def _record_conflicts(self, row_id: int, qbd_id: str, decisions) -> None:
        rows = [{"run_id": self.settings.run_id, "entity": self.entity.name, "row_id": row_id, "qbd_id": qbd_id,
                 "field": d.field, "wms_value": json.dumps(d.wms, default=str),
                 "qbd_value": json.dumps(d.qbd, default=str), "winner": d.winner, "rule": d.rule,
                 "decided_at": utcnow()} for d in decisions if d.conflict]
        if rows:
            self.stats.conflicts += len(rows)
            with self.engine.begin() as connection:
                connection.execute(sync_conflicts.insert(), rows)

    def _plan(self, row_id: int, qbd_id: str | None, action: str, **detail) -> None:
        self.stats.plan.append({"entity": self.entity.name, "row_id": row_id, "qbd_id": qbd_id, "action": action,
                                **detail})

    # create ---------------------------------------------------------------------------------
    def _identity(self, row: dict, qbd: QbdResource) -> str | None:
        if qbd.kind != "transaction":
            return None
        return row.get("external_id") or str(uuid.uuid5(
            IDENTITY_NAMESPACE, f"{self.conductor.end_user_id}:{self.entity.name}:{row['id']}"))

    def _find_existing(self, qbd: QbdResource, row: dict, body: dict) -> dict | None:
        """The record a previous attempt may already have created (unknown outcome)."""
        if qbd.kind == "list":
            name = body.get("name")
            if row.get("parent_qbd_id") and row.get("parent_name"):
                name = f"{row['parent_name']}:{name}"
            query = {"nameFrom": name, "nameTo": name, "limit": 10}
            if qbd.path != "vendors":
                query["status"] = "all"
            key = "name" if qbd.path == "vendors" else "fullName"
            match = lambda r: (r.get(key) or "").lower() == name.lower()  # noqa: E731
        else:
            query = {"transactionDateFrom": body["transactionDate"], "transactionDateTo": body["transactionDate"]}
            if qbd.paginated:
                query["limit"] = 150
            external = body["externalId"]
            match = lambda r: r.get("externalId") == external  # noqa: E731
        cursor = None
        while True:
            params = {**query, "cursor": cursor} if cursor else query
            page = self._call("get", f"/quickbooks-desktop/{qbd.path}", params=params)
            found = next((r for r in page.get("data", []) if match(r)), None)
            if found is not None:
                return found
            cursor = page.get("nextCursor")
            if not cursor:
                return None

    def _create(self, row: dict, lines: list[dict], qbd: QbdResource) -> str:
        fields = [c.name for c in self.mapping.columns if not c.readonly]
        body = header_body(self.mapping, qbd, row, fields, create=True, qbd_record=None)
        if self.mapping.lines is not None:
            body["lines"] = lines_body(self.mapping, qbd, lines, create=True)
        identity = self._identity(row, qbd)
        if identity:
            body["externalId"] = identity
        if self.settings.dry_run:
            self._plan(row["id"], None, "create", body=body)
            return "planned"
        if identity and row.get("external_id") != identity:
            with self.engine.begin() as connection, sync_writer(connection):  # the identity survives retries
                connection.execute(self.header.update().where(self.header.c.id == row["id"]).values(
                    external_id=identity))
        record = self._find_existing(qbd, row, body)
        if record is not None:
            return self._adopt(row, lines, qbd, record)
        try:
            record = self._call("post", f"/quickbooks-desktop/{qbd.path}", body)
        except Transient:
            record = self._find_existing(qbd, row, body)  # did it commit before the answer was lost?
            if record is None:
                raise
            return self._adopt(row, lines, qbd, record)
        self._store(qbd, record, row["id"], row.get("updated_at"))
        self.stats.created += 1
        return "pushed"

    def _after_transaction(self, record: dict) -> None:
        """Posting an adjustment or an order moves stock figures that only QuickBooks computes."""
        if self.mapping.lines is not None and self.entity.name != "invoices":
            refresh_stock(self.conductor, self.engine, item_ids_in([record]))

    def _adopt(self, row: dict, lines: list[dict], qbd: QbdResource, record: dict) -> str:
        """QuickBooks already has this record (an earlier attempt made it, or it was there already).

        Link it unless another WMS row owns it, then merge as for any update: nothing is overwritten blindly.
        """
        with self.engine.connect() as connection:
            owner = connection.execute(sa.select(self.header.c.id).where(
                self.header.c.qbd_id == record["id"], self.header.c.id != row["id"])).scalar()
        if owner is not None:
            label = record.get("fullName") or record.get("name") or record["id"]
            raise Rejected(f"QuickBooks already has {qbd.type_name} {label} ({record['id']}), "
                           f"linked to WMS row {owner}")
        with self.engine.begin() as connection, sync_writer(connection):
            connection.execute(self.header.update().where(self.header.c.id == row["id"]).values(
                qbd_id=record["id"], qbd_revision_number=record["revisionNumber"],
                qbd_updated_at=parse_instant(record["updatedAt"])))
        row = {**row, "qbd_id": record["id"]}
        self.stats.created += 1
        return self._update(row, lines, qbd, None)

    # update ---------------------------------------------------------------------------------
    def _update(self, row: dict, lines: list[dict], qbd: QbdResource, changed_fields: set[str] | None) -> str:
        wms_view = comparable(self.mapping, row, lines)
        for _attempt in range(self.settings.max_revision_retries + 1):
            record = self._retrieve(qbd, row["qbd_id"])
            if record is None:
                raise Rejected(f"{qbd.type_name} {row['qbd_id']} no longer exists in QuickBooks")
            qbd_row, qbd_lines = map_record(self.mapping, qbd, record, utcnow())
            qbd_view = comparable(self.mapping, qbd_row, qbd_lines)
            base = self._snapshot(row["qbd_id"])
            if base is None and changed_fields is not None:
                base = self._inferred_base(wms_view, qbd_view, changed_fields, row, record)
            decisions = decide(self.entity, self.mapping, base, wms_view, qbd_view, row.get("updated_at"),
                               parse_instant(record["updatedAt"]))
            to_push = [d.field for d in decisions if d.winner == "wms"]
            body = header_body(self.mapping, qbd, row, [f for f in to_push if f != LINES], create=False,
                               qbd_record=record)
            if LINES in to_push:
                body["lines"] = lines_body(self.mapping, qbd, lines, create=False)
            if self.settings.dry_run:
                self._plan(row["id"], row["qbd_id"], "update" if body else "none", body=body, decisions=[
                    {"field": d.field, "wms": d.wms, "qbd": d.qbd, "agreed": d.base, "winner": d.winner,
                     "rule": d.rule} for d in decisions])
                return "planned"
            if body:
                body["revisionNumber"] = record["revisionNumber"]
                try:
                    record = self._call("post", f"/quickbooks-desktop/{qbd.path}/{row['qbd_id']}", body)
                except Rejected as exc:
                    if "(3200)" in str(exc):
                        continue  # edited in QuickBooks since we read it: merge again
                    raise
                except Transient:
                    continue  # maybe applied: the next read and merge will tell
            self._record_conflicts(row["id"], row["qbd_id"], decisions)
            self._store(qbd, record, row["id"], row.get("updated_at"))
            self.stats.updated += 1
            return "pushed"
        raise Transient(f"{qbd.type_name} {row['qbd_id']} kept changing in QuickBooks; will merge again later")

    @staticmethod
    def _inferred_base(wms_view: dict, qbd_view: dict, changed_fields: set[str], row: dict, record: dict) -> dict:
        """No agreed version was recorded: the WMS changed exactly the fields its changes name; QuickBooks
        changed the others only if the record moved since the WMS last saw it."""
        qbd_moved = row.get("qbd_revision_number") != record.get("revisionNumber")
        base = {}
        for name in wms_view:
            if name in changed_fields:
                base[name] = qbd_view[name] if not qbd_moved else None
            else:
                base[name] = wms_view[name]
        return base

    # delete ---------------------------------------------------------------------------------
    def _delete(self, row_id: int, qbd_id: str, changes: list) -> str:
        qbd = resources_of(self.entity.name)[0]
        if self.mapping.has_item_type:
            record = None
            for candidate in resources_of(self.entity.name):
                record = self._retrieve(candidate, qbd_id)
                if record is not None:
                    qbd = candidate
                    break
        if self.settings.dry_run:
            self._plan(row_id, qbd_id, "deactivate" if qbd.kind == "list" else "delete")
            return "planned"
        if qbd.kind == "list":  # list objects cannot be deleted through the API: make them inactive
            for _attempt in range(self.settings.max_revision_retries + 1):
                record = self._retrieve(qbd, qbd_id)
                if record is None or record.get("isActive") is False:
                    break
                try:
                    self._call("post", f"/quickbooks-desktop/{qbd.path}/{qbd_id}",
                               {"revisionNumber": record["revisionNumber"], "isActive": False})
                    break
                except Rejected as exc:
                    if "(3200)" not in str(exc):
                        raise
            else:
                raise Transient(f"{qbd_id} kept changing in QuickBooks")
        elif (existing := self._retrieve(qbd, qbd_id)) is not None:
            self._call("delete", f"/quickbooks-desktop/{qbd.path}/{qbd_id}")
            self._after_transaction(existing)
        with self.engine.begin() as connection:
            connection.execute(sync_snapshots.delete().where(sync_snapshots.c.entity == self.entity.name,
                                                             sync_snapshots.c.qbd_id == qbd_id))
        self.stats.deleted += 1
        return "pushed"


__all__ = ["Offline", "PushSettings", "PushStats", "Pusher", "Rejected", "Transient"]
