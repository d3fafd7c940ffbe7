-- lead_status_check: the lead table's status CHECK as comparisons instead of an IN list.
-- SQLite evaluates `status IN ('open', 'won', 'lost')` (three or more constants) by building
-- a throwaway b-tree of the list, once per statement: every stored lead opened and closed
-- one, ~1.2 µs of the ~5 µs of CPU a lead cost in the initial sync (BENCHMARKS.md,
-- "Sync", session 7). The same rule as comparisons costs nothing. SQLite cannot alter a
-- CHECK, so the table is rebuilt as in 0010, with the same columns, indexes and triggers;
-- `kind IN ('lead', 'opportunity')` stays: two constants are compared directly.
CREATE TABLE lead_keyed (
    key              INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    id               INTEGER NOT NULL,
    client_key       TEXT,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('lead', 'opportunity')),
    active           INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status = 'open' OR status = 'won' OR status = 'lost'),
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
    CHECK (key = account_id * 1000000000000 + id)
) STRICT;

INSERT INTO lead_keyed
SELECT key, account_id, id, client_key, name, kind, active, status,
       stage_id, user_id, team_id, partner_id, partner_name, tag_ids, contact_name,
       company_name, email, phone, mobile, description, expected_revenue, probability,
       priority, lost_reason_id, source_id, medium_id, campaign_id, campaign_name, deadline,
       closed_at, created_at, updated_at, synced_at
FROM lead;

-- Drops the old table's indexes and its two remaining search triggers with it.
DROP TABLE lead;
ALTER TABLE lead_keyed RENAME TO lead;

CREATE UNIQUE INDEX lead_client_key ON lead (account_id, client_key) WHERE client_key IS NOT NULL;
CREATE INDEX lead_stage ON lead (account_id, stage_id);
CREATE INDEX lead_partner ON lead (account_id, partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX lead_stale ON lead (account_id) WHERE synced_at IS NULL;

-- As in 0010.
CREATE TRIGGER lead_search_update AFTER UPDATE OF key, name, contact_name, company_name,
    partner_name, email, description, phone, mobile ON lead BEGIN
    INSERT INTO lead_search_queue (key)
    SELECT old.key WHERE NOT EXISTS (SELECT 1 FROM lead_search_queue WHERE key = old.key);
    INSERT INTO lead_search_queue (key)
    SELECT new.key WHERE NOT EXISTS (SELECT 1 FROM lead_search_queue WHERE key = new.key);
END;

CREATE TRIGGER lead_search_delete AFTER DELETE ON lead BEGIN
    INSERT INTO lead_search_queue (key)
    SELECT old.key WHERE NOT EXISTS (SELECT 1 FROM lead_search_queue WHERE key = old.key);
END;
