"""The code location: one explicit Definitions object."""

import dagster as dg

from .resources.conductor import conductor_from_env

defs = dg.Definitions(
    resources={"conductor": conductor_from_env()},
)
