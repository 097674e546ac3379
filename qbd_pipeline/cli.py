"""The `qbd-pipeline` console script."""

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qbd-pipeline", description="qbd-pipeline operations")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("emulator", help="serve the Conductor API emulator (same flags as python -m qbd_pipeline.emulator)",
                   add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "emulator":
        from .emulator.__main__ import main as emulator_main

        return emulator_main(rest)
    return 2


if __name__ == "__main__":
    sys.exit(main())
