"""Driving the push-back as production does: WMS edits in SQL, the real job, the real SDK."""

import dagster as dg
import sqlalchemy as sa

from qbd_pipeline.pushback.jobs import wms_push_back
from qbd_pipeline.wms.schema import TABLES, sync_conflicts, wms_changes
from qbd_pipeline_tests.quickbooks.pull_helpers import resources

__all__ = ["changes", "conflicts", "loaded", "push", "row", "sql"]


def loaded(server, wms):
    """A WMS holding the emulator's company: the first partition's full load, by the pull engine itself
    (the pull assets around it are tested in `quickbooks/`; here they would only cost time)."""
    from datetime import timedelta

    from qbd_pipeline.quickbooks.partitions import days
    from qbd_pipeline.spec.entities import ENTITIES
    from qbd_pipeline.sync.pull import pull_entity

    start = days.start
    for entity in ENTITIES:
        result = pull_entity(resources(server, wms)["conductor"], wms.engine(), entity, run_id="initial-load",
                             partition_start=None, partition_end=start + timedelta(hours=1), 
                             partition_range="initial load")
        assert result.status == "success", result.totals.errors[:3]
    return wms


def sql(wms, statement: str, **params) -> None:
    """A write as the WMS application (or a person with psql) makes it: plain SQL, no sync code."""
    with wms.engine().begin() as connection:
        connection.execute(sa.text(statement), params)


def row(wms, entity: str, **where) -> dict:
    table = TABLES[entity][0]
    with wms.engine().connect() as connection:
        return connection.execute(sa.select(table).where(*(table.c[k] == v for k, v in where.items()))).one()._asdict()


def changes(wms, **where) -> list[dict]:
    with wms.engine().connect() as connection:
        query = sa.select(wms_changes).where(*(wms_changes.c[k] == v for k, v in where.items()))
        return [r._asdict() for r in connection.execute(query.order_by(wms_changes.c.id))]


def conflicts(wms) -> list[dict]:
    with wms.engine().connect() as connection:
        return [r._asdict() for r in connection.execute(sa.select(sync_conflicts).order_by(sync_conflicts.c.id))]


def push(server, wms, instance=None, raise_on_error: bool = True, **config) -> dg.ExecuteInProcessResult:
    return wms_push_back.execute_in_process(
        run_config=config or None, resources=resources(server, wms),
        instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=raise_on_error)
