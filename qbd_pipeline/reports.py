"""Short markdown report tables for materializations and op outputs, so the run page reads at a glance."""

from collections.abc import Callable

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from .sync import conflicts

LOGGED_CONFLICTS = 50  # lines per step; the step's `conflicts_decided` table has them all (up to 500)


def report_table(rows: list[dict]) -> dg.MetadataValue:
    """One row per entity (or step), columns in the order given; numbers with thousands separators."""
    frame = pd.DataFrame(rows)
    return dg.MetadataValue.md(frame.to_markdown(index=False, floatfmt=",.2f", intfmt=","))


def conflicts_decided(warn: Callable[[str], None], engine: sa.Engine, run_id: str, entity: str,
                      company: str) -> dict[str, dg.MetadataValue]:
    """Every conflict the step decided, on the run's page: a WARNING line each (field, both values,
    winner, rule, record) and the table `conflicts_decided` in the step's metadata."""
    with engine.connect() as connection:
        decided = conflicts.decided_in_run(connection, run_id, entity, company=company)
    for conflict in decided[:LOGGED_CONFLICTS]:
        warn(conflicts.describe(conflict))
    if len(decided) > LOGGED_CONFLICTS:
        warn(f"{entity}: {len(decided) - LOGGED_CONFLICTS} more conflict(s): see conflicts_decided in the step's "
             "metadata, or sync_conflicts in the WMS")
    return {"conflicts_decided": report_table(conflicts.table_rows(decided))} if decided else {}
