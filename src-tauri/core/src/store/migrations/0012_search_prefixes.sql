-- search_prefixes: the search index also keeps every word's first 1, 2, 3 and 4 characters.
-- Search is prefix search ("moh" finds "Mohammed"): without these, a short prefix makes FTS5
-- merge the entries of every word that starts with it, ~20 ms for a first letter (or for
-- "lead", which starts 100,000 distinct e-mail words) over 100,000 leads; with them it reads
-- one entry, ~3 ms. They cost ~9 µs more a lead to index (in the background, after a sync)
-- and ~17 MB more per 100,000 leads (BENCHMARKS.md, "Search", session 7). FTS5 cannot add
-- prefixes to an index, so the index is rebuilt from the documents it stores.
CREATE VIRTUAL TABLE lead_search_prefixed USING fts5(
    document,
    tokenize = "unicode61 remove_diacritics 2 tokenchars '#'",
    prefix = '1 2 3 4'
);
INSERT INTO lead_search_prefixed (lead_search_prefixed, rank) VALUES ('automerge', 16);
INSERT INTO lead_search_prefixed (rowid, document) SELECT rowid, document FROM lead_search;
DROP TABLE lead_search;
ALTER TABLE lead_search_prefixed RENAME TO lead_search;
