"""The ``tradepay-sim`` command.

  run          start the simulator: every app, or a few (``--apps wallet``); the default
  credentials  print the sandbox merchant's credentials (JSON) from a running wallet
  reset        back to a fresh sandbox: ``POST /_sim/reset`` on every running app
  trace        print one journey's steps as a numbered list
  check-merchant  check a merchant server against the rules of the flow (docs/check-merchant.md)

Every option is also an environment variable; each command's ``--help`` names them.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import os
import signal
import sqlite3
import sys
import urllib.error
import urllib.request
from importlib import metadata

# Only light modules here: a start binds its ports and starts the wallet's process before
# it imports the apps (``runner``), so that both processes import at once, one per core.
from ..core import logs
from . import processes, running, startup, trace
from . import settings as settings_mod
from .startup import StartupError

LABELS = {"miniprogram": "mini program", "merchant": "merchant server", "wallet": "wallet", "console": "console"}


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def _banner(settings: settings_mod.Settings, urls: dict[str, str]) -> None:
    """Say where the apps answer, and write it in the data folder for later commands."""
    running.record(settings.data_dir, urls, settings.apps)
    print("tradepay-sim is running:", flush=True)
    for name in settings.apps:
        print(f"  {LABELS[name]:<16} {urls[name]}", flush=True)
    print(f"  data folder      {settings.data_dir}", flush=True)
    for line in startup.exposure(settings, urls):
        print(line, flush=True)
    print("Press Ctrl-C to stop.", flush=True)


async def serve(settings: settings_mod.Settings) -> int:
    if processes.split(settings):
        return await serve_split(settings)
    from . import runner

    child = processes.is_child()  # the wallet of a split run: its parent speaks for it
    sim = await runner.start(settings, processes.inherited_sockets())
    _freeze_startup_objects()
    stop = _stop_on_signals()
    try:
        await runner.wait_until_answering({name: sim.urls[name] for name in settings.apps})
        if not child:
            _banner(settings, sim.urls)
        await stop.wait()
    finally:
        if not child:
            running.forget(settings.data_dir)
        await sim.stop()
    if not child:
        print("tradepay-sim stopped.", flush=True)
    return 0


# The youngest generation is collected after this many more container objects made than
# freed (Python's default is 700). Under load a request's objects live across several turns
# of the loop, so each collection walked the same live ones again
# (docs/decisions/collector.md).
YOUNG_COLLECTION_THRESHOLD = 7000


def _freeze_startup_objects() -> None:
    """Move everything made at start-up (modules, apps, templates) out of the garbage
    collector's sight: a full collection walked all of it with every request waiting
    (docs/decisions/collector.md). Then collect the young generation less often (see
    ``YOUNG_COLLECTION_THRESHOLD``)."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, older, oldest)


async def serve_split(settings: settings_mod.Settings) -> int:
    """The wallet in a child process, the other apps here (``--processes 2``)."""
    sockets = startup.bind(settings)
    urls = startup.urls_of(settings, sockets)
    ports = {name: int(url.rsplit(":", 1)[1]) for name, url in urls.items()}
    try:
        startup.credentials(settings)  # made once, here, before two processes read them
        wallet = await processes.start_wallet(settings, sockets["wallet"], ports)
    except BaseException:
        for sock in sockets.values():
            sock.close()
        raise
    sockets.pop("wallet").close()  # the child has it now
    here = dataclasses.replace(
        settings,
        apps=tuple(a for a in settings.apps if a != "wallet"),
        miniprogram_port=ports["miniprogram"],
        merchant_port=ports["merchant"],
        wallet_port=ports["wallet"],
        console_port=ports["console"],
    )
    sim = None
    stop = _stop_on_signals()
    code = 0
    try:
        from . import runner  # the apps: imported while the wallet's process imports its own

        sim = await runner.start(here, sockets)
        _freeze_startup_objects()
        await runner.wait_until_answering({name: urls[name] for name in settings.apps})
        _banner(settings, urls)
        child_exit = asyncio.ensure_future(wallet.wait())
        await asyncio.wait({child_exit, asyncio.ensure_future(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
        if child_exit.done():
            print(
                f"tradepay-sim: the wallet process ended (exit {wallet.returncode}); stopping.",
                file=sys.stderr,
                flush=True,
            )
            code = 1
    finally:
        running.forget(settings.data_dir)
        if sim is not None:
            await sim.stop()
        if wallet.returncode is None:
            wallet.terminate()
            await wallet.wait()
    print("tradepay-sim stopped.", flush=True)
    return code


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_mod.from_namespace(args)
    logs.configure(settings.log_format, settings.log_level)
    if not processes.is_child():
        _warn_if_shared(settings)
    try:
        return asyncio.run(serve(settings))
    except StartupError as exc:
        print(f"tradepay-sim: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:
        print(
            f"tradepay-sim: the data folder {settings.data_dir} holds a database this version cannot use ({exc}). "
            "Delete the folder, or pass another --data-dir, to start afresh.",
            file=sys.stderr,
            flush=True,
        )
        # The connection whose set-up failed keeps its (non-daemon) aiosqlite thread
        # alive, so a normal exit would wait forever.
        os._exit(2)


def _warn_if_shared(settings: settings_mod.Settings) -> None:
    """Two runs on one data folder share its databases and its running.json: say so."""
    found, _ = running.find(settings.data_dir)
    if found is not None and found["pid"] != os.getpid():
        print(
            f"tradepay-sim: another simulator (process {found['pid']}, "
            f"{', '.join(f'{a} {u}' for a, u in found['urls'].items())}) is running on the data folder "
            f"{settings.data_dir}; its running.json will name this one. Stop it, or pass another --data-dir.",
            file=sys.stderr,
            flush=True,
        )


def _located(args: argparse.Namespace, apps: tuple[str, ...]) -> tuple[settings_mod.Settings, dict[str, str]]:
    settings, urls, note = running.locate(args, apps)
    if note:
        print(f"tradepay-sim: {note}", file=sys.stderr)
    return settings, urls


def cmd_credentials(args: argparse.Namespace) -> int:
    _, urls = _located(args, ("wallet",))
    url = f"{urls['wallet']}/_sim/credentials"
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            print(json.dumps(json.load(resp), indent=2))
        return 0
    except (urllib.error.URLError, OSError) as exc:
        print(f"tradepay-sim: the wallet at {url} did not answer ({exc}). Is the simulator running?", file=sys.stderr)
        return 1


def cmd_reset(args: argparse.Namespace) -> int:
    """Reset the apps that answer; the ones not running are said and skipped."""
    settings, urls = _located(args, settings_mod.RESET_ORDER)
    reset = failed = 0
    for app in (a for a in settings_mod.RESET_ORDER if a in settings.apps):
        url = urls[app]
        request = urllib.request.Request(
            f"{url}/_sim/reset", data=b"{}", method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=15):
                outcome = "reset"
                reset += 1
        except urllib.error.HTTPError as exc:
            outcome = f"refused: HTTP {exc.code}"
            failed += 1
        except (urllib.error.URLError, OSError):
            outcome = "not running"
        print(f"  {LABELS[app]:<16} {url}  {outcome}")
    if not reset and not failed:
        print("tradepay-sim: no app answered. Is the simulator running (and on these ports)?", file=sys.stderr)
        return 1
    return 1 if failed else 0


def cmd_check_merchant(args: argparse.Namespace) -> int:
    """Run the conformance scenarios; print the table; write JUnit XML / JSON if asked.
    Exit 0 when every rule held (or was not seen), 1 when one failed, 2 on a bad config."""
    from .. import check  # here: the other commands need none of it

    if not args.config:
        print("tradepay-sim check-merchant: --config FILE is required (docs/check-merchant.md)", file=sys.stderr)
        return 2
    _, urls = _located(args, ("wallet", "console"))
    wallet_url, console_url = args.wallet_url or urls["wallet"], args.console_url or urls["console"]
    try:
        config = check.load(args.config)
        report = asyncio.run(check.run_check(config, wallet_url=wallet_url, console_url=console_url))
    except check.ConfigError as exc:
        print(f"tradepay-sim check-merchant: {exc}", file=sys.stderr)
        return 2
    print(report.table(), flush=True)
    for path, text in ((args.junit, report.junit()), (args.json, report.dumps())):
        if path:
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
    return 0 if report.ok else 1


# What ``tradepay-sim --help`` says: plain text, each command listed once (by argparse).
DESCRIPTION = (
    "A local simulator of the mini program 'pay with paymentUrl' flow: a mini program client, a merchant "
    "server, a wallet (API, cashier, signed notifications) and a console showing each journey's 20 steps."
)
EPILOG = (
    "Run 'tradepay-sim COMMAND --help' for a command's options. Every option is also an environment "
    "variable, named in that help (TRADEPAY_SIM_WALLET_PORT, ...); a flag wins over its variable."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tradepay-sim", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    run = sub.add_parser(
        "run",
        help="start the simulator (the default command)",
        description="Start the apps and print their URLs once they answer; Ctrl-C or SIGTERM stops them.",
    )
    settings_mod.add_arguments(run)
    run.set_defaults(func=cmd_run)
    creds = sub.add_parser(
        "credentials",
        help="print the sandbox merchant's credentials (JSON)",
        description="Ask a running wallet for the sandbox merchant's client id, keys and API URL.",
    )
    settings_mod.add_arguments(creds, only=("host", "wallet_port", "data_dir"), locating=True)
    creds.set_defaults(func=cmd_credentials)
    reset = sub.add_parser(
        "reset",
        help="back to a fresh sandbox: POST /_sim/reset on every running app",
        description="Forget payments, orders, notifications, events, queued outcomes and faults; "
        "restore balances. Keys and registered merchants stay. Exits 1 when no app answers.",
    )
    settings_mod.add_arguments(
        reset, only=("host", "miniprogram_port", "merchant_port", "wallet_port", "apps", "data_dir"), locating=True
    )
    reset.set_defaults(func=cmd_reset)
    trace.add_parser(sub)
    check = sub.add_parser(
        "check-merchant",
        help="check a merchant server against the rules of the flow",
        description="Run the conformance scenarios (docs/check-merchant.md) against the merchant server the "
        "config describes, using a running wallet; print a table, optionally write JUnit XML and JSON. "
        "Exits 0 when every rule held, 1 when one failed, 2 when the config is unusable.",
    )
    check.add_argument("--config", metavar="FILE", help="the JSON config (merchant-check.json); required")
    check.add_argument("--junit", metavar="FILE", help="write the findings as JUnit XML")
    check.add_argument("--json", metavar="FILE", help="write the findings as JSON")
    check.add_argument("--wallet-url", help="the wallet's URL (default from --host and --wallet-port)")
    check.add_argument("--console-url", help="the console's URL, for links to journeys")
    settings_mod.add_arguments(check, only=("host", "wallet_port", "console_port", "data_dir"), locating=True)
    check.set_defaults(func=cmd_check_merchant)
    for command, subparser in sub.choices.items():
        settings_mod.bind_environment(subparser, command)
    return parser


def _version() -> str:
    try:
        return metadata.version("tradepay-sim")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    if args.env_errors:
        parser.error(f"{args.command}: " + "; ".join(args.env_errors))
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
