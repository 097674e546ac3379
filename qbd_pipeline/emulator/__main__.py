"""`python -m qbd_pipeline.emulator`: serve an emulated QuickBooks company over Conductor's API."""

import argparse
import dataclasses
import logging
import os
import sys
from pathlib import Path

import uvicorn

from ..spec.entities import RESOURCES
from ..spec.request_rules import warm_rules
from .app import create_app
from .generator import CompanySizes
from .state import DEFAULT_END_USER_ID, DEFAULT_SECRET_KEY, Emulator, EmulatorConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m qbd_pipeline.emulator",
        description="A Conductor QuickBooks Desktop API emulator serving a seeded company file.")
    parser.add_argument("--host", default=os.environ.get("QBD_EMULATOR_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("QBD_EMULATOR_PORT", "8765")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("QBD_EMULATOR_SEED", "42")))
    parser.add_argument("--secret-key", action="append", dest="secret_keys",
                        help=f"accepted bearer key (repeatable; default {DEFAULT_SECRET_KEY}, "
                             "or $CONDUCTOR_SECRET_KEY when set)")
    parser.add_argument("--end-user-id", action="append", dest="end_user_ids",
                        help="end user, i.e. one company file with its own data (repeatable; default "
                             f"{DEFAULT_END_USER_ID}, or $CONDUCTOR_END_USER_ID when set)")
    parser.add_argument("--utc-offset", default=os.environ.get("QBD_EMULATOR_UTC_OFFSET", "-05:00"),
                        help="the company computer's UTC offset, e.g. -05:00")
    parser.add_argument("--state-file", type=Path, default=os.environ.get("QBD_EMULATOR_STATE_FILE"),
                        help="SQLite file that keeps the companies across restarts "
                             "(default: a temporary file, removed on exit)")
    parser.add_argument("--cursor-ttl", type=float, default=10.0,
                        help="seconds a cursor stays valid after each page (default 10, as Conductor)")
    parser.add_argument("--latency-ms-per-request", type=float,
                        default=float(os.environ.get("QBD_EMULATOR_LATENCY_MS_PER_REQUEST") or 0),
                        help="QuickBooks' pace: milliseconds every answer waits (default 0: as fast as it can)")
    parser.add_argument("--latency-ms-per-record", type=float,
                        default=float(os.environ.get("QBD_EMULATOR_LATENCY_MS_PER_RECORD") or 0),
                        help="and milliseconds more per record it carries (default 0)")
    parser.add_argument("--history-days", type=int, default=180,
                        help="how far back the generated records' updatedAt reach (default 180)")
    for f in dataclasses.fields(CompanySizes):
        if f.type is int or f.type == "int":
            parser.add_argument(f"--{f.name.replace('_', '-')}", type=int, default=None, dest=f"size_{f.name}",
                                help=f"number of {f.name.replace('_', ' ')} to generate (default {f.default})")
    parser.add_argument("--log-level", default="info")
    return parser


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    sizes = {k[len("size_"):]: v for k, v in vars(args).items() if k.startswith("size_") and v is not None}
    base = CompanySizes.scaled(sizes["customers"]) if "customers" in sizes else CompanySizes()
    env_key, env_user = os.environ.get("CONDUCTOR_SECRET_KEY"), os.environ.get("CONDUCTOR_END_USER_ID")
    return EmulatorConfig(
        secret_keys=tuple(args.secret_keys or [env_key or DEFAULT_SECRET_KEY]),
        end_user_ids=tuple(args.end_user_ids or [env_user or DEFAULT_END_USER_ID]),
        seed=args.seed, sizes=dataclasses.replace(base, **sizes), utc_offset=args.utc_offset,
        state_file=args.state_file, cursor_ttl_seconds=args.cursor_ttl, history_days=args.history_days,
        latency_ms_per_request=args.latency_ms_per_request, latency_ms_per_record=args.latency_ms_per_record,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    config = config_from_args(args)
    reused = config.state_file is not None and Path(config.state_file).exists()
    if not reused:
        print(f"seeding {len(config.end_user_ids)} company file(s) (seed {config.seed}) ...", file=sys.stderr)
    emulator = Emulator(config)
    companies = ", ".join(f"{user} ({emulator.store.count(user):,} records)" for user in config.end_user_ids)
    origin = f"reused from {config.state_file}" if reused else f"seeded, seed {config.seed}"
    print(f"Conductor emulator on http://{args.host}:{args.port}/v1: {companies}, {origin}", file=sys.stderr)
    warm_rules(RESOURCES)  # before any request thread: the rules are derived once, here
    uvicorn.run(create_app(emulator), host=args.host, port=args.port, log_level=args.log_level,
                access_log=False, lifespan="off")
    emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
