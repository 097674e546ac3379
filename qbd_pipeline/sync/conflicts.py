"""The conflict ledger (`sync_conflicts`): every decided conflict, written once and reused."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from ..wms.schema import sync_conflicts
from .bulk import any_of
from .merge import Decision, PriorDecision, value_key


def prior_decisions(connection: sa.Connection, entity: str, qbd_ids: list[str], *,
                    company: str) -> dict[str, dict[str, PriorDecision]]:
    """The latest recorded decision per record and field."""
    found: dict[str, dict[str, PriorDecision]] = defaultdict(dict)
    if not qbd_ids:
        return found
    for row in connection.execute(sa.select(
            sync_conflicts.c.qbd_id, sync_conflicts.c.field, sync_conflicts.c.wms_value,
            sync_conflicts.c.qbd_value, sync_conflicts.c.winner).where(
            sync_conflicts.c.entity == entity, sync_conflicts.c.company == company,
            any_of(connection, sync_conflicts.c.qbd_id, qbd_ids))
            .order_by(sync_conflicts.c.id)):
        found[row.qbd_id][row.field] = PriorDecision(row.wms_value, row.qbd_value, row.winner)
    return found


def conflict_rows(decisions: Iterable[Decision], *, run_id: str, entity: str, row_id: int | None,
                  qbd_id: str | None, now: datetime, company: str) -> list[dict]:
    """Rows for the conflicts decided now (not those an earlier run already decided)."""
    return [{"run_id": run_id, "company": company, "entity": entity, "row_id": row_id, "qbd_id": qbd_id,
             "field": d.field,
             "wms_value": value_key(d.wms), "qbd_value": value_key(d.qbd), "winner": d.winner, "rule": d.rule,
             "decided_at": now} for d in decisions if d.conflict and not d.recorded]


def record(connection: sa.Connection, rows: list[dict]) -> int:
    if rows:
        connection.execute(sync_conflicts.insert(), rows)
    return len(rows)


WINNER = {"wms": "the WMS wins", "qbd": "QuickBooks wins"}
SHOWN = 300  # characters of a value shown in a log line or table cell


def decided_in_run(connection: sa.Connection, run_id: str, entity: str, *, company: str,
                   limit: int = 500) -> list[dict]:
    """The conflicts a run decided for one entity of one company file, oldest first."""
    return [r._asdict() for r in connection.execute(sa.select(sync_conflicts).where(
        sync_conflicts.c.run_id == run_id, sync_conflicts.c.entity == entity, sync_conflicts.c.company == company)
        .order_by(sync_conflicts.c.id).limit(limit))]


def _shown(value: str | None) -> str:
    return "(none)" if value is None else value if len(value) <= SHOWN else value[:SHOWN] + "..."


def describe(conflict: dict) -> str:
    """One line an operator reads in the run log: the field of which record, both values, the winner and the rule."""
    record = conflict["qbd_id"] or "(not in QuickBooks yet)"
    row = f", WMS row {conflict['row_id']}" if conflict.get("row_id") is not None else ""
    return (f"conflict: {conflict['entity']}.{conflict['field']} of {record}{row}: WMS {_shown(conflict['wms_value'])} "
            f"vs QuickBooks {_shown(conflict['qbd_value'])} -> {WINNER.get(conflict['winner'], conflict['winner'])} "
            f"(rule {conflict['rule']})")


def table_rows(decided: list[dict]) -> list[dict]:
    """The same, as rows of a metadata table."""
    return [{"entity": c["entity"], "qbd_id": c["qbd_id"], "wms_row_id": c["row_id"], "field": c["field"],
             "wms_value": _shown(c["wms_value"]), "qbd_value": _shown(c["qbd_value"]),
             "winner": WINNER.get(c["winner"], c["winner"]), "rule": c["rule"]} for c in decided]
