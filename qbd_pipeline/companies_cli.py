"""`qbd-pipeline companies ...`: add, pause, resume and list the company files a deployment syncs.

A company is a row of the WMS `companies` table and a `company` partition of the Dagster instance
($DAGSTER_HOME); no code change or restart. The schedules fan out over the active ones at their
next tick (and add any partition still missing), and the sensor pushes their changes.
"""

import argparse
import os
from datetime import date

import sqlalchemy as sa

from .sync import companies
from .sync.gates import parse_quiet_hours
from .wms.schema import companies as table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add", "pause", "resume", "list"])
    parser.add_argument("company", nargs="?", help="the company file's Conductor end user id")
    parser.add_argument("--name", help="a name to show (add)")
    parser.add_argument("--pull-start", type=date.fromisoformat,
                        help="its go-live day, YYYY-MM-DD: that day's partition also takes all older history (add)")
    parser.add_argument("--quiet-hours", help="e.g. 22:00-06:00: no automatic runs then (add)")
    parser.add_argument("--timezone", help="the IANA zone of its quiet hours (add; default UTC)")
    parser.add_argument("--url", help="SQLAlchemy URL of the WMS (default: $WMS_DATABASE_URL, else the local file)")


def _partition(company: str) -> str:
    """Add the company's partition to the Dagster instance of $DAGSTER_HOME, when there is one."""
    if not os.environ.get("DAGSTER_HOME"):
        return "DAGSTER_HOME is not set: the schedule adds its partition at its next tick"
    import dagster as dg

    from .quickbooks.partitions import ensure_companies

    with dg.DagsterInstance.get() as instance:
        added = ensure_companies(instance, [company])
    return "partition added" if added else "partition already there"


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, engine: sa.Engine) -> int:
    if args.action == "list":
        with engine.connect() as connection:
            for c in companies.all_companies(connection):
                print(f"{c.id}\t{c.status}\t{c.name or '-'}\tpull start {c.pull_start or '-'}\t"
                      f"quiet hours {c.quiet_hours or '-'} {c.quiet_timezone or ''}".rstrip())
        return 0
    if not args.company:
        parser.error(f"companies {args.action} needs the company file's Conductor end user id")
    if args.quiet_hours:
        try:
            parse_quiet_hours(args.quiet_hours)
        except ValueError as exc:
            parser.error(str(exc))
    with engine.begin() as connection:
        if args.action == "add":
            companies.register(connection, args.company)
            values = {k: v for k, v in {"name": args.name, "pull_start": args.pull_start,
                                        "quiet_hours": args.quiet_hours, "quiet_timezone": args.timezone}.items()
                      if v is not None}
            values["status"] = companies.ACTIVE
            connection.execute(sa.update(table).where(table.c.id == args.company).values(**values))
        else:
            found = connection.execute(sa.update(table).where(table.c.id == args.company).values(
                status=companies.PAUSED if args.action == "pause" else companies.ACTIVE)).rowcount
            if not found:
                parser.error(f"no company file {args.company} (add it first)")
    note = _partition(args.company) if args.action == "add" else (
        "paused: no automatic runs until it is resumed; its pending WMS changes wait" if args.action == "pause"
        else "active again")
    print(f"{args.company}: {args.action} done ({note})")
    return 0
