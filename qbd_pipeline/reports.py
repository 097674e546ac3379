"""Short markdown report tables for materializations and op outputs, so the run page reads at a glance."""

import dagster as dg
import pandas as pd


def report_table(rows: list[dict]) -> dg.MetadataValue:
    """One row per entity (or step), columns in the order given; numbers with thousands separators."""
    frame = pd.DataFrame(rows)
    return dg.MetadataValue.md(frame.to_markdown(index=False, floatfmt=",.2f", intfmt=","))
