"""``tradepay-sim trace ORDER_ID``: one journey as a numbered list in the terminal.

It asks the console (``GET /api/journeys/{orderId}``); when the console is not running it
gathers the events from the apps' own ``/_sim/events`` instead. The rows are the ones the
console draws (``simulator.console.diagram``), so both tell the same story."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any
from urllib.parse import quote

from ..console import diagram
from . import settings as settings_mod

MARKS = {"step": "", "retry": "↻ retry ", "fault": "✕ fault ", "note": "note ", "pending": ""}


class TraceError(Exception):
    """The journey could not be read; the message says why, for a person."""


async def fetch(order_id: str, console_url: str, app_urls: dict[str, str]) -> tuple[dict[str, Any], str]:
    """The journey (summary and events) and where it came from."""
    import aiohttp  # here, not at the top: the command line builds its parser from this module

    from ..console import gather

    async with aiohttp.ClientSession() as session:
        try:
            async with session.get(
                f"{console_url}/api/journeys/{quote(order_id, safe='')}", timeout=aiohttp.ClientTimeout(total=10)
            ) as resp:
                if resp.status == 404:
                    raise TraceError(f"no journey {order_id}: no app has recorded a step of it")
                resp.raise_for_status()
                return await resp.json(), console_url
        except (TimeoutError, aiohttp.ClientError):
            pass  # no console: ask the apps themselves
        data = await gather.journey(session, app_urls, order_id)
    if data["events"]:
        return data, ", ".join(app_urls.values())
    if len(data["unreachable"]) == len(app_urls):
        raise TraceError(f"neither the console at {console_url} nor the apps answered. Is the simulator running?")
    raise TraceError(f"no journey {order_id}: no app has recorded a step of it")


def _lanes(row: dict) -> str:
    if row["shape"] == "note":
        return f"on {row['sourceLabel']}"
    if row["shape"] == "self":
        return row["sourceLabel"]
    return f"{row['sourceLabel']} → {row['targetLabel']}"


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def render(journey: dict[str, Any], order: str = "step", bodies: bool = False) -> str:
    """The journey as text: a heading, then one numbered line per row."""
    model = diagram.build(journey["events"], order)
    s = journey["summary"]
    facts = [
        s.get("amount"),
        s.get("status"),
        s["outcome"] and f"{s['outcome']['code']} {s['outcome']['label']}",
        f"{s['stepCount']}/20 steps",
        model["duration"] and f"took {model['duration']}",
    ]
    for key, one, many in (("retries", "retry", "retries"), ("faults", "fault", "faults")):
        if s.get(key):
            facts.append(f"{s[key]} {one if s[key] == 1 else many}")
    lines = [f"Journey {journey['orderId']}", "  " + " · ".join(f for f in facts if f), ""]
    width = max(len(_lanes(r)) for r in model["rows"])
    numbered: set[int] = set()
    for row in model["rows"]:
        # Each step is numbered once, on its first row; its retries and notes follow it.
        first = row["step"] and row["kind"] != "note" and row["step"] not in numbered
        number = f"{row['step']:>2}." if first else "   "
        if first:
            numbered.add(row["step"])
        what = (
            row["title"]
            if row["kind"] == "pending"
            else (row["summary"] if row["shape"] == "note" else f"{row['title']}: {row['summary']}")
        )
        if row["kind"] == "pending":
            what += "  (not recorded)"
        if row["count"] > 1:
            what += f"  ×{row['count']} (last {row['lastOffset']})"
        line = f"{number} {row['offset'] or '—':>10}  {_lanes(row):<{width}}  {MARKS[row['kind']]}{what}"
        if row["httpLabel"]:
            line += f"  [{row['httpLabel']}]"
        lines.append(line.rstrip())
        http = row["http"] or {}
        if bodies:
            for label, key in (("request", "requestBody"), ("response", "responseBody")):
                if key in http:
                    body = (
                        http[key] if isinstance(http[key], str) else json.dumps(http[key], indent=2, ensure_ascii=False)
                    )
                    lines.append(f"{'':16}{label}:")
                    lines.append(_indent(body, " " * 18))
    if journey.get("unreachable"):
        lines += ["", "Not answering: " + ", ".join(sorted(journey["unreachable"]))]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from .running import locate

    _, urls, note = locate(args, ("miniprogram", "merchant", "wallet", "console"))
    if note:
        print(f"tradepay-sim: {note}", file=sys.stderr)
    console_url = args.console_url or urls["console"]
    app_urls = {name: urls[name] for name in ("miniprogram", "merchant", "wallet")}
    try:
        journey, _source = asyncio.run(fetch(args.order_id, console_url.rstrip("/"), app_urls))
    except TraceError as exc:
        print(f"tradepay-sim: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(journey, indent=2, ensure_ascii=False))
    else:
        print(render(journey, args.order, args.bodies))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``trace`` subcommand."""
    trace = sub.add_parser(
        "trace",
        help="print one journey's steps as a numbered list",
        description="Print one journey (the merchant's order id) as a numbered list of its steps, as the "
        "console draws them. Asks the console; when it is not running, gathers the steps from the apps "
        "themselves.",
    )
    trace.add_argument("order_id", metavar="ORDER_ID", help="the merchant's order id (the mini program shows it)")
    trace.add_argument(
        "--order",
        choices=diagram.ORDERS,
        default="step",
        help="step: numbered as in the SPEC (default); time: as it happened",
    )
    trace.add_argument("--bodies", action="store_true", help="print the request and response bodies too")
    trace.add_argument(
        "--json", action="store_true", help="print the journey as JSON: its summary, the merchant's order, every event"
    )
    trace.add_argument("--console-url", help="the console's URL (default from --host and --console-port)")
    settings_mod.add_arguments(
        trace,
        only=("host", "console_port", "miniprogram_port", "merchant_port", "wallet_port", "data_dir"),
        locating=True,
    )
    trace.set_defaults(func=run)
