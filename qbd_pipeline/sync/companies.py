"""The company files a deployment syncs (`companies`), as data: added, paused and tuned without code.

Every run of a company file registers it (a deployment of one company file needs no set-up), and
rows the WMS makes without naming a company go to the only active one; with several, the WMS names
it, and a change that does not is refused with that reason rather than left waiting unseen.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..settings import default_company
from ..spec import catalogue
from ..wms.schema import TABLES, companies, utcnow, wms_changes

ACTIVE, PAUSED = "active", "paused"
UNKNOWN = "COMPANY_UNKNOWN"


@dataclass(frozen=True)
class Company:
    id: str  # the Conductor end user id
    name: str | None = None
    status: str = ACTIVE
    pull_start: date | None = None
    quiet_hours: str | None = None
    quiet_timezone: str | None = None


def register(connection: sa.Connection, company: str) -> None:
    """Make sure `company` has its row (active); an existing row is left as the operator set it.

    Changes refused because their rows named this company file before it was registered
    (`COMPANY_UNKNOWN`) are pending again: registering it is their fix."""
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(companies)
    connection.execute(insert.values(id=company, status=ACTIVE, created_at=utcnow()).on_conflict_do_nothing())
    now = utcnow()
    connection.execute(wms_changes.update().where(
        wms_changes.c.status == "failed", wms_changes.c.error_code == UNKNOWN, wms_changes.c.company == company)
        .values(status="pending", attempts=0, next_attempt_at=now, handled_at=None, error_code=None,
                last_error=sa.func.substr(sa.literal(f"company file {company} registered at "
                                                     f"{now.isoformat(timespec='seconds')}: pending again; it had "
                                                     "failed with: ") + wms_changes.c.last_error, 1, 4000)))


def refuse_unregistered(connection: sa.Connection, run_id: str) -> int:
    """Pending changes of rows naming a company file nobody registered fail with the reason, instead of
    waiting unseen; registering the company file makes them pending again (`register`)."""
    registered_by_every_run = [default_company()] if default_company() else []
    return connection.execute(wms_changes.update().where(
        wms_changes.c.status == "pending", wms_changes.c.company.is_not(None),
        wms_changes.c.company.not_in(sa.select(companies.c.id)),
        wms_changes.c.company.not_in(registered_by_every_run)).values(
        status="failed", run_id=run_id, handled_at=utcnow(), claimed_by=None, claimed_at=None, error_code=UNKNOWN,
        last_error=sa.literal(catalogue.message(UNKNOWN) + ": ") + wms_changes.c.company
        + sa.literal(f"; {catalogue.CATALOGUE[UNKNOWN].fix}"))).rowcount


def get(connection: sa.Connection, company: str) -> Company | None:
    return next((c for c in all_companies(connection) if c.id == company), None)


def all_companies(connection: sa.Connection) -> list[Company]:
    rows = connection.execute(sa.select(companies.c.id, companies.c.name, companies.c.status, companies.c.pull_start,
                                        companies.c.quiet_hours, companies.c.quiet_timezone)
                              .order_by(companies.c.id)).all()
    return [Company(*row) for row in rows]


def active_companies(connection: sa.Connection) -> list[Company]:
    return [c for c in all_companies(connection) if c.status == ACTIVE]


def unnamed_owner(connection: sa.Connection) -> str | None:
    """The company file rows without one belong to: the only active company, else none."""
    active = active_companies(connection)
    return active[0].id if len(active) == 1 else None


def name_unnamed_changes(connection: sa.Connection, entity: str) -> int:
    """Pending changes recorded before their row named its company file learn it from the row now."""
    header = TABLES[entity][0]
    owner = sa.select(header.c.company).where(header.c.id == wms_changes.c.row_id).scalar_subquery()
    return connection.execute(wms_changes.update().where(
        wms_changes.c.entity == entity, wms_changes.c.status == "pending", wms_changes.c.company.is_(None),
        sa.exists().where(header.c.id == wms_changes.c.row_id, header.c.company.is_not(None)))
        .values(company=owner)).rowcount


def refuse_unnamed_changes(connection: sa.Connection, entity: str, run_id: str) -> int:
    """With several company files, a pending change of a row naming none cannot be pushed: it fails with
    the reason (an operator retries it once the row names its company)."""
    return connection.execute(wms_changes.update().where(
        wms_changes.c.entity == entity, wms_changes.c.status == "pending", wms_changes.c.company.is_(None))
        .values(status="failed", run_id=run_id, handled_at=utcnow(), claimed_by=None, claimed_at=None,
                error_code="COMPANY_UNNAMED",
                last_error=catalogue.message("COMPANY_UNNAMED", "set the row's `company` column to the Conductor "
                                                                "end user id of its QuickBooks company file, then "
                                                                "retry the change (job wms_failed_changes)"))).rowcount
