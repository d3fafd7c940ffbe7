-- Facts about this database file itself: which app version created it and last opened it.
-- Support reads these when a user sends a database that misbehaves.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
