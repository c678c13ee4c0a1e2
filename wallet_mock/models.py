"""The wallet's domain: the payment state machine, refunds beside it, and what a cashier
confirmation leads to. Plain Python: no HTTP, no SQL. Reading requests off the wire is
``parsing.py``'s job."""

from __future__ import annotations

import functools
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import TypedDict

from simulator.core import jsonio
from simulator.core.money import Money

# Re-exported: the request types are part of the domain's vocabulary.
from .parsing import PayRequest, RefundRequest, parse_payment_reference, shown, terminal_type_of  # noqa: F401

# The goods fields the cashier shows.
_SHOWN_GOODS_FIELDS = ("goodsName", "referenceGoodsId", "goodsQuantity")


class JournalIds(TypedDict):
    """The ids the step journal files a payment's events under."""

    order_id: str
    payment_request_id: str
    payment_id: str


class PaymentStatus(str, Enum):
    """INIT: waiting for the user. PROCESSING: confirmed, not yet settled (8000).
    SUCCESS: debited. FAIL: refused or expired (closed). CANCELLED: by the merchant."""

    INIT = "INIT"
    PROCESSING = "PROCESSING"
    SUCCESS = "SUCCESS"
    FAIL = "FAIL"
    CANCELLED = "CANCELLED"

    @property
    def final(self) -> bool:
        return self in (PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.CANCELLED)

    @property
    def wire(self) -> str:
        """``paymentStatus`` as Antom's inquiryPayment reports it: PROCESSING while the
        user has not paid, PENDING once the user has paid and the result is awaited."""
        return _WIRE_STATUS.get(self, self.value)


_WIRE_STATUS = {PaymentStatus.INIT: "PROCESSING", PaymentStatus.PROCESSING: "PENDING"}

# The only moves a payment can make: the one truth the named moves below are checked
# against. Each move is applied as one conditional UPDATE (``... WHERE status IN
# (<sources>)``), so two racing requests cannot both win.
TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.INIT: frozenset(
        {PaymentStatus.PROCESSING, PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.CANCELLED}
    ),
    PaymentStatus.PROCESSING: frozenset({PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.CANCELLED}),
    # The merchant's cancelPayment within the cancellable period gives the buyer all of it back.
    PaymentStatus.SUCCESS: frozenset({PaymentStatus.CANCELLED}),
    PaymentStatus.FAIL: frozenset(),
    PaymentStatus.CANCELLED: frozenset(),
}


def check_transition(current: PaymentStatus, target: PaymentStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise ValueError(f"a payment cannot go from {current.value} to {target.value}")


@dataclass(frozen=True)
class Move:
    """A named move of a payment: from any of ``sources`` to ``target``. Made only from
    edges of ``TRANSITIONS`` (checked when the move is declared), so service code names a
    move and never writes source states by hand."""

    name: str
    sources: tuple[PaymentStatus, ...]
    target: PaymentStatus

    def __post_init__(self) -> None:
        for source in self.sources:
            check_transition(source, self.target)


_I, _PR, _OK, _NO, _X = (
    PaymentStatus.INIT,
    PaymentStatus.PROCESSING,
    PaymentStatus.SUCCESS,
    PaymentStatus.FAIL,
    PaymentStatus.CANCELLED,
)
# The cashier: the user confirmed and was debited (9000, 6004), or was refused
# (balance, risk), or the payment went on processing (8000).
CAPTURE = Move("capture", (_I,), _OK)
DECLINE = Move("decline", (_I,), _NO)
PROCESS = Move("process", (_I,), _PR)
# A processing payment settles, one way or the other.
SETTLE = Move("settle", (_PR,), _OK)
SETTLE_FAIL = Move("settle to failure", (_PR,), _NO)
# Nobody paid before paymentExpiryTime: closed (ORDER_IS_CLOSED).
EXPIRE = Move("expire", (_I,), _NO)
# cancelPayment of a payment not paid (yet): closed, nobody can pay it any more.
CANCEL = Move("cancel", (_I, _PR), _X)
# cancelPayment of a paid one within its window, nothing refunded: all of it back.
REVERSE_CAPTURE = Move("reverse capture", (_OK,), _X)
MOVES = (CAPTURE, DECLINE, PROCESS, SETTLE, SETTLE_FAIL, EXPIRE, CANCEL, REVERSE_CAPTURE)


def uncovered_transitions() -> set[tuple[PaymentStatus, PaymentStatus]]:
    """Edges of the table no named move makes (a test keeps this empty: an edge no move
    makes is a state no code reaches, or a move someone wrote by hand)."""
    return {(s, t) for s, ts in TRANSITIONS.items() for t in ts} - {(s, m.target) for m in MOVES for s in m.sources}


# Antom: a paid transaction can be cancelled, which refunds it in full, until 00:15 (UTC+8)
# on the day after the one it was placed (T+1); later, cancelPayment answers
# CANCEL_WINDOW_EXCEED and only a refund can give the money back.
CANCEL_WINDOW_ZONE = timezone(timedelta(hours=8))


def cancel_window_end(created_at: datetime) -> datetime:
    day = created_at.astimezone(CANCEL_WINDOW_ZONE)
    return datetime(day.year, day.month, day.day, tzinfo=CANCEL_WINDOW_ZONE) + timedelta(days=1, minutes=15)


# Antom's cashier payments expire 14 minutes after creation unless told otherwise
# (a wait on the simulated clock: divided by --time-scale).
DEFAULT_EXPIRY = timedelta(minutes=14)


def _ordered_id(now: datetime, product_tag: str) -> str:
    """32 digits: the date, a product tag, the time of day to the microsecond, 8 random
    digits. Ids made later sort later (Alipay's also begin with the date): a new row's
    key lands at the right edge of its primary-key index, not on a random page of it
    (each random page is one more page written to the WAL and checkpointed)."""
    # %-formatting, not strftime: the same digits, cheaper (datetime's strftime rewrites
    # the format for %f on every call; docs/decisions/ordered-ids.md).
    return "%04d%02d%02d%s%02d%02d%02d%06d%08d" % (  # noqa: UP031 (the faster form, above)
        now.year,
        now.month,
        now.day,
        product_tag,
        now.hour,
        now.minute,
        now.second,
        now.microsecond,
        secrets.randbelow(10**8),
    )


def new_payment_id(now: datetime) -> str:
    return _ordered_id(now, "1140")


def new_refund_id(now: datetime) -> str:
    """Like a paymentId, with the refund product tag."""
    return _ordered_id(now, "1150")


def new_token() -> str:
    """The paymentUrl token, good for one payment: 192 random bits behind the time in
    hexadecimal microseconds. The random part makes it unguessable; the time in front
    makes tokens sort in the order they were made, for the same reason as payment ids."""
    return f"{time.time_ns() // 1000:014x}" + secrets.token_urlsafe(24)


# --- What a confirmation in the cashier leads to ------------------------------------


class Outcome(str, Enum):
    """Outcomes a test account, a cashier button or the control API can force."""

    SUCCESS = "SUCCESS"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    RISK_REJECT = "RISK_REJECT"
    USER_CANCEL = "USER_CANCEL"
    PROCESSING_THEN_SUCCESS = "PROCESSING_THEN_SUCCESS"
    PROCESSING_THEN_FAIL = "PROCESSING_THEN_FAIL"
    NETWORK_LOST_BEFORE_DEBIT = "NETWORK_LOST_BEFORE_DEBIT"
    NETWORK_LOST_AFTER_DEBIT = "NETWORK_LOST_AFTER_DEBIT"


@dataclass(frozen=True)
class Decision:
    """The plan for one confirmation: what the wallet app tells the mini program, which
    move the payment makes (None: it stays as it is), and whether money moves now."""

    app_result_code: str  # 9000, 8000, 4000, 6001, 6002, 6004
    move: Move | None
    debit: bool
    failure_code: str | None = None  # the Alipay+ resultCode of a FAIL
    settle_to: PaymentStatus | None = None  # for PROCESSING: where it settles later


# The rules, one line per outcome. Insufficient balance found at debit time is handled by
# the caller (the conditional debit fails) and ends like INSUFFICIENT_BALANCE.
DECISIONS: dict[Outcome, Decision] = {
    Outcome.SUCCESS: Decision("9000", CAPTURE, debit=True),
    Outcome.INSUFFICIENT_BALANCE: Decision("4000", DECLINE, debit=False, failure_code="USER_BALANCE_NOT_ENOUGH"),
    Outcome.RISK_REJECT: Decision("4000", DECLINE, debit=False, failure_code="RISK_REJECT"),
    Outcome.USER_CANCEL: Decision("6001", None, debit=False),
    Outcome.PROCESSING_THEN_SUCCESS: Decision("8000", PROCESS, debit=False, settle_to=_OK),
    Outcome.PROCESSING_THEN_FAIL: Decision("8000", PROCESS, debit=False, settle_to=_NO),
    Outcome.NETWORK_LOST_BEFORE_DEBIT: Decision("6002", None, debit=False),
    Outcome.NETWORK_LOST_AFTER_DEBIT: Decision("6004", CAPTURE, debit=True),
}


def decide(outcome: Outcome) -> Decision:
    return DECISIONS[outcome]


INSUFFICIENT = decide(Outcome.INSUFFICIENT_BALANCE)

# How long a PROCESSING payment takes to settle on its own (divided by the time scale).
SETTLE_AFTER = timedelta(seconds=30)


@dataclass
class Payment:
    """A payment as stored."""

    payment_id: str
    client_id: str
    payment_request_id: str
    fingerprint: str
    status: PaymentStatus
    result_code: str
    amount: Money
    refunded: int
    reference_order_id: str
    order_description: str
    merchant_name: str | None
    request_json: str  # the pay request as received; parsed only when asked for
    notify_url: str | None
    redirect_url: str | None
    token: str
    account_id: str | None
    settle_to: PaymentStatus | None
    settle_at: datetime | None
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    updated_at: datetime | None = None  # the time of its latest move (a cancel's time)

    def expired(self, now: datetime) -> bool:
        return self.status is PaymentStatus.INIT and now >= self.expires_at

    @functools.cached_property
    def request(self) -> dict:
        return jsonio.loads(self.request_json)

    @property
    def goods(self) -> list[dict]:
        """The order's goods as the cashier shows them: their names (and ids) without
        direction or zero-width controls; the stored request keeps what was sent."""
        items = (self.request.get("order") or {}).get("goods") or []
        return [
            {k: shown(v) if k in _SHOWN_GOODS_FIELDS and isinstance(v, str) else v for k, v in item.items()}
            for item in items
            if isinstance(item, dict)
        ]

    @property
    def terminal_type(self) -> str | None:
        """The terminal type the merchant's request named (env or order.env)."""
        return terminal_type_of(self.request)

    @property
    def journal_ids(self) -> JournalIds:
        return {
            "order_id": self.reference_order_id,
            "payment_request_id": self.payment_request_id,
            "payment_id": self.payment_id,
        }


# --- Refunds ----------------------------------------------------------------------


class RefundStatus(str, Enum):
    """``refundStatus`` as inquiryRefund reports it. A refund is SUCCESS or FAIL when the
    ``refund`` call returns (synchronous, as wallets refund), or PROCESSING until it
    settles when a control has made it asynchronous (as Antom's other methods refund)."""

    SUCCESS = "SUCCESS"
    PROCESSING = "PROCESSING"
    FAIL = "FAIL"


class RefundOutcome(str, Enum):
    """What the next refund does, as the control API can force it."""

    SUCCESS = "SUCCESS"  # synchronous: SUCCESS in the reply (the default)
    FAIL = "FAIL"  # synchronous: refused in the reply (PROCESS_FAIL)
    PROCESSING_THEN_SUCCESS = "PROCESSING_THEN_SUCCESS"  # U / REFUND_IN_PROCESS, then SUCCESS
    PROCESSING_THEN_FAIL = "PROCESSING_THEN_FAIL"  # U / REFUND_IN_PROCESS, then FAIL

    @property
    def settles_to(self) -> RefundStatus | None:
        """Where an asynchronous refund settles; None for a synchronous one."""
        return {
            RefundOutcome.PROCESSING_THEN_SUCCESS: RefundStatus.SUCCESS,
            RefundOutcome.PROCESSING_THEN_FAIL: RefundStatus.FAIL,
        }.get(self)


# How long an asynchronous refund takes to settle on its own (divided by the time scale).
REFUND_SETTLE_AFTER = timedelta(seconds=30)
# A failed refund's resultCode (synchronous or settled): Antom's general business failure.
REFUND_FAILURE_CODE = "PROCESS_FAIL"


def refund_window_end(paid_at: datetime) -> datetime:
    """Alipay+: "The refund window is within one calendar year" of the payment; later,
    REFUND_WINDOW_EXCEED. (29 February runs to 1 March.)"""
    try:
        return paid_at.replace(year=paid_at.year + 1)
    except ValueError:
        return paid_at.replace(year=paid_at.year + 1, month=3, day=1)


def refund_refusal(p: Payment, amount: Money, now: datetime) -> str | None:
    """Why ``amount`` cannot be refunded from ``p`` (a final F resultCode), or None.
    The conditional UPDATE of ``payments.refunded`` enforces the limit again in the
    same transaction, so a racing refund cannot slip past this check."""
    if p.status is PaymentStatus.CANCELLED:
        return "ORDER_IS_CANCELED"  # Antom's release notes: the refund API's code for it
    if p.status is PaymentStatus.FAIL:
        return "ORDER_IS_CLOSED"
    if p.status is not PaymentStatus.SUCCESS:
        return "ORDER_STATUS_INVALID"  # not paid (yet): nothing was captured
    if p.paid_at is not None and now >= refund_window_end(p.paid_at):
        return "REFUND_WINDOW_EXCEED"
    if p.refunded + amount.value > p.amount.value:
        return "REFUND_AMOUNT_EXCEED_LIMIT"
    return None


@dataclass
class Refund:
    """A refund as stored: SUCCESS (money back on the buyer's account), PROCESSING (the
    amount set aside from what can be refunded, not yet credited) or FAIL (refused, kept
    so that a retry with the same refundRequestId gets the same answer)."""

    refund_id: str
    client_id: str
    refund_request_id: str
    fingerprint: str
    payment_id: str
    status: RefundStatus
    result_code: str
    amount: Money
    reason: str | None
    reference_refund_id: str | None
    notify_url: str | None
    created_at: datetime
    refunded_at: datetime | None
    # The refunded payment's ids, read with the refund (for the journal).
    payment_request_id: str
    reference_order_id: str
    # Asynchronous refunds only: where and when it settles (None once settled).
    settle_to: RefundStatus | None = None
    settle_at: datetime | None = None
    asynchronous: bool = False

    @property
    def journal_ids(self) -> JournalIds:
        return {
            "order_id": self.reference_order_id,
            "payment_request_id": self.payment_request_id,
            "payment_id": self.payment_id,
        }


@dataclass
class InquiredPayment:
    """A payment and the refunds made of it, as inquiryPayment describes them."""

    payment: Payment
    refunds: list[Refund]

    @property
    def journal_ids(self) -> JournalIds:
        return self.payment.journal_ids
