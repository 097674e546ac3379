"""The `qbd-pipeline` console script."""

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
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
        import os

        os.execv(sys.executable, [sys.executable, "-m", "qbd_pipeline.emulator", *rest])
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "db":
        import os

        from .settings import WMS_URL_VAR, default_wms_url
        from .wms.migrate import current_revision, new_revision, upgrade
        from .wms.resources import make_engine

        if args.action == "revision":
            if not args.message:
                parser.error("db revision needs -m/--message")
            print(f"wrote {new_revision(args.message)}")
            return 0

        engine = make_engine(args.url or os.environ.get(WMS_URL_VAR) or default_wms_url())
        where = engine.url.render_as_string(hide_password=True)
        if args.action == "upgrade":
            upgrade(engine)
        print(f"{where}: schema revision {current_revision(engine)}")
        return 0
    if args.command == "companies":
        from .companies_cli import run

        return run(args, parser)
    if args.command == "demo":
        from .demo import main as demo_main

        return demo_main()
    from .devserver import main as dev_main

    return dev_main()


if __name__ == "__main__":
    sys.exit(main())
