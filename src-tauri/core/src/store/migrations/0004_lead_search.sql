-- Full-text search over the cached leads (SQLite FTS5). The indexed text is built in Rust
-- (crm_core::search::document: Arabic spellings folded, phone numbers as '#'-marked digit
-- keys, '#' being a token character here so that short typed words never walk them).
-- rowid = account_id * 1e12 + lead id (ids of leads created here are negative).
CREATE VIRTUAL TABLE lead_search USING fts5(
    document,
    tokenize = "unicode61 remove_diacritics 2 tokenchars '#'"
);
-- Fewer, larger merges: the index is written in batches.
INSERT INTO lead_search (lead_search, rank) VALUES ('automerge', 16);

-- Leads whose index entry is stale (same key as lead_search.rowid). The triggers only queue:
-- indexing costs ~40 µs a lead, too much for the sync's page writes, so Store::index_search
-- does it in batches after a sync, and before any search.
CREATE TABLE lead_search_queue (key INTEGER PRIMARY KEY) STRICT;

-- (No INSERT OR IGNORE in these triggers: the upserts that fire them carry their own
-- ON CONFLICT clause, which would override the trigger's.)
CREATE TRIGGER lead_search_insert AFTER INSERT ON lead BEGIN
    INSERT INTO lead_search_queue (key)
    SELECT new.account_id * 1000000000000 + new.id
    WHERE NOT EXISTS (SELECT 1 FROM lead_search_queue
                      WHERE key = new.account_id * 1000000000000 + new.id);
END;

CREATE TRIGGER lead_search_update AFTER UPDATE OF id, name, contact_name, company_name,
    partner_name, email, description, phone, mobile ON lead BEGIN
    INSERT INTO lead_search_queue (key)
    SELECT old.account_id * 1000000000000 + old.id
    WHERE NOT EXISTS (SELECT 1 FROM lead_search_queue
                      WHERE key = old.account_id * 1000000000000 + old.id);
    INSERT INTO lead_search_queue (key)
    SELECT new.account_id * 1000000000000 + new.id
    WHERE NOT EXISTS (SELECT 1 FROM lead_search_queue
                      WHERE key = new.account_id * 1000000000000 + new.id);
END;

CREATE TRIGGER lead_search_delete AFTER DELETE ON lead BEGIN
    INSERT INTO lead_search_queue (key)
    SELECT old.account_id * 1000000000000 + old.id
    WHERE NOT EXISTS (SELECT 1 FROM lead_search_queue
                      WHERE key = old.account_id * 1000000000000 + old.id);
END;

-- Leads cached before this migration.
INSERT OR IGNORE INTO lead_search_queue (key) SELECT account_id * 1000000000000 + id FROM lead;
