-- New chatter messages on leads are pulled by id (mail.message ids only grow), for the
-- "new WhatsApp message on a lead I own" notification: `last_id` is the newest message id
-- the sync has looked at (row model 'mail.message'). NULL: never, the next sync starts
-- from Odoo's newest (history is not news).
ALTER TABLE sync_cursor ADD COLUMN last_id INTEGER;

-- Two more notification categories: a new WhatsApp message on one of my leads, and a
-- summary of several. SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE notification_v8 (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    odoo_uid   INTEGER NOT NULL,
    category   TEXT NOT NULL
        CHECK (category IN ('new_lead', 'new_leads', 'assigned', 'conflict', 'failed_push',
                            'message', 'messages')),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    lead_id    INTEGER,
    count      INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    read_at    TEXT
) STRICT;

INSERT INTO notification_v8 (id, account_id, odoo_uid, category, title, body, lead_id, count,
                             created_at, read_at)
SELECT id, account_id, odoo_uid, category, title, body, lead_id, count, created_at, read_at
FROM notification;

DROP TABLE notification;
ALTER TABLE notification_v8 RENAME TO notification;

CREATE INDEX notification_inbox ON notification (account_id, odoo_uid, id);
CREATE INDEX notification_unread ON notification (account_id, odoo_uid) WHERE read_at IS NULL;
