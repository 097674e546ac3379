"""The pull's partitions: company file x UTC day.

`company` is a dynamic dimension (one key per Conductor end user, kept in step with the WMS
`companies` table by the schedule and `qbd-pipeline companies`), so the UI shows each company's
freshness, backfills and failures, and a company is added without code or restarts. `day` is daily,
today's (open) day included; a company's first day (its pull start, else `QBD_PULL_START`) also
takes everything updated before it, so a full initial load is one partition however long the history.

Daily, not hourly: a single-run backfill still writes one planned and one materialization event per
partition and asset, so the grain sets what a full load costs in Dagster's bookkeeping (about 260
events for a month of eight assets, against 6,000 hourly). The hourly schedule pulls the open day
incrementally, from the high-water mark, so the grain costs no freshness.
"""

from datetime import date, datetime, timezone

import dagster as dg

from ..settings import COMPANY_TAG, PARTITION_COMPANY_TAG, pull_start

RANGE_START_TAG = "dagster/asset_partition_range_start"
COMPANIES = "companies"  # the dynamic partitions' name
company_partitions = dg.DynamicPartitionsDefinition(name=COMPANIES)
days = dg.DailyPartitionsDefinition(start_date=pull_start(), timezone="UTC", end_offset=1)
pull_partitions = dg.MultiPartitionsDefinition({"company": company_partitions, "day": days})


def first_day() -> str:
    return days.get_first_partition_key()


def day_of(when: datetime) -> str | None:
    """The key of the day holding `when` (None before the first day)."""
    when = when.astimezone(timezone.utc)
    if when < days.start:
        return None
    return when.strftime(days.fmt)


def key(company: str, day: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"company": company, "day": day})


def split(partition_key: str) -> tuple[str, str]:
    """(company, day) of a partition key (`company|day`)."""
    keys = pull_partitions.get_partition_key_from_str(partition_key).keys_by_dimension
    return keys["company"], keys["day"]


def company_in_tags(tags: dict[str, str]) -> str | None:
    """The company file a run's tags name: `qbd/end_user` (schedules, sensor, demo), else its partition's
    company (a run launched from an asset page), else the first partition of a single-run backfill."""
    company = tags.get(COMPANY_TAG) or tags.get(PARTITION_COMPANY_TAG)
    if not company and tags.get(RANGE_START_TAG) and "|" in tags[RANGE_START_TAG]:
        company = split(tags[RANGE_START_TAG])[0]
    return company or None


def is_first_day(day: str, company_start: date | None) -> bool:
    """Whether `day` is the company's first: the day its pull starts (or the global first day), or earlier."""
    first = company_start.isoformat() if company_start else first_day()
    return day <= first


def ensure_companies(instance: dg.DagsterInstance, ids: list[str]) -> list[str]:
    """Add the companies the instance does not know yet as partitions; returns those added."""
    known = set(instance.get_dynamic_partitions(COMPANIES))
    missing = [c for c in ids if c not in known]
    if missing:
        instance.add_dynamic_partitions(COMPANIES, missing)
    return missing
