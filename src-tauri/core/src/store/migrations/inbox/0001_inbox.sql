-- crm-bridge's own database (bridge.sqlite3 in BRIDGE_DATA_DIR), separate from CRM Desk's.
-- Times are Unix milliseconds (UTC).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- Every webhook POST that passed the signature check, byte for byte as Meta sent it,
-- committed before the 200 goes back. `expanded` once its messages and statuses are rows below.
CREATE TABLE delivery (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    body        BLOB NOT NULL,
    expanded    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX delivery_unexpanded ON delivery (id) WHERE expanded = 0;

-- One row per WhatsApp message (the unit of work), deduplicated by WhatsApp's message id.
-- `payload` is the message with its sender, as crm-bridge parsed it (JSON).
CREATE TABLE message (
    id              INTEGER PRIMARY KEY,
    wamid           TEXT NOT NULL UNIQUE,
    delivery_id     INTEGER NOT NULL REFERENCES delivery (id),
    sender          TEXT NOT NULL,
    received_at     INTEGER NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    error_kind      TEXT,
    lead_id         INTEGER,
    odoo_message_id INTEGER,
    finished_at     INTEGER,
    alerted         INTEGER NOT NULL DEFAULT 0
) STRICT;
-- The worker takes the oldest pending message of each sender (messages of one sender in order).
CREATE INDEX message_pending ON message (sender, id) WHERE state = 'pending';
-- When the next retry is due, without reading every waiting message.
CREATE INDEX message_due ON message (next_attempt_at) WHERE state = 'pending';
CREATE INDEX message_dead ON message (id) WHERE state = 'dead';

-- Delivery receipts of messages the business sent: recorded, not turned into leads.
-- Deduplicated by (message id, status), as Meta may send each more than once.
CREATE TABLE status (
    wamid       TEXT NOT NULL,
    status      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    recipient   TEXT,
    errors      TEXT,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (wamid, status)
) STRICT;

-- Admin alerts about dead letters; each channel is marked when delivered.
CREATE TABLE alert (
    id             INTEGER PRIMARY KEY,
    created_at     INTEGER NOT NULL,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    message_ids    TEXT NOT NULL,
    odoo_done_at   INTEGER,
    webhook_done_at INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT
) STRICT;

-- Small counters (the round-robin position of salespersons).
CREATE TABLE counter (
    name  TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) STRICT;
