"""Updating a QuickBooks record: read it, merge it with the WMS row against the agreed version,
send what the WMS side wins with the revision it was merged against, and on a stale revision read,
merge and send again."""

from ...conductor.errors import Rejected, Transient
from ...spec.entities import QbdResource
from ...wms.schema import utcnow
from ..changes import changed_fields
from ..conflicts import prior_decisions
from ..convert import map_record, parse_instant
from ..merge import LINE_ID, LINES, comparable, field_times, inferred_base, merge, push_intent, typed_lines
from ..snapshots import read_agreed, read_snapshots, record_intent, sent_lines_pending
from ..wire import Unsent, header_body, lines_body
from . import remove, writeback
from .checks import check_body
from .context import PLANNED, PUSHED, Outcome, PushContext


def update(ctx: PushContext, row: dict, lines: list[dict], qbd: QbdResource, changes: list, newest_change: int,
           base: dict | None = None) -> Outcome:
    times = field_times(changes)
    unconfirmed: list[dict] = []  # lines sent as new by an attempt whose answer was lost
    # Lines QuickBooks held before this push changed the record: the last agreed version (before any
    # attempt, of this run or an earlier one, whose answer was lost) and every version read. The stock
    # figures of their items move too, though a retry may find the change already made.
    held: list[dict] = []
    problem: Exception | None = None
    entity, mapping = ctx.entity, ctx.mapping
    for _attempt in range(ctx.settings.max_revision_retries + 1):
        read_at = utcnow()
        # The first read is served by the run's read-ahead (see `Pusher`); after a stale revision
        # (3200) or an unanswered request, QuickBooks' version is read again.
        record = ctx.quickbooks.retrieve(qbd, row["qbd_id"])
        if record is None:
            return remove.gone(ctx, row)
        qbd_row, qbd_lines = map_record(mapping, qbd, record, utcnow(), read_at)
        qbd_view = comparable(mapping, qbd_row, qbd_lines)
        held += qbd_lines
        agreed = base
        with ctx.engine.connect() as connection:
            if agreed is None:
                raw = read_snapshots(connection, entity.name, [row["qbd_id"]], company=ctx.company).get(row["qbd_id"])
                held += (raw or {}).get(LINES) or []
                if sent_lines_pending(connection, entity.name, [row["qbd_id"]], company=ctx.company):
                    lines = writeback.link_lines(ctx, lines, qbd_lines, raw)  # an unanswered push sent them
                agreed = read_agreed(connection, entity.name, {row["qbd_id"]: qbd_view},
                                     company=ctx.company).get(row["qbd_id"])
            elif unconfirmed:
                lines = writeback.link_lines(ctx, lines, qbd_lines, agreed)
            prior = prior_decisions(connection, entity.name, [row["qbd_id"]],
                                    company=ctx.company).get(row["qbd_id"], {})
        wms_view = comparable(mapping, row, lines)
        if agreed is None:
            agreed = inferred_base(wms_view, qbd_view, changed_fields(changes),
                                   qbd_moved=row.get("qbd_revision_number") != record.get("revisionNumber"))
        result = merge(entity, mapping, agreed, wms_view, qbd_view, times=times,
                       wms_time=row.get("updated_at"), qbd_time=parse_instant(record["updatedAt"]), prior=prior)
        unsent: list[Unsent] = []
        body = header_body(mapping, qbd, row, result.to_qbd(qbd_view, wms_view), create=False,
                           qbd_record=record, unsent=unsent)
        sent_lines = None
        if result.lines_to_qbd(wms_view, qbd_view):
            sent_lines = typed_lines(result.lines, lines, qbd_lines)
            body["lines"] = lines_body(mapping, qbd, sent_lines, create=False, current=qbd_lines, unsent=unsent)
        if ctx.settings.dry_run:
            ctx.plan(row["id"], row["qbd_id"], "update" if body else "none", body=body, decisions=[
                {"field": d.field, "wms": d.wms, "qbd": d.qbd, "agreed": d.base, "winner": d.winner,
                 "rule": d.rule} for d in result.decisions], unsent=[u.field for u in unsent])
            return PLANNED
        if body:
            body["revisionNumber"] = record["revisionNumber"]
            check_body(mapping, qbd, body, create=False)  # what QuickBooks would refuse costs no request
            sent_fields = [f for f in result.to_qbd(qbd_view, wms_view) if f not in {u.field for u in unsent}]
            _intend(ctx, row["qbd_id"], push_intent(result, wms_view, qbd_view, sent_fields, bool(sent_lines)))
            read_at = utcnow()
            try:
                record = ctx.quickbooks.update(qbd, row["qbd_id"], body)
            except Rejected as exc:
                _intend(ctx, row["qbd_id"], None)  # refused: nothing of it reached QuickBooks
                if exc.stale:
                    problem = exc
                    continue  # edited in QuickBooks since we read it: merge again
                if exc.not_found and ctx.quickbooks.retrieve(qbd, row["qbd_id"]) is None:
                    return remove.gone(ctx, row)
                raise  # a reference (an item, a line id) QuickBooks does not have
            except Transient as exc:
                problem = exc
                unconfirmed = [ln for ln in sent_lines or [] if ln.get(LINE_ID) is None]
                continue  # maybe applied: the next read and merge will tell
            ctx.stats.updated += 1
        ctx.record_conflicts(row["id"], row["qbd_id"], [*result.decisions, *(
            u.decision(wms_view, qbd_view) for u in unsent)])
        writeback.store(ctx, qbd, record, row["id"], newest_change, read_at, sent_lines, lines, held)
        return PUSHED
    if isinstance(problem, Transient):
        raise Transient(f"{qbd.type_name} {row['qbd_id']}: {problem}")
    raise Transient(f"{qbd.type_name} {row['qbd_id']} kept changing in QuickBooks; will merge again later")


def _intend(ctx: PushContext, qbd_id: str, intent: dict | None) -> None:
    """Write ahead what this push is about to send, so an unanswered one is recognised later."""
    with ctx.engine.begin() as connection:
        record_intent(connection, ctx.entity.name, qbd_id, intent, company=ctx.company)
