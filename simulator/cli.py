"""The ``tradepay-sim`` command: ``run`` (the default), ``credentials``, ``trace``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import urllib.error
import urllib.request

from . import runner, settings as settings_mod, trace
from .runner import StartupError


def setup_logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level.upper()), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


async def serve(settings: settings_mod.Settings) -> int:
    sim = await runner.start(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await runner.wait_until_answering(sim.urls if set(settings.apps) == set(settings_mod.APPS)
                                          else {k: v for k, v in sim.urls.items() if k in settings.apps})
        labels = {"miniprogram": "mini program", "merchant": "merchant server", "wallet": "wallet", "console": "console"}
        print("tradepay-sim is running:", flush=True)
        for name in settings.apps:
            print(f"  {labels[name]:<16} {sim.urls[name]}", flush=True)
        print(f"  data folder      {settings.data_dir}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        await stop.wait()
    finally:
        await sim.stop()
    print("tradepay-sim stopped.", flush=True)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_mod.from_namespace(args)
    setup_logging(settings.log_level)
    try:
        return asyncio.run(serve(settings))
    except StartupError as exc:
        print(f"tradepay-sim: {exc}", file=sys.stderr)
        return 2


def cmd_credentials(args: argparse.Namespace) -> int:
    settings = settings_mod.from_namespace(args)
    url = f"http://{runner.public_host(settings.host)}:{settings.wallet_port}/_sim/credentials"
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            print(json.dumps(json.load(resp), indent=2))
        return 0
    except (urllib.error.URLError, OSError) as exc:
        print(f"tradepay-sim: the wallet at {url} did not answer ({exc}). Is the simulator running?", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tradepay-sim", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="start the simulator (the default)")
    settings_mod.add_arguments(run)
    run.set_defaults(func=cmd_run)
    creds = sub.add_parser("credentials", help="print the sandbox merchant's credentials (JSON)")
    settings_mod.add_arguments(creds, only=("host", "wallet_port"))
    creds.set_defaults(func=cmd_credentials)
    trace.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
