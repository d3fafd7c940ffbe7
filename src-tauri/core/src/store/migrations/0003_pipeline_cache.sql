-- pipeline_cache: the local mirror of each account's pipeline, the outbox of edits made
-- here, and the sync cursors. Every cached row belongs to one account and goes with it
-- (ON DELETE CASCADE): removing an account removes its cache.

-- Who the account logs in as, and how the last sync went. The API key is still never here.
ALTER TABLE account ADD COLUMN uid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
ALTER TABLE account ADD COLUMN partner_id INTEGER;
ALTER TABLE account ADD COLUMN server_version TEXT NOT NULL DEFAULT '';
ALTER TABLE account ADD COLUMN transport TEXT NOT NULL DEFAULT '';
-- The account shown in the UI; at most one (the partial unique index below).
ALTER TABLE account ADD COLUMN is_current INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1));
ALTER TABLE account ADD COLUMN last_synced_at TEXT;
ALTER TABLE account ADD COLUMN last_error TEXT;
ALTER TABLE account ADD COLUMN last_error_kind TEXT;
CREATE UNIQUE INDEX account_one_current ON account (is_current) WHERE is_current = 1;

CREATE TABLE stage (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    name       TEXT NOT NULL,
    sequence   INTEGER NOT NULL,
    is_won     INTEGER NOT NULL,
    fold       INTEGER NOT NULL,
    team_ids   TEXT NOT NULL, -- JSON array of crm.team ids; [] = every team
    PRIMARY KEY (account_id, id)
) STRICT;

-- Small named records: kind is one of tag, lost_reason, team, source, medium.
CREATE TABLE lookup (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    id         INTEGER NOT NULL,
    name       TEXT NOT NULL,
    color      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, kind, id)
) STRICT;

CREATE TABLE odoo_user (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    name       TEXT NOT NULL,
    login      TEXT NOT NULL,
    partner_id INTEGER,
    PRIMARY KEY (account_id, id)
) STRICT;

CREATE TABLE partner (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    name       TEXT NOT NULL,
    email      TEXT,
    phone      TEXT,
    mobile     TEXT,
    is_company INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT;

-- Leads as the rep sees them: Odoo's values with the rep's pending edits applied on top.
-- Leads created here and not yet pushed have a negative id and a client_key. The names of
-- stages, users, teams, lost reasons, sources and mediums are joined from their mirrored
-- tables when read (so a renamed stage shows its new name, and a page stores less).
CREATE TABLE lead (
    account_id       INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    id               INTEGER NOT NULL,
    client_key       TEXT,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('lead', 'opportunity')),
    active           INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    stage_id         INTEGER,
    user_id          INTEGER,
    team_id          INTEGER,
    partner_id       INTEGER,
    partner_name     TEXT,
    tag_ids          TEXT NOT NULL, -- JSON array
    contact_name     TEXT,
    company_name     TEXT,
    email            TEXT,
    phone            TEXT,
    mobile           TEXT,
    description      TEXT,
    expected_revenue REAL NOT NULL,
    probability      REAL NOT NULL,
    priority         INTEGER NOT NULL,
    lost_reason_id   INTEGER,
    source_id        INTEGER,
    medium_id        INTEGER,
    campaign_id      INTEGER,
    campaign_name    TEXT,
    deadline         TEXT,
    closed_at        TEXT,
    created_at       TEXT,
    updated_at       TEXT, -- Odoo's write_date (UTC, seconds)
    synced_at        TEXT, -- when this row was last read from Odoo; NULL = re-read it
    PRIMARY KEY (account_id, id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX lead_client_key ON lead (account_id, client_key) WHERE client_key IS NOT NULL;
CREATE INDEX lead_stage ON lead (account_id, stage_id);
CREATE INDEX lead_partner ON lead (account_id, partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX lead_stale ON lead (account_id) WHERE synced_at IS NULL;

CREATE TABLE message (
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    id          INTEGER NOT NULL, -- negative: a note written here, not yet pushed
    lead_id     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    internal    INTEGER NOT NULL,
    author_id   INTEGER,
    author_name TEXT,
    date        TEXT,
    PRIMARY KEY (account_id, id)
) STRICT;
CREATE INDEX message_lead ON message (account_id, lead_id, id);

-- Edits made here, in the order they were made, until Odoo has them. `base` is the lead as
-- it was when the edit was made: the reference for conflict detection.
CREATE TABLE outbox (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    lead_id          INTEGER NOT NULL,
    edit             TEXT NOT NULL, -- JSON, crm_core::sync::Edit
    base             TEXT NOT NULL, -- JSON, crm_core::sync::Base
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed', 'conflict')),
    error            TEXT,
    error_kind       TEXT,
    conflicts        TEXT, -- JSON, [crm_core::sync::Conflict]
    attempts         INTEGER NOT NULL DEFAULT 0,
    first_attempt_at TEXT,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_account ON outbox (account_id, seq);

-- Where each model's incremental pull stands. While a window is being paged, window_*
-- are set and a crash resumes after window_after_id; when it completes, cursor = until.
CREATE TABLE sync_cursor (
    account_id      INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    model           TEXT NOT NULL,
    cursor          TEXT,
    window_since    TEXT,
    window_until    TEXT,
    window_after_id INTEGER,
    reconciled_at   TEXT,
    PRIMARY KEY (account_id, model)
) STRICT;
