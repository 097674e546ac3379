"""`wms_change_sensor`: start a push-back run per company file whose WMS changes are due, when none
of that company's is in progress and its QuickBooks answers (see `sync.gates`).

The `wms_changes.status` column is the ledger of what is done, not the sensor cursor: a failed run
leaves its changes pending (or failed, with a reason) and a later tick starts a run that retries
them once their backoff has passed. A tick is one indexed grouped COUNT query, a look at running
runs and, only for a company with work, a briefly cached health check.
"""

import dagster as dg
import sqlalchemy as sa

from ..conductor.resource import ConductorResource
from ..quickbooks.company_runs import active, gate_company
from ..settings import COMPANY_TAG
from ..sync.companies import refuse_unregistered
from ..wms.resources import WmsDatabase
from ..wms.schema import utcnow, wms_changes
from .jobs import live_push_runs, wms_push_back


def due_by_company(connection: sa.Connection) -> dict[str | None, tuple[int, int]]:
    """Pending changes whose time has come, per company file (None: rows naming none): (count, newest id)."""
    rows = connection.execute(sa.select(wms_changes.c.company, sa.func.count(), sa.func.max(wms_changes.c.id)).where(
        wms_changes.c.status == "pending", wms_changes.c.next_attempt_at <= utcnow()).group_by(wms_changes.c.company))
    return {company: (count, newest) for company, count, newest in rows}


@dg.sensor(job=wms_push_back, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Pending rows in wms_changes -> one wms_push_back run at a time per company file, while its "
                       "QuickBooks answers.")
def wms_change_sensor(context: dg.SensorEvaluationContext, wms: WmsDatabase, conductor: ConductorResource):
    engine = wms.engine()
    with engine.begin() as connection:
        # Rows naming a company file nobody registered would wait unseen: they fail with the reason.
        refused = refuse_unregistered(connection, "wms_change_sensor")
        due = due_by_company(connection)
    if refused:
        context.log.info(f"{refused} change(s) naming a company file that is not registered refused (COMPANY_UNKNOWN)")
    if not due:
        return dg.SkipReason("no pending WMS changes")
    companies = {c.id: c for c in active(engine, context.instance)}
    unnamed = due.pop(None, None)
    if unnamed and companies:  # rows naming none: the only company's, or refused by the first's push
        owner = sorted(companies)[0]
        count, newest = due.get(owner, (0, 0))
        due[owner] = (count + unnamed[0], max(newest, unnamed[1]))
    requests, waiting = [], []
    for company_id, (count, newest) in sorted(due.items(), key=lambda item: str(item[0])):
        company = companies.get(company_id)
        if company is None:
            waiting.append(f"{count} pending change(s) of {company_id} wait: the company file is paused or not "
                           "in `companies`")
            continue
        live = live_push_runs(context.instance, company_id, default=conductor.end_user_id)
        if live:
            waiting.append(f"{count} pending change(s) of {company_id}; push-back run {sorted(live)[0]} is still "
                           "in progress")
            continue
        allowed = gate_company(conductor, company)
        if not allowed.open:
            waiting.append(f"{count} pending WMS change(s) of {company_id} wait: {allowed.reason}")
            continue
        requests.append(dg.RunRequest(tags={COMPANY_TAG: company_id, "qbd/pending_changes": str(count),
                                            "qbd/newest_change": str(newest)}))
    if not requests:
        return dg.SkipReason("; ".join(waiting) or "no active company file")
    for reason in waiting:
        context.log.info(reason)
    return requests
