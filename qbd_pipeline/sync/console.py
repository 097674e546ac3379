"""What an operator needs to see, per company file and entity, read from the WMS in a few queries.

The Dagster UI shows it as the asset `operator/sync_status` (see `console/`), so nobody needs SQL:
the open errors of both directions (one per record, with what to do), every conflict decided lately
(field, both values, winner, rule, record), the last successful sync and the last attempt per
direction, and what is waiting and why. It reads the WMS views `sync_error_list` and `sync_status`,
which stay what the warehouse app reads, so the UI and the app never disagree.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ..spec import catalogue
from ..wms.schema import companies, sync_conflicts, sync_errors, sync_runs, wms_changes
from . import conflicts
from .companies import ACTIVE, PAUSED

LISTED = 200  # errors listed in one view of the console; the counts are of all of them
CONFLICT_DAYS = 7  # conflicts decided within this many days are listed ...
CONFLICTS_LISTED = 100  # ... up to this many, newest first


@dataclass(frozen=True)
class Console:
    as_of: datetime
    companies: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    open_errors: int = 0
    failed_pushes: int = 0
    open_pull_errors: int = 0
    conflicts: list[dict] = field(default_factory=list)
    conflicts_last_day: int = 0
    last_sync: list[dict] = field(default_factory=list)
    waiting: list[dict] = field(default_factory=list)
    pending_changes: int = 0
    stuck_changes: int = 0  # pending changes no push-back will take until someone acts (paused, unknown, unnamed)


def what_to_do(code: str | None) -> str:
    """The catalogue's fix for an error's code (failures recorded before codes were: QuickBooks refused)."""
    return (catalogue.entry(code) or catalogue.CATALOGUE["QUICKBOOKS_REFUSED"]).fix


def _instant(value) -> datetime | None:
    """A timestamp as views return it (SQLite: UTC text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc)


def _when(value) -> str:
    moment = _instant(value)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _short(text: str | None, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "..."


def _errors(connection: sa.Connection) -> tuple[list[dict], dict[tuple, int]]:
    rows = connection.execute(sa.text(
        "SELECT direction, company, entity, qbd_id, wms_row_id, code, message, first_seen_at, last_seen_at, attempts "
        "FROM sync_error_list ORDER BY last_seen_at DESC")).all()
    per: dict[tuple, int] = {}
    listed = []
    for r in rows:
        per[(r.company, r.direction)] = per.get((r.company, r.direction), 0) + 1
        if len(listed) < LISTED:
            listed.append({"company": r.company or "-", "direction": r.direction, "entity": r.entity,
                           "qbd_id": r.qbd_id or "-", "wms_row_id": r.wms_row_id if r.wms_row_id is not None else "-",
                           "code": r.code, "message": _short(r.message), "what_to_do": what_to_do(r.code),
                           "first_seen": _when(r.first_seen_at), "last_seen": _when(r.last_seen_at),
                           "attempts": r.attempts})
    return listed, per


def _conflicts(connection: sa.Connection, now: datetime) -> tuple[list[dict], int]:
    since = now - timedelta(days=CONFLICT_DAYS)
    rows = [r._asdict() for r in connection.execute(sa.select(sync_conflicts).where(
        sync_conflicts.c.decided_at >= since).order_by(sync_conflicts.c.id.desc()).limit(CONFLICTS_LISTED))]
    last_day = connection.execute(sa.select(sa.func.count()).select_from(sync_conflicts).where(
        sync_conflicts.c.decided_at >= now - timedelta(days=1))).scalar_one()
    listed = [{"decided": _when(r["decided_at"]), "company": r["company"] or "-", **row, "run_id": r["run_id"][:8]}
              for r, row in zip(rows, conflicts.table_rows(rows), strict=True)]
    return listed, last_day


def _failed_runs(connection: sa.Connection) -> list[dict]:
    """Entities whose latest run in a direction failed as a whole (the WMS went away, a lock was held
    too long, the key was refused, QuickBooks was offline): an error of the run, not of a record."""
    rows = connection.execute(sa.text(
        "SELECT company, entity, direction, last_attempt_at, last_error FROM sync_status "
        "WHERE last_status = 'failed' ORDER BY company, entity, direction")).all()
    return [{"company": r.company or "-", "direction": r.direction, "entity": r.entity, "qbd_id": "-",
             "wms_row_id": "-", "code": catalogue.code_of(r.last_error) or "RUN_FAILED",
             "message": _short(r.last_error), "what_to_do": what_to_do(catalogue.code_of(r.last_error) or "RUN_FAILED"),
             "first_seen": _when(r.last_attempt_at), "last_seen": _when(r.last_attempt_at), "attempts": 1}
            for r in rows]


def _last_sync(connection: sa.Connection) -> list[dict]:
    rows = connection.execute(sa.text(
        "SELECT company, entity, direction, last_success_at, last_attempt_at, last_status, last_error "
        "FROM sync_status ORDER BY company, entity, direction")).all()
    return [{"company": r.company or "-", "entity": r.entity, "direction": r.direction,
             "last_success": _when(r.last_success_at), "last_attempt": _when(r.last_attempt_at),
             "last_status": r.last_status, "last_error": _short(r.last_error, 160) if r.last_error else ""}
            for r in rows]


def _waiting(connection: sa.Connection, known: dict[str, str], now: datetime) -> list[dict]:
    state = sa.case((wms_changes.c.claimed_by.is_not(None), "claimed"),
                    (wms_changes.c.attempts > 0, "retrying"), else_="due")
    rows = connection.execute(sa.select(
        wms_changes.c.company, wms_changes.c.entity, state.label("state"), sa.func.count().label("changes"),
        sa.func.min(wms_changes.c.changed_at).label("oldest"), sa.func.min(wms_changes.c.next_attempt_at).label("next"),
        sa.func.max(wms_changes.c.attempts).label("attempts"), sa.func.max(wms_changes.c.claimed_by).label("run"))
        .where(wms_changes.c.status == "pending").group_by(wms_changes.c.company, wms_changes.c.entity, state)
        .order_by(wms_changes.c.company, wms_changes.c.entity)).all()
    active = sorted(c for c, status in known.items() if status == ACTIVE)
    found = []
    for r in rows:
        stuck = True
        if r.company is None and len(active) != 1:
            why = (f"the rows name no company file while {len(active)} are active: set each row's `company` "
                   "(the push-back refuses them with this reason)")
        elif r.company is not None and r.company not in known:
            why = f"company file {r.company} is not registered: `qbd-pipeline companies add {r.company}`"
        elif known.get(r.company) == PAUSED:
            why = f"company file {r.company} is paused: `qbd-pipeline companies resume {r.company}`"
        else:
            stuck = False
            target = r.company or active[0]
            if r.state == "claimed":
                why = f"being pushed to {target} by run {r.run[:8]}"
            elif r.state == "retrying" and _instant(r.next) > now:
                why = (f"failed {r.attempts} time(s); the next attempt is due at {_when(r.next)} (wms_change_sensor "
                       "starts it)")
            else:
                why = f"due: the next push-back run of {target} sends it (wms_change_sensor starts one)"
        found.append({"company": r.company or "(none named)", "entity": r.entity, "changes": r.changes,
                      "oldest_change": _when(r.oldest), "why": why, "stuck": stuck})
    return found


def read_console(connection: sa.Connection, now: datetime | None = None) -> Console:
    """The whole console, every company file: a handful of queries, lists capped (`LISTED`)."""
    now = now or datetime.now(timezone.utc)
    known = dict(connection.execute(sa.select(companies.c.id, companies.c.status)).all())
    errors, per_company = _errors(connection)
    listed_conflicts, last_day = _conflicts(connection, now)
    last_sync = _last_sync(connection)
    failed_runs = _failed_runs(connection)
    errors = failed_runs + errors
    waiting = _waiting(connection, known, now)
    summary = []
    for company in sorted(set(known) | {k[0] for k in per_company if k[0]} | {w["company"] for w in waiting}):
        mine = [s for s in last_sync if s["company"] == company]
        summary.append({
            "company": company, "status": known.get(company, "not registered"),
            "open_pull_errors": per_company.get((company, "pull"), 0),
            "failed_pushes": per_company.get((company, "push"), 0),
            "pending_changes": sum(w["changes"] for w in waiting if w["company"] == company),
            "last_pull_success": max((s["last_success"] for s in mine if s["direction"] == "pull"
                                      and s["last_success"] != "-"), default="-"),
            "last_push_success": max((s["last_success"] for s in mine if s["direction"] == "push"
                                      and s["last_success"] != "-"), default="-"),
        })
    pull_errors = sum(n for (_c, d), n in per_company.items() if d == "pull")
    push_errors = sum(n for (_c, d), n in per_company.items() if d == "push")
    return Console(as_of=now, companies=summary, errors=errors,
                   open_errors=pull_errors + push_errors + len(failed_runs),
                   failed_pushes=push_errors, open_pull_errors=pull_errors, conflicts=listed_conflicts,
                   conflicts_last_day=last_day, last_sync=last_sync, waiting=waiting,
                   pending_changes=sum(w["changes"] for w in waiting),
                   stuck_changes=sum(w["changes"] for w in waiting if w["stuck"]))


def fingerprint(connection: sa.Connection) -> str:
    """A cheap summary that changes whenever the console would (indexed counts and maxima): the sensor
    reads the whole console only when this moved."""
    open_changes = wms_changes.c.status.in_(("pending", "failed"))
    values = connection.execute(sa.select(
        sa.select(sa.func.max(wms_changes.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).where(open_changes).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(wms_changes.c.attempts), 0)).where(open_changes).scalar_subquery(),
        sa.select(sa.func.max(sync_runs.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).where(sync_runs.c.status == "running").scalar_subquery(),
        sa.select(sa.func.max(sync_errors.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).where(sync_errors.c.resolved_at.is_(None)).scalar_subquery(),
        sa.select(sa.func.max(sync_conflicts.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).where(companies.c.status == ACTIVE).scalar_subquery(),
        sa.select(sa.func.count()).select_from(companies).scalar_subquery(),
    )).one()
    return ":".join("-" if v is None else str(v) for v in values)
