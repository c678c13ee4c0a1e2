"""The reference merchant server: catalog, orders, signed calls to the wallet, and the
notification endpoint."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from simulator.core import guard
from simulator.core.clock import Clock
from simulator.core.db import Database
from simulator.core.journal import Journal, add_journal_routes
from simulator.core.web import APP_NAME, MAX_REQUEST_BYTES, client_session, health, security_headers, setup_pages

from . import handlers
from .catalog import CATALOG
from .config import MerchantConfig
from .handlers import SHOP
from .service import Shop
from .wallet_client import WalletClient

log = logging.getLogger("tradepay_sim.merchant")
CONFIG = web.AppKey("config", MerchantConfig)
JOURNAL = web.AppKey("journal", Journal)
SCHEMA = (Path(__file__).parent / "schema.sql").read_text()


def create_app(config: MerchantConfig) -> web.Application:
    app = web.Application(
        client_max_size=MAX_REQUEST_BYTES,
        middlewares=[
            security_headers(lambda r: "'none'"),
            guard.middleware(private=guard.control_plane),
            handlers.errors_middleware,
        ],
    )
    app[APP_NAME] = "merchant"
    app[CONFIG] = config
    app[guard.ACCESS] = config.access
    setup_pages(app)
    app.cleanup_ctx.append(_resources)
    app.add_routes(handlers.routes())
    add_journal_routes(app, JOURNAL)
    app.add_routes([web.get("/_sim/health", health), web.get("/", index)])
    return app


async def index(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    return aiohttp_jinja2.render_template(
        "merchant/index.html", request, {"config": config, "goods": list(CATALOG.values())}
    )


async def _reconcile_forever(shop: Shop) -> None:
    interval = min(max(shop.config.inquiry_after_seconds / shop.config.time_scale / 4, 0.05), 2.0)
    while True:
        try:
            await shop.reconcile()
        except Exception:  # the job must outlive one bad round
            log.exception("reconciliation round failed")
        await asyncio.sleep(interval)


async def _resources(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    db = await Database(config.db_path, SCHEMA).open()
    clock = Clock(config.time_scale)
    journal = await Journal.open(Path(config.data_dir) / "merchant-journal.sqlite3", "merchant", clock.now)
    session = client_session()
    shop = app[SHOP] = Shop(config, db, journal, clock, WalletClient(session, config))
    app[JOURNAL] = journal
    reconciler = asyncio.create_task(_reconcile_forever(shop), name="merchant-reconciler")
    try:
        yield
    finally:
        reconciler.cancel()
        await asyncio.gather(reconciler, return_exceptions=True)
        await session.close()
        await journal.close()
        await db.close()
