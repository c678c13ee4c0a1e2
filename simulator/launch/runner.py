"""Start the apps: each its own aiohttp application on its own port, in this process, talking
to the others only over HTTP. Used by ``run_all.py``, the CLI and the test fixtures."""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
from yarl import URL

from ..core import credentials as sandbox
from ..core import logs, origins
from ..core.web import AccessLogger
from .settings import Settings, public_host_names
from .startup import StartupError, access_of, bind, credentials, urls_of

log = logging.getLogger("tradepay_sim.runner")


@dataclass
class RunningSim:
    settings: Settings
    urls: dict[str, str]
    credentials: sandbox.SandboxCredentials
    runners: dict[str, web.AppRunner] = field(default_factory=dict)

    def app(self, name: str) -> web.Application:
        return self.runners[name].app

    async def stop(self) -> None:
        # Stop in reverse dependency order: nothing should call a stopped app mid-shutdown.
        for name in ("console", "miniprogram", "merchant", "wallet"):
            runner = self.runners.pop(name, None)
            if runner is not None:
                await runner.cleanup()


def build_apps(
    settings: Settings, urls: dict[str, str], creds: sandbox.SandboxCredentials
) -> dict[str, web.Application]:
    """The app factories, configured with each other's URLs and the sandbox keys. Each
    app's package is imported only if it runs here: the wallet's own process needs none
    of the others (docs/decisions/startup-order.md)."""
    data_dir = Path(settings.data_dir)
    guard = access_of(settings, urls)
    # Every origin each app is reached at (simulator.core.origins): a page opened at
    # localhost, 127.0.0.1, the public host or an --allowed-hosts name works alike.
    names = tuple(dict.fromkeys([*public_host_names(settings), *(origins.url_host(n) for n in settings.allowed_hosts)]))
    ours = {app: origins.origins(names, URL(url).port or 80) for app, url in urls.items()}

    def wallet() -> web.Application:
        from wallet_mock import WalletConfig, create_app

        return create_app(
            WalletConfig(
                data_dir=data_dir,
                public_url=urls["wallet"],
                wallet_private_pem=creds.wallet_private_pem,
                sandbox_client_id=creds.client_id,
                sandbox_merchant_public_pem=creds.merchant_public_pem,
                sandbox_merchant_private_pem=creds.merchant_private_pem,
                sandbox_notify_url=f"{urls['merchant']}/api/notify/payment",
                sandbox_api_profile=settings.wallet_api,
                container_origins=ours["miniprogram"],
                origins=ours["wallet"],
                time_scale=settings.time_scale,
                signer_process=settings.signer_process(),
                access=guard,
            )
        )

    def merchant() -> web.Application:
        from merchant_server import MerchantConfig, create_app

        return create_app(
            MerchantConfig(
                data_dir=data_dir,
                public_url=urls["merchant"],
                wallet_url=urls["wallet"],
                client_id=creds.client_id,
                private_pem=creds.merchant_private_pem,
                wallet_public_pem=creds.wallet_public_pem,
                wallet_timeout_seconds=settings.merchant_wallet_timeout,
                time_scale=settings.time_scale,
                api_profile=settings.merchant_api_profile,
                access=guard,
            )
        )

    def miniprogram() -> web.Application:
        from miniprogram_mock import MiniprogramConfig, create_app
        from miniprogram_mock.domains import DomainError, parse_mappings

        try:
            mappings = parse_mappings(settings.miniprogram_domain)
        except DomainError as exc:
            raise StartupError(f"invalid --miniprogram-domain: {exc}") from None
        return create_app(
            MiniprogramConfig(
                data_dir=data_dir,
                public_url=urls["miniprogram"],
                merchant_url=urls["merchant"],
                wallet_url=urls["wallet"],
                origins=ours["miniprogram"],
                wallet_origins=ours["wallet"],
                miniprogram_dir=settings.miniprogram_dir,
                domain_mappings=mappings,
                access=guard,
            )
        )

    def console() -> web.Application:
        from ..console import ConsoleConfig, create_app

        return create_app(ConsoleConfig(app_urls={k: v for k, v in urls.items() if k != "console"}, access=guard))

    factories = {"wallet": wallet, "merchant": merchant, "miniprogram": miniprogram, "console": console}
    return {name: factories[name]() for name in settings.apps}


async def start(settings: Settings, sockets: dict[str, socket.socket] | None = None) -> RunningSim:
    """Bind every port first (so port 0 resolves), then build and start the apps."""
    sockets = bind(settings, sockets)
    urls = urls_of(settings, sockets)
    try:
        creds = credentials(settings)
    except StartupError:
        for sock in sockets.values():
            sock.close()
        raise
    sim = RunningSim(settings, urls, creds)
    try:
        for name, app in build_apps(settings, urls, creds).items():
            runner = web.AppRunner(
                app, access_log_class=AccessLogger, access_log=logs.request_logger(name), handle_signals=False
            )
            await runner.setup()
            sim.runners[name] = runner
            await web.SockSite(runner, sockets[name]).start()
    except BaseException:
        await sim.stop()
        for sock in sockets.values():
            sock.close()
        raise
    return sim


async def wait_until_answering(urls: dict[str, str], timeout: float = 10.0) -> None:
    """Each app answers ``GET /_sim/health`` before we say it is up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession() as session:
        for name, url in urls.items():
            while True:
                try:
                    async with session.get(f"{url}/_sim/health", timeout=aiohttp.ClientTimeout(total=2)) as resp:
                        if resp.status == 200:
                            break
                except (TimeoutError, aiohttp.ClientError):
                    pass
                if loop.time() > deadline:
                    raise StartupError(f"the {name} at {url} did not answer within {timeout:g} s")
                await asyncio.sleep(0.05)
