"""The wallet's test accounts, like Stripe's test cards: each login id leads to one
outcome when it pays. All use the sandbox payment password ``111111``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from simulator.core.money import CURRENCY_EXPONENTS

from .models import Outcome

SANDBOX_PASSWORD = "111111"
# Wrong payment passwords allowed before the account locks (Alipay's rule of five).
MAX_PASSWORD_TRIES = 5


@dataclass(frozen=True)
class TestAccount:
    login_id: str
    display_name: str
    outcome: Outcome
    balance_major: int  # whole units of every supported currency
    description: str


TEST_ACCOUNTS: tuple[TestAccount, ...] = (
    TestAccount("buyer@sandbox.test", "Sandbox Buyer", Outcome.SUCCESS, 1_000_000, "pays (9000)"),
    TestAccount(
        "lowbalance@sandbox.test",
        "Low Balance",
        Outcome.SUCCESS,
        1,
        "holds 1 unit of each currency: larger payments fail with USER_BALANCE_NOT_ENOUGH (4000)",
    ),
    TestAccount(
        "risk@sandbox.test",
        "Risky Buyer",
        Outcome.RISK_REJECT,
        1_000_000,
        "refused by risk control, RISK_REJECT (4000)",
    ),
    TestAccount(
        "slow-success@sandbox.test",
        "Slow Bank (succeeds)",
        Outcome.PROCESSING_THEN_SUCCESS,
        1_000_000,
        "processing (8000), settles to success 30 s later (divided by --time-scale)",
    ),
    TestAccount(
        "slow-fail@sandbox.test",
        "Slow Bank (fails)",
        Outcome.PROCESSING_THEN_FAIL,
        1_000_000,
        "processing (8000), settles to failure 30 s later (divided by --time-scale)",
    ),
    TestAccount(
        "offline-before@sandbox.test",
        "Flaky Network (before debit)",
        Outcome.NETWORK_LOST_BEFORE_DEBIT,
        1_000_000,
        "connection lost before the debit (6002): nothing charged",
    ),
    TestAccount(
        "offline-after@sandbox.test",
        "Flaky Network (after debit)",
        Outcome.NETWORK_LOST_AFTER_DEBIT,
        1_000_000,
        "connection lost after the debit (6004): charged, the mini program does not know",
    ),
)

DEFAULT_ACCOUNT = TEST_ACCOUNTS[0].login_id


def initial_balances(account: TestAccount) -> dict[str, int]:
    return {cur: account.balance_major * 10**exp for cur, exp in CURRENCY_EXPONENTS.items()}


def hash_password(password: str, salt: str | None = None) -> str:
    """Salted SHA-256. The sandbox password is public; what matters is that no password
    is ever stored or logged in clear. A slow KDF would only slow every journey down."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
    return f"{salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_password(password, salt), stored)
