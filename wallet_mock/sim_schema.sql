-- The control plane's state: what tests have asked the wallet to do next. Kept in the
-- database so that it survives a restart like everything else. An entry may be scoped
-- to one merchant (client_id) and/or one payment (payment_request_id); NULL is "any".
CREATE TABLE IF NOT EXISTS forced_outcomes (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    outcome            TEXT NOT NULL,
    client_id          TEXT,
    payment_request_id TEXT,
    remaining          INTEGER NOT NULL CHECK (remaining > 0),
    created_at         TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS api_faults (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    phase      TEXT NOT NULL,
    delay_ms   INTEGER NOT NULL DEFAULT 0,
    remaining  INTEGER NOT NULL CHECK (remaining > 0),
    client_id          TEXT,
    payment_request_id TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS notify_faults (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    delay_ms   INTEGER NOT NULL DEFAULT 0,
    remaining  INTEGER NOT NULL CHECK (remaining > 0),
    client_id          TEXT,
    payment_request_id TEXT,
    created_at TEXT NOT NULL
);

-- Digests of the secrets returned at a merchant's first registration: replacing its key
-- or notify URL needs the secret or a request signed with the current key
-- (wallet_mock/ownership.py). A table of its own: data folders made before it gain it.
CREATE TABLE IF NOT EXISTS merchant_secrets (
    client_id     TEXT PRIMARY KEY REFERENCES merchants(client_id),
    secret_sha256 TEXT NOT NULL
);
