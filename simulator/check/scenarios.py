"""The scenarios of a conformance run. Each one makes its own order on the user's merchant
server, pays it (or not) in the wallet's cashier with an outcome or a fault forced for
that payment alone, and records, rule by rule, what the merchant did. Only what is seen
over HTTP is judged; what cannot be seen is recorded as such."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..core import signing
from ..core.signed_http import SignedClient, SignedExchange, dump_json
from . import buyer
from .config import dig
from .context import ACK, ERROR, FAIL, NOT_SEEN, PASS, Context, Finding, Journey, ScenarioError, acknowledged, said
from .shop import Reading


async def _paid(ctx: Context, outcome: str, rule: str, what: str) -> None:
    """The buyer is charged: the order must end paid, and be fulfilled once."""
    journey = await ctx.new_order()
    code = await ctx.pay(journey, outcome)
    reading, waited = await ctx.poll(journey, code, {"paid"}, ctx.settle_wait)
    ctx.check(rule, reading.verdict == "paid", f"{what} {code}; after {waited:.1f} s {said(reading)}", journey)
    await ctx.check_fulfilment(journey)


async def success(ctx: Context) -> None:
    await _paid(ctx, "SUCCESS", "paid-after-success", "the client got")


async def user_cancel(ctx: Context) -> None:
    journey = await ctx.new_order()
    code = await buyer.cancel(journey.cashier, ctx.session)
    await asyncio.sleep(0.2)
    reading = await ctx.status(journey, code)
    _not_paid(ctx, "not-paid-after-cancel", reading, f"the user closed the cashier ({code})", journey)


def _not_paid(ctx: Context, rule: str, reading: Reading, what: str, journey: Journey) -> None:
    if reading.verdict == "unknown":
        ctx.record(rule, ERROR, f"{what}; {said(reading)}, a value the config lists nowhere", journey)
        return
    ctx.check(rule, reading.verdict != "paid", f"{what}; {said(reading)}", journey)


async def insufficient_balance(ctx: Context) -> None:
    journey = await ctx.new_order()
    code = await ctx.pay(journey, "INSUFFICIENT_BALANCE")
    notification = await ctx.notified(journey, "PAYMENT_RESULT")
    reading, _ = await ctx.poll(journey, code, {"failed", "paid"}, ctx.settle_wait if notification else 0)
    what = f"the client got {code}, the wallet notified PAYMENT_RESULT F" if notification else f"the client got {code}"
    _not_paid(ctx, "not-paid-after-refusal", reading, what, journey)


async def _processing(ctx: Context, to: str) -> None:
    journey = await ctx.new_order()
    code = await ctx.pay(journey, f"PROCESSING_THEN_{'SUCCESS' if to == 'SUCCESS' else 'FAIL'}")
    pending = await ctx.notified(journey, "PAYMENT_PENDING")
    await asyncio.sleep(0.1)  # the merchant's answer to PAYMENT_PENDING has been written
    reading = await ctx.status(journey, code)
    what = f"the client got {code}" + (", the wallet notified PAYMENT_PENDING" if pending else "")
    if await ctx.still_processing(journey):
        ctx.check("pending-while-processing", reading.verdict == "pending", f"{what}; {said(reading)}", journey)
    else:
        ctx.record(
            "pending-while-processing",
            NOT_SEEN,
            f"{what}; the wallet settled the payment by itself before the order could be read "
            "(a time scale too high for this machine)",
            journey,
        )
    await ctx.settle(journey, to)
    final = await ctx.notified(journey, "PAYMENT_RESULT")
    want = "paid" if to == "SUCCESS" else "failed"
    reading, waited = await ctx.poll(journey, code, {want}, ctx.settle_wait)
    what = f"the payment settled to {to}" + (" and the wallet notified PAYMENT_RESULT" if final else "")
    rule = "paid-after-processing-success" if to == "SUCCESS" else "failed-after-processing-failure"
    ctx.check(rule, reading.verdict == want, f"{what}; after {waited:.1f} s {said(reading)}", journey)
    if to == "SUCCESS":
        await ctx.check_fulfilment(journey)


async def processing_then_success(ctx: Context) -> None:
    await _processing(ctx, "SUCCESS")


async def processing_then_failure(ctx: Context) -> None:
    await _processing(ctx, "FAIL")


async def network_lost_after_debit(ctx: Context) -> None:
    await _paid(ctx, "NETWORK_LOST_AFTER_DEBIT", "paid-after-6004", "the buyer was charged, the client got")


async def notification_lost(ctx: Context) -> None:
    journey = await ctx.new_order()
    await ctx.sandbox.notification_fault("drop", journey.cashier.payment_request_id)
    code = await ctx.pay(journey, "SUCCESS")
    notification = await ctx.notified(journey, "PAYMENT_RESULT")
    dropped = notification is not None and any(a["outcome"] == "DROPPED" for a in notification.get("history", []))
    if not dropped:
        ctx.record(
            "inquiry-when-notification-lost",
            ERROR,
            "the wallet did not drop this payment's notification as asked: nothing could be judged",
            journey,
        )
        return
    # The client went away (no resultCode): only the merchant's own inquiry can tell it.
    limit = ctx.wait(ctx.config.inquiry_seconds)
    reading, waited = await ctx.poll(journey, "", {"paid"}, limit)
    inquiries = [
        e
        for e in await ctx.sandbox.events(paymentId=journey.payment_id)
        if "inquiryPayment" in ((e.get("http") or {}).get("url") or "")
    ]
    if reading.verdict == "paid" and inquiries:
        ctx.record(
            "inquiry-when-notification-lost",
            PASS,
            f"the notification was lost; the merchant asked inquiryPayment and the order was paid after {waited:.1f} s",
            journey,
        )
    elif reading.verdict == "paid":
        ctx.record(
            "inquiry-when-notification-lost",
            FAIL,
            "the notification was lost and the merchant never called inquiryPayment, yet the order reads paid: "
            "it was not told so by the wallet",
            journey,
        )
    else:
        ctx.record(
            "inquiry-when-notification-lost",
            FAIL,
            f"the notification was lost (the client got {code} and went away); {limit:.1f} s later "
            f"({ctx.config.inquiry_seconds:g} s of the flow's time) {said(reading)}, and the wallet saw "
            f"{len(inquiries)} inquiryPayment calls for it",
            journey,
        )
    if reading.verdict == "paid":
        await ctx.check_fulfilment(journey)


async def notification_repeated(ctx: Context) -> None:
    journey = await ctx.new_order()
    await ctx.sandbox.notification_fault("duplicate", journey.cashier.payment_request_id)
    code = await ctx.pay(journey, "SUCCESS")
    notification = await ctx.notified(journey, "PAYMENT_RESULT")
    if notification is None:
        raise ScenarioError("the wallet made no delivery of the PAYMENT_RESULT notification")
    first, _ = await ctx.poll(journey, code, {"paid"}, ctx.settle_wait)
    resends = [await ctx.sandbox.resend(notification["notificationId"]) for _ in range(2)]
    reading = await ctx.status(journey, code)
    duplicated = any((e.get("details") or {}).get("fault") == "duplicate" for e in await ctx.deliveries(journey))
    copies = (2 if duplicated else 1) + len(resends)
    refused = [r for r in resends if r["outcome"] != "ACKNOWLEDGED"]
    if refused:
        happened = f"a resent copy was answered {refused[0].get('httpStatus')}: {refused[0].get('detail')}"
    else:
        happened = f"{copies} copies delivered ({'one pair at once, ' if duplicated else ''}2 resent): all acknowledged"
    happened += f"; {said(reading)}"
    ctx.check(
        "repeat-acknowledged",
        not refused and first.verdict == "paid" and reading.verdict == "paid",
        happened,
        journey,
    )
    await ctx.check_fulfilment(journey)


async def forged_notification(ctx: Context) -> None:
    """A genuine notification of a paid order is taken from the wallet's journal and
    aimed at an unpaid order (its ids changed): once signed with another key, once with
    the wallet's own signature kept over the body it no longer matches. Each goes to an
    order of its own, so that one forgery's effect does not blur the other. The genuine
    body is in the merchant's own API profile, whatever it is."""
    paid = await ctx.new_order()
    await ctx.pay(paid, "SUCCESS")
    await ctx.notified(paid, "PAYMENT_RESULT")
    genuine = next(
        (
            e["http"]
            for e in await ctx.deliveries(paid)
            if isinstance((e.get("http") or {}).get("requestBody"), dict)
            and "Signature" in (e["http"].get("requestHeaders") or {})
        ),
        None,
    )
    if genuine is None or not paid.notify_url:
        for rule in ("forged-other-key-refused", "forged-tampered-refused"):
            ctx.record(rule, NOT_SEEN, "the wallet delivered no signed notification to forge from", paid)
        return
    if ctx.forged_key is None:
        ctx.forged_key = await asyncio.to_thread(signing.generate_key_pair)
    forger = SignedClient(ctx.session, client_id=paid.client_id, private_pem=ctx.forged_key.private_pem)
    signed = {k: v for k, v in genuine["requestHeaders"].items() if k in ("Client-Id", "Request-Time", "Signature")}
    for rule, how in (
        ("forged-other-key-refused", "signed with another key"),
        ("forged-tampered-refused", "with the wallet's signature of the original kept"),
    ):
        journey = await ctx.new_order()
        body = {**genuine["requestBody"], **journey.ids}
        body.pop("orderId")
        if rule == "forged-other-key-refused":
            sent = await forger.post(journey.notify_url or paid.notify_url, body)
        else:
            exchange = SignedExchange(
                url=journey.notify_url or paid.notify_url,
                request_headers={"Content-Type": "application/json; charset=UTF-8", **signed},
                request_body=dump_json(body),
            )
            sent = await forger.send(exchange)
        answered = _answer(sent)
        reading = await ctx.status(journey)
        ctx.check(
            rule,
            not acknowledged(sent.status, answered) and reading.verdict != "paid",
            f"the wallet's successful notification of another order, aimed at this unpaid one and {how}, "
            f"was answered {_short(sent.status, answered)}; {said(reading)}",
            journey,
        )


def _answer(exchange: SignedExchange) -> Any:
    try:
        return exchange.json()
    except ValueError:
        return exchange.response_body.decode("utf-8", "replace")[:200]


def _short(status: int | None, body: Any) -> str:
    result = body.get("result") if isinstance(body, dict) else None
    if isinstance(result, dict):
        return f"HTTP {status} resultStatus {result.get('resultStatus')!r} {result.get('resultCode')!r}"
    return f"HTTP {status} {str(body)[:120]!r}"


async def client_claims_success(ctx: Context) -> None:
    journey = await ctx.new_order()
    first = await ctx.status(journey, "9000")
    await asyncio.sleep(0.2)
    reading = await ctx.status(journey, "9000")
    if first.verdict == "paid":
        reading = first
    _not_paid(ctx, "client-code-not-proof", reading, "the client reported 9000 but nobody paid", journey)


async def payment_expired(ctx: Context) -> None:
    journey = await ctx.new_order()
    await ctx.sandbox.expire(journey.payment_id)
    notification = await ctx.notified(journey, "PAYMENT_RESULT")
    reading, _ = await ctx.poll(journey, "", {"failed", "paid"}, ctx.settle_wait if notification else 0)
    what = "the payment expired unpaid" + (" and the wallet notified ORDER_IS_CLOSED" if notification else "")
    _not_paid(ctx, "not-paid-after-expiry", reading, what, journey)


async def pay_retried(ctx: Context) -> None:
    since = (await ctx.sandbox.clock())["now"]
    # Its paymentRequestId is the merchant's to choose: the fault is scoped to the merchant.
    await ctx.sandbox.api_fault("pay", "drop", "after", ctx.config.client_id or ctx.client_id)
    reply = await ctx.shop.create_order()
    order_id = dig(reply.body, ctx.config.order_id_path) if isinstance(reply.body, dict) else None
    retried = False
    if reply.status is None:
        raise ScenarioError(f"creating an order failed: {reply.describe()}")
    if not 200 <= reply.status < 300:
        if order_id is None or ctx.config.retry_pay is None:
            why = "the config names no retryPay call" if ctx.config.retry_pay is None else "it names no order id"
            ctx.record(
                "one-payment-on-retry",
                NOT_SEEN,
                f"the pay reply was lost and the merchant answered {reply.describe()}; {why}, so no retry was made",
            )
            return
        reply = await ctx.shop.retry_pay(str(order_id)) or reply
        retried = True
    journey = await ctx.journey_of(reply)
    events = await ctx.sandbox.events(orderId=journey.cashier.order_id)
    faulted = [e for e in events if e.get("kind") == "fault" and "injected fault on pay" in e["summary"]]
    if not faulted:
        ctx.record(
            "one-payment-on-retry",
            NOT_SEEN,
            "the merchant made no pay call for this order when it was created",
            journey,
        )
        return
    request_ids = {e["paymentRequestId"] for e in events if e.get("paymentRequestId")}
    made = [p for p in await ctx.sandbox.payments() if p["clientId"] == journey.client_id and p["createdAt"] >= since]
    how = "asked again through retryPay" if retried else "retried by itself"
    ctx.check(
        "one-payment-on-retry",
        len(made) == 1 and request_ids == {journey.cashier.payment_request_id},
        f"the first pay's reply was lost; the merchant {how}; the wallet holds {len(made)} payment(s) for it, "
        f"under paymentRequestId(s) {', '.join(sorted(request_ids))}",
        journey,
    )


async def acknowledgement_format(ctx: Context) -> None:
    """Every delivery the wallet made during the run, judged by the answer it got."""
    checked, wrong = 0, []
    for payment_id in ctx.payments:
        for event in await ctx.sandbox.events(paymentId=payment_id):
            http = event.get("http") or {}
            if event.get("step") != 19 or event.get("actor") != "wallet server" or "status" not in http:
                continue  # not a delivery, or one dropped on the way (no answer)
            checked += 1
            body = http.get("responseBody")
            result = body.get("result") if isinstance(body, dict) else None
            if (
                http["status"] != 200
                or not isinstance(result, dict)
                or any(result.get(k) != v for k, v in ACK.items() if k != "resultMessage")
            ):
                wrong.append((event, http))
    if not checked:
        ctx.record("acknowledgement-format", NOT_SEEN, "the wallet made no delivery that got an answer")
    elif wrong:
        event, http = wrong[0]
        ctx.findings.append(
            Finding(
                ctx.scenario,
                "acknowledgement-format",
                FAIL,
                f"{len(wrong)} of {checked} deliveries were not acknowledged as documented; the first "
                f"({event['summary']}) got {_short(http['status'], http.get('responseBody'))}",
                f"{ctx.console_url}/journeys/{quote(event['orderId'], safe='')}"
                if ctx.console_url and event.get("orderId")
                else None,
            )
        )
    else:
        ctx.record("acknowledgement-format", PASS, f"all {checked} deliveries were answered with the acknowledgement")


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Context], Awaitable[None]]
    rules: tuple[str, ...]
    what: str


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("success", success, ("paid-after-success", "fulfilled-once"), "the user pays (9000)"),
    Scenario("user-cancel", user_cancel, ("not-paid-after-cancel",), "the user closes the cashier (6001)"),
    Scenario("insufficient-balance", insufficient_balance, ("not-paid-after-refusal",), "the wallet refuses (4000)"),
    Scenario(
        "processing-then-success",
        processing_then_success,
        ("pending-while-processing", "paid-after-processing-success", "fulfilled-once"),
        "8000, PAYMENT_PENDING, then SUCCESS",
    ),
    Scenario(
        "processing-then-failure",
        processing_then_failure,
        ("pending-while-processing", "failed-after-processing-failure"),
        "8000, PAYMENT_PENDING, then FAIL",
    ),
    Scenario(
        "network-lost-after-debit",
        network_lost_after_debit,
        ("paid-after-6004", "fulfilled-once"),
        "charged, the client told 6004",
    ),
    Scenario(
        "notification-lost",
        notification_lost,
        ("inquiry-when-notification-lost", "fulfilled-once"),
        "paid, the notification dropped, the client gone",
    ),
    Scenario(
        "notification-repeated",
        notification_repeated,
        ("repeat-acknowledged", "fulfilled-once"),
        "the notification delivered twice at once, then resent twice",
    ),
    Scenario(
        "forged-notification",
        forged_notification,
        ("forged-other-key-refused", "forged-tampered-refused"),
        "a genuine success notification aimed at unpaid orders: signed with another key; its signature kept",
    ),
    Scenario(
        "client-claims-success",
        client_claims_success,
        ("client-code-not-proof",),
        "the client reports 9000 without paying",
    ),
    Scenario("payment-expired", payment_expired, ("not-paid-after-expiry",), "the payment expires unpaid"),
    Scenario(
        "pay-retried", pay_retried, ("one-payment-on-retry",), "the first pay's reply is lost; the order is retried"
    ),
    Scenario(
        "every-delivery",
        acknowledgement_format,
        ("acknowledgement-format",),
        "the answer to every notification the wallet delivered in this run",
    ),
)
SCENARIO_NAMES = tuple(s.name for s in SCENARIOS)
