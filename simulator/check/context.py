"""What every scenario stands on: the run's context (the merchant, the sandbox, the
buyer, the time scale), the order a scenario makes (``Journey``), and the findings it
records. Only what is seen over HTTP is judged; what cannot be seen is said so."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

from ..core import signing
from . import buyer
from .buyer import Cashier
from .config import CheckConfig, dig
from .sandbox import Sandbox, SandboxError
from .shop import Reading, Reply, Shop

PASS, FAIL, NOT_SEEN, ERROR = "pass", "fail", "not seen", "error"
# The least a wait for the merchant's reaction lasts, whatever the time scale: a loaded
# machine must not turn a slow merchant into a failing one.
MIN_WAIT_SECONDS = 2.0
POLL_SECONDS = 0.05
ACK = {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}


class ScenarioError(RuntimeError):
    """The scenario could not go on (the merchant or the wallet did not answer as needed)."""


@dataclass
class Finding:
    scenario: str
    rule: str
    verdict: str
    happened: str
    journey: str | None = None


@dataclass
class Journey:
    """One order of one scenario, as the mini program and the wallet know it."""

    order_id: str
    cashier: Cashier
    client_id: str
    notify_url: str | None

    @property
    def payment_id(self) -> str:
        return self.cashier.payment_id

    @property
    def ids(self) -> dict[str, str]:
        return {
            "orderId": self.order_id,
            "paymentId": self.cashier.payment_id,
            "paymentRequestId": self.cashier.payment_request_id,
        }


@dataclass
class Context:
    session: aiohttp.ClientSession
    config: CheckConfig
    sandbox: Sandbox
    shop: Shop
    time_scale: float
    console_url: str | None
    findings: list[Finding] = field(default_factory=list)
    payments: list[str] = field(default_factory=list)  # every payment made, for the acknowledgement rule
    forged_key: signing.KeyPair | None = None
    scenario: str = ""
    client_id: str | None = None  # the merchant's, once a payment has shown it

    # --- time ---------------------------------------------------------------------

    def wait(self, domain_seconds: float) -> float:
        """A limit in the flow's seconds as a wait on this run (the time scale applied)."""
        return max(domain_seconds / self.time_scale, MIN_WAIT_SECONDS)

    @property
    def settle_wait(self) -> float:
        return self.wait(self.config.settle_seconds)

    # --- findings -----------------------------------------------------------------

    def link(self, journey: Journey | None) -> str | None:
        if journey is None or not self.console_url:
            return None
        return f"{self.console_url}/journeys/{quote(journey.cashier.order_id, safe='')}"

    def record(self, rule: str, verdict: str, happened: str, journey: Journey | None = None) -> None:
        self.findings.append(Finding(self.scenario, rule, verdict, happened, self.link(journey)))

    def check(self, rule: str, held: bool, happened: str, journey: Journey | None = None) -> None:
        self.record(rule, PASS if held else FAIL, happened, journey)

    async def check_fulfilment(self, journey: Journey) -> None:
        """Once the wallet's final notification has been answered (the merchant has done
        all it will do with it), the paid order's fulfilment count must be 1."""
        await self.notified(journey, "PAYMENT_RESULT")
        reading = await self.status(journey)
        if reading.fulfilment is None:
            why = (
                "the config names no fulfilment count (orderStatus.fulfilmentCountPath)"
                if not self.config.fulfilment_path
                else f"the status reply has no number at {self.config.fulfilment_path}"
            )
            self.record("fulfilled-once", NOT_SEEN, f"{why}: how often the order was fulfilled is not visible", journey)
            return
        want = 1
        self.check(
            "fulfilled-once",
            reading.fulfilment == want,
            f"fulfilment count {reading.fulfilment} (expected {want}) after every notification and inquiry",
            journey,
        )

    # --- the merchant and the cashier ---------------------------------------------

    async def new_order(self) -> Journey:
        reply = await self.shop.create_order()
        return await self.journey_of(reply)

    async def journey_of(self, reply: Reply) -> Journey:
        if reply.status is None or not 200 <= reply.status < 300 or not isinstance(reply.body, dict):
            raise ScenarioError(f"creating an order failed: {reply.describe()}")
        order_id = dig(reply.body, self.config.order_id_path)
        if order_id is None:
            raise ScenarioError(f"the order reply has no {self.config.order_id_path}: {reply.describe()}")
        if self.config.payment_url_path:
            url = dig(reply.body, self.config.payment_url_path)
            if not isinstance(url, str):
                raise ScenarioError(f"the order reply has no paymentUrl at {self.config.payment_url_path}")
            cashier = await buyer.open_cashier(self.session, url)
        else:
            payment_id = dig(reply.body, self.config.payment_id_path or "")
            if not isinstance(payment_id, str):
                raise ScenarioError(f"the order reply has no paymentId at {self.config.payment_id_path}")
            cashier = await buyer.open_by_payment_id(self.session, self.sandbox.url, payment_id)
        record = await self.sandbox.payment(cashier.payment_id)
        if self.config.client_id and record["clientId"] != self.config.client_id:
            raise ScenarioError(
                f"the payment was made by client {record['clientId']}, not {self.config.client_id} as the config says"
            )
        self.payments.append(cashier.payment_id)
        self.client_id = record["clientId"]
        return Journey(str(order_id), cashier, record["clientId"], record.get("notifyUrl"))

    async def pay(self, journey: Journey, outcome: str) -> str:
        """The user pays in the cashier; ``outcome`` is forced for this payment only."""
        await self.sandbox.force_outcome(outcome, journey.cashier.payment_request_id)
        return await buyer.pay(journey.cashier, self.session, self.config.account, self.config.password)

    async def status(self, journey: Journey, result_code: str = "") -> Reading:
        return await self.shop.status(journey.ids, result_code)

    async def poll(self, journey: Journey, result_code: str, until: set[str], seconds: float) -> tuple[Reading, float]:
        """Read the order's status until its verdict is in ``until`` or ``seconds`` pass;
        the last reading and how long it took."""
        started = time.monotonic()
        while True:
            reading = await self.status(journey, result_code)
            waited = time.monotonic() - started
            if reading.verdict in until or waited >= seconds:
                return reading, waited
            await asyncio.sleep(POLL_SECONDS)

    async def notified(self, journey: Journey, notify_type: str, attempts: int = 1) -> dict | None:
        """The payment's notification of ``notify_type`` once the wallet has made
        ``attempts`` delivery attempts of it (None if it did not within the settle wait)."""
        deadline = time.monotonic() + self.settle_wait
        while True:
            record = await self.sandbox.payment(journey.payment_id)
            found = next(
                (n for n in record["notifications"] if n["notifyType"] == notify_type and n["attempts"] >= attempts),
                None,
            )
            if found or time.monotonic() >= deadline:
                return found
            await asyncio.sleep(POLL_SECONDS)

    async def settle(self, journey: Journey, to: str) -> None:
        """Settle the processing payment now. The wallet settles it by itself after 30 s of
        the flow's time (divided by the scale): if it got there first, to the same end,
        that is as good."""
        try:
            await self.sandbox.settle(journey.payment_id, to)
        except SandboxError:
            if (await self.sandbox.payment(journey.payment_id))["status"] != to:
                raise

    async def still_processing(self, journey: Journey) -> bool:
        return (await self.sandbox.payment(journey.payment_id))["status"] == "PROCESSING"

    async def deliveries(self, journey: Journey) -> list[dict]:
        """The wallet's journal events of this payment's notification attempts."""
        return [
            e
            for e in await self.sandbox.events(paymentId=journey.payment_id)
            if e.get("step") == 19 and e.get("actor") == "wallet server" and "notifyPayment attempt" in e["summary"]
        ]


def said(reading: Reading) -> str:
    """What the merchant said of the order, for a finding."""
    if reading.value is None:
        return f"the status call answered {reading.reply.describe()}"
    return f"the order reads {reading.value!r} ({reading.verdict})"


def acknowledged(status: int | None, body: Any) -> bool:
    result = body.get("result") if isinstance(body, dict) else None
    return status == 200 and isinstance(result, dict) and result.get("resultStatus") == "S"
