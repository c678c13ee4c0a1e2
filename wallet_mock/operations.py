"""The wallet's signed API, declared once. Each ``Operation`` names everything about one
API call: the last path segments it answers to, its request parser and the fields it
accepts, the service method that does the work, the reply builder, the result codes it
can return, its summary and the OpenAPI components of its request and reply. Each
``ApiFamily`` is a set of operations served under its path prefixes.

Everything else is derived from these tables: the routes (``api.routes``), the field
checks (``Operation.answer``), the OpenAPI document (``openapi.document``) and the fault
targets (``faults.API_ENDPOINTS``). Adding an operation is an entry here, its parser, its
service method, its reply and its SQL; adding a family (another wallet's API profile) is
one more ``ApiFamily`` with its own entries."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from simulator.core import api_paths
from simulator.core.clock import iso

from . import parsing, wire
from .errors import result
from .models import InquiredPayment, JournalIds, Payment, Refund

if TYPE_CHECKING:  # the service imports the fault queues, which name these operations
    from .service import Wallet


class Journaled(Protocol):
    """What a service method returns: something the journal can file under its ids."""

    @property
    def journal_ids(self) -> JournalIds: ...


Req = TypeVar("Req")
Res = TypeVar("Res", bound=Journaled)


@dataclass(frozen=True)
class Context:
    """What a parser or a reply may need beyond the body: the wallet's clock and the
    paymentUrl of a payment token."""

    now: datetime
    payment_url: Callable[[str], str]


@dataclass(frozen=True)
class Answer:
    """An operation's reply and what the journal needs of it (its step, its ids)."""

    body: dict[str, Any]
    step: int | None
    ids: JournalIds


@dataclass(frozen=True)
class Operation(Generic[Req, Res]):
    """One signed API call, declared once."""

    name: str  # its operationId and fault target
    paths: tuple[str, ...]  # the last path segments it answers to; the first is documented
    summary: str
    fields: frozenset[str]  # the top-level request fields it knows (others are kept, unread)
    parse: Callable[[dict[str, Any], datetime], Req]
    serve: Callable[[Wallet, str, Req], Awaitable[Res]]  # the Wallet's method: (wallet, client id, request)
    reply: Callable[[Res, Context], dict[str, Any]]
    result_codes: tuple[str, ...]  # besides COMMON_CODES
    request_schema: str  # OpenAPI components
    reply_schema: str
    step: int | None = None  # the journey step its success records

    async def answer(self, wallet: Wallet, client_id: str, body: dict[str, Any]) -> Answer:
        """Parse, serve, reply: every refusal is an ApiError raised before anything is
        written. Fields the operation does not know are accepted and ignored, as a real
        API is forward compatible (the body is stored as received)."""
        context = Context(wallet.clock.now(), wallet.config.payment_url)
        done = await self.serve(wallet, client_id, self.parse(body, context.now))
        return Answer(self.reply(done, context), self.step, done.journal_ids)


@dataclass(frozen=True)
class ApiFamily:
    """Operations served under one set of path prefixes."""

    name: str
    title: str
    prefixes: tuple[str, ...]  # the first is the documented one
    operations: tuple[Operation, ...]

    def paths(self, op: Operation) -> list[str]:
        """Every path ``op`` answers at in this family."""
        return [f"{prefix}/{segment}" for prefix in self.prefixes for segment in op.paths]


# Result codes every operation can return (the signature, the body, the wallet itself).
COMMON_CODES = (
    "PARAM_ILLEGAL",
    "INVALID_SIGNATURE",
    "INVALID_CLIENT",
    "MEDIA_TYPE_NOT_ACCEPTABLE",
    "UNKNOWN_EXCEPTION",
)


def _cancel_reply(p: Payment, context: Context) -> dict[str, Any]:
    return {
        "result": result("SUCCESS"),
        "paymentId": p.payment_id,
        "paymentRequestId": p.payment_request_id,
        "cancelTime": iso(context.now),
    }


_PAY_CODES = (
    "PAYMENT_IN_PROCESS",
    "SUCCESS",
    "USER_BALANCE_NOT_ENOUGH",
    "RISK_REJECT",
    "ORDER_IS_CLOSED",
    "ORDER_IS_CANCELED",
    "PROCESS_FAIL",
    "REPEAT_REQ_INCONSISTENT",
    "CURRENCY_NOT_SUPPORT",
)
ALIPAYPLUS_PAY: Operation[parsing.PayRequest, Payment] = Operation(
    name="pay",
    paths=("pay",),
    summary="Create a cashier payment (Alipay+: env and merchant inside order, paymentMethod CONNECT_WALLET, "
    "paymentFactor.isCashierPayment); the reply's normalUrl is the paymentUrl",
    fields=parsing.ALIPAYPLUS_PAY_FIELDS,
    parse=parsing.parse_alipayplus_pay,
    serve=lambda wallet, client_id, req: wallet.pay(client_id, req),
    reply=lambda p, context: wire.pay_reply(p, context.payment_url(p.token)),
    result_codes=_PAY_CODES,
    request_schema="AlipayPlusPayRequest",
    reply_schema="PayReply",
    step=7,
)
ANTOM_PAY = dataclasses.replace(
    ALIPAYPLUS_PAY,
    summary="pay (Cashier Payment) as Antom takes it: productCode CASHIER_PAYMENT, env.terminalType, "
    "paymentMethod.paymentMethodType, paymentRedirectUrl; the reply's normalUrl (and, for APP and WAP, "
    "applinkUrl, schemeUrl) continue the payment",
    fields=parsing.PAY_FIELDS,
    parse=parsing.parse_antom_pay,
    request_schema="AntomPayRequest",
)
INQUIRY_PAYMENT: Operation[parsing.PaymentReference, InquiredPayment] = Operation(
    name="inquiryPayment",
    paths=("inquiryPayment",),
    summary="Where a payment stands",
    fields=parsing.PAYMENT_REFERENCE_FIELDS,
    parse=parsing.parse_payment_reference,
    serve=lambda wallet, client_id, ref: wallet.inquire(client_id, ref),
    reply=lambda inquired, _context: wire.inquiry_reply(inquired),
    result_codes=("SUCCESS", "ORDER_NOT_EXIST"),
    request_schema="PaymentReference",
    reply_schema="InquiryPaymentReply",
)
CANCEL_PAYMENT: Operation[parsing.PaymentReference, Payment] = Operation(
    name="cancelPayment",
    paths=("cancelPayment", "cancel"),  # cancel: Antom's name, which Alipay's SDKs call
    summary="Close an unpaid payment, or give a paid one back to the buyer in full until 00:15 (UTC+8) "
    "the day after it was placed (Antom: /cancel)",
    fields=parsing.PAYMENT_REFERENCE_FIELDS,
    parse=parsing.parse_payment_reference,
    serve=lambda wallet, client_id, ref: wallet.cancel(client_id, ref),
    reply=_cancel_reply,
    result_codes=("SUCCESS", "ORDER_NOT_EXIST", "ORDER_IS_CLOSED", "PROCESS_FAIL", "CANCEL_WINDOW_EXCEED"),
    request_schema="PaymentReference",
    reply_schema="CancelPaymentReply",
)
REFUND: Operation[parsing.RefundRequest, Refund] = Operation(
    name="refund",
    paths=("refund",),
    summary="Refund part or all of a successful payment, up to what was captured",
    fields=parsing.REFUND_FIELDS,
    parse=parsing.parse_refund_request,
    serve=lambda wallet, client_id, req: wallet.refund(client_id, req),
    reply=lambda r, _context: wire.refund_reply(r),
    result_codes=(
        "SUCCESS",
        "REFUND_IN_PROCESS",
        "ORDER_NOT_EXIST",
        "ORDER_IS_CLOSED",
        "ORDER_IS_CANCELED",
        "ORDER_STATUS_INVALID",
        "REFUND_AMOUNT_EXCEED_LIMIT",
        "REFUND_WINDOW_EXCEED",
        "PROCESS_FAIL",
        "REPEAT_REQ_INCONSISTENT",
        "CURRENCY_NOT_SUPPORT",
    ),
    request_schema="RefundRequest",
    reply_schema="RefundReply",
)
INQUIRY_REFUND: Operation[parsing.RefundReference, Refund] = Operation(
    name="inquiryRefund",
    paths=("inquiryRefund",),
    summary="Where a refund stands",
    fields=parsing.REFUND_REFERENCE_FIELDS,
    parse=parsing.parse_refund_reference,
    serve=lambda wallet, client_id, ref: wallet.inquire_refund(client_id, ref),
    reply=lambda r, _context: wire.inquiry_refund_reply(r),
    result_codes=("SUCCESS", "REFUND_NOT_EXIST"),
    request_schema="RefundReference",
    reply_schema="InquiryRefundReply",
)

# Antom documents the same operation as /cancel (and answers /cancelPayment too).
ANTOM_CANCEL = dataclasses.replace(CANCEL_PAYMENT, paths=("cancel", "cancelPayment"))

ALIPAYPLUS = ApiFamily(
    "alipayplus",
    "Alipay+ online payment API",
    (api_paths.ALIPAYPLUS,),
    (ALIPAYPLUS_PAY, INQUIRY_PAYMENT, CANCEL_PAYMENT, REFUND, INQUIRY_REFUND),
)
ANTOM = ApiFamily(
    "antom",
    "Antom online payment API (what Alipay's server SDKs call)",
    (api_paths.ANTOM, api_paths.ANTOM_SANDBOX),
    (ANTOM_PAY, INQUIRY_PAYMENT, ANTOM_CANCEL, REFUND, INQUIRY_REFUND),
)
FAMILIES: tuple[ApiFamily, ...] = (ALIPAYPLUS, ANTOM)

# Every path of the signed API -> its operation; the prefixes, for paths it does not know.
OPERATION_AT: dict[str, Operation] = {path: op for fam in FAMILIES for op in fam.operations for path in fam.paths(op)}
PREFIXES: tuple[str, ...] = tuple(prefix for fam in FAMILIES for prefix in fam.prefixes)
# Each operation once, by name, in the order declared (what a fault can target).
OPERATIONS: dict[str, Operation] = {op.name: op for fam in FAMILIES for op in fam.operations}


def is_api_path(path: str) -> bool:
    return path.startswith(PREFIXES)
