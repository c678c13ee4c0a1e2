"""The wallet's signed API, declared once. Each ``Operation`` names everything about one
API call: the last path segments it answers to, its request parser and the fields it
accepts, the service method that does the work, the reply builder, the result codes it
can return, its summary and the OpenAPI components of its request and reply. Each
``ApiFamily`` is a set of operations served under its path prefixes.

Everything else is derived from these tables: the routes (``api.routes``), the field
checks (``Operation.answer``), the OpenAPI document (``openapi.document``) and the fault
targets (``faults.API_ENDPOINTS``). Adding an operation is an entry here, its parser, its
service method, its reply and its SQL. An ``ApiProfile`` is what one kind of wallet
speaks: its families of operations, its "not allowed" result code, its notifications and
its signing rule; each merchant speaks one (``merchants.api_profile``). Adding a profile
is one more ``ApiProfile`` with its families and entries, its parsers and replies (a
``<profile>_wire.py``), its path prefix (``simulator/core/api_paths.py``) and its OpenAPI
components (docs/wallet-api.md, "Adding a profile", counts the files)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from simulator.core import api_paths
from simulator.core.clock import iso

from . import miniprogram_wire as mp
from . import parsing, wire
from .errors import result
from .models import InquiredPayment, JournalIds, Payment, Refund

if TYPE_CHECKING:  # the service imports the fault queues, which name these operations
    from .service import Wallet


class Journaled(Protocol):
    """What a service method returns: something the journal can file under its ids."""

    @property
    def journal_ids(self) -> JournalIds | None: ...


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
    ids: JournalIds | None


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
    profile: str = "alipayplus"  # the ApiProfile it belongs to

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

# --- the mini program platform's reference wallet API (the "mpdev" v2 family) ---------

MINIPROGRAM_PAY: Operation[parsing.PayRequest, Payment] = Operation(
    name="pay",
    paths=("payments/pay",),
    summary="Create a cashier payment (mini program platform v2: appId required, productCode CASHIER_PAYMENT, "
    "order optional); the reply's redirectActionForm.redirectUrl is the paymentUrl",
    fields=mp.PAY_FIELDS,
    parse=mp.parse_pay,
    serve=lambda wallet, client_id, req: wallet.pay(client_id, req),
    reply=lambda p, context: mp.pay_reply(p, context.payment_url(p.token)),
    result_codes=_PAY_CODES,
    request_schema="MiniProgramPayRequest",
    reply_schema="MiniProgramPayReply",
    step=7,
)
MINIPROGRAM_INQUIRY_PAYMENT: Operation[parsing.PaymentReference, InquiredPayment] = Operation(
    name="inquiryPayment",
    paths=("payments/inquiryPayment",),
    summary="Where a payment stands (paymentStatus SUCCESS, FAIL, PROCESSING or CANCELLED)",
    fields=mp.PAYMENT_REFERENCE_FIELDS,
    parse=mp.parse_payment_reference,
    serve=lambda wallet, client_id, ref: wallet.inquire(client_id, ref),
    reply=lambda inquired, _context: mp.inquiry_reply(inquired),
    result_codes=INQUIRY_PAYMENT.result_codes,
    request_schema="MiniProgramPaymentReference",
    reply_schema="MiniProgramInquiryPaymentReply",
)
MINIPROGRAM_CANCEL: Operation[parsing.PaymentReference, Payment] = Operation(
    name="cancelPayment",
    paths=("payments/cancel",),
    summary="Cancel a payment (the platform's /v2/payments/cancel): closes an unpaid one; a paid one is given "
    "back in full within the cancel window",
    fields=mp.PAYMENT_REFERENCE_FIELDS,
    parse=mp.parse_payment_reference,
    serve=lambda wallet, client_id, ref: wallet.cancel(client_id, ref),
    reply=lambda p, context: mp.cancel_reply(p, context.now),
    result_codes=CANCEL_PAYMENT.result_codes,
    request_schema="MiniProgramPaymentReference",
    reply_schema="CancelPaymentReply",
)
MINIPROGRAM_REFUND: Operation[parsing.RefundRequest, Refund] = Operation(
    name="refund",
    paths=("payments/refund",),
    summary="Refund part or all of a successful payment (fields assumed: docs/wallet-api.md)",
    fields=mp.REFUND_FIELDS,
    parse=mp.parse_refund,
    serve=lambda wallet, client_id, req: wallet.refund(client_id, req),
    reply=lambda r, _context: mp.refund_reply(r),
    result_codes=REFUND.result_codes,
    request_schema="MiniProgramRefundRequest",
    reply_schema="MiniProgramRefundReply",
)
MINIPROGRAM_INQUIRY_REFUND: Operation[parsing.RefundReference, Refund] = Operation(
    name="inquiryRefund",
    paths=("payments/inquiryRefund",),
    summary="Where a refund stands (refundStatus SUCCESS, PROCESSING or FAIL)",
    fields=mp.REFUND_REFERENCE_FIELDS,
    parse=parsing.parse_refund_reference,
    serve=lambda wallet, client_id, ref: wallet.inquire_refund(client_id, ref),
    reply=lambda r, _context: mp.inquiry_refund_reply(r),
    result_codes=INQUIRY_REFUND.result_codes,
    request_schema="RefundReference",
    reply_schema="MiniProgramInquiryRefundReply",
)
APPLY_TOKEN: Operation[mp.TokenRequest, mp.TokenGrant] = Operation(
    name="applyToken",
    paths=("authorizations/applyToken",),
    summary="Exchange a my.getAuthCode authorization code (once) or a refresh token (once) for an access "
    "token of the user it names",
    fields=mp.APPLY_TOKEN_FIELDS,
    parse=mp.parse_apply_token,
    serve=lambda wallet, client_id, req: wallet.apply_token(client_id, req),
    reply=lambda grant, _context: mp.apply_token_reply(grant),
    result_codes=("SUCCESS", "INVALID_AUTH_CLIENT", "EXPIRED_CODE", "USED_REFRESH_TOKEN", "USER_NOT_EXIST"),
    request_schema="ApplyTokenRequest",
    reply_schema="ApplyTokenReply",
)

MINIPROGRAM = ApiFamily(
    "miniprogram",
    "Mini program platform reference wallet API (mpdev v2)",
    (api_paths.MINIPROGRAM,),
    (
        MINIPROGRAM_PAY,
        MINIPROGRAM_INQUIRY_PAYMENT,
        MINIPROGRAM_CANCEL,
        MINIPROGRAM_REFUND,
        MINIPROGRAM_INQUIRY_REFUND,
        APPLY_TOKEN,
    ),
    profile="miniprogram",
)
FAMILIES: tuple[ApiFamily, ...] = (ALIPAYPLUS, ANTOM, MINIPROGRAM)


# --- profiles ------------------------------------------------------------------------

Notice = tuple[str, dict[str, Any]]  # (the outbox's notify type, the body sent)

# The signing rule both profiles document: RSA256 over "POST <path>\n<Client-Id>.<Request-Time>.<body>".
SIGNING_RSA256 = "RSA256: Signature algorithm=RSA256,keyVersion=1,signature=<urlencoded base64> over " + (
    '"POST <path>\\n<Client-Id>.<Request-Time>.<raw body>", RSA-2048 PKCS#1 v1.5 SHA-256'
)


@dataclass(frozen=True)
class ApiProfile:
    """The API one kind of wallet speaks, as data: its families (paths, fields, result
    codes, replies), the result code its paths answer a merchant of another profile, the
    payment and refund notifications it sends, and its signing rule."""

    name: str
    title: str
    families: tuple[ApiFamily, ...]
    not_allowed: str  # the resultCode of a call on this profile by a merchant of another
    notify_payment: Callable[[Payment], Notice | None]
    notify_refund: Callable[[Refund], dict[str, Any]] | None  # None: refunds are inquired, not notified
    signing: str = SIGNING_RSA256
    token_api: bool = False  # whether applyToken redeems my.getAuthCode codes

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for fam in self.families for op in fam.operations)


def _alipayplus_notice(p: Payment) -> Notice:
    body = wire.notify_payment_body(p)
    return body["notifyType"], body


def _miniprogram_notice(p: Payment) -> Notice | None:
    body = mp.notify_payment(p)
    return None if body is None else ("PAYMENT_RESULT", body)


PROFILES: dict[str, ApiProfile] = {
    profile.name: profile
    for profile in (
        ApiProfile(
            "alipayplus",
            "Alipay+ / Antom online payment API (/aps and /ams .../v1/payments)",
            (ALIPAYPLUS, ANTOM),
            not_allowed="INVALID_API",
            notify_payment=_alipayplus_notice,
            notify_refund=wire.notify_refund_body,
        ),
        ApiProfile(
            "miniprogram",
            "Mini program platform reference wallet API (/api/open/v2/payments, /v2/authorizations)",
            (MINIPROGRAM,),
            not_allowed="INVALID_API",
            notify_payment=_miniprogram_notice,
            notify_refund=None,
            token_api=True,
        ),
    )
}
DEFAULT_PROFILE = api_paths.PROFILES[0]
assert tuple(PROFILES) == api_paths.PROFILES == tuple(api_paths.BASE_PATH)
assert all(api_paths.BASE_PATH[p.name] == p.families[0].prefixes[0] for p in PROFILES.values())
assert {fam.profile for fam in FAMILIES} == set(PROFILES)
assert all(fam.profile == profile.name for profile in PROFILES.values() for fam in profile.families)

# Every path of the signed API -> its operation; the prefixes, for paths it does not know.
OPERATION_AT: dict[str, Operation] = {path: op for fam in FAMILIES for op in fam.operations for path in fam.paths(op)}
FAMILY_AT: dict[str, ApiFamily] = {path: fam for fam in FAMILIES for op in fam.operations for path in fam.paths(op)}
PREFIXES: tuple[str, ...] = tuple(prefix for fam in FAMILIES for prefix in fam.prefixes)
# Each operation name once, in the order declared (what a fault can target: a name
# targets that operation in every profile).
OPERATIONS: dict[str, Operation] = {}
for _op in (op for fam in FAMILIES for op in fam.operations):
    OPERATIONS.setdefault(_op.name, _op)


def is_api_path(path: str) -> bool:
    return path.startswith(PREFIXES)
