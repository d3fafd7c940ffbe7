-- Odoo accounts the rep has connected. The API key is never stored here: it lives only in the
-- OS keyring, under the account's id.
CREATE TABLE account (
    id         INTEGER PRIMARY KEY,
    odoo_url   TEXT NOT NULL,
    database   TEXT NOT NULL,
    login      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (odoo_url, database, login)
) STRICT;
