"""The pull assets' names: one asset key per sync entity, in one group."""

import dagster as dg

GROUP = "quickbooks"


def asset_key(entity: str) -> dg.AssetKey:
    return dg.AssetKey(["qbd", entity])
