"""Asset checks on every pull asset, each on the asset whose data is wrong (see `sync.audit`).

Two groups, one step each per entity:
- from the WMS alone, run after every pull (the hourly job included): `no_sync_errors`,
  `no_failed_pushes`, `no_orphan_references`, `totals_match_lines`. None is blocking: a customer
  QuickBooks sent that the WMS could not take makes the customers asset's check fail, and the
  orders still pull (an order naming that customer is the orders' `no_orphan_references` finding,
  which names the customer's pull error).
- reading QuickBooks too, run by the daily `qbd_audit` job or on demand from the asset's page:
  `row_counts_match` (one request per object type) and `stock_on_hand_matches` (every stock item).

A fetch that failed is not a check finding: the materialization fails and says why, and the
failed step evaluates the WMS checks itself (`after_failed_fetch`), so they say what the WMS holds
instead of Dagster's "execution failed" for checks whose step never ran.
"""

from collections.abc import Callable, Iterator

import dagster as dg

from ..conductor.resource import ConductorResource
from ..reports import report_table
from ..spec.entities import ENTITIES, Entity
from ..sync import audit
from ..wms.resources import WmsDatabase
from .company_runs import company_of_run
from .keys import asset_key

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN

# name -> (applies to entity?, severity, description, finder)
WMS_CHECKS: dict[str, tuple[Callable[[str], bool], dg.AssetCheckSeverity, str, Callable]] = {
    "no_sync_errors": (lambda e: True, ERROR, "Every record QuickBooks sent is in the WMS (no open pull error).",
                       audit.pull_errors),
    "no_failed_pushes": (audit.pushes, ERROR, "No WMS change of this entity failed to reach QuickBooks.",
                         audit.failed_pushes),
    "no_orphan_references": (lambda e: bool(audit.reference_columns(e)), WARN,
                             "Every customer, vendor and item reference names a record the WMS holds.",
                             audit.orphan_references),
    "totals_match_lines": (lambda e: audit.total_column(e) is not None, ERROR,
                           "Every order's total equals the sum of its lines' amounts.", audit.totals_against_lines),
}
AUDIT_CHECKS: dict[str, tuple[Callable[[str], bool], dg.AssetCheckSeverity, str, Callable]] = {
    "row_counts_match": (lambda e: True, WARN, "QuickBooks and the WMS hold as many records, per object type "
                                               "(one QuickBooks request per type).", audit.row_counts),
    "stock_on_hand_matches": (audit.has_stock, WARN, "Quantity on hand agrees with QuickBooks for every stock "
                                                     "item (lists every stock item).", audit.stock_parity),
}


def _specs(entity: Entity, checks: dict) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec(name, asset=asset_key(entity.name), description=description)
            for name, (applies, _severity, description, _find) in checks.items() if applies(entity.name)]


def check_result(entity: str, name: str, severity: dg.AssetCheckSeverity, finding: audit.Finding
                 ) -> dg.AssetCheckResult:
    metadata: dict = {"found": dg.MetadataValue.int(finding.count)}
    if finding.sample:
        metadata["sample"] = report_table(finding.sample)
    for label, value in finding.figures.items():
        if isinstance(value, list):
            metadata[label] = report_table(value) if value else dg.MetadataValue.md("none")
        else:
            metadata[label] = dg.MetadataValue.json(value) if isinstance(value, dict) else value
    return dg.AssetCheckResult(asset_key=asset_key(entity), check_name=name, passed=finding.passed,
                               severity=severity, description=finding.description, metadata=metadata)


def as_evaluation(result: dg.AssetCheckResult, **overrides) -> dg.AssetCheckEvaluation:
    """A check result logged outside its check's own step (a failed fetch's step, a push op, a sensor)."""
    fields = {"asset_key": result.asset_key, "check_name": result.check_name, "passed": result.passed,
              "severity": result.severity, "description": result.description, "metadata": result.metadata}
    return dg.AssetCheckEvaluation(**{**fields, **overrides})


def after_failed_fetch(entity: Entity, engine, reason: str, company: str) -> list[dg.AssetCheckEvaluation]:
    """The WMS checks of an entity whose fetch failed, evaluated on what the WMS holds, each saying
    the fetch failed (their own step is skipped)."""
    evaluations = []
    with engine.connect() as connection:
        for name, (applies, severity, _description, find) in WMS_CHECKS.items():
            if not applies(entity.name):
                continue
            result = check_result(entity.name, name, severity, find(connection, entity.name, company))
            evaluations.append(as_evaluation(
                result, description=f"{result.description} (evaluated on what the WMS holds: this run's fetch "
                                    f"failed, which is the materialization's failure, not a record error)",
                metadata={**result.metadata, "fetch_failed": dg.MetadataValue.text(reason[:500])}))
    return evaluations


def failed_pushes_check(entity: Entity, engine, company: str) -> dg.AssetCheckEvaluation:
    """`no_failed_pushes` as a push leaves it: logged by the push op, so a change QuickBooks refused
    turns its entity's asset red even though the push-back run itself went on and succeeded."""
    with engine.connect() as connection:
        result = check_result(entity.name, "no_failed_pushes", ERROR,
                              audit.failed_pushes(connection, entity.name, company))
    return as_evaluation(result)


def _selected(context: dg.AssetCheckExecutionContext, specs: list[dg.AssetCheckSpec]) -> list[str]:
    chosen = context.selected_asset_check_keys
    return [s.name for s in specs if s.key in chosen]


def build_wms_checks(entity: Entity) -> dg.AssetChecksDefinition:
    specs = _specs(entity, WMS_CHECKS)

    @dg.multi_asset_check(name=f"check_{entity.name}", specs=specs, can_subset=True,
                          description=f"Checks of qbd/{entity.name} against the WMS alone.")
    def _checks(context: dg.AssetCheckExecutionContext, wms: WmsDatabase) -> Iterator[dg.AssetCheckResult]:
        company = company_of_run(context)
        with wms.engine().connect() as connection:
            for name in _selected(context, specs):
                _applies, severity, _description, find = WMS_CHECKS[name]
                yield check_result(entity.name, name, severity, find(connection, entity.name, company))

    return _checks


def build_audit_checks(entity: Entity) -> dg.AssetChecksDefinition:
    specs = _specs(entity, AUDIT_CHECKS)

    @dg.multi_asset_check(name=f"audit_{entity.name}", specs=specs, can_subset=True,
                          description=f"Checks of qbd/{entity.name} against QuickBooks (reads QuickBooks).")
    def _audit(context: dg.AssetCheckExecutionContext, wms: WmsDatabase,
               conductor: ConductorResource) -> Iterator[dg.AssetCheckResult]:
        conductor = conductor.for_company(company_of_run(context, conductor))
        conductor.require_for_step()
        for name in _selected(context, specs):
            _applies, severity, _description, find = AUDIT_CHECKS[name]
            yield check_result(entity.name, name, severity, find(conductor, wms.engine(), entity.name))

    return _audit


wms_checks: list[dg.AssetChecksDefinition] = [build_wms_checks(entity) for entity in ENTITIES]
audit_checks: list[dg.AssetChecksDefinition] = [build_audit_checks(entity) for entity in ENTITIES]
