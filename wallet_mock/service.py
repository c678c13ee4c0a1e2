"""The wallet backend: each operation is one unit of work over the store, with the steps
it performs recorded in the journal. Handlers (API, cashier, control) call these and
only translate HTTP in and out."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from simulator.core import jsonio
from simulator.core.clock import Clock, iso, iso_precise, parse_iso
from simulator.core.db import Database, Transaction
from simulator.core.journal import Journal

from . import control_store, store
from .accounts import MAX_PASSWORD_TRIES, check_password
from .config import WalletConfig
from .control_store import QUEUE_PATHS
from .errors import ApiError
from .faults import Queues
from .miniprogram_wire import ACCESS_TOKEN_TTL, AUTH_CODE_TTL, REFRESH_TOKEN_TTL, TokenGrant, TokenRequest
from .models import (
    CANCEL,
    CAPTURE,
    DECLINE,
    DEFAULT_EXPIRY,
    EXPIRE,
    INSUFFICIENT,
    PROCESS,
    REFUND_FAILURE_CODE,
    REFUND_SETTLE_AFTER,
    SETTLE,
    SETTLE_AFTER,
    SETTLE_FAIL,
    Decision,
    InquiredPayment,
    Outcome,
    Payment,
    PaymentStatus,
    PayRequest,
    Refund,
    RefundOutcome,
    RefundRequest,
    RefundStatus,
    cancel_window_end,
    decide,
    new_payment_id,
    new_refund_id,
    new_token,
    refund_refusal,
)
from .operations import DEFAULT_PROFILE, PROFILES, ApiProfile
from .parsing import PaymentReference, RefundReference
from .reasons import Reason, reason_for
from .records import Merchant

log = logging.getLogger("tradepay_sim.wallet")


class CashierError(Exception):
    """A refusal shown in the cashier (wrong password, locked account, closed payment)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        http_status: int = 400,
        tries_left: int | None = None,
        reason: Reason | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.tries_left = tries_left
        self.reason = reason  # why a closed payment cannot be paid, in the buyer's words


@dataclass
class ConfirmResult:
    app_result_code: str
    payment: Payment
    message: str


# What the cashier tells the user, by the result code it hands back to the mini program.
APP_MESSAGES = {
    "9000": "Payment successful",
    "8000": "Payment processing",
    "4000": "Payment failed",
    "6001": "Payment cancelled",
    "6002": "Network error: the payment was not completed",
    "6004": "Payment result unknown",
}


class Wallet:
    def __init__(self, config: WalletConfig, db: Database, journal: Journal, clock: Clock):
        self.config = config
        self.db = db
        self.journal = journal
        self.clock = clock
        self._wake_worker: Callable[[], None] = lambda: None
        self._send_now: Callable[[int], None] = lambda notification_id: None
        self._send_lease = timedelta(0)
        self._merchant_cache: dict[str, Merchant] = {}
        self.queues = Queues()
        self.started_at = ""  # set by start(); entries queued before it are an earlier run's

    def attach_worker(self, wake: Callable[[], None], send_now: Callable[[int], None], lease: timedelta) -> None:
        """``wake()`` has the worker look at what is due; ``send_now(notification_id)``
        starts a notification's first attempt at once; ``lease`` is how long a new row is
        this process's before the worker's rounds may try it."""
        self._wake_worker = wake
        self._send_now = send_now
        self._send_lease = lease

    async def start(self) -> None:
        """Seed test accounts and the sandbox merchant; restore the clock offset."""
        now = self.clock.now()
        async with self.db.transaction() as tx:
            migrated = await store.migrate(tx) + await control_store.upgrade(tx)
            await store.seed_accounts(tx)
            await store.upsert_merchant(
                tx,
                self.config.sandbox_client_id,
                self.config.sandbox_merchant_name,
                self.config.sandbox_merchant_public_pem,
                self.config.sandbox_notify_url,
                sandbox=True,
                now=now,
                api_profile=self.config.sandbox_api_profile,
            )
        if migrated:
            log.info("data folder brought up to date: added %s", ", ".join(migrated))
        self.clock.offset_seconds = float(await store.get_state(self.db, "clock_offset", 0.0))
        self.started_at = iso_precise(self.clock.now())
        await self._report_left_over()

    async def _report_left_over(self) -> None:
        """Say in the log what an earlier run queued and never used: a run that died
        leaves its outcomes and faults for whoever comes next."""
        for table, what in (
            ("forced_outcomes", "forced outcome"),
            ("api_faults", "API fault"),
            ("notify_faults", "notification fault"),
        ):
            rows = await control_store.entries(self.db, table)
            if rows:
                log.warning(
                    "%d %s%s left queued by an earlier run (oldest from %s): see GET /_sim/%s, clear with DELETE",
                    len(rows),
                    what,
                    "" if len(rows) == 1 else "s",
                    rows[0]["created_at"],
                    QUEUE_PATHS[table],
                )

    # --- merchants -----------------------------------------------------------------

    async def merchant(self, client_id: str) -> Merchant | None:
        """Registered merchants, cached: a signature check must not cost a query."""
        row = self._merchant_cache.get(client_id)
        if row is None:
            row = await store.get_merchant(self.db, client_id)
            if row is not None:
                self._merchant_cache[client_id] = row
        return row

    async def register_merchant(
        self,
        client_id: str,
        name: str,
        public_key_pem: str,
        notify_url: str | None,
        api_profile: str | None = None,
        *,
        secret_digest: str | None = None,
    ) -> None:
        """``api_profile`` None keeps a known merchant's profile (a new one: alipayplus);
        ``secret_digest``, given at the first registration, is kept to prove ownership by
        (wallet_mock.ownership)."""
        async with self.db.transaction() as tx:
            await store.upsert_merchant(
                tx, client_id, name, public_key_pem, notify_url, False, self.clock.now(), api_profile
            )
            if secret_digest is not None:
                await store.set_merchant_secret(tx, client_id, secret_digest)
        self._merchant_cache.pop(client_id, None)

    async def merchant_secret(self, client_id: str) -> str | None:
        """The digest of the registration secret of ``client_id``, if it has one."""
        return await store.merchant_secret(self.db, client_id)

    async def api_profile(self, client_id: str) -> ApiProfile:
        """The API profile a merchant speaks: its replies and notifications take that form."""
        merchant = await self.merchant(client_id)
        return PROFILES[merchant.api_profile if merchant else DEFAULT_PROFILE]

    # --- the token API (miniprogram profile) ----------------------------------------

    async def apply_token(self, client_id: str, req: TokenRequest) -> TokenGrant:
        """applyToken: redeem a ``my.getAuthCode`` code once (AUTHORIZATION_CODE), or a
        refresh token once (REFRESH_TOKEN), for an access token of the user it names."""
        if req.auth_client_id != client_id:
            raise ApiError("INVALID_AUTH_CLIENT", "authClientId must be the Client-Id the request is signed with")
        now = self.clock.now()
        grant = TokenGrant(
            access_token=new_token(),
            access_token_expiry=now + ACCESS_TOKEN_TTL,
            refresh_token=new_token(),
            refresh_token_expiry=now + REFRESH_TOKEN_TTL,
            customer_id="",
            scopes=(),
        )
        async with self.db.transaction() as tx:
            nonce = None
            if req.code is not None:
                code = req.code
                issued = datetime.fromtimestamp(code["issuedAt"], tz=UTC)
                if now - issued > AUTH_CODE_TTL or issued - now > AUTH_CODE_TTL:
                    raise ApiError("EXPIRED_CODE", f"the authorization code was issued at {iso(issued)}: too long ago")
                account = await store.get_account_by_login(tx, code["user"])
                if account is None:
                    raise ApiError("USER_NOT_EXIST", "the authorization code names no wallet account")
                nonce = code["nonce"]
                grant = dataclasses.replace(grant, customer_id=account.account_id, scopes=tuple(code["scopes"]))
            else:
                assert req.refresh_token is not None
                row = await store.take_refresh_token(tx, client_id, req.refresh_token, now)
                if row is None:
                    raise ApiError("PARAM_ILLEGAL", "refreshToken was not issued to this client")
                if row["refreshed_at"] is not None:
                    raise ApiError("USED_REFRESH_TOKEN", "this refreshToken has been used: apply with a new auth code")
                if parse_iso(row["refresh_expires_at"]) <= now:
                    raise ApiError("EXPIRED_CODE", "the refreshToken has expired: apply with a new auth code")
                grant = dataclasses.replace(grant, customer_id=row["customer_id"], scopes=row["scopes"])
            if not await store.insert_access_token(
                tx,
                grant.access_token,
                client_id,
                grant.customer_id,
                grant.scopes,
                nonce,
                grant.refresh_token,
                grant.access_token_expiry,
                grant.refresh_token_expiry,
                now,
            ):
                raise ApiError(
                    "EXPIRED_CODE", "this authorization code has been redeemed already (codes are single-use)"
                )
        self.journal.record(
            None,
            f"applyToken: access token for {grant.customer_id} ({', '.join(grant.scopes) or 'no scopes'})",
            kind="note",
            actor="wallet server",
            details={"grantType": req.grant_type, "appId": req.app_id},
        )
        return grant

    # --- the Alipay+ API -----------------------------------------------------------

    async def pay(self, client_id: str, req: PayRequest) -> Payment:
        """Create the payment, or return the one this paymentRequestId already made."""
        now = self.clock.now()
        expires_at = req.expiry or self.clock.later(DEFAULT_EXPIRY.total_seconds())
        merchant = await self.merchant(client_id)
        payment = Payment(
            payment_id=new_payment_id(now),
            client_id=client_id,
            payment_request_id=req.payment_request_id,
            fingerprint=req.fingerprint(),
            status=PaymentStatus.INIT,
            result_code="PAYMENT_IN_PROCESS",
            amount=req.amount,
            refunded=0,
            reference_order_id=req.reference_order_id,
            order_description=req.order_description,
            merchant_name=req.merchant_name or (merchant.name if merchant else None),
            request_json=jsonio.dumps(req.raw).decode(),
            notify_url=req.notify_url or (merchant.notify_url if merchant else None),
            redirect_url=req.redirect_url,
            token=new_token(),
            account_id=None,
            settle_to=None,
            settle_at=None,
            created_at=now,
            expires_at=expires_at,
            paid_at=None,
        )
        payment.request = req.raw  # as parsed: its reply reads the terminal type off it
        async with self.db.transaction() as tx:
            # One statement decides: the UNIQUE (client_id, paymentRequestId) makes two
            # identical requests racing create one payment; the loser reads the winner's.
            if not await store.insert_payment(tx, payment, now):
                existing = await store.payment_by_request(tx, client_id, req.payment_request_id)
                if existing is None:
                    raise ApiError("UNKNOWN_EXCEPTION", "the payment could not be stored; retry")
                return self._replay(existing, req)
        ids = payment.journal_ids
        self.journal.record(
            5,
            f"payment {payment.payment_id} created, {payment.amount.format_display()}",
            **ids,
            details={"status": "INIT", "expiresAt": iso(expires_at)},
        )
        self.journal.record(
            6,
            "paymentUrl generated (an unguessable one-payment token)",
            **ids,
            details={"paymentUrl": self.config.payment_url(payment.token)},
        )
        return payment

    @staticmethod
    def _replay(existing: Payment, req: PayRequest) -> Payment:
        if not req.matches(existing.fingerprint):
            raise ApiError(
                "REPEAT_REQ_INCONSISTENT", f"paymentRequestId {req.payment_request_id} was used with other key fields"
            )
        return existing

    async def inquire(self, client_id: str, ref: PaymentReference) -> InquiredPayment:
        """inquiryPayment: the client's payment as it stands, and the refunds of it."""
        p = await self.find_payment(client_id, ref.payment_id, ref.payment_request_id)
        # Only a paid (or then cancelled or refused) payment can have refunds.
        return InquiredPayment(p, await store.refunds_of(self.db, p.payment_id) if p.status.final else [])

    async def find_payment(self, client_id: str, payment_id: str | None, payment_request_id: str | None) -> Payment:
        """The client's payment by paymentId or, without one, paymentRequestId (Antom:
        paymentId takes precedence); closed on sight if it has expired."""
        p = None
        if payment_id:
            p = await store.payment_by_id(self.db, payment_id, client_id)
        elif payment_request_id:
            p = await store.payment_by_request(self.db, client_id, payment_request_id)
        if p is None:
            raise ApiError("ORDER_NOT_EXIST", "no payment with this paymentId / paymentRequestId")
        return await self.close_if_expired(p)

    async def payment(self, payment_id: str) -> Payment | None:
        """A payment as stored, whoever's it is (for the journal and the control plane)."""
        return await store.payment_by_id(self.db, payment_id)

    async def close_if_expired(self, p: Payment) -> Payment:
        """An INIT payment past its expiry is closed on sight (and by the worker)."""
        if not p.expired(self.clock.now()):
            return p
        async with self.db.transaction() as tx:
            await self._fail(tx, p, "ORDER_IS_CLOSED", "payment expired before the user paid")
        return await store.get_payment(self.db, p.payment_id)

    async def cancel(self, client_id: str, ref: PaymentReference) -> Payment:
        """Close an open payment; or, as Antom does, give a paid one back to the buyer in
        full if it is still in the cancellable period and nothing of it was refunded."""
        p = await self.find_payment(client_id, ref.payment_id, ref.payment_request_id)
        now = self.clock.now()
        async with self.db.transaction() as tx:
            won = await store.move(tx, p.payment_id, CANCEL, now, result_code="ORDER_IS_CANCELED", settle_at=None)
            current = await store.get_payment(tx, p.payment_id)
            reversed_ = not won and current.status is PaymentStatus.SUCCESS
            if reversed_:
                if now >= cancel_window_end(current.created_at):
                    raise ApiError(
                        "CANCEL_WINDOW_EXCEED",
                        "a paid payment can be cancelled until 00:15 (UTC+8) on the "
                        "day after it was placed: refund it instead",
                    )
                if not await store.reverse_capture(tx, current.payment_id, now):  # refunded, in part or in full
                    # Antom: a transaction with any refund cannot be cancelled: PROCESS_FAIL.
                    raise ApiError("PROCESS_FAIL", "the payment has been refunded: it can no longer be cancelled")
                if current.account_id:
                    await store.credit(tx, current.account_id, current.amount)
                won = True
                current = await store.get_payment(tx, p.payment_id)
        if not won:
            if current.status is PaymentStatus.CANCELLED:
                return current  # cancelling twice is idempotent
            raise ApiError("ORDER_IS_CLOSED", "the payment is already closed")
        what = (
            f"paid payment cancelled by the merchant: {current.amount.format_display()} back to the buyer"
            if reversed_
            else "payment cancelled by the merchant"
        )
        self.journal.record(None, what, kind="note", actor="wallet server", **current.journal_ids)
        return current

    # --- refunds ------------------------------------------------------------------

    async def refund(self, client_id: str, req: RefundRequest) -> Refund:
        """Refund part or all of a successful payment; several refunds may follow each
        other up to the captured amount. One transaction: the conditional UPDATE of
        ``payments.refunded``, the refund row and the buyer's credit. Synchronous (final
        in the reply) unless a control made it asynchronous: then PROCESSING, its amount
        set aside, settled later (``settle_refunds_due``, ``settle_refund_now``)."""
        p = await self._refunded_payment(client_id, req)
        if p is not None and req.amount.currency != p.amount.currency:
            raise ApiError(
                "CURRENCY_NOT_SUPPORT", f"refundAmount.currency must be the payment's currency, {p.amount.currency}"
            )
        now = self.clock.now()
        async with self.db.transaction() as tx:
            # Looked up under the write lock: two identical refunds racing make one refund.
            existing = await store.refund_by_request(tx, client_id, req.refund_request_id)
            if existing is not None:
                return self._replay_refund(existing, req, p)
            if p is None:
                raise ApiError("ORDER_NOT_EXIST", "no payment with this paymentId / paymentRequestId")
            current = await store.get_payment(tx, p.payment_id)
            code = refund_refusal(current, req.amount, now)
            if code == "ORDER_STATUS_INVALID":  # not final: the same refundRequestId may come back later
                raise ApiError(code, f"the payment is {current.status.wire}: only a successful payment can be refunded")
            outcome = RefundOutcome.SUCCESS
            if code is None:
                forced = await store.take_refund_outcome(tx, current.payment_id)
                outcome = RefundOutcome(forced) if forced else RefundOutcome.SUCCESS
                if outcome is RefundOutcome.FAIL:
                    code = REFUND_FAILURE_CODE
                elif not await store.add_refunded(tx, current.payment_id, req.amount):
                    code = "REFUND_AMOUNT_EXCEED_LIMIT"
            settle_to = None if code else outcome.settles_to
            status = RefundStatus.FAIL if code else RefundStatus.PROCESSING if settle_to else RefundStatus.SUCCESS
            refund = Refund(
                refund_id=new_refund_id(now),
                client_id=client_id,
                refund_request_id=req.refund_request_id,
                fingerprint=req.fingerprint(current.payment_id),
                payment_id=current.payment_id,
                status=status,
                result_code=code or ("REFUND_IN_PROCESS" if settle_to else "SUCCESS"),
                amount=req.amount,
                reason=req.reason,
                reference_refund_id=req.reference_refund_id,
                notify_url=req.notify_url,
                created_at=now,
                refunded_at=now if status is RefundStatus.SUCCESS else None,
                payment_request_id=current.payment_request_id,
                reference_order_id=current.reference_order_id,
                settle_to=settle_to,
                settle_at=self.clock.later(REFUND_SETTLE_AFTER.total_seconds()) if settle_to else None,
                asynchronous=settle_to is not None,
            )
            if status is RefundStatus.SUCCESS and current.account_id:
                await store.credit(tx, current.account_id, req.amount)
            await store.insert_refund(tx, refund, req.raw)
            if refund.settle_to and refund.settle_at:
                await store.set_aside_refund(tx, refund.refund_id, refund.settle_to, refund.settle_at)
                tx.on_commit(self._wake_worker)  # its settlement is the worker's to schedule
            # Antom sends notifyRefund for asynchronous refunds only, once they are final
            # ("not supported" for synchronous ones): a refund answered here is not notified.
        left = current.amount.value - current.refunded - (0 if code else req.amount.value)
        self.journal.record(
            None,
            f"refund {refund.refund_id} of {req.amount.format_display()}: {refund.result_code}",
            kind="note" if code is None else "fault",
            actor="wallet server",
            **current.journal_ids,
            details={"refundRequestId": req.refund_request_id, "refundable": str(left), "outcome": outcome.value},
        )
        return refund

    async def settle_refunds_due(self) -> int:
        """Settle the asynchronous refunds whose time has come; how many."""
        done = 0
        for r in await store.due_refunds(self.db, self.clock.now()):
            async with self.db.transaction() as tx:
                done += await self._settle_refund(tx, r, r.settle_to or RefundStatus.SUCCESS)
        return done

    async def settle_refund_now(self, refund_id: str, to: RefundStatus | None = None) -> Refund:
        """Control API: settle a PROCESSING refund at once (to SUCCESS or FAIL)."""
        r = await store.refund_of_any_client(self.db, refund_id)
        if r is None:
            raise LookupError("no such refund")
        if r.status is not RefundStatus.PROCESSING:
            raise ValueError(f"the refund is {r.status.value}, not PROCESSING")
        async with self.db.transaction() as tx:
            if not await self._settle_refund(tx, r, to or r.settle_to or RefundStatus.SUCCESS):
                raise ValueError("the refund changed meanwhile")
        settled = await store.refund_of_any_client(self.db, refund_id)
        assert settled is not None
        return settled

    async def _settle_refund(self, tx: Transaction, r: Refund, to: RefundStatus) -> int:
        """A PROCESSING refund settles: SUCCESS credits the buyer; FAIL gives its amount
        back to what can be refunded. Either way notifyRefund goes to its refundNotifyUrl
        in the same transaction (the outbox)."""
        now = self.clock.now()
        code = "SUCCESS" if to is RefundStatus.SUCCESS else REFUND_FAILURE_CODE
        if not await store.settle_refund(tx, r.refund_id, to, code, now):
            return 0
        p = await store.get_payment(tx, r.payment_id)
        if to is RefundStatus.SUCCESS:
            if p.account_id:
                await store.credit(tx, p.account_id, r.amount)
        else:
            await store.release_refunded(tx, r.payment_id, r.amount)
        settled = dataclasses.replace(
            r, status=to, result_code=code, refunded_at=now if to is RefundStatus.SUCCESS else None, settle_at=None
        )
        notify_refund = (await self.api_profile(r.client_id)).notify_refund
        if r.notify_url and notify_refund is not None:  # a profile without notifyRefund: inquired only
            await self._enqueue(
                tx, r.payment_id, r.client_id, "REFUND_RESULT", r.notify_url, notify_refund(settled), now
            )
        self.journal.record(
            None,
            f"refund {r.refund_id} settled: {to.value}",
            kind="note" if to is RefundStatus.SUCCESS else "fault",
            actor="wallet server",
            **r.journal_ids,
            details={"refundRequestId": r.refund_request_id, "resultCode": code},
        )
        return 1

    async def force_refund_outcome(self, outcome: RefundOutcome, payment_id: str | None, count: int) -> int:
        """Control API: the next ``count`` refunds (of ``payment_id``, or of any payment) do ``outcome``."""
        async with self.db.transaction() as tx:
            return await store.add_refund_outcome(tx, outcome.value, payment_id, count, self.clock.now())

    async def _refunded_payment(self, client_id: str, req: RefundRequest) -> Payment | None:
        try:
            return await self.find_payment(client_id, req.payment_id, req.payment_request_id)
        except ApiError:
            return None  # ORDER_NOT_EXIST, unless the refundRequestId is a replay

    @staticmethod
    def _replay_refund(existing: Refund, req: RefundRequest, p: Payment | None) -> Refund:
        if p is None or not req.matches(existing.fingerprint, p.payment_id):
            raise ApiError(
                "REPEAT_REQ_INCONSISTENT",
                f"refundRequestId {req.refund_request_id} was used with another payment or amount",
            )
        return existing

    async def inquire_refund(self, client_id: str, ref: RefundReference) -> Refund:
        """inquiryRefund: the client's refund by refundId or, without one, refundRequestId."""
        r = None
        if ref.refund_id:
            r = await store.refund_by_id(self.db, ref.refund_id, client_id)
        elif ref.refund_request_id:
            r = await store.refund_by_request(self.db, client_id, ref.refund_request_id)
        if r is None:
            raise ApiError("REFUND_NOT_EXIST", "no refund with this refundId / refundRequestId")
        return r

    # --- the cashier (wallet app) --------------------------------------------------

    async def open_cashier(self, token: str) -> Payment:
        p = await store.payment_by_token(self.db, token)
        if p is None:
            raise CashierError("NOT_FOUND", "This payment link is not valid.", http_status=404)
        return await self.close_if_expired(p)

    async def confirm(self, token: str, login_id: str, password: str) -> ConfirmResult:
        """Steps 14-17: the user confirms; the wallet checks and debits, atomically.

        One transaction: the account read, the password check, the conditional debit,
        the conditional transition and the outbox row. If a concurrent confirmation
        won the transition, the whole unit (debit included) rolls back."""
        p = await self.open_cashier(token)
        ids = p.journal_ids
        if p.status is not PaymentStatus.INIT:
            return self._already_done(p)
        self.journal.record(14, f"user confirms with {login_id or 'no account'}", **ids, details={"account": login_id})
        self.journal.record(15, "wallet app submits the payment", **ids)
        now = self.clock.now()
        refusal: CashierError | None = None
        try:
            async with self.db.transaction() as tx:
                # Read again under the write lock: a confirmation racing this one (a double
                # tap, a second tab) may have moved it in a unit this reader's connection
                # cannot see until the group COMMIT. A duplicate gets the payment's own result,
                # answered after that COMMIT (returning from the unit waits for it).
                current = await store.get_payment(tx, p.payment_id)
                if current.status is not PaymentStatus.INIT:
                    return self._already_done(current)
                account = await store.get_account_by_login(tx, login_id)  # fresh: racing tries count
                if account is None:
                    raise CashierError("USER_NOT_EXIST", "No such wallet account.")
                if account.account_id in await store.locked_for_payment(tx, p.payment_id):
                    self.journal.record(16, "refused: account locked for this payment", kind="fault", **ids)
                    raise CashierError(
                        "ACCOUNT_LOCKED",
                        "This account is locked for this payment after too many wrong passwords.",
                        http_status=403,
                        tries_left=0,
                    )
                if not check_password(password, account.password_hash):
                    # The count must be committed: raise only after the transaction ends.
                    # Per payment: a cashier link locks its own payment, never the account
                    # for every other buyer of a shared sandbox.
                    tries = await store.record_password_failure(
                        tx, p.payment_id, account.account_id, MAX_PASSWORD_TRIES, now
                    )
                    refusal = _wrong_password(max(MAX_PASSWORD_TRIES - tries, 0))
                    self.journal.record(
                        16, f"refused: wrong payment password ({refusal.tries_left} tries left)", kind="fault", **ids
                    )
                else:
                    if account.failed_tries:
                        await store.clear_password_tries(tx, p.payment_id)
                    forced = await self.queues.take(
                        tx, "forced_outcomes", control_store.take_outcome, p.client_id, p.payment_request_id
                    )
                    if forced:
                        self.journal.record(16, f"outcome forced by the control API: {forced}", kind="note", **ids)
                    outcome = Outcome(forced) if forced else Outcome(account.outcome)
                    return await self._apply(tx, p, account.account_id, decide(outcome), now)
        except _LostRace:
            # A concurrent confirmation won: this one changed nothing. Say where it stands,
            # read in a unit of its own: after the winner's COMMIT, never before it.
            async with self.db.transaction() as tx:
                current = await store.get_payment(tx, p.payment_id)
            return self._already_done(current)
        assert refusal is not None
        raise refusal

    async def _apply(
        self, tx: Transaction, p: Payment, account_id: str, decision: Decision, now: datetime
    ) -> ConfirmResult:
        ids = p.journal_ids
        self.journal.record(
            16,
            f"password verified; outcome {decision.app_result_code}",
            **ids,
            details={"failureCode": decision.failure_code} if decision.failure_code else None,
        )
        balance = None
        if decision.debit:
            balance = await store.debit(tx, account_id, p.amount)
            if balance is None:
                decision = INSUFFICIENT
        if decision.move is None:  # 6001 / 6002: nothing happens to the payment
            self.journal.record(
                17, "no debit: " + APP_MESSAGES[decision.app_result_code].lower(), **ids, details={"debited": False}
            )
            return ConfirmResult(decision.app_result_code, p, APP_MESSAGES[decision.app_result_code])
        move = decision.move
        fields: dict = {"account_id": account_id}
        if move is CAPTURE:
            fields.update(result_code="SUCCESS", paid_at=now)
        elif move is DECLINE:
            fields.update(result_code=decision.failure_code)
        elif move is PROCESS:
            fields.update(settle_to=decision.settle_to, settle_at=self.clock.later(SETTLE_AFTER.total_seconds()))
            tx.on_commit(self._wake_worker)  # its settlement is the worker's to schedule
        if not await store.move(tx, p.payment_id, move, now, **fields):
            raise _LostRace()  # rolls back the debit above with the rest of the unit
        updated = dataclasses.replace(p, status=move.target, **fields)
        if decision.debit and move is CAPTURE:
            self.journal.record(
                17,
                f"debited {p.amount.format_display()}",
                **ids,
                details={"debited": True, "account": account_id, "balanceAfter": str(balance)},
            )
        else:
            self.journal.record(
                17,
                f"no debit: payment {move.target.value.lower()}",
                **ids,
                details={"debited": False, "failureCode": decision.failure_code},
            )
        if updated.status.final or move is PROCESS:
            # A processing payment is announced too: Antom's PAYMENT_PENDING ("the user has
            # completed the payment; wait for the final result"), then PAYMENT_RESULT.
            await self._enqueue_notification(tx, updated, now)
        return ConfirmResult(decision.app_result_code, updated, APP_MESSAGES[decision.app_result_code])

    def _already_done(self, p: Payment) -> ConfirmResult:
        code = {
            PaymentStatus.SUCCESS: "9000",
            PaymentStatus.PROCESSING: "8000",
        }.get(p.status)
        if code is None:
            reason = reason_for(p)
            raise CashierError(
                "PAYMENT_CLOSED",
                reason.message if reason else "This payment is closed and can no longer be paid.",
                http_status=409,
                reason=reason,
            )
        return ConfirmResult(code, p, APP_MESSAGES[code])

    async def user_cancel(self, token: str) -> ConfirmResult:
        """The user closes the cashier: the payment stays open for another try (6001)."""
        p = await self.open_cashier(token)
        self.journal.record(14, "user cancels in the cashier", **p.journal_ids, details={"button": "cancel"})
        return ConfirmResult("6001", p, APP_MESSAGES["6001"])

    # --- background: settlement, expiry -------------------------------------------

    async def settle_due(self) -> int:
        """Settle what is due: processing payments, then asynchronous refunds."""
        done = 0
        for p in await store.due_settlements(self.db, self.clock.now()):
            try:
                async with self.db.transaction() as tx:
                    done += await self._settle(tx, p)
            except _LostRace:
                continue  # cancelled or settled meanwhile
        return done + await self.settle_refunds_due()

    async def settle_now(self, payment_id: str, to: PaymentStatus | None = None) -> Payment:
        """Control API: settle a PROCESSING payment at once (to SUCCESS or FAIL)."""
        p = await store.payment_by_id(self.db, payment_id)
        if p is None:
            raise LookupError("no such payment")
        if p.status not in SETTLE.sources:
            raise ValueError(f"the payment is {p.status.value}, not PROCESSING")
        try:
            async with self.db.transaction() as tx:
                await self._settle(tx, p, to)
        except _LostRace:
            raise ValueError("the payment changed meanwhile") from None
        return await store.get_payment(self.db, payment_id)

    async def expire_now(self, payment_id: str) -> Payment:
        """Control API: close an unpaid payment as if its expiry time had passed."""
        p = await store.payment_by_id(self.db, payment_id)
        if p is None:
            raise LookupError("no such payment")
        async with self.db.transaction() as tx:
            if not await self._fail(tx, p, "ORDER_IS_CLOSED", "payment expired (forced by the control API)"):
                raise ValueError(f"the payment is {p.status.value}, not INIT")
        return await store.get_payment(self.db, payment_id)

    async def _settle(self, tx: Transaction, p: Payment, to: PaymentStatus | None = None) -> int:
        now = self.clock.now()
        move = SETTLE if (to or p.settle_to or SETTLE.target) is SETTLE.target else SETTLE_FAIL
        fields: dict = {"result_code": "SUCCESS" if move is SETTLE else "PROCESS_FAIL", "settle_at": None}
        if move is SETTLE and (p.account_id is None or await store.debit(tx, p.account_id, p.amount) is None):
            move, fields["result_code"] = SETTLE_FAIL, "USER_BALANCE_NOT_ENOUGH"
        if move is SETTLE:
            fields["paid_at"] = now
        if not await store.move(tx, p.payment_id, move, now, **fields):
            raise _LostRace()
        updated = dataclasses.replace(p, status=move.target, **fields)
        self.journal.record(
            17,
            f"processing payment settled: {move.target.value}",
            **p.journal_ids,
            details={"debited": move is SETTLE, "resultCode": fields["result_code"]},
        )
        await self._enqueue_notification(tx, updated, now)
        return 1

    async def expire_due(self) -> int:
        done = 0
        for p in await store.expired_payments(self.db, self.clock.now()):
            async with self.db.transaction() as tx:
                done += await self._fail(tx, p, "ORDER_IS_CLOSED", "payment expired before the user paid")
        return done

    async def _fail(self, tx: Transaction, p: Payment, code: str, why: str) -> int:
        now = self.clock.now()
        if not await store.move(tx, p.payment_id, EXPIRE, now, result_code=code):
            return 0
        updated = await store.get_payment(tx, p.payment_id)
        self.journal.record(
            None, why, kind="note", actor="wallet server", **p.journal_ids, details={"resultCode": code}
        )
        await self._enqueue_notification(tx, updated, now)
        return 1

    # --- notifications -------------------------------------------------------------

    async def _enqueue_notification(self, tx: Transaction, p: Payment, now: datetime) -> None:
        """The payment's notification in the form of its merchant's API profile (none
        where the profile sends none for this state)."""
        if p.notify_url:
            notice = (await self.api_profile(p.client_id)).notify_payment(p)
            if notice is not None:
                notify_type, body = notice
                await self._enqueue(tx, p.payment_id, p.client_id, notify_type, p.notify_url, body, now)

    async def _enqueue(
        self, tx: Transaction, payment_id: str, client_id: str, notify_type: str, url: str, body: dict, now: datetime
    ) -> None:
        """A row of the outbox, in the caller's transaction. It is stored leased to this
        process and sent as soon as it is committed: a round of the worker (a read, a
        claiming transaction, three or four turns of a busy loop) is not on the way. Should
        the process die first, the next start voids the lease and the worker's first round
        sends it."""
        nid = await store.enqueue_notification(
            tx, payment_id, client_id, notify_type, url, body, now, lease_until=now + self._send_lease
        )
        send_now = self._send_now
        tx.on_commit(lambda: send_now(nid))

    async def advance_clock(self, seconds: float) -> datetime:
        self.clock.advance(seconds)
        async with self.db.transaction() as tx:
            await store.set_state(tx, "clock_offset", self.clock.offset_seconds)
        self._wake_worker()
        return self.clock.now()

    async def reset(self) -> None:
        """Control API: back to a fresh sandbox; merchants and keys stay."""
        async with self.db.transaction() as tx:
            await store.reset(tx)
            for table in control_store.QUEUES:
                await control_store.clear(tx, table)
            await store.seed_accounts(tx)
        self.clock.offset_seconds = 0.0
        await self.journal.clear()
        self._wake_worker()


def _wrong_password(tries_left: int) -> CashierError:
    if tries_left == 0:
        return CashierError(
            "ACCOUNT_LOCKED", "Wrong payment password. The account is now locked.", http_status=403, tries_left=0
        )
    return CashierError(
        "WRONG_PASSWORD", f"Wrong payment password. {tries_left} tries left.", http_status=400, tries_left=tries_left
    )


class _LostRace(Exception):
    """A conditional UPDATE lost to a concurrent request; the transaction rolls back."""
