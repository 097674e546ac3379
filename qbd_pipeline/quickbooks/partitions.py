"""Hourly UTC partitions of the pull. The first one also takes everything updated before it."""

import dagster as dg

from ..settings import pull_start

hourly_partitions = dg.HourlyPartitionsDefinition(start_date=pull_start(), timezone="UTC")
