"""``TradepaySim``: a running simulator and the helpers a test suite wants from it — start
a journey, force an outcome, arm a fault, wait for a notification, read the journal.

Every helper talks to the apps over HTTP, through the control API a person would use
(``/_sim/...``). Each is a plain blocking call, usable from sync tests and Playwright's
sync API; ``sim.aio.<helper>(...)`` is the same helper as an awaitable, for async tests::

    sim = TradepaySim.start()              # or the pytest fixture ``tradepay_sim``
    sim.force_outcome("INSUFFICIENT_BALANCE")
    journey = sim.journey()                # steps 1-20 over HTTP, as the browser performs them
    assert journey.result_code == "4000"
    sim.stop()
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..console import gather
from ..core import api_paths, signed_http
from ..core.apps import RESET_ORDER
from ..launch import trace as trace_mod
from .background import BackgroundSim
from .journey import BUYER_REFUSALS, DEFAULT_ITEMS, CashierResult, JourneyResult, api_journey
from .sim import wait_for

API_PATH = api_paths.ALIPAYPLUS


class SimCallError(RuntimeError):
    """A control or wallet call did not answer as expected; carries the status and body."""

    def __init__(self, method: str, url: str, status: int | None, body: Any):
        super().__init__(f"{method} {url} answered HTTP {status}: {body}")
        self.status, self.body = status, body


# Every helper's coroutine, by name: ``sim.aio.<name>`` awaits it.
_COROUTINES: dict[str, Callable[..., Coroutine[Any, Any, Any]]] = {}


def _scope(client_id: str | None, payment_request_id: str | None, replace: bool) -> dict[str, Any]:
    """The scope fields of a queued outcome or fault, as the control API takes them."""
    body: dict[str, Any] = {"clientId": client_id, "paymentRequestId": payment_request_id}
    body = {k: v for k, v in body.items() if v is not None}
    if replace:
        body["replace"] = True
    return body


def _blocking(method: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    """Write a helper once, as a coroutine run on the simulator's loop; callers get it
    blocking (``sim.x()``) or awaitable (``await sim.aio.x()``)."""
    _COROUTINES[method.__name__] = method

    @functools.wraps(method)
    def call(self: TradepaySim, *args, **kwargs):
        return self.background.call(method(self, *args, **kwargs))

    return call


class _Awaitables:
    """``sim.aio``: every helper of ``sim`` as an awaitable."""

    def __init__(self, sim: TradepaySim):
        self._sim = sim

    def __getattr__(self, name: str):
        coroutine = _COROUTINES.get(name)
        if coroutine is None:
            raise AttributeError(f"TradepaySim has no helper {name!r}")
        return lambda *args, **kwargs: self._sim.background.call_async(coroutine(self._sim, *args, **kwargs))


class TradepaySim:
    """A simulator running in the background (its own thread and event loop)."""

    def __init__(self, background: BackgroundSim, cleanup: tempfile.TemporaryDirectory | None = None):
        self.background = background
        self.aio = _Awaitables(self)
        self._cleanup = cleanup
        self._credentials: dict | None = None

    @classmethod
    def start(cls, data_dir: str | Path | None = None, **settings: Any) -> TradepaySim:
        """Start the apps on free ports, with ``data_dir`` (default: a temporary folder,
        removed by ``stop``). ``settings`` are ``simulator.launch.settings.Settings`` fields:
        ``apps``, ``time_scale``, ``miniprogram_dir``, ``merchant_wallet_timeout``, ..."""
        cleanup = None
        if data_dir is None:
            cleanup = tempfile.TemporaryDirectory(prefix="tradepay-sim-")
            data_dir = cleanup.name
        return cls(BackgroundSim(Path(data_dir), **settings).start(), cleanup)

    def stop(self) -> None:
        self.background.stop()
        if self._cleanup is not None:
            self._cleanup.cleanup()
            self._cleanup = None

    def __enter__(self) -> TradepaySim:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- where things are ---------------------------------------------------------

    @property
    def urls(self) -> dict[str, str]:
        """``{"miniprogram": ..., "merchant": ..., "wallet": ..., "console": ...}``."""
        return dict(self.background.sim.urls)

    @property
    def apps(self) -> tuple[str, ...]:
        return tuple(self.background.sim.settings.apps)

    @property
    def data_dir(self) -> Path:
        return self.background.data_dir

    @property
    def credentials(self) -> dict:
        """The sandbox merchant (``GET /_sim/credentials``): ``clientId``,
        ``merchantPrivateKey``, ``walletPublicKey``, ``apiBaseUrl``, test accounts."""
        if self._credentials is None:
            self._credentials = self._get_credentials()
        return self._credentials

    @_blocking
    async def _get_credentials(self) -> dict:
        return await self._request("GET", "wallet", "/_sim/credentials")

    def _app_urls(self) -> dict[str, str]:
        return {name: url for name, url in self.urls.items() if name in self.apps and name != "console"}

    async def _request(self, method: str, app: str, path: str, body: Any = None, ok=(200, 201)) -> Any:
        url = self.urls[app] + path
        async with self.background.session.request(method, url, json=body) as resp:
            payload = await resp.json(content_type=None)
            if resp.status not in ok:
                raise SimCallError(method, url, resp.status, payload)
            return payload

    # --- steering -------------------------------------------------------------------

    @_blocking
    async def reset(self) -> None:
        """Back to a fresh sandbox: payments, orders, notifications, events, queued
        outcomes and faults gone, balances restored (keys and merchants stay)."""
        for app in RESET_ORDER:
            if app in self.apps:
                await self._request("POST", app, "/_sim/reset", {})

    @_blocking
    async def force_outcome(
        self,
        outcome: str,
        *,
        payment_request_id: str | None = None,
        client_id: str | None = None,
        count: int = 1,
        replace: bool = False,
    ) -> dict:
        """The next cashier confirmation ends as ``outcome``: ``SUCCESS``,
        ``INSUFFICIENT_BALANCE``, ``RISK_REJECT``, ``USER_CANCEL``,
        ``PROCESSING_THEN_SUCCESS``, ``PROCESSING_THEN_FAIL``,
        ``NETWORK_LOST_BEFORE_DEBIT`` or ``NETWORK_LOST_AFTER_DEBIT``. Scoped to one
        payment (``payment_request_id``) and/or one merchant (``client_id``) it leaves
        other tests sharing the wallet alone. The reply's ``alreadyQueued`` lists what
        acts before it for the same scope; ``replace=True`` removes that instead."""
        body = {"outcome": outcome, "count": count, **_scope(client_id, payment_request_id, replace)}
        return await self._request("POST", "wallet", "/_sim/outcomes", body)

    @_blocking
    async def fault(
        self,
        endpoint: str = "*",
        kind: str = "http_500",
        *,
        count: int = 1,
        delay_ms: int | None = None,
        phase: str | None = None,
        client_id: str | None = None,
        payment_request_id: str | None = None,
        replace: bool = False,
    ) -> dict:
        """The next ``count`` calls to ``endpoint`` (``pay``, ``inquiryPayment``,
        ``cancelPayment``, ``refund``, ``inquiryRefund`` or ``*``) fail with ``kind``:
        ``delay``, ``http_500``, ``http_503``, ``drop``, ``malformed_json``,
        ``unknown_exception``; ``phase`` is ``before`` or ``after`` the wallet acts.
        ``client_id`` / ``payment_request_id`` limit it to one merchant's / payment's calls."""
        body = {"endpoint": endpoint, "kind": kind, "count": count, **_scope(client_id, payment_request_id, replace)}
        body.update({k: v for k, v in (("delayMs", delay_ms), ("phase", phase)) if v is not None})
        return await self._request("POST", "wallet", "/_sim/faults", body)

    @_blocking
    async def notification_fault(
        self,
        kind: str,
        *,
        count: int = 1,
        delay_ms: int | None = None,
        client_id: str | None = None,
        payment_request_id: str | None = None,
        replace: bool = False,
    ) -> dict:
        """The next ``count`` notifications: ``fail`` (acknowledgement lost: retried),
        ``delay``, ``duplicate`` or ``drop`` (lost; the wallet believes it delivered);
        ``client_id`` / ``payment_request_id`` limit it to one merchant's / payment's."""
        body = {"kind": kind, "count": count, **_scope(client_id, payment_request_id, replace)}
        if delay_ms is not None:
            body["delayMs"] = delay_ms
        return await self._request("POST", "wallet", "/_sim/notifications/faults", body)

    @_blocking
    async def remove_queued(self, entry: dict | int, queue: str = "outcomes") -> dict:
        """Remove one queued entry (the dict a ``force_outcome``, ``fault`` or
        ``notification_fault`` returned, or its id with ``queue``: ``outcomes``,
        ``faults`` or ``notifications/faults``) before it is used."""
        if isinstance(entry, dict):
            entry_id = entry["id"]
            queue = "outcomes" if "outcome" in entry else ("faults" if "endpoint" in entry else "notifications/faults")
        else:
            entry_id = entry
        return await self._request("DELETE", "wallet", f"/_sim/{queue}/{int(entry_id)}", None)

    @_blocking
    async def unlock(self, login_id: str) -> dict:
        """Unlock a test account locked by wrong passwords, without a reset."""
        return await self._request("POST", "wallet", f"/_sim/accounts/{quote(login_id, safe='')}/unlock", {})

    @_blocking
    async def settle(self, payment_id: str, to: str = "SUCCESS") -> dict:
        """Settle a processing (8000) payment now, to ``SUCCESS`` or ``FAIL``."""
        return await self._request("POST", "wallet", f"/_sim/payments/{quote(payment_id, safe='')}/settle", {"to": to})

    @_blocking
    async def expire(self, payment_id: str) -> dict:
        """Close an unpaid payment now."""
        return await self._request("POST", "wallet", f"/_sim/payments/{quote(payment_id, safe='')}/expire", {})

    @_blocking
    async def advance_clock(self, seconds: float) -> dict:
        """Move the wallet's clock forward (expiry, notification retries)."""
        return await self._request("POST", "wallet", "/_sim/clock/advance", {"seconds": seconds})

    # --- journeys and what they left ----------------------------------------------

    @_blocking
    async def journey(
        self,
        *,
        items=DEFAULT_ITEMS,
        outcome: str | None = None,
        account: str = "buyer@sandbox.test",
        password: str = "111111",
        action: str = "confirm",
        report: bool = True,
    ) -> JourneyResult:
        """A whole journey over HTTP, as the shop page and the cashier perform it: order,
        cashier, confirmation (``action="cancel"`` presses the cashier's ✕), result page.
        ``outcome`` forces the confirmation's outcome, for this payment alone (parallel
        tests sharing the wallet do not take it). Returns the ids, the
        ``result_code`` the mini program got and the merchant's ``order``; when the cashier
        refuses the buyer (a wrong password, a locked account), ``result_code`` is None and
        ``refusal`` says why (``{"code": "WRONG_PASSWORD", "message", "triesLeft"}``)."""
        return await api_journey(
            self.background.session,
            self.urls,
            items=items,
            account=account,
            password=password,
            action=action,
            report=report,
            outcome=outcome,
        )

    @_blocking
    async def pay(
        self,
        payment_url: str | None = None,
        *,
        payment_id: str | None = None,
        account: str = "buyer@sandbox.test",
        password: str = "111111",
        action: str = "confirm",
    ) -> CashierResult:
        """The buyer pays this paymentUrl (or ``payment_id``), with no browser: the
        cashier's confirm (or ``action="cancel"``, its ✕) through ``POST /_sim/cashier``,
        with the same outcomes, forced outcomes and journal as a click. Works for any
        payment of this wallet, one your own merchant server made included. Returns the
        ``result_code`` (or the ``refusal``: a wrong password, a locked account)."""
        if (payment_url is None) == (payment_id is None):
            raise TypeError("pay() takes a payment_url or a payment_id")
        body = {"action": action, "account": account, "password": password}
        if payment_url is not None:
            body["paymentUrl"] = payment_url
        elif payment_id is not None:
            body["paymentId"] = payment_id
        url = self.urls["wallet"] + "/_sim/cashier"
        async with self.background.session.post(url, json=body) as resp:
            reply = await resp.json(content_type=None)
        refused = isinstance(reply, dict) and (reply.get("error") or {}).get("code") in BUYER_REFUSALS
        if resp.status != 200 and not refused:
            raise SimCallError("POST", url, resp.status, reply)
        return CashierResult.of(reply)

    @_blocking
    async def call(self, endpoint: str, payload: dict) -> dict:
        """A signed wallet API call as the sandbox merchant (``call("inquiryPayment",
        {"paymentId": ...})``); the reply's signature is checked."""
        if self._credentials is None:
            self._credentials = await _COROUTINES["_get_credentials"](self)
        creds = self._credentials
        client = signed_http.SignedClient(
            self.background.session,
            client_id=creds["clientId"],
            private_pem=creds["merchantPrivateKey"],
            peer_public_pem=creds["walletPublicKey"],
        )
        url = f"{self.urls['wallet']}{API_PATH}/{endpoint}"
        exchange = await client.post(url, payload)
        body = exchange.response_body.decode("utf-8", "replace")
        if exchange.status != 200:
            raise SimCallError("POST", url, exchange.status, body)
        if not exchange.response_signature_valid:
            raise SimCallError("POST", url, exchange.status, f"reply signature does not verify: {body}")
        return exchange.json()

    @_blocking
    async def check_merchant(self, config: Any) -> Any:
        """Run the conformance scenarios (docs/check-merchant.md) against a merchant server,
        with this simulator's wallet and console; ``config`` is the config as a dict, a
        path to its JSON file, or a parsed ``CheckConfig``. Returns the ``Report``
        (``.ok``, ``.findings``, ``.table()``, ``.junit()``, ``.to_json()``)."""
        from .. import check

        if isinstance(config, dict):
            config = check.parse(config)
        elif isinstance(config, (str, Path)):
            config = check.load(config)
        return await check.run_check(
            config,
            wallet_url=self.urls["wallet"],
            console_url=self.urls.get("console"),
            session=self.background.session,
        )

    @_blocking
    async def order(self, order_id: str) -> dict:
        """The merchant's order (``GET /api/orders/{orderId}``)."""
        return await self._request("GET", "merchant", f"/api/orders/{quote(order_id, safe='')}")

    @_blocking
    async def payment(self, payment_id: str) -> dict:
        """The wallet's payment, its notifications and every delivery attempt."""
        return await self._request("GET", "wallet", f"/_sim/payments/{quote(payment_id, safe='')}")

    @_blocking
    async def balance(self, login_id: str = "buyer@sandbox.test", currency: str = "USD") -> int:
        """A test account's balance in minor units (``450`` is USD 4.50)."""
        body = await self._request("GET", "wallet", "/_sim/accounts")
        account = next((a for a in body["accounts"] if a["loginId"] == login_id), None)
        if account is None:
            raise LookupError(f"no test account {login_id!r}")
        return int(account["balances"][currency])

    @_blocking
    async def wait_for_notification(
        self, payment_id: str, *, status: str = "DELIVERED", attempts: int = 1, timeout: float = 10.0
    ) -> dict:
        """Wait until the payment's notification is ``status`` (``DELIVERED``; ``PENDING``:
        waiting for its next attempt; ``FAILED``: schedule spent) after at least
        ``attempts`` attempts; returns it with every attempt (``history``)."""

        async def reached():
            payment = await _COROUTINES["payment"](self, payment_id)
            return next(
                (n for n in payment["notifications"] if n["status"] == status and n["attempts"] >= attempts), None
            )

        try:
            return await wait_for(reached, timeout=timeout)
        except TimeoutError:
            seen = [
                f"{n['status']} after {n['attempts']} attempts"
                for n in (await _COROUTINES["payment"](self, payment_id))["notifications"]
            ]
            raise TimeoutError(
                f"no notification of {payment_id} became {status} within {timeout:g} s "
                f"(notifications: {', '.join(seen) or 'none'})"
            ) from None

    @_blocking
    async def events(self, order_id: str | None = None, *, order: str = "time") -> list[dict]:
        """The step journal of every app, merged: one journey's (``order_id``) or all;
        in time order, or by step number with ``order="step"``."""
        if order_id is None:
            events, _ = await gather.fetch_events(self.background.session, self._app_urls(), {"order": order})
            return events
        return (await gather.journey(self.background.session, self._app_urls(), order_id, order))["events"]

    @_blocking
    async def trace(self, order_id: str) -> str:
        """One journey as ``tradepay-sim trace`` prints it: a numbered list of its steps."""
        journey = await gather.journey(self.background.session, self._app_urls(), order_id)
        return trace_mod.render(journey) if journey["events"] else f"no journey {order_id}: no step recorded"

    @_blocking
    async def order_ids(self) -> list[str]:
        """The ids of every journey recorded since the last reset, oldest first."""
        events, _ = await gather.fetch_events(self.background.session, self._app_urls())
        return list(dict.fromkeys(e["orderId"] for e in events if e.get("orderId")))


__all__ = ["CashierResult", "JourneyResult", "SimCallError", "TradepaySim"]
