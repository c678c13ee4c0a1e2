"""``tradepay-sim check-merchant``: a conformance run of a merchant server against the
rules of the flow (docs/check-merchant.md). Above the apps, like the test kit: it talks to
the wallet's API, cashier and control plane and to the user's merchant server over HTTP
only, and imports no app."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import aiohttp

from .buyer import CashierError
from .config import CheckConfig, ConfigError, load, parse
from .context import ERROR, Context, Finding, ScenarioError
from .report import Report
from .sandbox import Sandbox, SandboxError
from .scenarios import SCENARIO_NAMES, SCENARIOS
from .shop import Shop

__all__ = ["SCENARIO_NAMES", "CheckConfig", "ConfigError", "Report", "load", "parse", "run_check"]


async def run_check(
    config: CheckConfig,
    *,
    wallet_url: str | None = None,
    console_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
) -> Report:
    """Every scenario (or the config's ``scenarios``) against the merchant; the report.
    What the run queued in the wallet and did not use is taken back at the end."""
    wallet = config.wallet_url or wallet_url
    if not wallet:
        raise ConfigError("the wallet's URL is needed: walletUrl in the config, or --wallet-url")
    names = config.scenarios or SCENARIO_NAMES
    unknown = sorted(set(names) - set(SCENARIO_NAMES))
    if unknown:
        raise ConfigError(f"no scenario {unknown[0]!r}; the scenarios are {', '.join(SCENARIO_NAMES)}")
    own = session is None
    session = session or aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
    try:
        return await _run(config, names, wallet.rstrip("/"), config.console_url or console_url, session)
    finally:
        if own:
            await session.close()


async def _run(
    config: CheckConfig, names: tuple[str, ...], wallet_url: str, console_url: str | None, session
) -> Report:
    sandbox = Sandbox(session, wallet_url)
    try:
        clock = await sandbox.clock()
    except SandboxError as exc:
        raise ConfigError(f"the wallet at {wallet_url} does not answer its control plane: {exc}") from None
    scale = config.time_scale or float(clock.get("timeScale") or 1.0)
    ctx = Context(session, config, sandbox, Shop(session, config), scale, console_url and console_url.rstrip("/"))
    started_at, started = datetime.now(UTC).isoformat(timespec="seconds"), time.monotonic()
    # A scenario waits at most a few settle waits and one inquiry wait: past that it is stuck.
    bound = 6 * ctx.settle_wait + ctx.wait(config.inquiry_seconds) + 15
    taken = 0
    for scenario in (s for s in SCENARIOS if s.name in names):
        ctx.scenario = scenario.name
        before = len(ctx.findings)
        try:
            async with asyncio.timeout(bound):
                await scenario.run(ctx)
        except (ScenarioError, CashierError, SandboxError) as exc:
            _broke_off(ctx, scenario.rules, before, str(exc))
        except TimeoutError:
            _broke_off(ctx, scenario.rules, before, f"the scenario did not finish within {bound:.0f} s")
        except aiohttp.ClientError as exc:
            _broke_off(ctx, scenario.rules, before, f"an HTTP call failed: {type(exc).__name__} {exc}")
        finally:
            taken += await sandbox.take_back()
    report = Report(
        ctx.findings,
        wallet_url,
        ctx.console_url,
        started_at,
        time.monotonic() - started,
        scale,
        config.source,
    )
    report.taken_back = taken
    return report


def _broke_off(ctx: Context, rules: tuple[str, ...], before: int, why: str) -> None:
    """The rules a scenario did not get to judge are errors, each saying why."""
    judged = {f.rule for f in ctx.findings[before:]}
    for rule in rules:
        if rule not in judged:
            ctx.findings.append(Finding(ctx.scenario, rule, ERROR, f"the scenario broke off: {why}"))
