"""The console's live stream, ``GET /api/stream`` (server-sent events): a snapshot of the
journeys, then every app's new events as they are recorded, and each app's state.

Events sent to the page: ``snapshot`` (the journey list, as ``GET /api/journeys``),
``step`` (one event, its orderId linked), ``app`` (``{"app", "connected"}``).

Each app is followed by asking its ``GET /_sim/events?after=<last id>`` a few times a
second rather than by holding its ``/_sim/events/stream`` open: an app's stream handler
only notices a departed client when it next writes, so a held stream made every app
wait out aiohttp's 60 s shutdown grace after the console had gone."""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web
from aiohttp_sse import sse_response

from . import gather

log = logging.getLogger("tradepay_sim.console.live")

POLL_SECONDS = 0.2
RETRY_SECONDS = 1.0
POLL_TIMEOUT = aiohttp.ClientTimeout(total=5)
BATCH = 500


async def read_sse(content: aiohttp.StreamReader) -> AsyncIterator[tuple[str, str]]:
    """``(event, data)`` pairs of a server-sent-event stream such as ``/api/stream``
    (comments skipped), for scripts and tests that follow the console."""
    event, data = "message", list[str]()
    async for raw in content:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)


async def follow(
    session: aiohttp.ClientSession, app: str, url: str, after: int, put: Callable[[str, dict], None]
) -> None:
    """Relay one app's new events (id > ``after``) for ever; say when it stops or starts
    answering (it may be restarting)."""
    connected = None
    while True:
        try:
            async with session.get(
                f"{url}/_sim/events", params={"after": str(after), "limit": str(BATCH)}, timeout=POLL_TIMEOUT
            ) as resp:
                resp.raise_for_status()
                events = (await resp.json())["events"]
        except (TimeoutError, aiohttp.ClientError, ValueError, KeyError, OSError) as exc:
            log.debug("the %s at %s did not answer: %s", app, url, exc)
            if connected is not False:
                connected = False
                put("app", {"app": app, "connected": False})
            await asyncio.sleep(RETRY_SECONDS)
            continue
        if connected is not True:
            connected = True
            put("app", {"app": app, "connected": True})
        for event in events:
            event.setdefault("app", app)
            after = max(after, int(event.get("id") or 0))
            put("step", event)
        if len(events) < BATCH:
            await asyncio.sleep(POLL_SECONDS)


STREAMS = web.AppKey("streams", weakref.WeakSet)


async def stream(request: web.Request, session: aiohttp.ClientSession, app_urls: dict[str, str]) -> web.StreamResponse:
    """``GET /api/stream``: the snapshot, then the relayed events, until the page leaves."""
    snapshot, linker = await gather.overview(session, app_urls)
    queue: asyncio.Queue[tuple[str, dict]] = asyncio.Queue()

    def put(kind: str, payload: dict) -> None:
        queue.put_nowait((kind, payload))

    async with sse_response(request, ping_interval=10) as resp:
        request.app[STREAMS].add(resp)
        # A reconnecting page gets a fresh snapshot rather than a replay: retry quickly.
        await resp.send(json.dumps(snapshot, ensure_ascii=False), event="snapshot", retry=1000)
        for app in app_urls:
            await resp.send(json.dumps({"app": app, "connected": app not in snapshot["unreachable"]}), event="app")
        followers = [
            asyncio.create_task(
                follow(session, app, url, snapshot["cursor"].get(app, 0), put), name=f"console-follow-{app}"
            )
            for app, url in app_urls.items()
        ]

        async def relay() -> None:
            while True:
                kind, payload = await queue.get()
                if kind == "step":
                    payload = linker.link(payload)
                await resp.send(json.dumps(payload, ensure_ascii=False), event=kind)

        relaying = asyncio.create_task(relay(), name="console-relay")
        try:
            await resp.wait()  # until the page goes away or the console stops
        finally:
            for task in (relaying, *followers):
                task.cancel()
            await asyncio.gather(relaying, *followers, return_exceptions=True)
    return resp


async def stop_streams(app: web.Application) -> None:
    """On shutdown: end open streams now rather than wait for pages to leave."""
    streams: weakref.WeakSet = app[STREAMS]  # EventSourceResponse (aiohttp_sse: untyped)
    for resp in list(streams):
        resp.stop_streaming()


def setup(app: web.Application) -> None:
    app[STREAMS] = weakref.WeakSet()
    app.on_shutdown.append(stop_streams)
