-- The wallet's state. Money columns are INTEGER minor units; times are ISO 8601 UTC
-- strings of one fixed format, so they compare correctly as text.
CREATE TABLE IF NOT EXISTS merchants (
    client_id      TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    notify_url     TEXT,
    sandbox        INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    -- the wallet API it speaks (operations.PROFILES); added to older data folders by
    -- store.migrate
    api_profile    TEXT NOT NULL DEFAULT 'alipayplus'
);

CREATE TABLE IF NOT EXISTS accounts (
    account_id    TEXT PRIMARY KEY,
    login_id      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_tries  INTEGER NOT NULL DEFAULT 0,
    locked_at     TEXT,
    position      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS balances (
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    currency   TEXT NOT NULL,
    value      INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (account_id, currency)
);

CREATE TABLE IF NOT EXISTS payments (
    payment_id         TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL REFERENCES merchants(client_id),
    payment_request_id TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('INIT','PROCESSING','SUCCESS','FAIL','CANCELLED')),
    result_code        TEXT NOT NULL,
    currency           TEXT NOT NULL,
    amount             INTEGER NOT NULL CHECK (amount > 0),
    refunded           INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    reference_order_id TEXT NOT NULL,
    order_description  TEXT NOT NULL,
    merchant_name      TEXT,
    request_json       TEXT NOT NULL,
    notify_url         TEXT,
    redirect_url       TEXT,
    token              TEXT NOT NULL UNIQUE,
    account_id         TEXT REFERENCES accounts(account_id),
    settle_to          TEXT,
    settle_at          TEXT,
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    paid_at            TEXT,
    updated_at         TEXT NOT NULL,
    UNIQUE (client_id, payment_request_id)
);
CREATE INDEX IF NOT EXISTS payments_settle ON payments(settle_at) WHERE settle_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS payments_open ON payments(expires_at) WHERE status = 'INIT';

-- Refunds of a SUCCESS payment. payments.refunded is raised by a conditional UPDATE
-- (refunded + amount <= payments.amount) in the same transaction as the SUCCESS row and
-- the buyer's credit; a FAIL row keeps a refusal so a retry gets the same answer.
CREATE TABLE IF NOT EXISTS refunds (
    refund_id           TEXT PRIMARY KEY,
    client_id           TEXT NOT NULL REFERENCES merchants(client_id),
    refund_request_id   TEXT NOT NULL,
    fingerprint         TEXT NOT NULL,
    payment_id          TEXT NOT NULL REFERENCES payments(payment_id),
    status              TEXT NOT NULL CHECK (status IN ('SUCCESS','PROCESSING','FAIL')),
    result_code         TEXT NOT NULL,
    currency            TEXT NOT NULL,
    amount              INTEGER NOT NULL CHECK (amount > 0),
    reason              TEXT,
    reference_refund_id TEXT,
    notify_url          TEXT,
    request_json        TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    refunded_at         TEXT,
    UNIQUE (client_id, refund_request_id)
);
CREATE INDEX IF NOT EXISTS refunds_of_payment ON refunds(payment_id);

-- Asynchronous refunds (made so by a control): where a PROCESSING refund settles and
-- when. The row stays once settled (settle_at NULL): it says the refund was asynchronous.
CREATE TABLE IF NOT EXISTS refund_settlements (
    refund_id TEXT PRIMARY KEY REFERENCES refunds(refund_id),
    settle_to TEXT NOT NULL CHECK (settle_to IN ('SUCCESS','FAIL')),
    settle_at TEXT
);
CREATE INDEX IF NOT EXISTS refund_settlements_due ON refund_settlements(settle_at) WHERE settle_at IS NOT NULL;

-- What the next refunds do, forced by the control API (one use per remaining count).
CREATE TABLE IF NOT EXISTS refund_outcomes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    outcome     TEXT NOT NULL,
    payment_id  TEXT,
    remaining   INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

-- What the miniprogram profile's token API (applyToken) handed out: an access token per
-- redeemed auth code (whose nonce it remembers: a code is spent once) or refresh.
CREATE TABLE IF NOT EXISTS access_tokens (
    access_token    TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    code_nonce      TEXT UNIQUE,
    refresh_token   TEXT NOT NULL UNIQUE,
    expires_at      TEXT NOT NULL,
    refresh_expires_at TEXT NOT NULL,
    refreshed_at    TEXT,
    created_at      TEXT NOT NULL
);

-- The notification outbox: written in the same transaction as the payment's final
-- state, delivered by the notifier until the merchant acknowledges.
CREATE TABLE IF NOT EXISTS notifications (
    notification_id INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id      TEXT NOT NULL REFERENCES payments(payment_id),
    client_id       TEXT NOT NULL,
    notify_type     TEXT NOT NULL,
    url             TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING','DELIVERED','FAILED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    -- set while an attempt is in flight, so that no other dispatch sends it meanwhile
    lease_until     TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    last_error      TEXT
);
CREATE INDEX IF NOT EXISTS notifications_due ON notifications(next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE IF NOT EXISTS notification_attempts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id INTEGER NOT NULL REFERENCES notifications(notification_id),
    attempt         INTEGER NOT NULL,
    at              TEXT NOT NULL,
    http_status     INTEGER,
    outcome         TEXT NOT NULL,
    detail          TEXT
);

-- Simulator state that must survive a restart: the clock offset, forced outcomes, faults.
CREATE TABLE IF NOT EXISTS sim_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Wrong payment passwords, counted per payment and account: five lock that account for
-- that payment only, so one cashier link cannot lock a shared test account for everyone
-- (issue 23). A table of its own: data folders made before it gain it.
CREATE TABLE IF NOT EXISTS password_tries (
    payment_id   TEXT NOT NULL,
    account_id   TEXT NOT NULL REFERENCES accounts(account_id),
    failed_tries INTEGER NOT NULL,
    locked_at    TEXT,
    PRIMARY KEY (payment_id, account_id)
);
CREATE INDEX IF NOT EXISTS password_tries_by_account ON password_tries (account_id);
