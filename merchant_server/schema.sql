-- The reference merchant's orders. Money is INTEGER minor units.
CREATE TABLE IF NOT EXISTS orders (
    order_id           TEXT PRIMARY KEY,
    status             TEXT NOT NULL,
    currency           TEXT NOT NULL,
    amount             INTEGER NOT NULL CHECK (amount > 0),
    lines_json         TEXT NOT NULL,
    payment_request_id TEXT NOT NULL UNIQUE,
    payment_id         TEXT,
    payment_url        TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    paid_at            TEXT,
    paid_via           TEXT,
    wallet_result_code TEXT,
    -- when the reconciler next asks the wallet about an open order, and how often it has
    next_check_at      TEXT,
    checks             INTEGER NOT NULL DEFAULT 0,
    -- how many times the order was fulfilled: the exactly-once proof (must stay <= 1)
    fulfilled          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS orders_created ON orders(created_at);
CREATE INDEX IF NOT EXISTS orders_open ON orders(next_check_at) WHERE status IN ('CREATED', 'PAYING');

-- Every notification received, verified or not, for the record.
CREATE TABLE IF NOT EXISTS notifications_received (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at        TEXT NOT NULL,
    payment_request_id TEXT,
    payment_id         TEXT,
    verified           INTEGER NOT NULL,
    outcome            TEXT NOT NULL,
    body               TEXT NOT NULL
);
