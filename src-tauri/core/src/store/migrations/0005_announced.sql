-- Leads already announced (or already visible) per account: a lead is announced as new at
-- most once, ever, even if it leaves the rep's view and comes back (crm_core::notify).
-- Kept apart from `lead`, whose rows come and go with visibility.
CREATE TABLE announced_lead (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    lead_id    INTEGER NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (account_id, lead_id)
) STRICT, WITHOUT ROWID;
