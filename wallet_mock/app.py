"""The wallet: Alipay+ API, cashier pages and control plane in one aiohttp app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from simulator.core import guard
from simulator.core.access import load_or_create_secret
from simulator.core.clock import Clock
from simulator.core.db import Database
from simulator.core.journal import Journal, add_journal_routes
from simulator.core.signer import make_signer
from simulator.core.web import (
    APP_NAME,
    MAX_REQUEST_BYTES,
    client_session,
    health,
    json_response,
    security_headers,
    setup_pages,
)

from . import api, cashier, control, control_refunds
from .accounts import SANDBOX_PASSWORD, TEST_ACCOUNTS
from .api import WALLET
from .config import WalletConfig
from .control import WORKER
from .errors import result
from .faults import api_fault_middleware
from .operations import FAMILIES, is_api_path
from .service import Wallet
from .worker import LEASE, Worker

CONFIG = web.AppKey("config", WalletConfig)
JOURNAL = web.AppKey("journal", Journal)
CSRF_SECRET_FILE = "csrf-secret"
SCHEMA = (Path(__file__).parent / "schema.sql").read_text() + (Path(__file__).parent / "sim_schema.sql").read_text()


def create_app(config: WalletConfig) -> web.Application:
    app = web.Application(
        client_max_size=MAX_REQUEST_BYTES,
        middlewares=[
            security_headers(cashier.frame_ancestors(config.container_origins)),
            guard.middleware(private=guard.control_plane, other_bodies=_signed, error=_refusal),
            api_fault_middleware(is_api_path, WALLET),
        ],
    )
    app[APP_NAME] = "wallet"
    app[CONFIG] = config
    app[guard.ACCESS] = config.access
    # Kept in the data folder: a cashier opened before a restart still posts after it.
    app[cashier.CSRF_SECRET] = load_or_create_secret(Path(config.data_dir) / CSRF_SECRET_FILE).encode()
    setup_pages(app)
    app.cleanup_ctx.append(_resources)
    app.add_routes(api.routes())
    app.add_routes(cashier.routes())
    app.add_routes(control.routes())
    app.add_routes(control_refunds.routes())
    add_journal_routes(app, JOURNAL)
    app.add_routes([web.get("/_sim/health", health), web.get("/", index)])
    return app


async def index(request: web.Request) -> web.Response:
    """The wallet's root: what it answers and where, as the merchant server's root says."""
    config = request.app[CONFIG]
    return aiohttp_jinja2.render_template(
        "wallet/index.html",
        request,
        {
            "base_url": config.public_url,
            "families": FAMILIES,
            "accounts": TEST_ACCOUNTS,
            "password": SANDBOX_PASSWORD,
            "client_id": config.sandbox_client_id,
        },
    )


def _signed(request: web.Request) -> bool:
    """The Alipay+ API checks its own callers (signatures) and bodies (415 in its terms)."""
    return is_api_path(request.path)


def _refusal(request: web.Request, status: int, code: str, message: str) -> web.StreamResponse:
    """The guard's refusals: in Alipay+ terms on the API, as usual elsewhere."""
    if is_api_path(request.path):
        return json_response({"result": result("ACCESS_DENIED", f"{code}: {message}")}, status=status)
    return guard.default_error(request, status, code, message)


async def _resources(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    db = await Database(config.db_path, SCHEMA).open()
    clock = Clock(config.time_scale)
    journal = await Journal.open(Path(config.data_dir) / "wallet-journal.sqlite3", "wallet", clock.now)
    signer = make_signer(config.wallet_private_pem, own_process=config.signer_process)
    await signer.start()
    wallet = Wallet(config, db, journal, clock)
    await wallet.start()
    session = client_session()
    worker = Worker(wallet, db, journal, clock, session, signer)
    wallet.attach_worker(worker.wake, worker.send_now, LEASE)
    await worker.start()
    app[WALLET] = wallet
    app[api.SIGNER] = signer
    app[JOURNAL] = journal
    app[WORKER] = worker
    try:
        yield
    finally:
        await worker.stop()
        await signer.close()
        await session.close()
        await journal.close()
        await db.close()
