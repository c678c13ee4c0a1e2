"""What the wallet stores beside its payments and refunds, as the store hands it out:
registered merchants, test accounts and the notifications of the outbox. Plain typed
records (no ``sqlite3.Row`` leaves ``store.py``); stored times stay the ISO 8601 strings
they are written as."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Merchant:
    client_id: str
    name: str
    public_key_pem: str  # verifies the merchant's requests
    notify_url: str | None  # where notifyPayment goes when a pay names none
    sandbox: bool  # the merchant made with the keys on first start
    created_at: str
    api_profile: str = "alipayplus"  # the wallet API it speaks (operations.PROFILES)


@dataclass(frozen=True)
class Account:
    """A test account (accounts.py says which outcome each leads to)."""

    account_id: str
    login_id: str
    display_name: str
    outcome: str
    password_hash: str
    failed_tries: int
    locked_at: str | None
    balance: int | None = None  # in the currency the listing was asked for, if it was

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


@dataclass(frozen=True)
class Notification:
    """A row of the outbox: one notifyPayment or notifyRefund and its delivery state."""

    notification_id: int
    payment_id: str
    client_id: str
    notify_type: str  # PAYMENT_RESULT, PAYMENT_PENDING, REFUND_RESULT...
    url: str
    body: str  # the JSON sent, as stored: signed and sent byte for byte
    status: str  # PENDING, DELIVERED, FAILED
    attempts: int
    next_attempt_at: str | None
    lease_until: str | None
    created_at: str
    delivered_at: str | None
    last_error: str | None
    reference_order_id: str  # its payment's, for the journal
