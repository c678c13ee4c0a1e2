"""The shop backend: orders, the signed calls to the wallet, and the rule that an order is
PAID only on the wallet's word (a verified notification or inquiryPayment)."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any

from simulator.core.clock import Clock, iso, parse_iso
from simulator.core.db import Database
from simulator.core.journal import Journal, http_summary, reply_summary
from simulator.core.money import Money, MoneyError
from simulator.core.signed_http import SignedExchange, read_signed_headers, verify_signed_request
from simulator.core.signing import SignatureError

from . import store
from .config import MerchantConfig
from .models import (
    OPEN,
    Order,
    OrderError,
    OrderStatus,
    failure_reason,
    new_order_id,
    order_total,
    payment_request_id_for,
    price_items,
    sources_of,
)
from .wallet_client import WalletClient, WalletUnavailable

log = logging.getLogger("tradepay_sim.merchant")

# What the wallet's paymentStatus / result means for the order.
_FINAL_FROM_WALLET = {
    "SUCCESS": OrderStatus.PAID,
    "FAIL": OrderStatus.FAILED,
    "CANCELLED": OrderStatus.CANCELLED,
}
# Client resultCodes after which the merchant checks with the wallet at once.
INQUIRE_ON_CLIENT_CODES = {"9000", "8000", "6004"}


class NotificationRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class Shop:
    def __init__(self, config: MerchantConfig, db: Database, journal: Journal, clock: Clock, wallet: WalletClient):
        self.config = config
        self.db = db
        self.journal = journal
        self.clock = clock
        self.wallet = wallet

    # --- orders --------------------------------------------------------------------

    async def create_order(self, items) -> Order:
        lines = price_items(items)
        now = self.clock.now()
        order_id = new_order_id(now)
        order = Order(
            order_id=order_id,
            status=OrderStatus.CREATED,
            amount=order_total(lines),
            lines=[line.to_json() for line in lines],
            payment_request_id=payment_request_id_for(order_id),
            payment_id=None,
            payment_url=None,
            created_at=now,
            updated_at=now,
            paid_at=None,
            paid_via=None,
            wallet_result_code=None,
            fulfilled=0,
        )
        async with self.db.transaction() as tx:
            await store.insert_order(tx, order, now + self._check_delay(0))
        self.journal.record(
            3,
            f"order {order_id} created: {order.amount.format_display()}",
            order_id=order_id,
            payment_request_id=order.payment_request_id,
            details={"lines": order.lines},
        )
        return order

    async def request_payment(self, order: Order) -> Order:
        """Steps 4 and 7 from the merchant's side: a signed ``pay``; keep the paymentUrl.
        Safe to call again after a failure: the paymentRequestId is the order's own."""
        if order.status is OrderStatus.PAYING and order.payment_url:
            return order
        if order.status is not OrderStatus.CREATED:
            raise OrderError(409, "ORDER_NOT_PAYABLE", f"order is {order.status.value}")
        payload = self._pay_payload(order)
        ids: dict[str, Any] = {
            "order_id": order.order_id,
            "payment_request_id": order.payment_request_id,
            "at": self.clock.now(),
        }
        try:
            reply = await self.wallet.call("pay", payload)
        except WalletUnavailable as exc:
            self._journal_call(
                4,
                f"pay failed: {exc}",
                exc.exchange or self.wallet.prepare("pay", payload),
                kind="fault",
                error=str(exc),
                **ids,
            )
            raise OrderError(
                502, "WALLET_UNAVAILABLE", "The wallet could not create the payment. Please try again.", retryable=True
            ) from None
        result = reply.result
        payment_id = reply.body.get("paymentId")
        self._journal_call(
            4,
            f"pay: {result.get('resultStatus')} {result.get('resultCode')}",
            reply.exchange,
            payment_id=payment_id,
            **ids,
        )
        url = self.wallet.api.payment_url(reply.body)
        now = self.clock.now()
        if result.get("resultStatus") == "U" and result.get("resultCode") == "PAYMENT_IN_PROCESS" and url:
            fields: dict[str, Any] = {
                "payment_id": payment_id,
                "payment_url": url,
                "wallet_result_code": "PAYMENT_IN_PROCESS",
            }
            async with self.db.transaction() as tx:
                won = await store.transition(
                    tx, order.order_id, (OrderStatus.CREATED,), OrderStatus.PAYING, now, **fields
                )
            if won:  # known without reading it back
                return dataclasses.replace(order, status=OrderStatus.PAYING, updated_at=now, **fields)
            return await store.get_order(self.db, order.order_id)  # a concurrent retry got there first
        if result.get("resultStatus") == "U":
            raise OrderError(502, "WALLET_UNAVAILABLE", "The wallet is busy. Please try again.", retryable=True)
        if result.get("resultStatus") == "S":
            # An idempotent replay of a payment that already succeeded.
            await self.apply_wallet_status(order, "SUCCESS", payment_id, "SUCCESS", via="pay")
            return await store.get_order(self.db, order.order_id)
        async with self.db.transaction() as tx:
            await store.transition(
                tx, order.order_id, OPEN, OrderStatus.FAILED, now, wallet_result_code=result.get("resultCode")
            )
        raise OrderError(
            422,
            "PAYMENT_REFUSED",
            f"The wallet refused the payment: {result.get('resultCode')} {result.get('resultMessage', '')}".strip(),
        )

    def _pay_payload(self, order: Order) -> dict:
        """The pay request in the profile the merchant speaks (wallet_apis.py)."""
        return self.wallet.api.pay_request(self.config, order)

    def _journal_call(
        self,
        step: int | None,
        summary: str,
        exchange: SignedExchange,
        *,
        kind: str = "step",
        error: str | None = None,
        **ids: Any,
    ) -> None:
        self.journal.record(
            step,
            summary,
            kind=kind,
            **ids,
            http=http_summary(
                "POST",
                exchange.url,
                status=exchange.status,
                request_headers=exchange.request_headers,
                request_body=exchange.request_body,
                response_headers=exchange.response_headers,
                response_body=exchange.response_body,
                error=error,
                elapsed_ms=exchange.elapsed_ms or None,
            ),
        )

    async def get_order(self, order_id: str, client_result_code: str | None = None) -> Order:
        """The order as the merchant knows it; asks the wallet (inquiryPayment) when the
        client reports a result the notification has not confirmed yet, or when the
        notification is overdue."""
        order = await store.order_by_id(self.db, order_id)
        if order is None:
            raise OrderError(404, "ORDER_NOT_FOUND", f"no order {order_id[:64]}")
        if order.status in OPEN and order.payment_id and self._should_inquire(order, client_result_code):
            order = await self.inquire(order)
        return order

    def _check_delay(self, checks: int) -> timedelta:
        """Reconciliation backs off: the bound, then twice it, ... at most 5 minutes."""
        seconds = min(self.config.inquiry_after_seconds * 2**checks, 300.0)
        return timedelta(seconds=seconds / self.config.time_scale)

    async def reconcile(self) -> int:
        """Ask the wallet about open orders whose notification is overdue, as a real
        merchant's reconciliation job does: a lost notification cannot leave an order
        waiting forever. Returns how many orders were checked."""
        due = await store.orders_to_check(self.db, self.clock.now())
        for order in due:
            latest = await self.inquire(order, step=None)
            if latest.status in OPEN:
                async with self.db.transaction() as tx:
                    await store.checked(tx, order.order_id, self.clock.now() + self._check_delay(order.checks + 1))
        return len(due)

    def _should_inquire(self, order: Order, client_result_code: str | None) -> bool:
        if client_result_code in INQUIRE_ON_CLIENT_CODES:
            return True
        waited = (self.clock.now() - order.updated_at).total_seconds()
        return waited >= self.config.inquiry_after_seconds / self.config.time_scale

    async def inquire(self, order: Order, step: int | None = 20) -> Order:
        """``inquiryPayment`` for the order, applied. ``step`` 20 when the result page
        asked, None when the reconciler did."""
        payload = {"paymentRequestId": order.payment_request_id}
        ids: dict[str, Any] = {
            "order_id": order.order_id,
            "payment_request_id": order.payment_request_id,
            "payment_id": order.payment_id,
            "at": self.clock.now(),
        }
        try:
            reply = await self.wallet.call("inquiryPayment", payload)
        except WalletUnavailable as exc:
            self._journal_call(
                step,
                f"inquiryPayment failed: {exc}",
                exc.exchange or self.wallet.prepare("inquiryPayment", payload),
                kind="fault",
                error=str(exc),
                **ids,
            )
            return order  # keep what we know; the client shows it and may ask again
        body = reply.body
        self._journal_call(
            step,
            reply_summary("inquiryPayment", body),
            reply.exchange,
            kind="note",
            **ids,
        )
        if reply.result.get("resultStatus") == "S":
            problem = self._mismatch(order, body)
            if problem:
                log.warning("inquiry reply for %s does not match the order: %s", order.order_id, problem)
                return order
            await self.apply_wallet_status(
                order,
                body.get("paymentStatus"),
                body.get("paymentId"),
                self.wallet.api.result_code(body),
                via="inquiryPayment",
                paid_at=body.get("paymentTime"),
                step=step,
            )
        return await store.get_order(self.db, order.order_id)

    async def apply_wallet_status(
        self,
        order: Order,
        wallet_status: str | None,
        payment_id: str | None,
        result_code: str | None,
        *,
        via: str,
        paid_at: str | None = None,
        step: int | None = 20,
    ) -> bool:
        """Move the order to what the wallet reports. Returns True when this call won
        the transition (and fulfilled the order, for PAID): exactly once, however many
        notifications and inquiries race."""
        target = _FINAL_FROM_WALLET.get(wallet_status or "")
        if target is None:
            return False
        now = self.clock.now()
        fields: dict[str, Any] = {"wallet_result_code": result_code}
        if target is OrderStatus.PAID:
            fields.update(paid_at=_parse_time(paid_at) or now, paid_via=via, fulfilled=1)
        if payment_id:
            fields["payment_id"] = payment_id
        async with self.db.transaction() as tx:
            won = await store.transition(tx, order.order_id, sources_of(target), target, now, **fields)
        if won:
            self.journal.record(
                19 if via == "notification" else step,
                f"order {order.order_id} {target.value} (from {via})",
                kind="note",
                actor="merchant server",
                order_id=order.order_id,
                payment_request_id=order.payment_request_id,
                payment_id=payment_id or order.payment_id,
                details={"fulfilled": target is OrderStatus.PAID, "via": via},
            )
        return won

    # --- notifications -------------------------------------------------------------

    def verify_notification(self, method: str, path: str, headers, raw: bytes) -> None:
        try:
            signed = read_signed_headers(headers)
        except SignatureError as exc:
            raise NotificationRefused("INVALID_SIGNATURE", str(exc)) from None
        if signed.client_id != self.config.client_id:
            raise NotificationRefused("INVALID_CLIENT", "the notification is for another client id")
        try:
            verify_signed_request(signed, self.config.wallet_public_pem, method, path, raw)
        except SignatureError as exc:
            raise NotificationRefused(
                "INVALID_SIGNATURE", f"the notification's signature does not verify: {exc}"
            ) from None

    @staticmethod
    def _mismatch(order: Order, body: dict) -> str | None:
        if body.get("paymentRequestId") != order.payment_request_id:
            return "paymentRequestId differs"
        if order.payment_id and body.get("paymentId") and body["paymentId"] != order.payment_id:
            return "paymentId differs"
        try:
            amount = Money.from_wire(body.get("paymentAmount"), "paymentAmount")
        except MoneyError:
            return "paymentAmount is not valid money"
        if amount != order.amount:
            return f"amount {amount.format_display()} differs from the order's {order.amount.format_display()}"
        return None

    async def handle_notification(self, body: dict) -> Order:
        """Checks ids and amount against the order, then applies the result once."""
        notify_type = body.get("notifyType")
        if notify_type not in ("PAYMENT_RESULT", "PAYMENT_PENDING", None):
            raise NotificationRefused("PARAM_ILLEGAL", f"unsupported notifyType {str(notify_type)[:40]}")
        prid = body.get("paymentRequestId")
        order = await store.order_by_payment_request(self.db, prid) if isinstance(prid, str) else None
        if order is None:
            raise NotificationRefused("ORDER_NOT_EXIST", "no order has this paymentRequestId")
        problem = self._mismatch(order, body)
        if problem:
            raise NotificationRefused("PARAM_ILLEGAL", problem)
        if notify_type == "PAYMENT_PENDING":
            # The user has paid; the result is still to come: the order stays PAYING.
            return order
        result = self.wallet.api.notified_result(body)
        status = {"S": "SUCCESS", "F": "FAIL"}.get(result.get("resultStatus", ""))
        if result.get("resultCode") == "ORDER_IS_CANCELED":
            status = "CANCELLED"
        won = await self.apply_wallet_status(
            order,
            status,
            body.get("paymentId"),
            result.get("resultCode"),
            via="notification",
            paid_at=body.get("paymentTime"),
        )
        if won and status is not None:  # it won, so the status named a final one
            return dataclasses.replace(order, status=_FINAL_FROM_WALLET[status])
        return await store.get_order(self.db, order.order_id)  # a repeat: say where it stands


def _parse_time(value: str | None) -> datetime | None:
    try:
        return parse_iso(value) if isinstance(value, str) else None
    except ValueError:
        return None


def order_json(order: Order) -> dict:
    return {
        "orderId": order.order_id,
        "status": order.status.value,
        "amount": order.amount.to_wire(),
        "amountDisplay": order.amount.format_display(),
        "items": order.lines,
        "paymentRequestId": order.payment_request_id,
        "paymentId": order.payment_id,
        "paymentUrl": order.payment_url if order.status is OrderStatus.PAYING else None,
        "walletResultCode": order.wallet_result_code,
        "reason": failure_reason(order.status.value, order.wallet_result_code),
        "createdAt": iso(order.created_at),
        "paidAt": iso(order.paid_at),
        "paidVia": order.paid_via,
        "fulfilled": order.fulfilled,
    }
