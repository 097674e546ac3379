"""How current each company file's copy of each entity is.

Dagster's freshness policy on a pull asset looks at the asset's newest materialization, whichever
company it was for: with fifty company files, one that has not pulled for a day hides behind the
forty-nine that have. This says it per company: `sync_state.last_success_at` is when a pull of the
entity last fetched its window completely for that company file, so its age is how far the WMS may
be behind that company's QuickBooks. Paused companies are left out (an operator stopped them), and
so are companies not due yet (their pull starts later, or they were added within the window).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..wms.schema import companies, sync_state
from .audit import Finding
from .companies import ACTIVE


@dataclass(frozen=True)
class Age:
    company: str
    entity: str
    last_success_at: datetime | None  # None: never pulled completely
    due_since: datetime  # when the company's first pull was due (added, or its pull start)


def ages(connection: sa.Connection, entities: list[str]) -> list[Age]:
    """Every active company file x entity, with its last complete pull: one query."""
    query = sa.select(companies.c.id, companies.c.created_at, companies.c.pull_start, sync_state.c.entity,
                      sync_state.c.last_success_at).select_from(companies.outerjoin(
                          sync_state, sync_state.c.company == companies.c.id)).where(companies.c.status == ACTIVE)
    found: dict[tuple[str, str], datetime | None] = {}
    due: dict[str, datetime] = {}
    for company, created_at, pull_start, entity, last_success_at in connection.execute(query):
        start = datetime.combine(pull_start, datetime.min.time(), created_at.tzinfo) if pull_start else None
        due[company] = max(created_at, start) if start else created_at
        if entity is not None:
            found[(company, entity)] = last_success_at
    return [Age(company, entity, found.get((company, entity)), due[company])
            for company in sorted(due) for entity in entities]


def _ago(row: dict) -> str:
    return "never pulled" if row["last_complete_pull"] == "never" else f"{row['hours']:g} h ago"


@dataclass(frozen=True)
class Verdict:
    finding: Finding
    severity: str  # "ERROR" past the fail window, "WARN" past the warn window, "" when fresh


def judge(rows: list[Age], entity: str, now: datetime, fail_after: timedelta, warn_after: timedelta) -> Verdict:
    """The entity's verdict over every company file: stale ones named, the oldest first."""
    mine = [r for r in rows if r.entity == entity]
    late, every = [], []
    for row in mine:
        since = row.last_success_at or row.due_since
        age = now - since
        judged = {"company": row.company, "last_complete_pull": row.last_success_at.isoformat(
            timespec="minutes") if row.last_success_at else "never", "hours": round(age.total_seconds() / 3600, 1),
            "over": "fail" if age > fail_after else "warn" if age > warn_after else "fresh"}
        every.append(judged)
        if age > warn_after:
            late.append(judged)
    late.sort(key=lambda r: -r["hours"])
    severity = "ERROR" if any(r["over"] == "fail" for r in late) else "WARN" if late else ""
    hours = f"{fail_after.total_seconds() / 3600:g} h"
    if late:
        named = ", ".join(f"{r['company']} ({_ago(r)})" for r in late[:10])
        more = f" and {len(late) - 10} more" if len(late) > 10 else ""
        description = (f"{len(late)} of {len(mine)} company file(s) behind on {entity} (stale after {hours}): "
                       f"{named}{more}")
    else:
        description = f"every active company file ({len(mine)}) pulled {entity} completely within {hours}"
    # Every active company file is in the verdict, fresh ones too: one added later shows from its first report.
    return Verdict(Finding(passed=not late, description=description, count=len(late), sample=late[:50],
                           figures={"companies": len(mine), "every_company": every[:200]}), severity)
