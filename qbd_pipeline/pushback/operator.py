"""`wms_failed_changes`: retry or dismiss failed push-back changes from the Dagster UI's launchpad."""

from typing import Literal

import dagster as dg
from pydantic import Field

from ..conductor.resource import ConductorResource
from ..quickbooks.checks import failed_pushes_check
from ..quickbooks.company_runs import company_of_run
from ..spec.entities import ENTITIES
from ..sync.failed_changes import resolve_failed, restore_dismissed
from ..wms.resources import WmsDatabase

JOB_NAME = "wms_failed_changes"
USER_TAG = "dagster/user"


class FailedChangesConfig(dg.Config):
    action: Literal["retry", "dismiss"] = Field(description="retry: push them again; dismiss: never push them")
    by: str = Field(description="Who decides (recorded with the changes).")
    reason: str = Field(description="Why (recorded with the changes).")
    entity: str = Field(default="", description="Only this entity's failed changes (empty: every entity).")
    change_ids: list[int] = Field(default_factory=list,
                                  description="Only these wms_changes ids (empty: every failed change of the entity).")


@dg.op(name="resolve_failed_changes", out=dg.Out(list), tags={"kind": "quickbooks"})
def _resolve(context: dg.OpExecutionContext, config: FailedChangesConfig, wms: WmsDatabase,
             conductor: ConductorResource) -> dg.Output:
    """Dismissed edits are not pushed, and their records get QuickBooks' version back: nothing stays
    different between the two sides. A dismissal restores records from the run's company file."""
    company = company_of_run(context, conductor)
    conductor = conductor.for_company(company)
    if config.action == "dismiss":
        conductor.require_for_step()
    # Who launched the run, where the deployment vouches for it (a run tagged with its signed-in user, as
    # Dagster+ tags them); otherwise `by` is what the operator typed (README: put the webserver behind a login).
    vouched = context.run.tags.get(USER_TAG)
    by = f"{config.by} (signed in as {vouched})" if vouched and config.by.strip() else config.by
    try:
        ids = resolve_failed(wms.engine(), action=config.action, entity=config.entity or None,
                             change_ids=config.change_ids or None, by=by, reason=config.reason,
                             run_id=context.run_id)
    except ValueError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    verb = "set to be pushed again" if config.action == "retry" else "dismissed"
    context.log.info(f"{len(ids)} failed change(s) {verb} by {config.by}: {ids[:50]}")
    restored = restore_dismissed(conductor, wms.engine(), ids, context.run_id) if config.action == "dismiss" else 0
    if restored:
        context.log.info(f"{restored} record(s) got QuickBooks' version back")
    for entity in ENTITIES:  # the entities' assets show what is left failed
        if entity.direction == "both" and (not config.entity or config.entity == entity.name):
            context.log_event(failed_pushes_check(entity, wms.engine(), company))
    return dg.Output(ids, metadata={"changes": len(ids), "restored": restored, "action": config.action,
                                    "by": config.by,
                                    "reason": config.reason, "ids": dg.MetadataValue.json(ids[:500])})


@dg.job(name=JOB_NAME, description="Retry or dismiss push-back changes that failed (who and why are recorded).")
def wms_failed_changes() -> None:
    _resolve()
