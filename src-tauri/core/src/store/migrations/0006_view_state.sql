-- What the rep left on screen, per account (the Pipeline screen's filters, view and sort),
-- so the window reopens as it was. JSON written and validated by the app.
CREATE TABLE view_state (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;
