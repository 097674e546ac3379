"""The `qbd-pipeline` console script.

A failure it can explain is one line on stderr naming what to set (exit 2), never a traceback.
"""

import argparse
import os
import sys
from pathlib import Path

import sqlalchemy as sa


class CliError(Exception):
    """One line for the person at the terminal: what went wrong and what to set."""


def _wms_engine(url: str | None, *, create: bool = False) -> sa.Engine:
    """The WMS named by --url, else $WMS_DATABASE_URL, else the local SQLite file; a SQLite file that
    is not there is refused (a query would leave an empty one behind) unless `create`."""
    from .settings import WMS_URL_VAR, default_wms_url
    from .wms.resources import make_engine

    url = url or os.environ.get(WMS_URL_VAR) or default_wms_url()
    parsed = sa.make_url(url)
    if (not create and parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
            and not Path(parsed.database).exists()):
        raise CliError(f"no WMS database at {parsed.database}: set {WMS_URL_VAR} (or --url) to your WMS, or make "
                       "one there with `qbd-pipeline db upgrade`")
    return make_engine(url)


def _explain(exc: sa.exc.DBAPIError, engine: sa.Engine | None) -> CliError:
    from .settings import WMS_URL_VAR

    where = engine.url.render_as_string(hide_password=True) if engine is not None else "the WMS"
    first = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc).splitlines()[0]
    if "no such table" in first or "does not exist" in first:
        return CliError(f"{where} has no sync tables ({first}): run `qbd-pipeline db upgrade` against it")
    return CliError(f"cannot use the WMS at {where} ({first}): check {WMS_URL_VAR} (or --url)")


def main(argv: list[str] | None = None) -> int:
    opened: list[sa.Engine] = []

    def wms_engine(url: str | None, create: bool = False) -> sa.Engine:
        opened.append(_wms_engine(url, create=create))
        return opened[-1]

    try:
        return _main(argv, wms_engine)
    except CliError as exc:
        print(f"qbd-pipeline: {exc}", file=sys.stderr)
        return 2
    except sa.exc.DBAPIError as exc:
        print(f"qbd-pipeline: {_explain(exc, opened[-1] if opened else None)}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None, wms_engine) -> int:
    parser = argparse.ArgumentParser(prog="qbd-pipeline", description="qbd-pipeline operations")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="the WMS database schema")
    db.add_argument("action", choices=["upgrade", "current", "revision"],
                    help="revision: write the next migration from wms/schema.py and the capture triggers")
    db.add_argument("-m", "--message", help="what the new revision changes (db revision)")
    db.add_argument("--url", help="SQLAlchemy URL (default: $WMS_DATABASE_URL, else the local SQLite file)")
    from .companies_cli import add_arguments

    add_arguments(sub.add_parser("companies", help="add, pause, resume or list the company files synced"))
    sub.add_parser("emulator", help="serve the Conductor API emulator (flags: python -m qbd_pipeline.emulator -h)",
                   add_help=False)
    sub.add_parser("demo", help="full initial load of the demo company into the local WMS")
    sub.add_parser("dev", help="the emulator plus `dagster dev` on the demo's instance")
    args, rest = parser.parse_known_args(argv)
    if args.command == "emulator":
        # By command, not import: the product never depends on its test double.
        os.execv(sys.executable, [sys.executable, "-m", "qbd_pipeline.emulator", *rest])
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "db":
        from .wms.migrate import current_revision, new_revision, upgrade

        if args.action == "revision":
            if not args.message:
                parser.error("db revision needs -m/--message")
            print(f"wrote {new_revision(args.message)}")
            return 0

        engine = wms_engine(args.url, create=args.action == "upgrade")
        where = engine.url.render_as_string(hide_password=True)
        if args.action == "upgrade":
            upgrade(engine)
        print(f"{where}: schema revision {current_revision(engine)}")
        return 0
    if args.command == "companies":
        from .companies_cli import run

        return run(args, parser, wms_engine(args.url))
    if args.command == "demo":
        from .demo import main as demo_main

        return demo_main()
    from .devserver import main as dev_main

    return dev_main()


if __name__ == "__main__":
    sys.exit(main())
