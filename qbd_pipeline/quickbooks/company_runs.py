"""Which company file a run is for, and the requests that start runs per company file.

A pull run names its company in its partition key; every other run in its `qbd/end_user` tag (the
schedules and the sensor set it), else the deployment's `CONDUCTOR_END_USER_ID`.
"""

from datetime import datetime

import dagster as dg
import sqlalchemy as sa

from ..conductor.resource import ConductorResource
from ..settings import COMPANY_TAG, default_company
from ..sync import companies
from ..sync.gates import Gate, gate
from .partitions import company_in_tags, ensure_companies


def company_of_run(context: dg.OpExecutionContext | dg.AssetCheckExecutionContext,
                   conductor: ConductorResource | None = None) -> str:
    """The company file of the running job: its tag, else the Conductor resource's configured end user
    (the deployment's default, `CONDUCTOR_END_USER_ID`); a run naming none fails with one line saying
    how to name it."""
    configured = conductor.end_user_id if conductor is not None else None
    company = company_in_tags(context.run.tags) or configured or default_company()
    if not company:
        raise dg.Failure(description=f"this run names no company file: launch it with the tag {COMPANY_TAG}=<Conductor "
                                     "end user id> (the schedules and the sensor set it), or set "
                                     "CONDUCTOR_END_USER_ID for a deployment of one company file",
                         allow_retries=False)
    return company


def active(engine: sa.Engine, instance: dg.DagsterInstance) -> list[companies.Company]:
    """The active company files, registering the deployment's default one first, each a partition."""
    with engine.begin() as connection:
        if default_company():
            companies.register(connection, default_company())
        found = companies.active_companies(connection)
    ensure_companies(instance, [c.id for c in found])
    return found


def gate_company(conductor: ConductorResource, company: companies.Company, now: datetime | None = None) -> Gate:
    """The gates (the company's quiet hours, its QuickBooks answering) for one company file."""
    return gate(conductor.for_company(company.id), now, quiet_hours=company.quiet_hours,
                quiet_timezone=company.quiet_timezone)
