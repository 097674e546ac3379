"""`fresh_in_every_company`: an asset check per pull asset naming the company files behind on it.

The asset's own freshness policy goes green as soon as any company's pull materializes it; this
check fails (ERROR past `QBD_FRESHNESS_HOURS`, WARN past two thirds of it) while any active company
file has not pulled the entity completely for that long, and names them (see `sync.freshness`).

Every pull step evaluates it for its own entity as it ends (its company's pull just counted), so
the check always speaks of the asset's latest materialization, never "not evaluated". The sensor
`company_freshness` reports it between pulls (every five minutes from one WMS query, when a verdict
or the set of company files changes, and hourly while it stands), so a company that stopped pulling
is named even while no pull runs; the daily audit job and the asset page's "Execute" evaluate it
too. Every active company file is listed in the check's `every_company` table.
"""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import dagster as dg
import sqlalchemy as sa

from ..settings import freshness_hours
from ..spec.entities import ENTITIES
from ..sync import freshness
from ..wms.resources import NOT_READY, WmsDatabase, not_ready
from .checks import as_evaluation, check_result
from .keys import asset_key

CHECK = "fresh_in_every_company"
RESTATE_AFTER = timedelta(hours=1)
SEVERITY = {"ERROR": dg.AssetCheckSeverity.ERROR, "WARN": dg.AssetCheckSeverity.WARN, "": dg.AssetCheckSeverity.WARN}

specs = [dg.AssetCheckSpec(CHECK, asset=asset_key(e.name),
                           description="Every active company file pulled this entity completely within "
                                       "QBD_FRESHNESS_HOURS (names those that did not).") for e in ENTITIES]


def verdicts(engine: sa.Engine, now: datetime, entities: list[str]) -> dict[str, freshness.Verdict]:
    fail_after = timedelta(hours=freshness_hours())
    with engine.connect() as connection:
        rows = freshness.ages(connection, entities)
    return {e: freshness.judge(rows, e, now, fail_after, fail_after * 2 / 3) for e in entities}


def result_of(entity: str, verdict: freshness.Verdict) -> dg.AssetCheckResult:
    return check_result(entity, CHECK, SEVERITY[verdict.severity], verdict.finding)


@dg.multi_asset_check(specs=specs, name="freshness_by_company", can_subset=True,
                      description="Each pull asset's freshness per company file, from the WMS.")
def freshness_by_company(context: dg.AssetCheckExecutionContext, wms: WmsDatabase) -> Iterator[dg.AssetCheckResult]:
    selected = context.selected_asset_check_keys
    chosen = [e.name for e in ENTITIES if dg.AssetCheckKey(asset_key(e.name), CHECK) in selected]
    for entity, verdict in verdicts(wms.engine(), datetime.now(timezone.utc), chosen).items():
        yield result_of(entity, verdict)


def evaluation(engine: sa.Engine, entity: str) -> dg.AssetCheckEvaluation:
    """`fresh_in_every_company` of one entity now, as a pull step logs it when it ends."""
    return as_evaluation(result_of(entity, verdicts(engine, datetime.now(timezone.utc), [entity])[entity]))


def _signature(verdict: freshness.Verdict) -> str:
    every = ",".join(r["company"] for r in verdict.finding.figures.get("every_company", []))
    return f"{verdict.severity}:{','.join(r['company'] for r in verdict.finding.sample)}:{every}"


def due_reports(verdicts_now: dict[str, freshness.Verdict], cursor: str | None, now: datetime
                ) -> tuple[list[str], str]:
    """The entities whose verdict changed since the last report, or was last reported over an hour
    ago, and the cursor that remembers what was reported when."""
    reported = json.loads(cursor) if cursor else {}
    due = []
    for entity, verdict in verdicts_now.items():
        signature, last = _signature(verdict), reported.get(entity)
        if last is None or last[0] != signature or now - datetime.fromisoformat(last[1]) >= RESTATE_AFTER:
            due.append(entity)
            reported[entity] = [signature, now.isoformat()]
    return due, json.dumps(reported, sort_keys=True)


@dg.sensor(minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Reports fresh_in_every_company on every pull asset: the company files behind on it. "
                       "Reads the WMS only.")
def company_freshness(context: dg.SensorEvaluationContext, wms: WmsDatabase):
    now = datetime.now(timezone.utc)
    try:
        found = verdicts(wms.engine(), now, [e.name for e in ENTITIES])
    except NOT_READY as exc:
        return dg.SkipReason(not_ready(exc))
    due, cursor = due_reports(found, context.cursor, now)
    if not due:
        behind = "; ".join(f"{e}: {v.finding.count} behind" for e, v in found.items() if v.finding.count)
        return dg.SkipReason(f"no verdict changed ({behind or 'every active company file fresh'})")
    return dg.SensorResult(asset_events=[as_evaluation(result_of(e, found[e])) for e in due], cursor=cursor)
