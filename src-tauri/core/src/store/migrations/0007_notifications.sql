-- The notification centre, and what the notification rule needs to see changes cheaply.
--
-- `announced_lead.user_id`: the salesperson a lead had when last seen by the rule, so a
-- sync can find "newly assigned to me" by comparing with the cache, without a snapshot of
-- every lead before each sync.
ALTER TABLE announced_lead ADD COLUMN user_id INTEGER;

-- One row per notification, per account and Odoo user (an account is one Odoo user; the uid
-- is kept so a re-added account for another user never shows the previous user's items).
-- Texts are the lead's own words (names, the message); the window words the category.
CREATE TABLE notification (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    odoo_uid   INTEGER NOT NULL,
    category   TEXT NOT NULL
        CHECK (category IN ('new_lead', 'new_leads', 'assigned', 'conflict', 'failed_push')),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    lead_id    INTEGER,
    count      INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    read_at    TEXT
) STRICT;

CREATE INDEX notification_inbox ON notification (account_id, odoo_uid, id);
CREATE INDEX notification_unread ON notification (account_id, odoo_uid) WHERE read_at IS NULL;

-- Leads seen before this migration keep the salesperson they have now: an upgrade must not
-- announce every assigned lead as "newly assigned".
UPDATE announced_lead SET user_id = (
    SELECT l.user_id FROM lead l
    WHERE l.account_id = announced_lead.account_id AND l.id = announced_lead.lead_id
);
