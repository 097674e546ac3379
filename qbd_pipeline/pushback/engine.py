"""Pushing WMS changes to QuickBooks, one entity at a time, losing nothing.

Per record: claim its pending changes (atomically, so two runs never push the same change; a claim
is a lease the live run renews), read the WMS row, the QuickBooks record and the last agreed
snapshot, merge field by field (lines line by line), then create, update (with the current
revisionNumber; a stale one means re-fetch, re-merge, retry), deactivate or delete. What QuickBooks
answers is written back to the WMS as the sync writer (no echo) together with the new snapshot,
unless the WMS changed the record meanwhile: then only QuickBooks' identity, revision and own
columns are stored, and the newer edit is pushed next. Creates carry a deterministic identity
(unique name, or `externalId` on transactions) and are looked up before being made again.
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
from ..quickbooks.errors import Offline, Rejected, Transient, classify
from ..quickbooks.stock import item_ids_in, refresh_stock
from ..resources.conductor import ConductorResource
from ..sync import deletes, ledger
from ..sync.changes import ALL_FIELDS, changed_fields, link_changes, lock_record, newer_fields
from ..sync.conflicts import conflict_rows, prior_decisions
from ..sync.conflicts import record as record_conflicts
from ..sync.merge import (
    LINE_ID,
    LINES,
    Decision,
    adopted_base,
    comparable,
    field_times,
    inferred_base,
    keep_newer_lines,
    merge,
    pair_new_lines,
    push_intent,
    syncable_fields,
    typed_lines,
)
from ..wms.load import map_record, parse_instant
from ..wms.mapping import MAPPINGS, EntityMapping
from ..wms.schema import TABLES, sync_snapshots, utcnow, wms_changes
from ..wms.snapshots import read_agreed, read_snapshots, record_intent, sent_lines_pending, write_snapshot
from ..wms.triggers import sync_writer
from .wire import Unsent, header_body, lines_body

log = logging.getLogger(__name__)
IDENTITY_NAMESPACE = uuid.UUID("6f1c9a52-3c1e-4f0e-9d0b-6a1f3c2b7e10")
_REF_TABLES = {"customer": ("customers", "full_name"), "vendor": ("vendors", "name"),
               "item": ("items", "full_name"), "preferred_vendor": ("vendors", "name")}
# `parent` names a record of the same entity (a sub-customer's customer, a sub-item's item).
_SELF_REFERENCES = ("parent",)


@dataclass
class PushSettings:
    run_id: str
    dry_run: bool = False
    max_attempts: int = 5
    backoff_seconds: float = 30.0
    lease_seconds: float = ledger.LEASE_SECONDS
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
    gave_up: int = 0  # changes left `failed` after their last attempt
    conflicts: int = 0
    offline: bool = False
    claimed: int = 0
    plan: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    status: str  # "pushed" | "skipped" | "planned"
    reason: str | None = None


PUSHED, PLANNED = Outcome("pushed"), Outcome("planned")


def skipped(reason: str) -> Outcome:
    return Outcome("skipped", reason)


@dataclass
class _Read:
    """The WMS side of one record as one consistent read."""

    row: dict | None
    lines: list[dict]
    newest_change: int  # the newest change id of the record when it was read: later ones are newer edits


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

        A claim is taken over when its run is known to be finished (failed, crashed, cancelled) or its
        lease ran out (the run stopped renewing it), so a stopped run's changes are retried within
        minutes and a live run is never raced.
        """
        now = utcnow()
        finished = list(finished_runs) or ["-"]
        held = sa.and_(wms_changes.c.claimed_by.is_not(None), wms_changes.c.claimed_by != self.settings.run_id,
                       wms_changes.c.claimed_by.not_in(finished),
                       wms_changes.c.claimed_at >= ledger.lease_cutoff(now, self.settings.lease_seconds))
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
                self.stats.gave_up += 1 if give_up else 0
                delay = self.settings.backoff_seconds * 2 ** (attempts - 1)
                connection.execute(wms_changes.update().where(wms_changes.c.id.in_(ids)).values(
                    status="failed" if give_up else "pending", attempts=attempts, last_error=error,
                    next_attempt_at=now + timedelta(seconds=delay), claimed_by=None, claimed_at=None,
                    run_id=self.settings.run_id, handled_at=now if give_up else None))
            elif status == "release":
                connection.execute(wms_changes.update().where(
                    wms_changes.c.id.in_(ids), wms_changes.c.status == "pending").values(
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
        self.stats.claimed = len(pending)
        done = 0
        try:
            for row_id, changes in pending:
                self._push_one(row_id, changes)
                done += 1
                if self.stats.offline:
                    break
        except BaseException:  # terminated (or an unexpected crash): hand the rest back at once
            for _row, rest in pending[done:]:
                self._finish(rest, "release", "the push-back run stopped while these changes were waiting or being "
                                              "sent; the next run merges them again")
            raise
        for _row, rest in pending[done:]:
            self._finish(rest, "release", "QuickBooks Desktop was offline; left pending for a later run")
        return self.stats

    def _push_one(self, row_id: int, changes: list) -> None:
        release = self.settings.dry_run
        try:
            outcome = self.push_row(row_id, changes)
        except Offline as exc:
            self.stats.offline = True
            self._finish(changes, "release", f"QuickBooks Desktop offline: {exc}")
            return
        except Rejected as exc:
            self.stats.failed += 1
            self.stats.errors.append({"row_id": row_id, "error": str(exc)})
            self._finish(changes, "release" if release else "failed", str(exc))
            return
        except Exception as exc:
            if not isinstance(exc, Transient):
                log.exception("%s row %s: unexpected failure", self.entity.name, row_id)
            self.stats.retry_later += 1
            self.stats.errors.append({"row_id": row_id, "error": f"{type(exc).__name__}: {exc}"})
            self._finish(changes, "release" if release else "retry", f"{type(exc).__name__}: {exc}"[:2000])
            return
        if release:
            self._finish(changes, "release")
        elif outcome.status == "skipped":
            self.stats.skipped += 1
            self._finish(changes, "skipped", outcome.reason)
        else:
            self.stats.pushed += 1
            self._finish(changes, "pushed")

    def push_row(self, row_id: int, changes: list) -> Outcome:
        if self.entity.direction == "qbd_to_wms":
            return self._restore(row_id, changes)
        operations = {c.operation for c in changes}
        read = self._read(row_id)
        if "delete" in operations:  # ids are never reused, so a deleted row stays deleted
            qbd_id = next((c.qbd_id for c in reversed(changes) if c.qbd_id), None)
            if qbd_id is None:
                reason = "deleted in the WMS before it ever reached QuickBooks"
                self._plan(row_id, None, "skip", reason=reason)
                return skipped(reason)
            return self._delete(row_id, qbd_id)
        if read.row is None:
            return skipped("the row no longer exists and no delete was recorded for it")
        row = read.row
        if row.get("qbd_deleted_at") is not None:
            return self._edit_of_deleted(row, changes)
        self._resolve_references(row, read.lines)
        qbd = self._resource_for(row)
        if row.get("qbd_id") is None:
            return self._create(row, read.lines, qbd, changes, read.newest_change)
        outcome = self._update(row, read.lines, qbd, changes, read.newest_change)
        named = changed_fields(changes)
        owned = named - set(syncable_fields(self.mapping))
        if outcome.status == "pushed" and operations == {"update"} and named and owned == named:
            return skipped(f"only QuickBooks-owned fields changed ({', '.join(sorted(owned))}); they flow "
                           "from QuickBooks to the WMS only and were restored from QuickBooks")
        return outcome

    # reading --------------------------------------------------------------------------------
    def _read(self, row_id: int) -> _Read:
        with self.engine.connect() as connection:
            newest = connection.execute(sa.select(sa.func.max(wms_changes.c.id)).where(
                wms_changes.c.entity == self.entity.name, wms_changes.c.row_id == row_id)).scalar() or 0
            row = connection.execute(sa.select(self.header).where(self.header.c.id == row_id)).one_or_none()
            lines = [] if self.lines_table is None else [r._asdict() for r in connection.execute(
                sa.select(self.lines_table).where(self.lines_table.c.header_id == row_id)
                .order_by(self.lines_table.c.line_number))]
        return _Read(row._asdict() if row is not None else None, lines, newest)

    def _resolve_references(self, row: dict, lines: list[dict]) -> None:
        """A WMS row may name a record the WMS created in this same run: find its new QuickBooks id."""
        references = dict(_REF_TABLES)
        references.update({p: (self.entity.name, "full_name") for p in _SELF_REFERENCES
                           if f"{p}_qbd_id" in self.header.c and "full_name" in self.header.c})
        with self.engine.connect() as connection:
            for record in [row, *lines]:
                for prefix, (table_name, column) in references.items():
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
            if exc.not_found:
                return None
            raise

    # writing back ---------------------------------------------------------------------------
    def _store(self, qbd: QbdResource, record: dict, row_id: int, newest_change: int | None, read_at: datetime,
               sent_lines: list[dict] | None = None, read_lines: list[dict] | None = None,
               lines_before: list[dict] | None = None) -> None:
        self._write_back(qbd, record, row_id, newest_change, read_at, sent_lines, read_lines)
        self._after_transaction(record, [*(read_lines or []), *(lines_before or [])])

    def _write_back(self, qbd: QbdResource, record: dict, row_id: int, newest_change: int | None,
                    read_at: datetime, sent_lines: list[dict] | None, read_lines: list[dict] | None = None) -> None:
        """QuickBooks' version becomes the WMS row and the agreed snapshot (as the sync writer).

        Fields (and lines) the WMS changed after it was read for this push keep the WMS's newer
        values; its own pending change pushes them next. Every other column gets QuickBooks' value (for
        lines, those the WMS did not touch since `read_lines`), lines this push added get their
        QuickBooks line ids, and the record's change rows learn its
        QuickBooks id (so a delete or edit made while a create was in flight reaches QuickBooks).
        `newest_change=None` writes QuickBooks' version whatever the WMS did (restoring a one-way entity).
        """
        now = utcnow()
        mapped, lines = map_record(self.mapping, qbd, record, now, read_at)
        with self.engine.begin() as connection:
            lock_record(connection, self.header, self.lines_table, [row_id])
            newer = set() if newest_change is None else newer_fields(connection, self.entity.name, row_id,
                                                                      newest_change)
            with sync_writer(connection):
                if newer is ALL_FIELDS:
                    owned = {c.name for c in self.mapping.columns if c.readonly}
                    keep = {k: v for k, v in mapped.items() if k in owned or k.startswith("qbd_") or k == "synced_at"}
                    connection.execute(self.header.update().where(self.header.c.id == row_id).values(**keep))
                    self._name_new_lines(connection, sent_lines, lines)
                else:
                    values = {k: v for k, v in mapped.items() if k not in newer}
                    if newer:
                        values.pop("updated_at", None)  # the newer WMS edit dates the row
                    connection.execute(self.header.update().where(self.header.c.id == row_id).values(**values))
                    if self.lines_table is not None and LINES not in newer:
                        connection.execute(self.lines_table.delete().where(self.lines_table.c.header_id == row_id))
                        if lines:
                            connection.execute(self.lines_table.insert(),
                                               [{**line, "header_id": row_id} for line in lines])
                    elif self.lines_table is not None:
                        self._merge_newer_lines(connection, row_id, sent_lines, read_lines or [], lines)
                write_snapshot(connection, self.entity.name, self.mapping, mapped, lines, now)
            link_changes(connection, self.entity.name, row_id, record["id"])

    def _name_new_lines(self, connection: sa.Connection, sent: list[dict] | None,
                        answered: list[dict]) -> dict[int, str]:
        """Lines sent as new get the ids QuickBooks gave them (it answers the lines in the order sent);
        returns WMS line row id -> QuickBooks line id."""
        named: dict[int, str] = {}
        if self.lines_table is None or not sent or len(sent) != len(answered):
            return named
        for line, made in zip(sent, answered, strict=True):
            if line.get(LINE_ID) is None and line.get("id") is not None:
                connection.execute(self.lines_table.update().where(
                    self.lines_table.c.id == line["id"], self.lines_table.c.qbd_line_id.is_(None)).values(
                    qbd_line_id=made[LINE_ID]))
                named[line["id"]] = made[LINE_ID]
        return named

    def _merge_newer_lines(self, connection: sa.Connection, row_id: int, sent: list[dict] | None,
                           read: list[dict], answered: list[dict]) -> None:
        """The WMS changed lines while the push was in flight: keep those changes, take the rest from QuickBooks."""
        named = self._name_new_lines(connection, sent, answered)
        read = [{**line, LINE_ID: named.get(line.get("id"), line.get(LINE_ID))} for line in read]
        current = [r._asdict() for r in connection.execute(sa.select(self.lines_table).where(
            self.lines_table.c.header_id == row_id).order_by(self.lines_table.c.line_number))]
        merged = keep_newer_lines(self.entity, self.mapping, read, current, answered)
        connection.execute(self.lines_table.delete().where(self.lines_table.c.header_id == row_id))
        if merged:
            connection.execute(self.lines_table.insert(), [
                {**{k: v for k, v in line.items() if k not in ("id", "header_id")}, "header_id": row_id,
                 "line_number": number} for number, line in enumerate(merged, start=1)])

    def _record_conflicts(self, row_id: int, qbd_id: str, decisions) -> None:
        with self.engine.begin() as connection:
            self.stats.conflicts += record_conflicts(connection, conflict_rows(
                decisions, run_id=self.settings.run_id, entity=self.entity.name, row_id=row_id, qbd_id=qbd_id,
                now=utcnow()))

    def _plan(self, row_id: int, qbd_id: str | None, action: str, **detail) -> None:
        self.stats.plan.append({"entity": self.entity.name, "row_id": row_id, "qbd_id": qbd_id, "action": action,
                                **detail})

    # one-way entities and records QuickBooks deleted ----------------------------------------
    def _restore(self, row_id: int, changes: list) -> Outcome:
        """A WMS edit of a QuickBooks-only entity is not pushed: QuickBooks' version is put back."""
        what = f"{self.entity.name} flow from QuickBooks to the WMS only; WMS edits are not pushed"
        read = self._read(row_id)
        qbd_id = (read.row or {}).get("qbd_id") or next((c.qbd_id for c in reversed(changes) if c.qbd_id), None)
        if qbd_id is None:
            reason = f"{what}; this row was made in the WMS, has no QuickBooks record and is not synced"
            self._plan(row_id, None, "skip", reason=reason)
            return skipped(reason)
        qbd = resources_of(self.entity.name)[0]
        if self.settings.dry_run:
            self._plan(row_id, qbd_id, "restore", reason=what)
            return PLANNED
        read_at = utcnow()
        record = self._retrieve(qbd, qbd_id)
        if record is None:
            with self.engine.begin() as connection:
                deletes.mark_deleted(connection, self.entity.name, {qbd_id: read_at}, run_id=self.settings.run_id,
                                     now=read_at, source="found missing when restoring it")
            return skipped(f"{what}; the record was deleted in QuickBooks and is marked so in the WMS")
        if read.row is None:  # deleted in the WMS: QuickBooks still has it, so it comes back
            from ..wms.load import load_batch

            with self.engine.begin() as connection:
                load_batch(connection, self.mapping, qbd, [record], run_id=self.settings.run_id, read_at=read_at)
            return skipped(f"{what}; the deleted row was restored from QuickBooks")
        self._write_back(qbd, record, row_id, newest_change=None, read_at=read_at, sent_lines=None)
        return skipped(f"{what}; QuickBooks' values were restored")

    def _edit_of_deleted(self, row: dict, changes: list) -> Outcome:
        """The WMS edited a record QuickBooks has deleted: the delete stands, recorded as a conflict."""
        when = row["qbd_deleted_at"].isoformat(timespec="seconds")
        if not self.settings.dry_run:
            with self.engine.begin() as connection:
                deletes.record_edit_lost(connection, self.entity.name, {row["qbd_id"]: (row["id"], changes)},
                                         run_id=self.settings.run_id, now=utcnow())
            self.stats.conflicts += 1
        reason = deletes.reason(f"at {when}")
        self._plan(row["id"], row["qbd_id"], "skip", reason=reason)
        return skipped(reason)

    def _gone(self, row: dict) -> Outcome:
        """QuickBooks no longer has a record the WMS is editing: mark it deleted, skip the edit."""
        now = utcnow()
        with self.engine.begin() as connection:
            deletes.mark_deleted(connection, self.entity.name, {row["qbd_id"]: now}, run_id=self.settings.run_id,
                                 now=now, source="found missing when pushing a WMS edit")
        self.stats.conflicts += 1
        self._after_transaction({}, self._read(row["id"]).lines)  # the delete moved its items' stock figures
        return skipped(deletes.reason("found missing when pushing a WMS edit"))

    # create ---------------------------------------------------------------------------------
    def _identity(self, row: dict, qbd: QbdResource) -> str | None:
        if qbd.kind != "transaction":
            return None
        return row.get("external_id") or str(uuid.uuid5(
            IDENTITY_NAMESPACE, f"{self.conductor.end_user_id}:{self.entity.name}:{row['id']}"))

    def _find_existing(self, qbd: QbdResource, row: dict, body: dict,
                       since: datetime | None = None) -> dict | None:
        """The record a previous attempt may already have created (unknown outcome).

        A list object is found by its unique name (which also finds one QuickBooks already had). A
        transaction is found by its `externalId` among those of its date, then, should the WMS have
        changed the date since, among those QuickBooks changed after `since` (a day of clock skew spared).
        """
        if qbd.kind != "list":
            found = self._search(qbd, {"transactionDateFrom": body["transactionDate"],
                                       "transactionDateTo": body["transactionDate"]},
                                 lambda r: r.get("externalId") == body["externalId"])
            if found is None and since is not None:
                after = (since - timedelta(days=1)).isoformat(timespec="seconds")
                found = self._search(qbd, {"updatedAfter": after}, lambda r: r.get("externalId") == body["externalId"])
            return found
        name = body.get("name")
        if row.get("parent_qbd_id") and row.get("parent_name"):
            name = f"{row['parent_name']}:{name}"
        key = "name" if qbd.path == "vendors" else "fullName"
        return self._search(qbd, {"nameFrom": name, "nameTo": name, "status": "all"},
                            lambda r: (r.get(key) or "").lower() == name.lower())

    def _search(self, qbd: QbdResource, query: dict, match) -> dict | None:
        """The first record of a listing that `match`es (every page read until found)."""
        if qbd.paginated:
            query = {**query, "limit": 150}
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

    def _create(self, row: dict, lines: list[dict], qbd: QbdResource, changes: list, newest_change: int) -> Outcome:
        fields = [c.name for c in self.mapping.columns if not c.readonly]
        unsent: list[Unsent] = []
        body = header_body(self.mapping, qbd, row, fields, create=True, qbd_record=None, unsent=unsent)
        if self.mapping.lines is not None:
            body["lines"] = lines_body(self.mapping, qbd, lines, create=True)
        identity = self._identity(row, qbd)
        if identity:
            body["externalId"] = identity
        if self.settings.dry_run:
            self._plan(row["id"], None, "create", body=body)
            return PLANNED
        since = min(c.changed_at for c in changes)
        earlier_attempt = identity is None or row.get("external_id") == identity
        if identity and not earlier_attempt:
            with self.engine.begin() as connection, sync_writer(connection):  # the identity survives retries
                connection.execute(self.header.update().where(self.header.c.id == row["id"]).values(
                    external_id=identity))
        # A transaction no attempt has sent cannot exist yet; a list object's name may be taken already.
        record = self._find_existing(qbd, row, body, since) if earlier_attempt else None
        if record is not None:
            return self._adopt(row, lines, qbd, record, changes, newest_change)
        sent_at = utcnow()
        try:
            record = self._call("post", f"/quickbooks-desktop/{qbd.path}", body)
        except Transient:
            record = self._find_existing(qbd, row, body, since)  # did it commit before the answer was lost?
            if record is None:
                raise
            return self._adopt(row, lines, qbd, record, changes, newest_change)
        self._store(qbd, record, row["id"], newest_change, sent_at, sent_lines=lines, read_lines=lines)
        self.stats.created += 1
        if unsent:
            self._record_conflicts(row["id"], record["id"], [
                u.decision(comparable(self.mapping, row, lines), {}) for u in unsent])
        return PUSHED

    def _after_transaction(self, record: dict, wms_lines: list[dict] | None = None) -> None:
        """Posting an adjustment or an order moves stock figures that only QuickBooks computes: for the
        items on its lines now, and on lines it had before (a removed line, a changed item)."""
        if self.mapping.lines is not None and self.entity.name != "invoices":
            before = {ln.get("item_qbd_id") for ln in wms_lines or [] if ln.get("item_qbd_id")}
            refresh_stock(self.conductor, self.engine, item_ids_in([record]) | before)

    def _adopt(self, row: dict, lines: list[dict], qbd: QbdResource, record: dict, changes: list,
               newest_change: int) -> Outcome:
        """QuickBooks already has this record (an earlier attempt made it, or it was there already).

        Link it unless another WMS row owns it, then merge against what the create sent: fields and
        lines the WMS left empty take QuickBooks' values, WMS edits made since go to QuickBooks.
        """
        with self.engine.connect() as connection:
            owner = connection.execute(sa.select(self.header.c.id).where(
                self.header.c.qbd_id == record["id"], self.header.c.id != row["id"])).scalar()
        if owner is not None:
            label = record.get("fullName") or record.get("name") or record["id"]
            raise Rejected(f"QuickBooks already has {qbd.type_name} {label} ({record['id']}), "
                           f"linked to WMS row {owner}")
        qbd_row, qbd_lines = map_record(self.mapping, qbd, record, utcnow())
        paired = self.lines_table is not None and len(lines) == len(qbd_lines)
        with self.engine.begin() as connection, sync_writer(connection):
            connection.execute(self.header.update().where(self.header.c.id == row["id"]).values(
                qbd_id=record["id"], qbd_revision_number=record["revisionNumber"],
                qbd_updated_at=parse_instant(record["updatedAt"])))
            link_changes(connection, self.entity.name, row["id"], record["id"])
            if paired:
                for line, made in zip(lines, qbd_lines, strict=True):
                    connection.execute(self.lines_table.update().where(self.lines_table.c.id == line["id"]).values(
                        qbd_line_id=made[LINE_ID]))
        row = {**row, "qbd_id": record["id"], "qbd_revision_number": record["revisionNumber"]}
        if paired:
            lines = [{**line, LINE_ID: made[LINE_ID]} for line, made in zip(lines, qbd_lines, strict=True)]
        self.stats.created += 1
        qbd_view = comparable(self.mapping, qbd_row, qbd_lines)
        base = adopted_base(comparable(self.mapping, row, lines), qbd_view)
        return self._update(row, lines, qbd, changes, newest_change, base=base)

    # update ---------------------------------------------------------------------------------
    def _update(self, row: dict, lines: list[dict], qbd: QbdResource, changes: list, newest_change: int,
                base: dict | None = None) -> Outcome:
        times = field_times(changes)
        unconfirmed: list[dict] = []  # lines sent as new by an attempt whose answer was lost
        problem: Exception | None = None
        for _attempt in range(self.settings.max_revision_retries + 1):
            read_at = utcnow()
            record = self._retrieve(qbd, row["qbd_id"])
            if record is None:
                return self._gone(row)
            qbd_row, qbd_lines = map_record(self.mapping, qbd, record, utcnow(), read_at)
            qbd_view = comparable(self.mapping, qbd_row, qbd_lines)
            agreed = base
            with self.engine.connect() as connection:
                if agreed is None:
                    raw = read_snapshots(connection, self.entity.name, [row["qbd_id"]]).get(row["qbd_id"])
                    if sent_lines_pending(connection, self.entity.name, [row["qbd_id"]]):
                        lines = self._pair_new_lines(lines, qbd_lines, raw)  # an unanswered push sent them
                    agreed = read_agreed(connection, self.entity.name, {row["qbd_id"]: qbd_view}).get(row["qbd_id"])
                elif unconfirmed:
                    lines = self._pair_new_lines(lines, qbd_lines, agreed)
                prior = prior_decisions(connection, self.entity.name, [row["qbd_id"]]).get(row["qbd_id"], {})
            wms_view = comparable(self.mapping, row, lines)
            if agreed is None:
                agreed = inferred_base(wms_view, qbd_view, changed_fields(changes),
                                       qbd_moved=row.get("qbd_revision_number") != record.get("revisionNumber"))
            result = merge(self.entity, self.mapping, agreed, wms_view, qbd_view, times=times,
                           wms_time=row.get("updated_at"), qbd_time=parse_instant(record["updatedAt"]), prior=prior)
            unsent: list[Unsent] = []
            body = header_body(self.mapping, qbd, row, result.to_qbd(qbd_view, wms_view), create=False,
                               qbd_record=record, unsent=unsent)
            sent_lines = None
            if result.lines_to_qbd(wms_view, qbd_view):
                sent_lines = typed_lines(result.lines, lines, qbd_lines)
                body["lines"] = lines_body(self.mapping, qbd, sent_lines, create=False, current=qbd_lines,
                                           unsent=unsent)
            if self.settings.dry_run:
                self._plan(row["id"], row["qbd_id"], "update" if body else "none", body=body, decisions=[
                    {"field": d.field, "wms": d.wms, "qbd": d.qbd, "agreed": d.base, "winner": d.winner,
                     "rule": d.rule} for d in result.decisions], unsent=[u.field for u in unsent])
                return PLANNED
            if body:
                body["revisionNumber"] = record["revisionNumber"]
                sent_fields = [f for f in result.to_qbd(qbd_view, wms_view) if f not in {u.field for u in unsent}]
                self._intend(row["qbd_id"], push_intent(result, wms_view, qbd_view, sent_fields, bool(sent_lines)))
                read_at = utcnow()
                try:
                    record = self._call("post", f"/quickbooks-desktop/{qbd.path}/{row['qbd_id']}", body)
                except Rejected as exc:
                    self._intend(row["qbd_id"], None)  # refused: nothing of it reached QuickBooks
                    if exc.stale:
                        problem = exc
                        continue  # edited in QuickBooks since we read it: merge again
                    if exc.not_found and self._retrieve(qbd, row["qbd_id"]) is None:
                        return self._gone(row)
                    raise  # a reference (an item, a line id) QuickBooks does not have
                except Transient as exc:
                    problem = exc
                    unconfirmed = [ln for ln in sent_lines or [] if ln.get(LINE_ID) is None]
                    continue  # maybe applied: the next read and merge will tell
                self.stats.updated += 1
            self._record_conflicts(row["id"], row["qbd_id"], [*result.decisions, *(
                u.decision(wms_view, qbd_view) for u in unsent)])
            self._store(qbd, record, row["id"], newest_change, read_at, sent_lines, lines, qbd_lines)
            return PUSHED
        if isinstance(problem, Transient):
            raise Transient(f"{qbd.type_name} {row['qbd_id']}: {problem}")
        raise Transient(f"{qbd.type_name} {row['qbd_id']} kept changing in QuickBooks; will merge again later")

    def _pair_new_lines(self, lines: list[dict], qbd_lines: list[dict], agreed: dict | None) -> list[dict]:
        """Lines the WMS added that an earlier push sent without its answer coming back: link them to the
        QuickBooks lines it made (see `merge.pair_new_lines`), so they are not added a second time."""
        if self.lines_table is None or all(line.get(LINE_ID) for line in lines):
            return lines
        known = {ln.get(LINE_ID) for ln in lines} | {ln.get(LINE_ID) for ln in (agreed or {}).get(LINES) or []}
        paired = pair_new_lines(lines, qbd_lines, known, [c.name for c in self.mapping.lines.columns
                                                          if not c.readonly])
        if not paired:
            return lines
        with self.engine.begin() as connection, sync_writer(connection):
            for index, line_id in paired.items():
                connection.execute(self.lines_table.update().where(
                    self.lines_table.c.id == lines[index]["id"]).values(qbd_line_id=line_id))
        return [{**line, LINE_ID: paired[i]} if i in paired else line for i, line in enumerate(lines)]

    def _intend(self, qbd_id: str, intent: dict | None) -> None:
        with self.engine.begin() as connection:
            record_intent(connection, self.entity.name, qbd_id, intent)

    # delete ---------------------------------------------------------------------------------
    def _delete(self, row_id: int, qbd_id: str) -> Outcome:
        """Deactivate a list object, delete a transaction. If QuickBooks changed the record since the
        two sides last agreed, the WMS's delete still stands and the lost edit is recorded as a conflict."""
        qbd, record = resources_of(self.entity.name)[0], None
        for candidate in resources_of(self.entity.name):
            record = self._retrieve(candidate, qbd_id)
            if record is not None or not self.mapping.has_item_type:
                qbd = candidate
                break
        if self.settings.dry_run:
            self._plan(row_id, qbd_id, "deactivate" if qbd.kind == "list" else "delete")
            return PLANNED
        with self.engine.connect() as connection:
            agreed, data = connection.execute(sa.select(
                sync_snapshots.c.qbd_revision_number, sync_snapshots.c.data).where(
                sync_snapshots.c.entity == self.entity.name, sync_snapshots.c.qbd_id == qbd_id)).one_or_none() \
                or (None, None)
        # The WMS row and its lines are gone; the agreed version still names the items it held.
        agreed_lines = json.loads(data).get(LINES, []) if data else []
        if record is not None and agreed is not None and record["revisionNumber"] != agreed:
            self._record_conflicts(row_id, qbd_id, [Decision(
                deletes.FIELD, "deleted", "edited since the last sync", None, "wms", "deleted_in_wms")])
        if qbd.kind == "list":  # list objects cannot be deleted through the API: make them inactive
            for _attempt in range(self.settings.max_revision_retries + 1):
                if record is None or record.get("isActive") is False:
                    break
                try:
                    self._call("post", f"/quickbooks-desktop/{qbd.path}/{qbd_id}",
                               {"revisionNumber": record["revisionNumber"], "isActive": False})
                    break
                except Rejected as exc:
                    if not exc.stale:
                        raise
                record = self._retrieve(qbd, qbd_id)
            else:
                raise Transient(f"{qbd_id} kept changing in QuickBooks")
        else:
            if record is not None:
                self._call("delete", f"/quickbooks-desktop/{qbd.path}/{qbd_id}")
            self._after_transaction(record or {}, agreed_lines)
        with self.engine.begin() as connection:
            connection.execute(sync_snapshots.delete().where(sync_snapshots.c.entity == self.entity.name,
                                                             sync_snapshots.c.qbd_id == qbd_id))
        self.stats.deleted += 1
        return PUSHED


__all__ = ["Offline", "Outcome", "PushSettings", "PushStats", "Pusher", "Rejected", "Transient"]
